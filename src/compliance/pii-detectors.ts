// Finds personal identifiers in text whose digits are already ASCII (see spoken-digits.ts). Numbers are read as
// groups of letters and digits joined by one separator ("1234 5678 9012", "123.456.789-09",
// "12.ABC.345/01DE-35"); a run of groups becomes a candidate only in a layout people actually write for that
// identifier, and only if its check digits hold, so dates, amounts and order numbers stay. Everything here is a
// single left-to-right pass or a bounded look-ahead: no regular expression can backtrack over the input.
import { isValidAadhaar, isValidCard, isValidCnpj, isValidCpf } from './checksums.ts';
import { classifyAddress, indianMobileNational, isKnownUpiHandle, isValidPan } from './identifiers.ts';

export type PiiType = 'aadhaar' | 'pan' | 'mobile_in' | 'upi' | 'email' | 'cpf' | 'cnpj' | 'card';

/** An identifier found in the scanned text: its span there and its bare characters (digits, upper-case letters). */
export interface Detection {
  readonly type: PiiType;
  readonly start: number;
  readonly end: number;
  readonly value: string;
}

interface Group {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly numeric: boolean;
  /** Inside an address already found, or part of an earlier redaction's output: never part of a number. */
  readonly blocked: boolean;
  /** The separator joining it to the previous group ('' when it does not join). */
  readonly gap: string;
}

/** A layout: group lengths, the separators allowed between them, and whether letters may appear (CNPJ). */
interface Layout {
  readonly type: PiiType;
  readonly lengths: readonly number[];
  readonly gaps: string;
  readonly letters?: boolean;
}

const CARD_GAPS = ' -';
const LAYOUTS: readonly Layout[] = [
  { type: 'aadhaar', lengths: [4, 4, 4], gaps: ' -.' },
  { type: 'cpf', lengths: [3, 3, 3, 2], gaps: ' .-' },
  { type: 'cpf', lengths: [9, 2], gaps: ' -' },
  { type: 'cnpj', lengths: [2, 3, 3, 4, 2], gaps: ' .-/' },
  { type: 'cnpj', lengths: [8, 4, 2], gaps: ' .-/' },
  { type: 'cnpj', lengths: [12, 2], gaps: '-' },
  // The alphanumeric CNPJ only with its punctuation: spaced, ordinary words would fit the lengths.
  { type: 'cnpj', lengths: [2, 3, 3, 4, 2], gaps: '.-/', letters: true },
  { type: 'cnpj', lengths: [8, 4, 2], gaps: '.-/', letters: true },
  { type: 'cnpj', lengths: [12, 2], gaps: '-', letters: true },
  { type: 'card', lengths: [4, 4, 4, 4], gaps: CARD_GAPS },
  { type: 'card', lengths: [4, 6, 5], gaps: CARD_GAPS }, // American Express
  { type: 'card', lengths: [4, 6, 4], gaps: CARD_GAPS }, // Diners Club
  ...[1, 2, 3].map((last) => ({ type: 'card' as const, lengths: [4, 4, 4, last], gaps: CARD_GAPS })),
  ...[1, 2, 3].map((last) => ({ type: 'card' as const, lengths: [4, 4, 4, 4, last], gaps: CARD_GAPS })),
];

/** Layouts by the length of their first group, so that most groups are turned away with one lookup. */
const LAYOUTS_BY_FIRST: ReadonlyArray<readonly Layout[]> = Array.from({ length: 13 }, (_, length) =>
  LAYOUTS.filter((layout) => layout.lengths[0] === length),
);

const MOBILE_GAPS = ' -.';
/** Dictated numbers: "9 8 7 6 5 4 3 2 1 0", "98 76 54 32 10"; at least this many groups of one or two digits. */
const DICTATED_MIN_GROUPS = 4;

