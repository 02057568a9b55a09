// Typed text -> a menu choice, for chat channels and for callers who type instead of speaking. The word lists live
// in locales/<lng>/menu.json (keywords, numbers) so each language adds its own, including romanized spellings
// (Hinglish "samay", "insaan"), which no language detector recognises.
import { resolveLocale, resourceOf, supportedLocales } from '../../i18n/i18n.ts';
import type { SupportedLocale } from '../../i18n/i18n.ts';

/** What a customer can ask for by word, most important first: when one message names two, the first wins. */
export const intents = ['human', 'book', 'hours', 'goodbye', 'menu', 'repeat'] as const;
export type Intent = (typeof intents)[number];

export type TextMatch =
  | { readonly type: 'digit'; readonly digit: string }
  | {
      readonly type: 'intent';
      readonly intent: Intent;
      /** The language whose list matched. */
      readonly locale: SupportedLocale;
      /** The matched words are in a script only that language uses here, so it is safe to switch to it. */
      readonly nativeScript: boolean;
    };

/** Number words only count in short replies ("two", "dusra"), not inside sentences where they mean something else. */
const MAX_TOKENS_FOR_NUMBER_WORD = 3;

interface Phrase {
  readonly intent: Intent;
  readonly tokens: readonly string[];
  readonly nativeScript: boolean;
}

interface LocaleTable {
  readonly locale: SupportedLocale;
  readonly phrases: readonly Phrase[];
  readonly numbers: ReadonlyMap<string, string>;
}

// Built on first use per language, after initI18n(); the lists never change while the process runs.
const tables = new Map<SupportedLocale, LocaleTable>();

/**
 * Lower-cased tokens with the spelling variants people type for the same word made equal: Devanagari digits to
 * ASCII, nukta dropped (ज़ / ज), chandrabindu as anusvara (दबाएँ / दबाएं).
 */
export function tokenize(text: string): string[] {
  const folded = text
    .normalize('NFD')
    .replace(/\u093C/gu, '')
    .replace(/\u0901/gu, '\u0902')
    .replace(/[\u0966-\u096F]/gu, (d) => String(d.charCodeAt(0) - 0x0966))
    .normalize('NFC')
    .toLowerCase();
  return folded.split(/[^\p{L}\p{M}\p{N}*#]+/u).filter((token) => token.length > 0);
}

function isLatin(tokens: readonly string[]): boolean {
  return tokens.every((token) => /^[\p{Script=Latin}\p{N}]+$/u.test(token));
}

function tableFor(locale: SupportedLocale): LocaleTable {
  let table = tables.get(locale);
  if (table) return table;
  const phrases: Phrase[] = [];
  const keywords = resourceOf(locale, 'menu', 'keywords') as Partial<Record<Intent, unknown>> | undefined;
  for (const intent of intents) {
    const list = keywords?.[intent];
    if (!Array.isArray(list)) continue;
    for (const word of list) {
      if (typeof word !== 'string') continue;
      const tokens = tokenize(word);
      if (tokens.length > 0) phrases.push({ intent, tokens, nativeScript: !isLatin(tokens) });
    }
  }
  const numbers = new Map<string, string>();
  const numberLists = resourceOf(locale, 'menu', 'numbers') as Record<string, unknown> | undefined;
  for (const [digit, list] of Object.entries(numberLists ?? {})) {
    if (!Array.isArray(list)) continue;
    for (const word of list) if (typeof word === 'string') numbers.set(tokenize(word).join(' '), digit);
  }
  table = { locale, phrases, numbers };
  tables.set(locale, table);
  return table;
}

function containsPhrase(tokens: readonly string[], phrase: readonly string[]): boolean {
  outer: for (let start = 0; start + phrase.length <= tokens.length; start++) {
    for (let i = 0; i < phrase.length; i++) if (tokens[start + i] !== phrase[i]) continue outer;
    return true;
  }
  return false;
}

/**
 * Reads a typed message. A lone digit ("2", "२", "*") wins; then keywords of every supported language (the
 * session's language first on a tie, so "time" stays English in an English chat); then number words in short
 * replies. Undefined when nothing matched.
 */
export function matchText(text: string, locale: string): TextMatch | undefined {
  const tokens = tokenize(text);
  if (tokens.length === 0) return undefined;

  const digit = tokens.find((token) => /^[0-9*#]$/u.test(token));
  if (digit !== undefined) return { type: 'digit', digit };

  const own = resolveLocale(locale);
  const order = [own, ...supportedLocales.filter((lng) => lng !== own)];
  let best: { intent: Intent; locale: SupportedLocale; nativeScript: boolean; rank: number } | undefined;
  for (const lng of order) {
    for (const phrase of tableFor(lng).phrases) {
      const rank = intents.indexOf(phrase.intent);
      if (best !== undefined && rank >= best.rank) continue;
      if (containsPhrase(tokens, phrase.tokens)) best = { intent: phrase.intent, locale: lng, nativeScript: phrase.nativeScript, rank };
    }
  }
  if (best) return { type: 'intent', intent: best.intent, locale: best.locale, nativeScript: best.nativeScript };

  if (tokens.length <= MAX_TOKENS_FOR_NUMBER_WORD) {
    for (const lng of order) {
      const numbers = tableFor(lng).numbers;
      for (const token of tokens) {
        const found = numbers.get(token);
        if (found !== undefined) return { type: 'digit', digit: found };
      }
    }
  }
  return undefined;
}
