// Query parameters of the admin analytics and conversation list endpoints, checked: a bad value is answered with a
// 400 that names the parameter and what it accepts, instead of an empty chart that looks like no traffic.
import { INTENTS } from '../agent/intents.ts';
import { GROUP_BYS, OUTCOMES, type AnalyticsFilter, type GroupBy } from '../analytics/analytics-types.ts';
import { MAX_RANGE_DAYS } from '../analytics/analytics-store.ts';
import { addDays, dayCount, daysBetween, isDay, utcDay } from '../analytics/days.ts';
import { LANGUAGE_LABELS } from '../analytics/labels.ts';

/** The channels the gateway has (their registry names). */
export const DEFAULT_CHANNELS: readonly string[] = ['twilio', 'whatsapp', 'web'];
/** Without `from`, the range is the week ending at `to`. */
const DEFAULT_DAYS = 7;

/** A query the admin API refuses; its message goes to the client. */
export class QueryError extends Error {}

/** An absent or empty parameter both mean "not given", so a form can send every field. */
function given(query: Readonly<Record<string, string>>, name: string): string | undefined {
  const value = query[name];
  return value === undefined || value === '' ? undefined : value;
}

function oneOf(query: Readonly<Record<string, string>>, name: string, allowed: readonly string[]): string | undefined {
  const value = given(query, name);
  if (value !== undefined && !allowed.includes(value)) throw new QueryError(`${name} must be one of ${allowed.join(', ')}`);
  return value;
}

export function parseFilter(query: Readonly<Record<string, string>>, channels: readonly string[]): AnalyticsFilter {
  const filter: Record<string, string> = {};
  const fields: Array<[keyof AnalyticsFilter, readonly string[]]> = [
    ['intent', INTENTS],
    ['outcome', OUTCOMES],
    ['channel', channels],
    ['language', LANGUAGE_LABELS],
  ];
  for (const [name, allowed] of fields) {
    const value = oneOf(query, name, allowed);
    if (value !== undefined) filter[name] = value;
  }
  return filter;
}

export function parseGroupBy(query: Readonly<Record<string, string>>): GroupBy {
  return (oneOf(query, 'groupBy', GROUP_BYS) as GroupBy | undefined) ?? 'intent';
}

export interface DayRange {
  readonly from: string;
  readonly to: string;
  readonly days: readonly string[];
}

/** `from` and `to` (UTC days, both included); defaults: to today, from six days before `to`. */
export function parseRange(query: Readonly<Record<string, string>>, now: number): DayRange {
  const day = (name: string) => {
    const value = given(query, name);
    if (value !== undefined && !isDay(value)) throw new QueryError(`${name} must be a date as YYYY-MM-DD`);
    return value;
  };
  const to = day('to') ?? utcDay(now);
  const from = day('from') ?? addDays(to, 1 - DEFAULT_DAYS);
  if (from > to) throw new QueryError(`from (${from}) is after to (${to})`);
  const count = dayCount(from, to);
  if (count > MAX_RANGE_DAYS) throw new QueryError(`the range is ${count} days; at most ${MAX_RANGE_DAYS} can be asked at once`);
  return { from, to, days: daysBetween(from, to) };
}
