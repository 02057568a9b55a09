// What the formatting functions need to know about a locale: its language and region (with this product's
// defaults: a bare "bn" is Indian Bengali, a bare "es" is Latin-American Spanish), home currency and time zone, and
// the tags that select Latin or native digits.
import { DIGIT_WORDS } from './number-words.ts';

export interface DigitsOption {
  /** Use the locale's own digits (१२३, ১২৩ ...) instead of Latin ones. */
  readonly nativeDigits?: boolean;
}

const INDIAN_LANGUAGES = new Set(['hi', 'ta', 'te', 'bn', 'mr', 'kn']);
/** Regions assumed when a locale names none: this product serves India and Latin America. */
const DEFAULT_REGION: Readonly<Record<string, string>> = {
  hi: 'IN', ta: 'IN', te: 'IN', bn: 'IN', mr: 'IN', kn: 'IN', pt: 'BR', es: '419',
};
/** Each Indian language's own digits, for nativeDigits. */
export const NATIVE_NUMBERING: Readonly<Record<string, string>> = {
  hi: 'deva', mr: 'deva', bn: 'beng', ta: 'tamldec', te: 'telu', kn: 'knda',
};
export const HOME_CURRENCY: Readonly<Record<string, string>> = {
  IN: 'INR', BR: 'BRL', MX: 'MXN', '419': 'MXN', AR: 'ARS', CO: 'COP', CL: 'CLP', PE: 'PEN', UY: 'UYU', US: 'USD',
  BD: 'BDT',
};
const HOME_TIME_ZONE: Readonly<Record<string, string>> = {
  IN: 'Asia/Kolkata', BR: 'America/Sao_Paulo', MX: 'America/Mexico_City', '419': 'America/Mexico_City',
  AR: 'America/Argentina/Buenos_Aires', CO: 'America/Bogota', CL: 'America/Santiago', PE: 'America/Lima',
  UY: 'America/Montevideo', BD: 'Asia/Dhaka',
};

export interface LocaleInfo {
  readonly language: string;
  readonly region: string | undefined;
  readonly indian: boolean;
  /** Key into the word tables (English for languages without a row). */
  readonly words: string;
  /** The tag to format with, Latin digits ("mr-IN-u-nu-latn"); nativeTag has the language's own. */
  readonly latnTag: string;
  readonly nativeTag: string;
}

const localeCache = new Map<string, LocaleInfo>();

/** Parsed once per locale string; throws RangeError for a malformed tag. */
export function localeInfo(locale: string): LocaleInfo {
  let found = localeCache.get(locale);
  if (found === undefined) {
    const parsed = new Intl.Locale(locale);
    const language = parsed.language;
    const region = parsed.region ?? DEFAULT_REGION[language];
    const withRegion = region === undefined ? {} : { region };
    found = {
      language,
      region,
      // Bangladesh counts in lakh and crore too, so the Indian languages do whatever the region.
      indian: INDIAN_LANGUAGES.has(language) || (language === 'en' && region === 'IN'),
      words: language in DIGIT_WORDS ? language : 'en',
      latnTag: new Intl.Locale(locale, { ...withRegion, numberingSystem: 'latn' }).toString(),
      nativeTag: new Intl.Locale(locale, { ...withRegion, numberingSystem: NATIVE_NUMBERING[language] ?? 'latn' })
        .toString(),
    };
    localeCache.set(locale, found);
  }
  return found;
}

export function tagOf(locale: LocaleInfo, options: DigitsOption): string {
  return options.nativeDigits === true ? locale.nativeTag : locale.latnTag;
}

/** The currency a locale's businesses price in: INR for the Indian locales, BRL for pt-BR, MXN for es-419. */
export function defaultCurrency(locale: string): string {
  const { region } = localeInfo(locale);
  const currency = region === undefined ? undefined : HOME_CURRENCY[region];
  if (currency === undefined) throw new RangeError(`no default currency for locale "${locale}": pass options.currency`);
  return currency;
}

/** The time zone assumed for a locale when the business configures none (UTC when the region is unknown). */
export function defaultTimeZone(locale: string): string {
  const { region } = localeInfo(locale);
  return (region === undefined ? undefined : HOME_TIME_ZONE[region]) ?? 'UTC';
}
