// The classifier that needs no model: what a customer wanted and how they felt, from word lists (lexicons/) in their
// own scripts. Text and list entries are folded the same way first (case, accents, nukta, zero-width joiners), then
// read clause by clause. Where two entries claim the same words, the one covering more words wins ("my booking" is
// a status question, not a new booking), then the longer stem (Tamil நல்லாயில்ல "not good" over நல்ல "good").
//
// Sentiment counts each positive word +1 and each negative word -1; a negated word counts half the other way ("not
// good" -0.5, "no problem" +0.5). The score is (positive - negative) / (positive + negative + 1): one "thank you"
// gives 0.5, and a single word never reaches ±1. Labels: positive at 0.2 and above, negative at -0.2 and below.
import type { Intent } from '../../agent/intents.ts';
import type { Sentiment } from '../analytics-types.ts';
import { lexiconsFor, type ClassifiedIntent, type LanguageLexicon } from './lexicons/index.ts';

/** When two intents are named equally often, the first of these wins: the rarer, more specific request. */
const TIE_ORDER: readonly ClassifiedIntent[] = ['escalation', 'status', 'booking', 'faq'];
/** How many words may stand between a negator and the word it negates ("not very good", "खुश बिल्कुल नहीं"). */
const NEGATION_GAP = 2;
const SENTIMENT_THRESHOLD = 0.2;

type SentimentKind = 'positive' | 'negative' | 'negator' | 'neutral';

interface Entry<Kind> {
  readonly kind: Kind;
  readonly tokens: readonly string[];
  /** Per token: matches any word starting with it. */
  readonly stems: readonly boolean[];
  /** Characters the entry spells out, to prefer the more specific of two single-word entries. */
  readonly chars: number;
  readonly negatorPosition: LanguageLexicon['negatorPosition'];
}

interface Match<Kind> {
  readonly entry: Entry<Kind>;
  readonly start: number;
  readonly end: number;
}

interface Tables {
  readonly intents: readonly Entry<ClassifiedIntent>[];
  readonly sentiment: readonly Entry<SentimentKind>[];
}

export interface IntentClassification {
  /** 'other' when no keyword matched. */
  readonly intent: Intent;
  /** Matches per intent, over the customer's lines. */
  readonly scores: Readonly<Record<ClassifiedIntent, number>>;
}

export interface SentimentScore {
  /** -1..1, two decimals. */
  readonly score: number;
  readonly label: Sentiment;
  readonly positive: number;
  readonly negative: number;
}

/**
 * Makes the spellings people type for one word equal: lower case, Latin accents dropped (não / nao), Devanagari
 * nukta dropped (ज़ / ज) and chandrabindu as anusvara (कहाँ / कहां), zero-width joiners removed (అపాయింట్‌మెంట్), curly
 * apostrophes straight.
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u200C\u200D]/gu, '')
    .replace(/\u093C/gu, '')
    .replace(/\u0901/gu, '\u0902')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .replace(/[\u2018\u2019]/gu, "'")
    .normalize('NFC')
    .toLowerCase();
}

const VIRAMA_AT_END = /[\u094D\u09CD\u0BCD\u0C4D\u0CCD]$/u;
const CLAUSE_BREAK = /[.!?\u0964\u0965,;:\n\u00BF\u00A1\u2026()"]+/u;
const WORD = /[\p{L}\p{M}\p{N}]+(?:'[\p{L}\p{M}\p{N}]+)*/gu;

/** Folded words, one array per clause: negation and phrases never reach across a comma or a full stop. */
export function clauses(text: string): string[][] {
  return fold(text)
    .split(CLAUSE_BREAK)
    .map((clause) => clause.match(WORD) ?? [])
    .filter((words) => words.length > 0);
}

function compile<Kind>(kind: Kind, spelled: string, negatorPosition: LanguageLexicon['negatorPosition']): Entry<Kind> | undefined {
  const parts = fold(spelled).split(/\s+/u).filter((part) => part.length > 0);
  if (parts.length === 0) return undefined;
  const stems = parts.map((part) => part.endsWith('*'));
  // A stem's final virama gives way to the vowel sign of a suffix (மேலாளர் -> மேலாளரிடம்), so it is left out.
  const tokens = parts.map((part) => (part.endsWith('*') ? part.replace(/\*+$/u, '').replace(VIRAMA_AT_END, '') : part));
  return { kind, tokens, stems, chars: tokens.join('').length, negatorPosition };
}

const tablesByKey = new Map<string, Tables>();

