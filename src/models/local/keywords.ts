// Typed text -> a menu choice, for chat channels and for callers who type instead of speaking. The word lists live
// in locales/<lng>/menu.json (keywords, numbers) so each language adds its own, including romanized spellings
// (Hinglish "samay", Tanglish "neram") and stems of words that Indian languages inflect.
import { resolveLocale, resourceOf, supportedLocales } from '../../i18n/i18n.ts';
import type { SupportedLocale } from '../../i18n/i18n.ts';

/**
 * What a customer can ask for by word, most important first: when one message names two, the first wins. Opting out
 * of recording comes first because it must never be lost behind another request; asking for a person outranks the
 * bot question ("I don't want a bot, get me a person"), which in turn outranks everything the menu offers. Booking
 * outranks the status of a booking ("book my appointment"), which outranks the hours ("what time is my appointment").
 */
export const intents = ['noRecord', 'human', 'bot', 'book', 'status', 'hours', 'goodbye', 'menu', 'repeat'] as const;
export type Intent = (typeof intents)[number];

export type TextMatch =
  | { readonly type: 'digit'; readonly digit: string }
  | {
      readonly type: 'intent';
      readonly intent: Intent;
      /** Every intent the message names, most important first (`intent` is the first). */
      readonly intents: readonly Intent[];
      /** The language whose list matched. */
      readonly locale: SupportedLocale;
      /** The matched words are in a script only that language uses here, so it is safe to switch to it. */
      readonly nativeScript: boolean;
    };

/** Number words only count in short replies ("two", "dusra"), not inside sentences where they mean something else. */
const MAX_TOKENS_FOR_NUMBER_WORD = 3;

/**
 * Indian languages add case endings and particles to the word itself (நேரம் -> நேரத்தை, వ్యక్తి -> వ్యక్తితో,
 * व्यक्ती -> व्यक्तीशी): a keyword in such a script matches the start of a word when it has at least this many code
 * points, so the lists hold stems instead of every inflected form. Latin keywords match whole words only.
 */
const MIN_STEM_LENGTH = 3;

interface Phrase {
  readonly intent: Intent;
  readonly tokens: readonly string[];
  /** Per token: may match the start of a longer word. */
  readonly stems: readonly boolean[];
  readonly nativeScript: boolean;
}

interface LocaleTable {
  readonly locale: SupportedLocale;
  readonly phrases: readonly Phrase[];
  readonly numbers: ReadonlyMap<string, string>;
}

// Built on first use per language, after initI18n(); the lists never change while the process runs.
const tables = new Map<SupportedLocale, LocaleTable>();

/** Zero digit of each Indian script this gateway serves; the nine after it follow in order. */
const DIGIT_ZEROS = [0x0966, 0x09e6, 0x0be6, 0x0c66, 0x0ce6]; // Devanagari, Bengali, Tamil, Telugu, Kannada
const NATIVE_DIGIT = /[\u0966-\u096F\u09E6-\u09EF\u0BE6-\u0BEF\u0C66-\u0C6F\u0CE6-\u0CEF]/gu;

function asciiDigit(digit: string): string {
  const code = digit.charCodeAt(0);
  const zero = DIGIT_ZEROS.find((start) => code >= start && code <= start + 9) ?? code;
  return String(code - zero);
}

/**
 * Lower-cased tokens with the spelling variants people type for the same word made equal: Indian digits to ASCII,
 * Devanagari nukta dropped (ज़ / ज) and chandrabindu as anusvara (दबाएँ / दबाएं), zero-width joiners removed
 * (అపాయింట్‌మెంట్ / అపాయింట్మెంట్), accents dropped from Latin letters (não / nao, menú / menu).
 */
