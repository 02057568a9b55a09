// Phone numbers, OTPs and IDs read out one symbol at a time, in groups, in the locale's digit words.
import { localeInfo, NATIVE_NUMBERING } from './locale-info.ts';
import { DIGIT_WORDS, PLUS_WORD } from './number-words.ts';

export interface SpeakDigitsOptions {
  /** Group sizes from the left, e.g. [5, 5]; by default the value's own separators, else a size by country. */
  readonly groups?: readonly number[];
}

/** Calling codes dropped before a home number ("+91 98765 43210" is said "98765 43210") and national lengths. */
const HOME_CALLING: Readonly<Record<string, { readonly code: string; readonly lengths: readonly number[] }>> = {
  IN: { code: '91', lengths: [10] }, BR: { code: '55', lengths: [10, 11] }, MX: { code: '52', lengths: [10] },
  '419': { code: '52', lengths: [10] },
};

/** Every supported native digit, mapped to its value: read from Intl rather than from code-point ranges. */
const DIGIT_VALUE: ReadonlyMap<string, number> = new Map(
  Object.values(NATIVE_NUMBERING).flatMap((system) =>
    [...new Intl.NumberFormat(`en-u-nu-${system}`, { useGrouping: false }).format(1234567890)].map(
      (char, index) => [char, (index + 1) % 10] as const,
    ),
  ),
);

function defaultGroups(length: number, region: string | undefined): number[] {
  if (length === 10 && region === 'IN') return [5, 5]; // Indian mobiles: 98765 43210
  if (length === 11 && region === 'BR') return [2, 5, 4]; // (11) 98765-4321
  if (length === 10 && (region === 'BR' || region === 'MX' || region === '419')) return [2, 4, 4]; // 55 1234 5678
  // Otherwise groups of three or four, the longer ones last: 123 456, 123 456 7890, 1234 5678 9012.
  const count = Math.ceil(length / 4);
  const base = Math.floor(length / count);
  return Array.from({ length: count }, (_, index) => base + (index >= count - (length % count) ? 1 : 0));
}

function chunk(chars: readonly string[], sizes: readonly number[]): string[][] {
  const out: string[][] = [];
  let at = 0;
  for (let index = 0; at < chars.length; index += 1) {
    const size = Math.max(1, sizes[Math.min(index, sizes.length - 1)] ?? chars.length);
    out.push(chars.slice(at, at + size));
    at += size;
  }
  return out;
}

/**
 * A phone number, OTP or ID read symbol by symbol, groups separated by commas (a pause in speech):
 * "+91 98765 43210" in en-IN -> "nine eight seven six five, four three two one zero". The home country code is
 * dropped; a foreign one is said ("plus 1, ..."). Letters (PAN, booking codes) are kept, to be spelled out.
 */
export function speakDigits(value: string, locale: string, options: SpeakDigitsOptions = {}): string {
  const loc = localeInfo(locale);
  const words = DIGIT_WORDS[loc.words] ?? [];
  const say = (char: string): string => words[Number(char)] ?? char.toUpperCase();
  const normalized = [...value.normalize('NFC')].map((char) => String(DIGIT_VALUE.get(char) ?? char)).join('');
  let tokens = normalized.split(/[^\p{L}\p{Nd}]+/u).filter((token) => token !== '');
  let lead: string[] = [];
  if (normalized.trimStart().startsWith('+')) {
    const home = loc.region === undefined ? undefined : HOME_CALLING[loc.region];
    const national = tokens.join('').length - (home?.code.length ?? 0);
    if (home !== undefined && tokens.join('').startsWith(home.code) && home.lengths.includes(national)) {
      tokens = dropLeading(tokens, home.code.length);
    } else {
      // A foreign number: say its code. Without separators the code's length is unknown, so only "plus".
      lead = [PLUS_WORD[loc.words] ?? '+', ...(tokens.length > 1 ? [...(tokens[0] ?? '')] : [])];
      if (tokens.length > 1) tokens = tokens.slice(1);
    }
  }
  const chars = [...tokens.join('')];
  const groups =
    options.groups !== undefined ? chunk(chars, options.groups)
    : tokens.length > 1 ? tokens.map((token) => [...token])
    : chunk(chars, defaultGroups(chars.length, loc.region));
  const spoken = groups.map((group) => group.map(say).join(' '));
  if (lead.length > 0) spoken.unshift(lead.map((item) => (item.length === 1 ? say(item) : item)).join(' '));
  return spoken.join(', ');
}

/** Removes `count` characters from the front of a token list, dropping tokens left empty. */
function dropLeading(tokens: readonly string[], count: number): string[] {
  const out: string[] = [];
  let left = count;
  for (const token of tokens) {
    const cut = Math.min(left, token.length);
    left -= cut;
    if (token.length > cut) out.push(token.slice(cut));
  }
  return out;
}