function tablesFor(locale: string): Tables {
  const lexicons = lexiconsFor(locale);
  const key = lexicons.map((lexicon) => lexicon.language).join(',');
  let tables = tablesByKey.get(key);
  if (tables) return tables;
  const intents: Entry<ClassifiedIntent>[] = [];
  const sentiment: Entry<SentimentKind>[] = [];
  for (const lexicon of lexicons) {
    const add = <Kind>(into: Entry<Kind>[], kind: Kind, words: readonly string[] = []): void => {
      for (const word of words) {
        const entry = compile(kind, word, lexicon.negatorPosition);
        if (entry) into.push(entry);
      }
    };
    for (const intent of TIE_ORDER) add<ClassifiedIntent>(intents, intent, lexicon.intents[intent]);
    add<SentimentKind>(sentiment, 'positive', lexicon.positive);
    add<SentimentKind>(sentiment, 'negative', lexicon.negative);
    add<SentimentKind>(sentiment, 'negator', lexicon.negators);
    add<SentimentKind>(sentiment, 'neutral', lexicon.neutral);
  }
  tables = { intents, sentiment };
  tablesByKey.set(key, tables);
  return tables;
}

function matchesAt(words: readonly string[], start: number, entry: Entry<unknown>): boolean {
  if (start + entry.tokens.length > words.length) return false;
  for (let i = 0; i < entry.tokens.length; i++) {
    const word = words[start + i]!;
    const wanted = entry.tokens[i]!;
    if (word !== wanted && !(entry.stems[i] && word.startsWith(wanted))) return false;
  }
  return true;
}

/** The matches of `entries` in one clause, no two sharing a word: longer phrases first, then longer stems. */
function matchClause<Kind>(words: readonly string[], entries: readonly Entry<Kind>[]): Match<Kind>[] {
  const found: Match<Kind>[] = [];
  for (let start = 0; start < words.length; start++) {
    for (const entry of entries) if (matchesAt(words, start, entry)) found.push({ entry, start, end: start + entry.tokens.length });
  }
  found.sort((a, b) => b.end - b.start - (a.end - a.start) || b.entry.chars - a.entry.chars || a.start - b.start);
  const taken = new Array<boolean>(words.length).fill(false);
  const kept: Match<Kind>[] = [];
  for (const match of found) {
    let free = true;
    for (let i = match.start; i < match.end; i++) if (taken[i]) free = false;
    if (!free) continue;
    for (let i = match.start; i < match.end; i++) taken[i] = true;
    kept.push(match);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** What the customer's lines ask for most; ties go to TIE_ORDER. */
export function classifyIntent(lines: readonly string[], locale: string): IntentClassification {
  const { intents } = tablesFor(locale);
  const scores: Record<ClassifiedIntent, number> = { booking: 0, status: 0, escalation: 0, faq: 0 };
  for (const line of lines) {
    for (const words of clauses(line)) for (const match of matchClause(words, intents)) scores[match.entry.kind] += 1;
  }
  let best: Intent = 'other';
  let bestScore = 0;
  for (const intent of TIE_ORDER) {
    if (scores[intent] > bestScore) {
      best = intent;
      bestScore = scores[intent];
    }
  }
  return { intent: best, scores };
}

function negated(match: Match<SentimentKind>, negators: readonly Match<SentimentKind>[]): boolean {
  return negators.some((negator) =>
    negator.entry.negatorPosition === 'before'
      ? negator.end <= match.start && match.start - negator.end <= NEGATION_GAP
      : negator.start >= match.end && negator.start - match.end <= NEGATION_GAP,
  );
}

/** The customer's sentiment over their lines (pass only what the customer said). */
export function scoreSentiment(lines: readonly string[], locale: string): SentimentScore {
  const { sentiment } = tablesFor(locale);
  let positive = 0;
  let negative = 0;
  for (const line of lines) {
    for (const words of clauses(line)) {
      const matches = matchClause(words, sentiment);
      const negators = matches.filter((match) => match.entry.kind === 'negator');
      for (const match of matches) {
        const { kind } = match.entry;
        if (kind !== 'positive' && kind !== 'negative') continue;
        const turned = negated(match, negators);
        if ((kind === 'positive') !== turned) positive += turned ? 0.5 : 1;
        else negative += turned ? 0.5 : 1;
      }
    }
  }
  const score = Math.round(((positive - negative) / (positive + negative + 1)) * 100) / 100;
  return { score, label: sentimentLabel(score), positive, negative };
}

/** The label dashboards show for a score in -1..1. */
export function sentimentLabel(score: number): Sentiment {
  if (score >= SENTIMENT_THRESHOLD) return 'positive';
  if (score <= -SENTIMENT_THRESHOLD) return 'negative';
  return 'neutral';
}