// Among candidates with the same span, the first type listed wins. Checksummed types come before mobile numbers
// except that an Indian conversation reads 0XXXXXXXXXX as a phone number rather than a CPF.
const PRIORITY_INDIA: readonly PiiType[] = ['aadhaar', 'card', 'mobile_in', 'cpf', 'cnpj', 'pan', 'upi', 'email'];
const PRIORITY_OTHER: readonly PiiType[] = ['cnpj', 'cpf', 'aadhaar', 'card', 'mobile_in', 'pan', 'upi', 'email'];
const INDIAN = /^(?:hi|mr|ta|te|bn|kn)(?:[-_]|$)|^en[-_]in$/i;

/** Every identifier in `text`, left to right, none overlapping. */
export function detectPii(text: string, locale?: string): Detection[] {
  const addresses = findAddresses(text);
  const candidates: Detection[] = [...addresses];
  if (hasDigit(text)) {
    const groups = readGroups(text, addresses);
    for (let i = 0; i < groups.length; i++) {
      const group = groups[i]!;
      if (group.blocked) continue;
      if (!partOfLongerNumber(groups, i, i)) singleGroup(group, candidates);
      for (const layout of LAYOUTS_BY_FIRST[group.text.length] ?? []) matchLayout(groups, i, layout, candidates);
      if (group.numeric) mobile(text, groups, i, candidates);
    }
    dictated(text, groups, candidates);
  }
  return choose(candidates, locale !== undefined && INDIAN.test(locale) ? PRIORITY_INDIA : PRIORITY_OTHER);
}

function hasDigit(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) return true;
  }
  return false;
}

const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const HOST_CHAR = /[A-Za-z0-9.-]/;
// "rahul at the rate okhdfcbank": Indian English says "at the rate" for @. Only known UPI handles count here.
// The literal comes first so that the engine rejects most positions at once.
const SPOKEN_AT = /\bat(?: +the +rate(?: +of)?)? +([A-Za-z]{2,24})(?![A-Za-z0-9@])/g;
const NAME_CHAR = /[A-Za-z0-9._-]/;

/** E-mail addresses and UPI ids: written with @, or a UPI id said with "at". */
function findAddresses(text: string): Detection[] {
  const found: Detection[] = [];
  let from = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let start = at;
    while (start > from && LOCAL_CHAR.test(text[start - 1]!)) start--;
    while (start < at && text[start] === '.') start++;
    let end = at + 1;
    while (end < text.length && HOST_CHAR.test(text[end]!)) end++;
    while (end > at + 1 && (text[end - 1] === '.' || text[end - 1] === '-')) end--;
    const type = start < at && end > at + 1 ? classifyAddress(text.slice(start, at), text.slice(at + 1, end)) : undefined;
    if (type !== undefined) {
      found.push({ type, start, end, value: text.slice(start, end) });
      from = end;
    }
  }
  if (text.includes('at ')) {
    for (const match of text.matchAll(SPOKEN_AT)) {
      if (!isKnownUpiHandle(match[1]!)) continue;
      let nameEnd = match.index;
      while (nameEnd > 0 && text[nameEnd - 1] === ' ') nameEnd--;
      if (nameEnd === match.index) continue;
      let start = nameEnd;
      while (start > 0 && NAME_CHAR.test(text[start - 1]!)) start--;
      if (nameEnd - start < 2) continue;
      const end = match.index + match[0].length;
      if (found.some((other) => other.start < end && start < other.end)) continue;
      found.push({ type: 'upi', start, end, value: `${text.slice(start, nameEnd)}@${match[1]!}` });
    }
    found.sort((a, b) => a.start - b.start);
  }
  return found;
}

const GROUP = /[A-Za-z0-9]+/g;
const MASK = /^X+$/;

