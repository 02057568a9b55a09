// The dashboard's SVG charts, drawn by hand: stacked bars per day, lines per day, and a row's sparkline. Each chart
// is an <svg role="img"> whose aria-label reads out every figure (a screen reader hears the data, not the shapes),
// with axes, tick labels and a legend; the page also shows the same figures in a table.
import { bands, linearScale, maxOf, niceTicks, stack } from './chart-scale.js';
import { day } from './format.js';
import { h, s } from './dom.js';

const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = { top: 14, right: 14, bottom: 30, left: 68 };
/** At most this many day labels under an axis; the others are skipped so they never overlap. */
const MAX_X_LABELS = 8;

/**
 * Bars per day, one segment per series laid on the previous (a single series is a plain bar chart).
 * series: [{ name, colour, dash?, values: number[] (one per day) }]; format writes a value for ticks and the label;
 * integer keeps the axis on whole numbers (counts).
 */
export function stackedBarChart({ id, title, days, series, format, integer = false }) {
  const totals = days.map((_, index) => series.reduce((sum, one) => sum + (one.values[index] ?? 0), 0));
  const { plot, y, x } = frame(days, maxOf(totals), format, integer);
  days.forEach((key, index) => {
    const segments = stack(series.map((one) => one.values[index] ?? 0));
    const parts = series.map((one) => `${one.name} ${format(one.values[index] ?? 0)}`);
    const bar = s('g', { class: 'bar', 'data-day': key }, s('title', {}, `${day(key)}: ${parts.join(', ')}`));
    segments.forEach((segment, at) => {
      if (segment.to === segment.from) return;
      const top = y(segment.to);
      bar.append(s('rect', { class: 'segment', 'data-series': series[at].name, x: x.start(index), width: x.size, y: top, height: y(segment.from) - top, fill: series[at].colour }));
    });
    plot.append(bar);
  });
  const described = days.map((key, index) => {
    const parts = series.length > 1 ? ` (${series.map((one) => `${one.name} ${format(one.values[index] ?? 0)}`).join(', ')})` : '';
    return `${day(key)}: ${format(totals[index])}${parts}`;
  });
  return figure(id, title, plot.ownerSVGElement, `${title}. ${described.join('; ')}.`, series);
}

/** One line per series across the days; a day without a value (null) breaks the line and has no point. */
export function lineChart({ id, title, days, series, format }) {
  const { plot, y, x } = frame(days, maxOf(series.flatMap((one) => one.values)), format);
  for (const one of series) {
    let path = '';
    let drawing = false;
    const points = [];
    days.forEach((key, index) => {
      const value = one.values[index];
      if (typeof value !== 'number') {
        drawing = false;
        return;
      }
      const px = x.centre(index);
      const py = y(value);
      path += `${drawing ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`;
      drawing = true;
      points.push(s('circle', { class: 'point', 'data-series': one.name, 'data-day': key, cx: px, cy: py, r: 4, fill: one.colour }, s('title', {}, `${day(key)}: ${one.name} ${format(value)}`)));
    });
    // A dashed line (p95) is told from a solid one without its colour.
    plot.append(s('path', { class: 'line', d: path || 'M0,0', stroke: one.colour, fill: 'none', 'stroke-width': 2, ...(one.dash ? { 'stroke-dasharray': one.dash } : {}) }), ...points);
  }
  const described = days.map((key, index) => {
    const parts = series.map((one) => `${one.name} ${typeof one.values[index] === 'number' ? format(one.values[index]) : 'no data'}`);
    return `${day(key)}: ${parts.join(', ')}`;
  });
  return figure(id, title, plot.ownerSVGElement, `${title}. ${described.join('; ')}.`, series);
}

/** A row's trend: conversations per day as a small line, with its figures in the label. */
export function sparkline(values, label) {
  const width = 96;
  const height = 24;
  const top = Math.max(1, maxOf(values));
  const x = linearScale([0, Math.max(1, values.length - 1)], [2, width - 2]);
  const y = linearScale([0, top], [height - 2, 2]);
  const points = values.map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
  return s('svg', { class: 'sparkline', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': `${label}: ${values.join(', ')}` },
    s('polyline', { points, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5 }));
}

/** The SVG with its y grid, tick labels and day labels; returns the group to draw in and the scales. */
function frame(days, max, format, integer = false) {
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const ticks = niceTicks(0, max, 5, integer);
  const y = linearScale([0, ticks[ticks.length - 1]], [innerHeight, 0]);
  const x = bands(days.length, innerWidth);
  const axes = s('g', { class: 'axes', 'aria-hidden': 'true' });
  for (const tick of ticks) {
    axes.append(
      s('line', { class: tick === 0 ? 'baseline' : 'grid', x1: 0, x2: innerWidth, y1: y(tick), y2: y(tick) }),
      s('text', { class: 'tick', x: -8, y: y(tick), 'text-anchor': 'end', 'dominant-baseline': 'middle' }, format(tick)),
    );
  }
  const stride = Math.ceil(days.length / MAX_X_LABELS);
  days.forEach((key, index) => {
    if ((days.length - 1 - index) % stride !== 0) return; // the newest day always gets its label
    axes.append(s('text', { class: 'tick', x: x.centre(index), y: innerHeight + 18, 'text-anchor': 'middle' }, day(key)));
  });
  const plot = s('g', { class: 'plot', transform: `translate(${MARGIN.left},${MARGIN.top})` }, axes);
  s('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', preserveAspectRatio: 'xMidYMid meet' }, plot);
  return { plot, y, x };
}

function figure(id, title, svg, label, series) {
  svg.setAttribute('aria-label', label);
  const legend = h('ul', { class: 'legend', 'aria-hidden': 'true' },
    series.map((one) => h('li', {}, s('svg', { width: 12, height: 12, viewBox: '0 0 12 12' }, s('rect', { width: 12, height: 12, rx: 2, fill: one.colour })), one.name)));
  return h('figure', { class: 'chart', 'data-chart': id }, h('figcaption', {}, title), svg, legend);
}
