// Check-digit algorithms of the identifiers we redact. A pattern alone would also hide order numbers and invoice
// ids; the check digit is what tells a real Aadhaar, card, CPF or CNPJ from a number that merely has its length.
// Every function takes the bare characters (no separators) and never throws.

const DIGITS = /^[0-9]+$/;

// Verhoeff's dihedral-group tables (D5 multiplication, position permutation, inverse).
const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
].flat();
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
].flat();
const VERHOEFF_INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

function verhoeffState(digits: string, offset: number): number {
  let c = 0;
  for (let i = digits.length - 1, position = offset; i >= 0; i--, position++) {
    const digit = digits.charCodeAt(i) - 48;
    c = VERHOEFF_D[c * 10 + VERHOEFF_P[(position % 8) * 10 + digit]!]!;
  }
  return c;
}

/** The Verhoeff check digit to append to `digits`; -1 when `digits` is not a string of digits. */
export function verhoeffCheckDigit(digits: string): number {
  if (!DIGITS.test(digits)) return -1;
  return VERHOEFF_INV[verhoeffState(digits, 1)]!;
}

/** True when the last digit of `digits` is its Verhoeff check digit. */
export function isValidVerhoeff(digits: string): boolean {
  return digits.length > 1 && DIGITS.test(digits) && verhoeffState(digits, 0) === 0;
}

/** Aadhaar: 12 digits, never starting with 0 or 1, the last being the Verhoeff check digit. */
export function isValidAadhaar(digits: string): boolean {
  return digits.length === 12 && digits.charCodeAt(0) >= 50 && isValidVerhoeff(digits);
}

function luhnSum(digits: string, doubleFirst: boolean): number {
  let sum = 0;
  let double = doubleFirst;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum;
}

/** The Luhn (mod 10) check digit to append to `digits`; -1 when `digits` is not a string of digits. */
export function luhnCheckDigit(digits: string): number {
  if (!DIGITS.test(digits)) return -1;
  return (10 - (luhnSum(digits, true) % 10)) % 10;
}

/** True when the last digit of `digits` is its Luhn check digit. */
export function isValidLuhn(digits: string): boolean {
  return digits.length > 1 && DIGITS.test(digits) && luhnSum(digits, false) % 10 === 0;
}

/**
 * A payment card number: 13 to 19 digits passing Luhn, issued under a payment industry identifier (first digit
 * 2 Mastercard, 3 Amex/JCB/Diners, 4 Visa, 5 Mastercard/Maestro, 6 Discover/RuPay/UnionPay, 8 RuPay). Leaving out
 * 0, 1, 7 and 9 (airline, petroleum and national schemes, not payment cards) keeps 16-digit order numbers that
 * happen to pass Luhn out of the redaction.
 */
export function isValidCard(digits: string): boolean {
  if (digits.length < 13 || digits.length > 19) return false;
  const first = digits.charCodeAt(0) - 48;
  if (first < 2 || first === 7 || first > 8) return false;
  return isValidLuhn(digits);
}

/** The two CPF check digits for a 9-digit base, as a 2-character string; '' when the base is not 9 digits. */
export function cpfCheckDigits(base: string): string {
  if (base.length !== 9 || !DIGITS.test(base)) return '';
  let first = 0;
  let second = 0;
  for (let i = 0; i < 9; i++) {
    const digit = base.charCodeAt(i) - 48;
    first += digit * (10 - i);
    second += digit * (11 - i);
  }
  const d1 = mod11Digit(first);
  const d2 = mod11Digit(second + d1 * 2);
  return `${d1}${d2}`;
}

/** CPF: 11 digits whose last two are its mod-11 check digits; 000.000.000-00 ... 999.999.999-99 are refused. */
export function isValidCpf(digits: string): boolean {
  if (digits.length !== 11 || !DIGITS.test(digits) || allSame(digits)) return false;
  return digits.endsWith(cpfCheckDigits(digits.slice(0, 9)));
}

// A CNPJ character's value is its ASCII code minus 48 (Receita Federal, alphanumeric CNPJ from July 2026): digits
// keep their value, so numeric CNPJs are checked by the same rule; A is 17 ... Z is 42.
const CNPJ_BASE = /^[0-9A-Z]{12}$/;

function cnpjDigit(chars: string): number {
  let sum = 0;
  let weight = 2;
  for (let i = chars.length - 1; i >= 0; i--) {
    sum += (chars.charCodeAt(i) - 48) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  return mod11Digit(sum);
}

/** The two CNPJ check digits for a 12-character base (digits or upper-case letters); '' for anything else. */
export function cnpjCheckDigits(base: string): string {
  if (!CNPJ_BASE.test(base)) return '';
  const d1 = cnpjDigit(base);
  return `${d1}${cnpjDigit(base + d1)}`;
}

/**
 * CNPJ, numeric (14 digits) or alphanumeric (12 digits or upper-case letters, then 2 check digits). Numeric
 * all-equal values such as 00.000.000/0000-00 are refused, as for CPF.
 */
export function isValidCnpj(chars: string): boolean {
  if (chars.length !== 14) return false;
  const base = chars.slice(0, 12);
  const check = chars.slice(12);
  if (!DIGITS.test(check) || !CNPJ_BASE.test(base)) return false;
  if (allSame(chars)) return false;
  return check === cnpjCheckDigits(base);
}

function mod11Digit(sum: number): number {
  const rest = sum % 11;
  return rest < 2 ? 0 : 11 - rest;
}

function allSame(chars: string): boolean {
  for (let i = 1; i < chars.length; i++) if (chars[i] !== chars[0]) return false;
  return true;
}