function readGroups(text: string, addresses: readonly Detection[]): Group[] {
  const groups: Group[] = [];
  let address = 0;
  let previous: Group | undefined;
  for (const match of text.matchAll(GROUP)) {
    const start = match.index;
    const end = start + match[0].length;
    while (address < addresses.length && addresses[address]!.end <= start) address++;
    const inAddress = address < addresses.length && addresses[address]!.start < end;
    const numeric = isDigits(match[0]);
    const gap = previous === undefined ? '' : separator(text, previous.end, start);
    // Text this module already redacted ("XXXX XXXX 1234", "[card ••••4242]") must come out unchanged.
    const mask = MASK.test(match[0]);
    const afterMask = numeric && gap !== '' && previous !== undefined && MASK.test(previous.text);
    const blocked = inAddress || mask || afterMask || text[start - 1] === '•';
    previous = { start, end, text: match[0], numeric, blocked, gap };
    groups.push(previous);
  }
  return groups;
}

/** The separator between two groups: one space, dash, dot or slash (a dash or slash may have spaces round it). */
function separator(text: string, from: number, to: number): string {
  const length = to - from;
  if (length === 1) return normalizeSeparator(text[from]!);
  if (length === 3 && text[from] === ' ' && text[from + 2] === ' ') {
    const middle = normalizeSeparator(text[from + 1]!);
    return middle === '-' || middle === '/' ? middle : '';
  }
  return '';
}

function normalizeSeparator(char: string): string {
  switch (char) {
    case ' ':
    case '\u00A0':
      return ' ';
    case '-':
    case '\u2013':
      return '-';
    case '.':
    case '/':
      return char;
    default:
      return '';
  }
}

function isDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** A number written without separators: 234567890124, 52998224725, 12ABC34501DE35, ABCPE1234F. */
function singleGroup(group: Group, out: Detection[]): void {
  const { text, start, end } = group;
  if (group.numeric) {
    if (text.length === 12 && isValidAadhaar(text)) out.push({ type: 'aadhaar', start, end, value: text });
    if (text.length === 11 && isValidCpf(text)) out.push({ type: 'cpf', start, end, value: text });
    if (text.length === 14 && isValidCnpj(text)) out.push({ type: 'cnpj', start, end, value: text });
    if (text.length >= 13 && isValidCard(text)) out.push({ type: 'card', start, end, value: text });
    return;
  }
  if (text.length !== 10 && text.length !== 14) return;
  const upper = text.toUpperCase();
  if (text.length === 10 && isValidPan(upper)) out.push({ type: 'pan', start, end, value: upper });
  if (text.length === 14 && isValidCnpj(upper)) out.push({ type: 'cnpj', start, end, value: upper });
}

function matchLayout(groups: readonly Group[], i: number, layout: Layout, out: Detection[]): void {
  const { lengths } = layout;
  if (i + lengths.length > groups.length) return;
  let value = '';
  let hasLetter = false;
  for (let k = 0; k < lengths.length; k++) {
    const group = groups[i + k]!;
    if (group.blocked || group.text.length !== lengths[k]) return;
    if (k > 0 && !layout.gaps.includes(group.gap || '\0')) return;
    if (!group.numeric) {
      if (!layout.letters || k === lengths.length - 1) return; // check digits are digits
      hasLetter = true;
    }
    value += group.text;
  }
  if (layout.letters && !hasLetter) return; // the numeric layout already covers it
  if (partOfLongerNumber(groups, i, i + lengths.length - 1)) return;
  if (layout.letters) value = value.toUpperCase();
  if (!validates(layout.type, value)) return;
  out.push({ type: layout.type, start: groups[i]!.start, end: groups[i + lengths.length - 1]!.end, value });
}

function validates(type: PiiType, value: string): boolean {
  switch (type) {
    case 'aadhaar':
      return isValidAadhaar(value);
    case 'cpf':
      return isValidCpf(value);
    case 'cnpj':
      return isValidCnpj(value);
    case 'card':
      return isValidCard(value);
    case 'mobile_in':
      return indianMobileNational(value) !== undefined;
    default:
      return false;
  }
}

// How Indians group a mobile number's ten digits when writing it (a prefix, 0 or 91, comes before).
const MOBILE_LAYOUTS = new Set(['10', '5,5', '3,3,4', '4,3,3', '2,4,4']);

