// Renders the menu's say actions as words in the caller's language: spoken wording for voice, the `_text` variant
// for chat, and moments as a person says them ("tomorrow at 10 in the morning", "कल सुबह 10 बजे").
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
}

export function renderPrompt(action: SayAction, context: PromptContext): string {
  const vars: Record<string, unknown> = { business: context.business };
  if (action.digit !== undefined) vars['digit'] = action.digit;
  if (action.time !== undefined) vars['when'] = sayMoment(action.time.iso, action.time.timeZone, context);
  if (context.text) vars['context'] = 'text'; // i18next falls back to the plain key when no `_text` variant exists
  return t(context.locale, action.key, vars);
}

/** The texts of one response, one per prompt (the session speaks them one by one and joins the transcript). */
export function renderPrompts(actions: readonly SayAction[], context: PromptContext): string[] {
  return actions.map((action) => renderPrompt(action, context));
}

const DAY_MS = 86_400_000;
const MAX_WEEKDAY_ONLY_DAYS = 6;

/** The locale Intl formats with: the caller's own tag when its language is the one the texts are in. */
function formatLocale(locale: string): string {
  const served = resolveLocale(locale);
  try {
    const tag = Intl.getCanonicalLocales(locale)[0];
    if (tag !== undefined && tag.toLowerCase().split('-')[0] === served) return tag;
  } catch {
    // not a BCP 47 tag: use the language the texts are in
  }
  return served;
}

function calendarDay(epochMs: number, timeZone: string): number {
  // en-CA formats as YYYY-MM-DD; the day number only serves to count days between two dates.
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(epochMs);
  return Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(5, 7)) - 1, Number(ymd.slice(8, 10))) / DAY_MS;
}

/** A slot's start in words: relative day (today, tomorrow), weekday within a week, else weekday and date. */
export function sayMoment(iso: string, timeZone: string, context: Pick<PromptContext, 'locale' | 'now'>): string {
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
  // dayPeriod 'long' reads as people speak: "10 in the morning", "सुबह 10"; minutes only when there are some.
  const minutes = new Intl.DateTimeFormat('en', { timeZone, minute: 'numeric' }).format(at);
  const time = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: 'numeric',
    ...(Number(minutes) === 0 ? {} : { minute: '2-digit' }),
    dayPeriod: 'long',
  }).format(at);
  return t(context.locale, 'booking:when', { day, time });
}
