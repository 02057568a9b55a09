// Turns digits said one by one ("nine eight seven", "नौ आठ सात", "double five") and digits written in Indic
// scripts (९८७, ௯௮௭) into ASCII numerals, so that one set of detectors finds identifiers however they reached the
// transcript. Spoken digits next to each other are joined ("nine eight" is "98"), as a listener would hear one
// number. The result keeps where every character came from, so a redaction found in the normalised text replaces
// the words the caller actually said.
import { digitWordsFor, wordKey, type DigitWord } from './spoken-digit-words.ts';

export interface NormalizedText {
  /** The text with spoken and native-script digits as ASCII numerals. */
  readonly text: string;
  /** True when nothing was rewritten: `text` is the input and offsets are the same in both. */
  readonly identity: boolean;
  /** The span of the input that produced `text.slice(start, end)` (start < end). */
  originalSpan(start: number, end: number): { start: number; end: number };
}

// Words (letters and their combining marks, with zero-width joiners inside Indic words), or runs of digits in
// ASCII or the five native scripts we serve. Linear: one pass, no nested quantifiers.
const TOKEN = /[\p{L}\p{M}\u200C\u200D]+|[0-9\u0966-\u096F\u09E6-\u09EF\u0BE6-\u0BEF\u0C66-\u0C6F\u0CE6-\u0CEF]+/gu;
const NATIVE_DIGIT = /[\u0966-\u096F\u09E6-\u09EF\u0BE6-\u0BEF\u0C66-\u0C6F\u0CE6-\u0CEF]/;
// The zero of each native script; a digit's value is its distance from that zero.
const NATIVE_ZEROS = [0x0966, 0x09e6, 0x0be6, 0x0c66, 0x0ce6];
// What may stand between two digits said in a row and still be one number: spaces, a comma, a dash.
const JOINABLE_GAP = /^[\s,\-\u2013]{1,3}$/;
const WHITESPACE_GAP = /^\s{1,3}$/;

interface Token {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly numeral: boolean;
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly replacement: string;
}

/**
 * Rewrites digits spoken one by one in any supported language, and native-script digits, as ASCII numerals.
 * `locale` chooses which Latin-script digit words count (see spoken-digit-words.ts); every language when absent.
 */
export function normalizeSpokenDigits(text: string, locale?: string): NormalizedText {
  const words = digitWordsFor(locale);
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const start = match.index;
    const code = match[0].charCodeAt(0);
    tokens.push({ start, end: start + match[0].length, text: match[0], numeral: code < 0x80 ? code <= 57 : NATIVE_DIGIT.test(match[0][0]!) });
  }

  const edits: Edit[] = [];
  // The previous token when it was a number (said or written), and whether it was said.
  let previous: { end: number; spoken: boolean } | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    let digits: string | undefined;
    let end = token.end;
    let spoken = false;
    let rewrite = false;
    if (token.numeral) {
      rewrite = NATIVE_DIGIT.test(token.text);
      digits = rewrite ? toAsciiDigits(token.text) : token.text;
    } else {
      const meaning = words.get(wordKey(token.text));
      if (meaning !== undefined) {
        const said = readWord(meaning, token, tokens[i + 1], text, words, previous);
        if (said !== undefined) {
          digits = said.digits;
          end = said.end;
          spoken = true;
          rewrite = true;
          if (said.end !== token.end) i++; // "double five" used the next word too
        }
      }
    }
    if (digits === undefined) {
      previous = undefined;
      continue;
    }
    // Digits said in a row are one number ("nine, eight" is 98). A written number next to them stays apart: in
    // "at 5 nine eight ..." or "PIN 560001 nine eight ..." it is another number, and the detectors still read
    // "98765 four three two one zero" as 98765 43210.
    if (previous?.spoken === true && spoken && JOINABLE_GAP.test(text.slice(previous.end, token.start))) {
      edits.push({ start: previous.end, end: token.start, replacement: '' });
    }
    if (rewrite) edits.push({ start: token.start, end, replacement: digits });
    previous = { end, spoken };
  }
  return edits.length === 0 ? identityText(text) : applyEdits(text, edits);
}

function readWord(
  meaning: DigitWord,
  token: Token,
  next: Token | undefined,
  text: string,
  words: ReadonlyMap<string, DigitWord>,
  previous: { end: number } | undefined,
): { digits: string; end: number } | undefined {
  if ('repeat' in meaning) {
    // "double five", "triple 0": the next token says which digit.
    if (next === undefined || !WHITESPACE_GAP.test(text.slice(token.end, next.start))) return undefined;
    let digit: string | undefined;
    if (next.numeral) digit = next.text.length === 1 ? toAsciiDigits(next.text) : undefined;
    else {
      const nextMeaning = words.get(wordKey(next.text));
      digit = nextMeaning !== undefined && 'digit' in nextMeaning ? nextMeaning.digit : undefined;
    }
    return digit === undefined ? undefined : { digits: digit.repeat(meaning.repeat), end: next.end };
  }
  // "oh" is zero only inside a number ("nine oh one"), never the interjection that starts a sentence.
  if (meaning.digit === '0' && token.text.length === 2 && wordKey(token.text) === 'oh') {
    if (previous === undefined || !JOINABLE_GAP.test(text.slice(previous.end, token.start))) return undefined;
  }
  return { digits: meaning.digit, end: token.end };
}

function toAsciiDigits(digits: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    const code = digits.charCodeAt(i);
    if (code < 0x80) {
      out += digits[i];
      continue;
    }
    for (const zero of NATIVE_ZEROS) {
      if (code >= zero && code <= zero + 9) {
        out += String.fromCharCode(48 + code - zero);
        break;
      }
    }
  }
  return out;
}

function identityText(text: string): NormalizedText {
  return { text, identity: true, originalSpan: (start, end) => ({ start, end }) };
}

function applyEdits(text: string, edits: readonly Edit[]): NormalizedText {
  let length = text.length;
  for (const edit of edits) length += edit.replacement.length - (edit.end - edit.start);
  // For every character of the output, the input span it came from.
  const from = new Int32Array(length);
  const to = new Int32Array(length);
  const parts: string[] = [];
  let out = 0;
  let cursor = 0;
  for (let e = 0; e <= edits.length; e++) {
    const edit = edits[e];
    const until = edit === undefined ? text.length : edit.start;
    if (until > cursor) parts.push(text.slice(cursor, until));
    for (let i = cursor; i < until; i++, out++) {
      from[out] = i;
      to[out] = i + 1;
    }
    if (edit === undefined) break;
    parts.push(edit.replacement);
    const oneToOne = edit.replacement.length === edit.end - edit.start;
    for (let k = 0; k < edit.replacement.length; k++, out++) {
      from[out] = oneToOne ? edit.start + k : edit.start;
      to[out] = oneToOne ? edit.start + k + 1 : edit.end;
    }
    cursor = edit.end;
  }
  return {
    text: parts.join(''),
    identity: false,
    originalSpan: (start, end) => ({ start: from[start]!, end: to[end - 1]! }),
  };
}
