// Amounts, dates and times, for speech (what a voice says: words, no symbols) and for text (chat
// messages). Pure functions over Intl; formatters are built once per locale and options and kept, because these run
// on every turn that mentions a price or a slot.
//
// What ICU 78 (Node 20) does, and what is corrected here:
// - Grouping: hi, ta, te, bn, mr and en-IN group numbers in lakh/crore, but kn does not, and mr's *currency* pattern
//   does not either. For Indian locales the integer part is regrouped 2-2-3.
// - Digits: bn and mr default to their own digits (beng, deva); every locale gets Latin digits unless nativeDigits.
// - Compact long notation gives thousand/lakh/crore words for hi, bn, mr and en-IN but "million" for ta, te and kn;
//   the words are read from Intl where it is right and from number-words.ts where it is not.
// - es-419 prints MXN as "MXN 1,234.50"; the home currency of a locale is shown with its narrow symbol ("$").
// - Clocks: every supported locale is 12-hour except pt-BR; dayPeriod "long" gives "10 in the morning",
//   "सुबह 10 बजे", "10 de la mañana".
import { defaultCurrency, defaultTimeZone, HOME_CURRENCY, localeInfo, tagOf } from './locale-info.ts';
import type { DigitsOption, LocaleInfo } from './locale-info.ts';
import { AMOUNT_JOINER, CURRENCY_WORDS, INDIAN_SCALE_WORDS, MINUS_WORD } from './number-words.ts';
import type { PluralWords } from './number-words.ts';

export { defaultCurrency, defaultTimeZone } from './locale-info.ts';
export type { DigitsOption } from './locale-info.ts';
export { speakDigits } from './speak-digits.ts';
export type { SpeakDigitsOptions } from './speak-digits.ts';

export type FormatStyle = 'speech' | 'text';

export interface AmountOptions extends DigitsOption {
  /** ISO 4217 code; the locale's home currency by default (INR, BRL; MXN for es-419). */
  readonly currency?: string;
  /** 'text' by default. */
  readonly style?: FormatStyle;
  /** Text only: the symbol the business prints, e.g. "MX$" where es-419 would print "$". */
  readonly currencySymbol?: string;
}

export interface DateTimeOptions extends DigitsOption {
  /** 'text' by default. */
  readonly style?: FormatStyle;
  /** IANA zone; by default the locale's main one (Asia/Kolkata, America/Sao_Paulo, America/Mexico_City). */
  readonly timeZone?: string;
  /** Say the year; text shows it by default, speech does not (the weekday already places the date). */
  readonly withYear?: boolean;
}

function memo<T>(make: (tag: string, options: object) => T): (tag: string, options: object) => T {
  const cache = new Map<string, T>();
  return (tag, options) => {
    const key = `${tag}|${JSON.stringify(options)}`;
    let value = cache.get(key);
    if (value === undefined) {
      value = make(tag, options);
      cache.set(key, value);
    }
    return value;
  };
}

const numberFormat = memo((tag, options) => new Intl.NumberFormat(tag, options as Intl.NumberFormatOptions));
const dateTimeFormat = memo((tag, options) => new Intl.DateTimeFormat(tag, options as Intl.DateTimeFormatOptions));
const pluralRules = memo((tag) => new Intl.PluralRules(tag));

// ---- numbers and amounts ----

/** Regroups the integer part 2-2-3 (1,23,45,678) whatever pattern the locale's data has for this format. */
function indianGrouping(parts: Intl.NumberFormatPart[]): Intl.NumberFormatPart[] {
  const digits = parts.filter((part) => part.type === 'integer').map((part) => part.value).join('');
  const separator = parts.find((part) => part.type === 'group')?.value ?? ',';
  const chars = [...digits];
  if (chars.length <= 3) return parts;
  const groups = [chars.slice(-3).join('')];
  for (let end = chars.length - 3; end > 0; end -= 2) groups.unshift(chars.slice(Math.max(0, end - 2), end).join(''));
  const out: Intl.NumberFormatPart[] = [];
  let placed = false;
  for (const part of parts) {
    if (part.type !== 'integer' && part.type !== 'group') out.push(part);
    else if (!placed) {
      out.push({ type: 'integer', value: groups.join(separator) });
      placed = true;
    }
  }
  return out;
}

