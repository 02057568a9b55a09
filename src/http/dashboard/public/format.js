// How the dashboard writes numbers, money, durations and dates: Intl formatters in the browser's language, and an
// em dash wherever a figure is undefined (no completed conversation, no latency measured).

const DASH = '—';
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
const signed = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' });
const usdFormat = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 4 });
const ms = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'millisecond', maximumFractionDigits: 0 });
const seconds = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'second', maximumFractionDigits: 1 });
const minutes = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'minute', maximumFractionDigits: 1 });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const stampFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const known = (value) => typeof value === 'number' && Number.isFinite(value);

export const count = (value) => (known(value) ? integer.format(value) : DASH);
export const percent = (rate) => (known(rate) ? percentFormat.format(rate) : DASH);
export const sentiment = (value) => (known(value) ? signed.format(value) : DASH);
export const usd = (value) => (known(value) ? usdFormat.format(value) : DASH);

/** 840 ms, 12.5 sec, 3.2 min: the unit that keeps the figure short. */
export function duration(milliseconds) {
  if (!known(milliseconds)) return DASH;
  if (milliseconds < 1000) return ms.format(milliseconds);
  if (milliseconds < 60_000) return seconds.format(milliseconds / 1000);
  return minutes.format(milliseconds / 60_000);
}

/** A YYYY-MM-DD day key as "Nov 24" (the day is a UTC day, so it is shown as one). */
export function day(key) {
  const date = new Date(`${key}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? key : dayFormat.format(date);
}

/** An epoch-ms instant in the browser's time zone. */
export const stamp = (epochMs) => (known(epochMs) ? stampFormat.format(new Date(epochMs)) : DASH);

/** Time since the conversation started, as +m:ss.s: the timeline's clock. */
export function offset(milliseconds) {
  if (!known(milliseconds)) return DASH;
  const sign = milliseconds < 0 ? '−' : '+';
  const total = Math.abs(milliseconds) / 1000;
  const minutesPart = Math.floor(total / 60);
  const secondsPart = (total - minutesPart * 60).toFixed(1).padStart(4, '0');
  return `${sign}${minutesPart}:${secondsPart}`;
}

const CHANNEL_NAMES = { twilio: 'Phone', phone: 'Phone', whatsapp: 'WhatsApp', web: 'Web', total: 'Total' };

/** A channel's registry name (twilio) as operators call it (Phone); unknown names as they are. */
export const channelName = (name) => CHANNEL_NAMES[name] ?? name;

/** The YYYY-MM-DD of a UTC day `daysAgo` before today. */
export function utcDay(daysAgo, now = Date.now()) {
  return new Date(now - daysAgo * 86_400_000).toISOString().slice(0, 10);
}
