// Renders the menu's say actions as words in the caller's language: spoken wording for voice, the `_text` variant
// for chat, options of the language menu each in its own language, moments as a person says them ("tomorrow
// at 10 in the morning", "कल सुबह 10 बजे", "amanhã às 10h") and fees with their currency ("500 rupees", "₹500").
import { formatAmount, formatTime } from '../../i18n/format.ts';
import { resolveLocale, t } from '../../i18n/i18n.ts';
import type { SayAction } from './menu.ts';

export interface PromptContext {
  /** The session's locale (BCP 47); texts come from the supported language that serves it. */
  readonly locale: string;
  /** Chat wording ("reply 1") instead of phone wording ("press 1"). */
  readonly text: boolean;
  readonly business: string;
  /** Now, in epoch milliseconds: "today" and "tomorrow" depend on it. */
  readonly now: number;
  /** The language menu's options, in digit order (SayAction.language indexes it). */
  readonly languages?: readonly string[];
}

/** The locale an action is said in: its own for an option of the language menu, else the session's. */
export function promptLocale(action: SayAction, context: Pick<PromptContext, 'locale' | 'languages'>): string {
  return action.language === undefined ? context.locale : (context.languages?.[action.language] ?? context.locale);
}

export function renderPrompt(action: SayAction, context: PromptContext): string {
  const locale = promptLocale(action, context);
  if (action.written !== undefined && resolveLocale(action.written.locale) === resolveLocale(locale)) return action.written.text;
  const vars: Record<string, unknown> = { business: context.business };
  if (action.digit !== undefined) vars['digit'] = action.digit;
  if (action.count !== undefined) vars['count'] = action.count;
  if (action.language !== undefined) vars['language'] = t(locale, 'common:languageName');
  if (action.time !== undefined) vars['when'] = sayMoment(action.time.iso, action.time.timeZone, { ...context, locale });
  if (action.fee !== undefined) vars['fee'] = formatAmount(action.fee.amount, locale, { currency: action.fee.currency, style: context.text ? 'text' : 'speech' });
  if (context.text) vars['context'] = 'text'; // i18next falls back to the plain key when no `_text` variant exists
  return t(locale, action.key, vars);
}

const DAY_MS = 86_400_000;
const MAX_WEEKDAY_ONLY_DAYS = 6;

/**
 * The locale Intl formats with: the caller's own tag when its language is the one the texts are in (es-MX formats
 * as Mexico does), always with Latin digits, which the menu's keys use too (Marathi and Bengali default to their own).
 */
function formatLocale(locale: string): string {
  const served = resolveLocale(locale);
  let tag: string = served;
  try {
    const own = new Intl.Locale(Intl.getCanonicalLocales(locale)[0] ?? served);
    if (own.language === new Intl.Locale(served).language) tag = own.baseName;
  } catch {
    // not a BCP 47 tag: use the language the texts are in
  }
  return new Intl.Locale(tag, { numberingSystem: 'latn' }).toString();
}

function calendarDay(epochMs: number, timeZone: string): number {
  // en-CA formats as YYYY-MM-DD; the day number only serves to count days between two dates.
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(epochMs);
  return Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(5, 7)) - 1, Number(ymd.slice(8, 10))) / DAY_MS;
}

/** Languages that write hours as "10h", "14h30" on a 24-hour clock, and say them "dez horas", "catorze horas e trinta". */
const H_CLOCK_LANGUAGES = new Set(['pt']);

/**
 * The clock time in parts the locale's `booking:when` template orders itself: `clock` ("10", "2:30", "14h30"),
 * `period` ("in the morning", "सुबह", "" on a 24-hour clock) and the hour as `count`, which picks the plural form
 * (Spanish "a la 1" but "a las 10", Portuguese "à 1h" but "às 10h").
 */
function clockParts(at: number, timeZone: string, locale: string, textLocale: string, spoken: boolean): { clock: string; period: string; count: number } {
  // dayPeriod 'long' reads as people speak: "10 in the morning", "सुबह 10"; minutes only when there are some.
  const minutes = Number(new Intl.DateTimeFormat('en', { timeZone, minute: 'numeric' }).format(at));
  const parts = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: 'numeric',
    ...(minutes === 0 ? {} : { minute: '2-digit' }),
    dayPeriod: 'long',
  }).formatToParts(at);
  const value = (type: Intl.DateTimeFormatPartTypes): string => parts.find((part) => part.type === type)?.value ?? '';
  const hour = value('hour');
  const minute = value('minute');
  const period = value('dayPeriod');
  let clock: string;
  if (period === '' && H_CLOCK_LANGUAGES.has(new Intl.Locale(locale).language)) {
    // Written "14h30"; spoken in words, since speech synthesis reads the h as a letter ("catorze agá trinta").
    if (!spoken) clock = `${hour}h${minute}`;
    else clock = formatTime(new Date(at), textLocale, { style: 'speech', timeZone });
  } else clock = minute === '' ? hour : `${hour}:${minute}`;
  return { clock, period, count: Number(hour) };
}

const FIXED_OFFSET = /^([+-])(\d{2}):(\d{2})$/u;

/**
 * A fixed offset ("+05:30") in milliseconds, or undefined for an IANA zone name. Intl in Node 20 takes no offsets
 * as time zones, so a moment known only with its offset is shifted by it and said in UTC.
 */
function fixedOffsetMs(timeZone: string): number | undefined {
  const match = FIXED_OFFSET.exec(timeZone);
  if (!match) return undefined;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000;
}

/**
 * A slot's start in words: relative day (today, tomorrow), weekday within a week, else weekday and date. `timeZone`
 * is an IANA name, or a fixed offset ("+05:30") for a moment known only by the offset it was written with.
 */
export function sayMoment(iso: string, timeZone: string, context: Pick<PromptContext, 'locale' | 'now'> & { readonly text?: boolean }): string {
  const shift = fixedOffsetMs(timeZone);
  if (shift !== undefined) {
    const at = Date.parse(iso);
    if (Number.isNaN(at)) return iso;
    return sayMoment(new Date(at + shift).toISOString(), 'UTC', { ...context, now: context.now + shift });
  }
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const locale = formatLocale(context.locale);
  const days = calendarDay(at, timeZone) - calendarDay(context.now, timeZone);
  let day: string;
  if (days === 0 || days === 1) {
    day = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(days, 'day');
  } else if (days > 1 && days <= MAX_WEEKDAY_ONLY_DAYS) {
    day = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long' }).format(at);
  } else {
    day = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(at);
  }
  // A template may leave a part empty ("às 10h " on a 24-hour clock has no period): no double or trailing spaces.
  return t(context.locale, 'booking:when', { day, ...clockParts(at, timeZone, locale, context.locale, !context.text) })
    .replace(/\s+/gu, ' ')
    .trim();
}