export function tokenize(text: string): string[] {
  const folded = text
    .normalize('NFD')
    .replace(/[\u200C\u200D]/gu, '')
    .replace(/\u093C/gu, '')
    .replace(/\u0901/gu, '\u0902')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .replace(NATIVE_DIGIT, asciiDigit)
    .normalize('NFC')
    .toLowerCase();
  return folded.split(/[^\p{L}\p{M}\p{N}*#]+/u).filter((token) => token.length > 0);
}

const isLatinToken = (token: string): boolean => /^[\p{Script=Latin}\p{N}]+$/u.test(token);

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
      if (tokens.length === 0) continue;
      const stems = tokens.map((token) => !isLatinToken(token) && [...token].length >= MIN_STEM_LENGTH);
      phrases.push({ intent, tokens, stems, nativeScript: !tokens.every(isLatinToken) });
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

const NOTHING: ReadonlySet<Intent> = new Set();

/** Where `phrase` starts in `tokens`, or -1. */
function findPhrase(tokens: readonly string[], phrase: Phrase): number {
  outer: for (let start = 0; start + phrase.tokens.length <= tokens.length; start++) {
    for (let i = 0; i < phrase.tokens.length; i++) {
      const token = tokens[start + i]!;
      const wanted = phrase.tokens[i]!;
      if (token !== wanted && !(phrase.stems[i] && token.startsWith(wanted))) continue outer;
    }
    return start;
  }
  return -1;
}

interface Found {
  readonly phrase: Phrase;
  readonly locale: SupportedLocale;
  readonly start: number;
  readonly end: number;
}

/** `inner` shares words with the longer `outer`: "real person" in "are you a real person" or "es usted una persona real". */
const overshadowed = (inner: Found, outer: Found): boolean =>
  inner.start < outer.end && outer.start < inner.end && outer.end - outer.start > inner.end - inner.start;

/**
 * Reads a typed message, leaving out the intents in `unoffered` (choices the menu does not offer now, whose words
 * then match as they did before those choices existed). A lone digit ("2", "२", "௨", "*") wins; then keywords of every supported language: words
 * matched by two phrases belong to the longer one ("are you a real person" asks about the bot, "real person" alone
 * asks for one), and among the rest the most important intent wins, the session's language first on a tie (so
 * "time" stays English in an English chat); then number words in short replies. Undefined when nothing matched.
 */
export function matchText(text: string, locale: string, unoffered: ReadonlySet<Intent> = NOTHING): TextMatch | undefined {
  const tokens = tokenize(text);
  if (tokens.length === 0) return undefined;

  const digit = tokens.find((token) => /^[0-9*#]$/u.test(token));
  if (digit !== undefined) return { type: 'digit', digit };

  const own = resolveLocale(locale);
  const order = [own, ...supportedLocales.filter((lng) => lng !== own)];
  const found: Found[] = [];
  for (const lng of order) {
    for (const phrase of tableFor(lng).phrases) {
      if (unoffered.has(phrase.intent)) continue;
      const start = findPhrase(tokens, phrase);
      if (start >= 0) found.push({ phrase, locale: lng, start, end: start + phrase.tokens.length });
    }
  }
  const standing = found.filter((inner) => !found.some((outer) => overshadowed(inner, outer)));
  if (standing.length > 0) {
    // Stable sort: on equal rank the session's own language, listed first, stays first.
    standing.sort((a, b) => intents.indexOf(a.phrase.intent) - intents.indexOf(b.phrase.intent));
    const best = standing[0]!;
    const named = intents.filter((intent) => standing.some((f) => f.phrase.intent === intent));
    return { type: 'intent', intent: best.phrase.intent, intents: named, locale: best.locale, nativeScript: best.phrase.nativeScript };
  }

  if (tokens.length <= MAX_TOKENS_FOR_NUMBER_WORD) {
    for (const lng of order) {
      const numbers = tableFor(lng).numbers;
      for (const token of tokens) {
        const number = numbers.get(token);
        if (number !== undefined) return { type: 'digit', digit: number };
      }
    }
  }
  return undefined;
}