/**
 * Indian mobiles in their usual writings: 9876543210, 98765 43210, 987-654-3210, +91 98765 43210, 0 98765-43210,
 * 098765 43210, 919876543210.
 */
function mobile(text: string, groups: readonly Group[], i: number, out: Detection[]): void {
  let value = '';
  const lengths: number[] = [];
  for (let k = 0; k < 5 && i + k < groups.length; k++) {
    const group = groups[i + k]!;
    if (group.blocked || !group.numeric) return;
    if (k > 0 && !MOBILE_GAPS.includes(group.gap || '\0')) return;
    value += group.text;
    lengths.push(group.text.length);
    if (value.length > 12) return;
    if (value.length < 10 || indianMobileNational(value) === undefined) continue;
    // Take the prefix off, whether written apart ("+91 98765 43210") or not ("098765 43210").
    const prefix = value.length - 10;
    const body = lengths[0] === prefix ? lengths.slice(1) : [lengths[0]! - prefix, ...lengths.slice(1)];
    if (MOBILE_LAYOUTS.has(body.join(',')) && !partOfLongerNumber(groups, i, i + k)) {
      const start = text[groups[i]!.start - 1] === '+' ? groups[i]!.start - 1 : groups[i]!.start;
      out.push({ type: 'mobile_in', start, end: group.end, value });
    }
  }
}

/** Numbers read out digit by digit: the whole run of one- and two-digit groups is the candidate, never a part. */
function dictated(text: string, groups: readonly Group[], out: Detection[]): void {
  let first = 0;
  while (first < groups.length) {
    if (!isDictatedGroup(groups[first]!)) {
      first++;
      continue;
    }
    let last = first;
    while (last + 1 < groups.length && isDictatedGroup(groups[last + 1]!) && MOBILE_GAPS.includes(groups[last + 1]!.gap || '\0')) last++;
    if (last - first + 1 >= DICTATED_MIN_GROUPS && !partOfLongerNumber(groups, first, last)) {
      let value = '';
      for (let k = first; k <= last && value.length <= 19; k++) value += groups[k]!.text;
      const start = groups[first]!.start;
      const end = groups[last]!.end;
      for (const type of ['aadhaar', 'cpf', 'cnpj', 'card'] as const) {
        if (validates(type, value)) out.push({ type, start, end, value });
      }
      if (validates('mobile_in', value)) out.push({ type: 'mobile_in', start: text[start - 1] === '+' ? start - 1 : start, end, value });
    }
    first = last + 1;
  }
}

function isDictatedGroup(group: Group): boolean {
  return !group.blocked && group.numeric && group.text.length <= 2;
}

/**
 * Whether groups i..j are only a piece of a longer number: a digit group joined to them by a dash, dot or slash,
 * or, for several groups, one more group of the same size joined by a space. "2703 1668 4801 1044" holds no
 * Aadhaar even when its first twelve digits pass Verhoeff; "pin 560001 9876543210" still holds a mobile.
 */
function partOfLongerNumber(groups: readonly Group[], i: number, j: number): boolean {
  const first = groups[i]!;
  const before = groups[i - 1];
  if (before !== undefined && before.numeric && first.gap !== '') {
    if (first.gap !== ' ' || (j > i && before.text.length === first.text.length)) return true;
  }
  const last = groups[j]!;
  const after = groups[j + 1];
  if (after !== undefined && after.numeric && after.gap !== '') {
    if (after.gap !== ' ' || (j > i && after.text.length === last.text.length)) return true;
  }
  return false;
}

/** Keeps, left to right, the longest candidate at each place; ties go to the type earlier in `priority`. */
function choose(candidates: Detection[], priority: readonly PiiType[]): Detection[] {
  if (candidates.length <= 1) return candidates;
  candidates.sort(
    (a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || priority.indexOf(a.type) - priority.indexOf(b.type),
  );
  const chosen: Detection[] = [];
  let reach = 0;
  for (const candidate of candidates) {
    if (candidate.start < reach) continue;
    chosen.push(candidate);
    reach = candidate.end;
  }
  return chosen;
}
