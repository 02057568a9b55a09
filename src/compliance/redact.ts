// Redaction of personal identifiers from transcripts, logs, analytics and (optionally) text sent to cloud
// models. Digits said one by one are read as numerals first, so "नौ आठ सात छह पांच चार तीन दो एक शून्य" is
// redacted like 9876543210, and the words themselves are replaced. Detection uses check digits wherever the
// identifier has them: a number that fails its checksum is left as it was.
//
// Placeholders: Aadhaar keeps its last four digits as UIDAI's masked Aadhaar does ("XXXX XXXX 1234"), cards keep
// theirs ("[card ••••4242]"), everything else becomes its type ("[pan]", "[mobile_in]", "[email]"). Redacting
// redacted text changes nothing.
import { detectPii, type PiiType } from './pii-detectors.ts';
import { normalizeSpokenDigits } from './spoken-digits.ts';

export type { PiiType } from './pii-detectors.ts';

export interface PiiFinding {
  readonly type: PiiType;
  /** Span in the text given to `redactPii` / `findPii` (UTF-16 offsets, end exclusive). */
  readonly start: number;
  readonly end: number;
}

export interface RedactOptions {
  /** The conversation's locale (hi, pt-BR, ...): which Latin-script digit words count, and tie-breaks. */
  readonly locale?: string;
  /** Trailing digits shown for Aadhaar and cards, 0 to 4 (default 4; more would defeat the masking). */
  readonly keepLast?: number;
}

export interface Redaction {
  readonly text: string;
  readonly findings: PiiFinding[];
}

interface Located extends PiiFinding {
  readonly value: string;
}

const MAX_KEEP = 4;

/** Where the identifiers are in `text`, without changing it. Findings carry no identifier values. */
export function findPii(text: string, options: RedactOptions = {}): PiiFinding[] {
  return locate(text, options.locale).map(({ type, start, end }) => ({ type, start, end }));
}

/** `text` with every identifier replaced by its placeholder, and where each one was. */
export function redactPii(text: string, options: RedactOptions = {}): Redaction {
  const located = locate(text, options.locale);
  if (located.length === 0) return { text, findings: [] };
  const keep = Math.max(0, Math.min(MAX_KEEP, Math.trunc(options.keepLast ?? MAX_KEEP)));
  const parts: string[] = [];
  let cursor = 0;
  for (const finding of located) {
    parts.push(text.slice(cursor, finding.start), placeholder(finding.type, finding.value, keep));
    cursor = finding.end;
  }
  parts.push(text.slice(cursor));
  return { text: parts.join(''), findings: located.map(({ type, start, end }) => ({ type, start, end })) };
}

function locate(text: string, locale: string | undefined): Located[] {
  const normalized = normalizeSpokenDigits(text, locale);
  const detections = detectPii(normalized.text, locale);
  if (normalized.identity) return detections;
  const located: Located[] = [];
  let reach = 0;
  for (const detection of detections) {
    const { start, end } = normalized.originalSpan(detection.start, detection.end);
    // Two identifiers drawn from one phrase ("double five" split between them) cannot both replace it.
    if (start < reach) continue;
    located.push({ type: detection.type, start, end, value: detection.value });
    reach = end;
  }
  return located;
}

function placeholder(type: PiiType, value: string, keep: number): string {
  const last = keep === 0 ? '' : value.slice(-keep);
  switch (type) {
    case 'aadhaar': {
      const masked = 'X'.repeat(12 - last.length) + last;
      return `${masked.slice(0, 4)} ${masked.slice(4, 8)} ${masked.slice(8)}`;
    }
    case 'card':
      return last === '' ? '[card]' : `[card ••••${last}]`;
    default:
      return `[${type}]`;
  }
}
