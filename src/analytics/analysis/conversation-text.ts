// What analysis reads from a stored transcript (already redacted when it was written): the customer's own lines for
// intent and sentiment, and the dialogue between customer and agent for the text model, capped in length by keeping
// its start (what was asked) and its end (how it ended).
import type { TranscriptEntry } from '../../conversation/records.ts';

/** Kinds that are something a person said or typed; tool traffic, disclosures and events are not. */
const SPOKEN_OR_TYPED = new Set<TranscriptEntry['kind']>(['speech', 'text']);

export interface DialogueLine {
  readonly speaker: 'customer' | 'agent';
  readonly text: string;
}

/** What the customer said or typed, oldest first. Key presses carry no words and are left out. */
export function customerLines(transcript: readonly TranscriptEntry[]): string[] {
  return transcript.filter((entry) => entry.role === 'user' && SPOKEN_OR_TYPED.has(entry.kind) && typeof entry.text === 'string').map((entry) => entry.text);
}

/** Customer and agent lines in order, with key presses spelled out so a reader knows a menu choice was made. */
export function dialogue(transcript: readonly TranscriptEntry[]): DialogueLine[] {
  const lines: DialogueLine[] = [];
  for (const entry of transcript) {
    if (typeof entry.text !== 'string' || entry.text.trim() === '') continue;
    if (entry.role === 'user' && SPOKEN_OR_TYPED.has(entry.kind)) lines.push({ speaker: 'customer', text: entry.text.trim() });
    else if (entry.role === 'user' && entry.kind === 'dtmf') lines.push({ speaker: 'customer', text: `[pressed key ${entry.text.trim()}]` });
    else if (entry.role === 'assistant' && SPOKEN_OR_TYPED.has(entry.kind)) lines.push({ speaker: 'agent', text: entry.text.trim() });
  }
  return lines;
}

export function renderDialogue(lines: readonly DialogueLine[]): string {
  return lines.map((line) => `${line.speaker === 'customer' ? 'Customer' : 'Agent'}: ${line.text.replace(/\s+/gu, ' ')}`).join('\n');
}

/**
 * `text` if it fits in `maxChars`, else its first and last parts with a marker between, cut at line ends where a
 * line end is near, so no line starts or stops mid-word when avoidable. The result never exceeds `maxChars`.
 */
export function keepStartAndEnd(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const marker = (omitted: number): string => `\n[... ${omitted} characters left out ...]\n`;
  const budget = maxChars - marker(text.length).length;
  if (budget <= 0) return text.slice(0, maxChars);
  let head = text.slice(0, Math.ceil(budget / 2));
  let tail = text.slice(text.length - Math.floor(budget / 2));
  const headBreak = head.lastIndexOf('\n');
  if (headBreak > head.length / 2) head = head.slice(0, headBreak);
  const tailBreak = tail.indexOf('\n');
  if (tailBreak >= 0 && tailBreak < tail.length / 2) tail = tail.slice(tailBreak + 1);
  return `${head}${marker(text.length - head.length - tail.length)}${tail}`;
}
