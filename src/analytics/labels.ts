// Label values for analytics metrics and groups, kept to small fixed sets: a value that arrives from outside (a
// locale a model reported, a channel name) can never add a new time series or a new dashboard group.
import { INTENTS, type Intent } from '../agent/intents.ts';
import { supportedLocales } from '../i18n/i18n.ts';
import { OUTCOMES, type Outcome } from './analytics-types.ts';

/** Stands for every value outside the served set. */
export const OTHER = 'other';

const LOCALE_BY_LOWER = new Map<string, string>(supportedLocales.map((locale) => [locale.toLowerCase(), locale]));

/** A served locale as spelled in locales/ (case-insensitive match), else 'other'. */
export function languageLabel(locale: string): string {
  return LOCALE_BY_LOWER.get(locale.toLowerCase()) ?? OTHER;
}

/** Every value languageLabel can return. */
export const LANGUAGE_LABELS: readonly string[] = [...supportedLocales, OTHER];

export function intentLabel(intent: string): Intent {
  return (INTENTS as readonly string[]).includes(intent) ? (intent as Intent) : 'other';
}

export function outcomeLabel(outcome: string): Outcome | typeof OTHER {
  return (OUTCOMES as readonly string[]).includes(outcome) ? (outcome as Outcome) : OTHER;
}

/** Channel names come from code (a registry line each), but are checked all the same. */
export function channelLabel(channel: string): string {
  return /^[a-z][a-z0-9_-]{0,31}$/.test(channel) ? channel : OTHER;
}