/** A number for text: lakh/crore grouping in the Indian locales, Latin digits unless nativeDigits. */
export function formatNumber(value: number, locale: string, options: DigitsOption = {}): string {
  const loc = localeInfo(locale);
  const parts = numberFormat(tagOf(loc, options), {}).formatToParts(value);
  return (loc.indian ? indianGrouping(parts) : parts).map((part) => part.value).join('');
}

/**
 * An amount of money. Text: "₹1,23,45,678.90", "R$ 12.345.678,90", "$12,345,678.90" (es-419, MXN); whole amounts
 * drop ".00". Speech: "1 crore 23 lakh 45 thousand 678 rupees and 90 paise", "1 करोड़ 23 लाख 45 हज़ार 678 रुपये",
 * "12 milhões 345 mil 678 reais e 90 centavos": digits and scale words, which speech synthesis reads reliably.
 */
export function formatAmount(amount: number, locale: string, options: AmountOptions = {}): string {
  if (!Number.isFinite(amount)) throw new RangeError(`amount must be a finite number, got ${amount}`);
  const loc = localeInfo(locale);
  const currency = (options.currency ?? defaultCurrency(locale)).toUpperCase();
  const tag = tagOf(loc, options);
  if (options.style === 'speech') return speakAmount(amount, loc, tag, currency);
  const home = loc.region !== undefined && HOME_CURRENCY[loc.region] === currency;
  const format = numberFormat(tag, {
    style: 'currency',
    currency,
    currencyDisplay: home ? 'narrowSymbol' : 'symbol',
    trailingZeroDisplay: 'stripIfInteger',
  });
  let parts = format.formatToParts(amount);
  if (loc.indian) parts = indianGrouping(parts);
  const symbol = options.currencySymbol;
  return parts.map((part) => (part.type === 'currency' && symbol !== undefined ? symbol : part.value)).join('');
}

interface Scale {
  readonly value: number;
  readonly words: PluralWords;
}

const scaleCache = new Map<string, readonly Scale[]>();

/** The scale word ICU's compact long notation uses for `value`, if it writes `value` as "1 <word>". */
function compactWord(tag: string, value: number, count: number): string | undefined {
  const compact = numberFormat(tag, { notation: 'compact', compactDisplay: 'long', maximumFractionDigits: 0 });
  const parts = compact.formatToParts(value * count);
  const integer = parts.filter((part) => part.type === 'integer').map((part) => part.value).join('');
  if (integer !== String(count)) return undefined;
  return parts.find((part) => part.type === 'compact')?.value;
}

function scalesFor(loc: LocaleInfo): readonly Scale[] {
  const key = `${loc.latnTag}|${loc.indian}`;
  let scales = scaleCache.get(key);
  if (scales !== undefined) return scales;
  // Indian numbering stops at crore in speech ("1,200 crore"): arab/kharab are rare on a call. Spanish stops at
  // millions ("2500 millones"), avoiding the billion that means 10^12 there.
  const values = loc.indian ? [1e7, 1e5, 1e3] : loc.language === 'es' ? [1e6, 1e3] : [1e9, 1e6, 1e3];
  const fromIntl = values.map((value) => ({
    value,
    one: compactWord(loc.latnTag, value, 1),
    other: compactWord(loc.latnTag, value, 2),
  }));
  const table = loc.indian ? INDIAN_SCALE_WORDS[loc.words] : undefined;
  if (table !== undefined && fromIntl.some((scale) => scale.one === undefined || scale.other === undefined)) {
    // ICU has no lakh or crore for this language (ta, te, kn): all three words from the table, which also has
    // the forms a compound amount needs (Telugu "45 వేల 678", not the standalone "45 వేలు").
    scales = values.flatMap((value, index) => {
      const words = table[values.length - 1 - index];
      return words === undefined ? [] : [{ value, words }];
    });
  } else {
    // Without words for a scale the number is said in the next smaller unit ("1000 thousand").
    scales = fromIntl.flatMap(({ value, one, other }) =>
      one === undefined || other === undefined ? [] : [{ value, words: { one, other } }],
    );
  }
  scaleCache.set(key, scales);
  return scales;
}

