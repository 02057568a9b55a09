// Synthetic identifiers with correct check digits, for the redaction tests and benchmark: never real people's
// numbers, and reproducible from a seed. Also writes numbers as callers say them, digit by digit, in each
// supported language.
import { cnpjCheckDigits, cpfCheckDigits, luhnCheckDigit, verhoeffCheckDigit } from './checksums.ts';

export type Random = () => number;

/** A small seeded generator (mulberry32), so a failing vector can be reproduced. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick(random: Random, items: string): string;
export function pick<T>(random: Random, items: readonly T[]): T;
export function pick<T>(random: Random, items: readonly T[] | string): T | string {
  return items[Math.floor(random() * items.length)]!;
}

export function randomDigits(random: Random, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += String(Math.floor(random() * 10));
  return out;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALPHANUMERIC = `0123456789${UPPER}`;

export function sampleAadhaar(random: Random): string {
  const base = String(2 + Math.floor(random() * 8)) + randomDigits(random, 10);
  return base + verhoeffCheckDigit(base);
}

// Issuer prefixes and lengths of real schemes: Visa, Mastercard (51-55 and 2221-2720), Amex, Discover, RuPay,
// JCB, Diners Club.
const CARD_SCHEMES: ReadonlyArray<readonly [prefix: (random: Random) => string, length: number]> = [
  [() => '4', 16],
  [() => '4', 13],
  [() => '4', 19],
  [(random) => `5${1 + Math.floor(random() * 5)}`, 16],
  [(random) => String(2221 + Math.floor(random() * 500)), 16],
  [(random) => pick(random, ['34', '37']), 15],
  [() => '6011', 16],
  [(random) => pick(random, ['60', '65']), 16],
  [(random) => pick(random, ['81', '82']), 16],
  [() => '35', 16],
  [() => '36', 14],
];

export function sampleCard(random: Random): string {
  const [prefix, length] = pick(random, CARD_SCHEMES);
  const head = prefix(random);
  const base = head + randomDigits(random, length - head.length - 1);
  return base + luhnCheckDigit(base);
}

export function sampleCpf(random: Random): string {
  let base = randomDigits(random, 9);
  while (/^(\d)\1+$/.test(base)) base = randomDigits(random, 9);
  return base + cpfCheckDigits(base);
}

export function sampleCnpj(random: Random): string {
  const base = randomDigits(random, 8) + pick(random, ['0001', '0002', randomDigits(random, 4)]);
  return base + cnpjCheckDigits(base);
}

/** An alphanumeric CNPJ (July 2026 format) with at least one letter in its first twelve characters. */
export function sampleAlphanumericCnpj(random: Random): string {
  let base = '';
  for (let i = 0; i < 12; i++) base += pick(random, ALPHANUMERIC);
  if (!/[A-Z]/.test(base)) base = pick(random, UPPER) + base.slice(1);
  return base + cnpjCheckDigits(base);
}

export function samplePan(random: Random): string {
  let pan = '';
  for (let i = 0; i < 3; i++) pan += pick(random, UPPER);
  return pan + pick(random, 'PCHFATBLJG') + pick(random, UPPER) + randomDigits(random, 4) + pick(random, UPPER);
}

export function sampleMobile(random: Random): string {
  return String(6 + Math.floor(random() * 4)) + randomDigits(random, 9);
}

/** The same string with one digit (or, for letters, one character) replaced by a different one. */
export function changeOneCharacter(random: Random, value: string, alphabet = '0123456789'): string {
  const positions = [...value].map((char, i) => (alphabet.includes(char) ? i : -1)).filter((i) => i >= 0);
  const position = pick(random, positions);
  let replacement = value[position]!;
  while (replacement === value[position]) replacement = pick(random, alphabet);
  return value.slice(0, position) + replacement + value.slice(position + 1);
}

/** Groups of characters joined by a separator: group('234567890124', [4, 4, 4], ' '). */
export function group(value: string, lengths: readonly number[], separators: string | readonly string[]): string {
  let out = '';
  let at = 0;
  lengths.forEach((length, i) => {
    if (i > 0) out += typeof separators === 'string' ? separators : separators[i - 1]!;
    out += value.slice(at, at + length);
    at += length;
  });
  return out;
}

/** Digit words for each language, 0 to 9, as a caller reads a number out. */
export const DIGIT_WORDS: Readonly<Record<string, readonly string[]>> = {
  hi: ['शून्य', 'एक', 'दो', 'तीन', 'चार', 'पांच', 'छह', 'सात', 'आठ', 'नौ'],
  'hi-Latn': ['shunya', 'ek', 'do', 'teen', 'char', 'paanch', 'chhe', 'saat', 'aath', 'nau'],
  mr: ['शून्य', 'एक', 'दोन', 'तीन', 'चार', 'पाच', 'सहा', 'सात', 'आठ', 'नऊ'],
  ta: ['பூஜ்ஜியம்', 'ஒன்று', 'இரண்டு', 'மூன்று', 'நான்கு', 'ஐந்து', 'ஆறு', 'ஏழு', 'எட்டு', 'ஒன்பது'],
  te: ['సున్నా', 'ఒకటి', 'రెండు', 'మూడు', 'నాలుగు', 'ఐదు', 'ఆరు', 'ఏడు', 'ఎనిమిది', 'తొమ్మిది'],
  bn: ['শূন্য', 'এক', 'দুই', 'তিন', 'চার', 'পাঁচ', 'ছয়', 'সাত', 'আট', 'নয়'],
  kn: ['ಸೊನ್ನೆ', 'ಒಂದು', 'ಎರಡು', 'ಮೂರು', 'ನಾಲ್ಕು', 'ಐದು', 'ಆರು', 'ಏಳು', 'ಎಂಟು', 'ಒಂಬತ್ತು'],
  en: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
  pt: ['zero', 'um', 'dois', 'três', 'quatro', 'cinco', 'seis', 'sete', 'oito', 'nove'],
  es: ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'],
};

/** `digits` read out one digit at a time in `language` (a key of DIGIT_WORDS). */
export function sayDigits(digits: string, language: string): string {
  const words = DIGIT_WORDS[language];
  if (words === undefined) throw new Error(`no digit words for ${language}`);
  return [...digits].map((digit) => words[Number(digit)]!).join(' ');
}
