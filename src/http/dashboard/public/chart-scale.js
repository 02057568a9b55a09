// The arithmetic of the dashboard's charts, with no DOM: nice axis ticks, linear scales, band positions and stacks.
// Kept apart from the drawing so Node can test it and the browser can load it as a plain ES module.

/**
 * Ticks at round steps (1, 2 or 5 times a power of ten) from zero, or the data's floor, up to at least `max`.
 * Returns at least two ticks, so an axis always has a bottom and a top even when every value is 0. With `integer`
 * (counts of conversations) no step is smaller than 1.
 */
export function niceTicks(min, max, count = 5, integer = false) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError('niceTicks needs finite bounds');
  if (max < min) [min, max] = [max, min];
  if (max === min) max = min + 1;
  const raw = niceStep((max - min) / Math.max(1, count - 1));
  const step = integer ? Math.max(1, raw) : raw;
  const first = Math.floor(min / step) * step;
  const ticks = [];
  // The loop bound guards against float drift adding or dropping the last tick.
  for (let value = first; value < max + step / 2; value += step) ticks.push(round(value, step));
  if (ticks[ticks.length - 1] < max) ticks.push(round(ticks[ticks.length - 1] + step, step));
  return ticks;
}

/** The smallest of 1, 2, 5, 10 times a power of ten that is at least `raw`. */
export function niceStep(raw) {
  if (!(raw > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps everything to r0. */
export function linearScale([d0, d1], [r0, r1]) {
  const span = d1 - d0;
  return (value) => (span === 0 ? r0 : r0 + ((value - d0) / span) * (r1 - r0));
}

/** `count` equal bands across `width`, each with `padding` (0..1) of its room left empty between neighbours. */
export function bands(count, width, padding = 0.2) {
  const room = count > 0 ? width / count : 0;
  const size = room * (1 - padding);
  return { size, start: (index) => index * room + (room - size) / 2, centre: (index) => index * room + room / 2 };
}

/** For stacked bars: where each value starts and ends when laid one on another, bottom first. */
export function stack(values) {
  let base = 0;
  return values.map((value) => {
    const segment = { from: base, to: base + value };
    base += value;
    return segment;
  });
}

/** The largest finite number among `values` (nulls skipped); `fallback` when there is none. */
export function maxOf(values, fallback = 0) {
  let max = -Infinity;
  for (const value of values) if (typeof value === 'number' && Number.isFinite(value) && value > max) max = value;
  return max === -Infinity ? fallback : max;
}

/** Rounds away float noise (0.30000000000000004) at the precision of `step`. */
function round(value, step) {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(decimals));
}