function pick(words: PluralWords, category: Intl.LDMLPluralRule): string {
  if (category === 'many' && words.many !== undefined) return words.many;
  return category === 'one' ? words.one : words.other;
}

/** A whole number as digits and scale words: "1 crore 23 lakh 45 thousand 678". */
function speakInteger(value: number, loc: LocaleInfo, tag: string): string {
  const plain = numberFormat(tag, { useGrouping: false, maximumFractionDigits: 0 });
  const plural = pluralRules(loc.latnTag, {});
  const pieces: { text: string; group: number }[] = [];
  let rest = value;
  for (const scale of scalesFor(loc)) {
    const count = Math.floor(rest / scale.value);
    if (count === 0) continue;
    const word = pick(scale.words, plural.select(count));
    // "mil", not "um mil": Portuguese and Spanish say a bare thousand.
    const bare = count === 1 && scale.value === 1e3 && (loc.language === 'pt' || loc.language === 'es');
    pieces.push({ text: bare ? word : `${plain.format(count)} ${word}`, group: count });
    rest -= count * scale.value;
  }
  if (rest > 0 || pieces.length === 0) pieces.push({ text: plain.format(rest), group: rest });
  const last = pieces[pieces.length - 1];
  // Portuguese joins the last group with "e" when it is below 100 or round hundreds: "mil e 500", "1 milhão e 200 mil".
  const joinsWithE = last !== undefined && (last.group < 100 || last.group % 100 === 0);
  if (loc.language === 'pt' && pieces.length > 1 && last !== undefined && joinsWithE) {
    last.text = `e ${last.text}`;
  }
  return pieces.map((piece) => piece.text).join(' ');
}

function speakAmount(amount: number, loc: LocaleInfo, tag: string, currency: string): string {
  const digits = numberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const factor = 10 ** digits;
  const total = Math.round(Math.abs(amount) * factor);
  const major = Math.floor(total / factor);
  const minor = total % factor;
  const plural = pluralRules(loc.latnTag, {});
  const out: string[] = [];
  if (amount < 0 && total > 0) out.push(MINUS_WORD[loc.words] ?? '-');
  const words = CURRENCY_WORDS[currency]?.[loc.words];
  if (words === undefined) {
    // A currency without everyday words here: Intl's name, with the fraction read as a decimal.
    const decimals = numberFormat(tag, { useGrouping: false, minimumFractionDigits: digits });
    const fraction = minor > 0 ? decimals.format(minor / factor).slice(1) : '';
    const name = numberFormat(loc.latnTag, { style: 'currency', currency, currencyDisplay: 'name' })
      .formatToParts(major + minor / factor)
      .find((part) => part.type === 'currency')?.value ?? currency;
    out.push(`${speakInteger(major, loc, tag)}${fraction}`, name);
    return out.join(' ');
  }
  if (major > 0 || minor === 0) out.push(speakInteger(major, loc, tag), pick(words.major, plural.select(major)));
  if (minor > 0) {
    const joiner = AMOUNT_JOINER[loc.words] ?? '';
    if (major > 0 && joiner !== '') out.push(joiner);
    out.push(speakInteger(minor, loc, tag), pick(words.minor, plural.select(minor)));
  }
  return out.join(' ');
}

// ---- dates and times ----

/** Hour and minute of `date` in `timeZone`, and whether the locale's clock is 12-hour. */
function clock(date: Date, tag: string, timeZone: string): { hour: number; minute: number; twelveHour: boolean } {
  const wallClock = dateTimeFormat('en', { hour: 'numeric', minute: 'numeric', hourCycle: 'h23', timeZone });
  const parts = wallClock.formatToParts(date);
  const field = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const cycle = dateTimeFormat(tag, { hour: 'numeric' }).resolvedOptions().hourCycle;
  return { hour: field('hour') % 24, minute: field('minute'), twelveHour: cycle === 'h11' || cycle === 'h12' };
}

/** Hour words for 24-hour locales, where a clock face "14:30" reads badly: "14 horas e 30 minutos". */
const HOUR_WORDS: Readonly<Record<string, { hour: PluralWords; minute: PluralWords; joiner: string }>> = {
  pt: { hour: { one: 'hora', other: 'horas' }, minute: { one: 'minuto', other: 'minutos' }, joiner: 'e' },
};

function formatParts(
  date: Date,
  locale: string,
  options: DateTimeOptions,
  fields: { readonly date: boolean; readonly time: boolean },
): string {
  const loc = localeInfo(locale);
  const tag = tagOf(loc, options);
  const timeZone = options.timeZone ?? defaultTimeZone(locale);
  const speech = options.style === 'speech';
  const withYear = options.withYear ?? !speech;
  const intl: Intl.DateTimeFormatOptions = { timeZone };
  if (fields.date) {
    const width = speech ? 'long' : 'short';
    intl.weekday = width;
    intl.day = 'numeric';
    intl.month = width;
    if (withYear) intl.year = 'numeric';
  }
  if (!fields.time) return dateTimeFormat(tag, intl).format(date);
  if (!speech) return dateTimeFormat(tag, { ...intl, hour: 'numeric', minute: '2-digit' }).format(date);

  const { hour, minute, twelveHour } = clock(date, tag, timeZone);
  intl.hour = 'numeric';
  if (minute !== 0) intl.minute = '2-digit';
  if (twelveHour) {
    intl.dayPeriod = 'long'; // "10 in the morning", "सुबह 10 बजे"
    return dateTimeFormat(tag, intl).format(date);
  }
  const words = HOUR_WORDS[loc.language];
  const parts = dateTimeFormat(tag, intl).formatToParts(date);
  if (words === undefined) return parts.map((part) => part.value).join('');
  const plural = pluralRules(loc.latnTag, {});
  const plain = numberFormat(tag, { useGrouping: false });
  let spoken = `${plain.format(hour)} ${pick(words.hour, plural.select(hour))}`;
  if (minute !== 0) spoken += ` ${words.joiner} ${plain.format(minute)} ${pick(words.minute, plural.select(minute))}`;
  const out: string[] = [];
  for (const [index, part] of parts.entries()) {
    const next = parts[index + 1]?.type;
    if (part.type === 'hour') out.push(spoken);
    else if (part.type === 'minute' || (part.type === 'literal' && next === 'minute')) continue;
    // Portuguese crase agrees with the hour: "às 14 horas" but "à 1 hora", "à 0 hora".
    else if (part.type === 'literal' && next === 'hour' && hour <= 1) out.push(part.value.replace('às', 'à'));
    else out.push(part.value);
  }
  return out.join('');
}

/** "Tue, 25 Nov, 2025" (text) or "Tuesday, 25 November" (speech). */
export function formatDate(date: Date, locale: string, options: DateTimeOptions = {}): string {
  return formatParts(date, locale, options, { date: true, time: false });
}

/** "10:00 am", "14:30" (text) or "10 in the morning", "सुबह 10:30 बजे", "14 horas e 30 minutos" (speech). */
export function formatTime(date: Date, locale: string, options: DateTimeOptions = {}): string {
  return formatParts(date, locale, options, { date: false, time: true });
}

/** "Tuesday, 25 November at 10 in the morning" (speech), "Tue, 25 Nov, 2025, 10:00 am" (text). */
export function formatDateTime(date: Date, locale: string, options: DateTimeOptions = {}): string {
  return formatParts(date, locale, options, { date: true, time: true });
}

