// lookup_faq: answers questions about the business (hours, address, fees, what to bring...) from a knowledge file
// per language, knowledge/<locale>.json, so the model repeats the business's own words instead of inventing them.
// Matching is keyword overlap with no stemming library: a question in any script is cut into Unicode words, and a
// keyword also matches the longer inflected forms it starts (खुल -> खुलता, abre -> abren).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Logger } from '../../core/channel.ts';
import { defineTool } from '../../core/tool.ts';
import type { ToolSpec } from '../../core/tool.ts';
import { DEFAULT_LOCALE, resolveLocale } from '../../i18n/i18n.ts';
import type { SupportedLocale } from '../../i18n/i18n.ts';
import { createLogger } from '../../log.ts';

export const FAQ_NOT_FOUND_MESSAGE = 'No answer in the knowledge base; offer to connect the customer to a person.';
export const DEFAULT_KNOWLEDGE_DIR = fileURLToPath(new URL('../../../knowledge/', import.meta.url));

const entrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/u, 'must be lower-case letters, digits and dashes'),
  question: z.string().trim().min(1).max(300),
  // Read out on calls: a long answer is a monologue.
  answer: z.string().trim().min(1).max(400),
  keywords: z.array(z.string().trim().min(1).max(80)).min(1).max(80),
});
const fileSchema = z.array(entrySchema).min(1).max(200);

export type FaqEntry = z.infer<typeof entrySchema>;

const lookupInput = z.object({
  question: z.string().trim().min(1).max(300).describe("The customer's question, in their words and language."),
});
export type LookupFaqInput = z.infer<typeof lookupInput>;

export interface FaqAnswer {
  readonly id: string;
  readonly question: string;
  readonly answer: string;
}

export type FaqResult =
  /** `locale` is the file the answers come from: English when the conversation's language has none (translate it). */
  | { readonly found: true; readonly locale: SupportedLocale; readonly answers: readonly FaqAnswer[] }
  | { readonly found: false; readonly message: string };

export interface FaqOptions {
  /** Where the <locale>.json files are; the repository's knowledge/ by default. */
  readonly dir?: string;
  /** Told when a language has no file and English answers instead. */
  readonly log?: Logger;
  /** Answers returned at most (1 to 3). */
  readonly maxAnswers?: number;
}

// ---- text to words ----

// Vowel signs and viramas are marks (\p{M}): without them an Indic word falls apart into consonants. Latin accents
// are folded away (customers type "que", "horario", "nao"); nukta, ZWJ/ZWNJ and chandrabindu are typed both ways.
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const LATIN_ACCENTS = /[\u0300-\u036f]/gu;
const TYPED_EITHER_WAY = /[\u093c\u09bc\u200c\u200d]/gu;
const CHANDRABINDU = /\u0901/gu;
/** A word ending in a virama (Devanagari, Bengali, Tamil, Telugu, Kannada) continues without it: रिपोर्ट -> रिपोर्टें. */
const FINAL_VIRAMA = /[\u094d\u09cd\u0bcd\u0c4d\u0ccd]$/u;

/** The words of `text`, lower-case, with the spelling variations customers type folded together. */
export function tokenize(text: string): string[] {
  const folded = text
    .normalize('NFD')
    .replace(LATIN_ACCENTS, '')
    .replace(TYPED_EITHER_WAY, '')
    .replace(CHANDRABINDU, '\u0902')
    .normalize('NFC')
    .toLowerCase();
  return folded.match(WORD) ?? [];
}

// ---- scoring ----

/** A keyword shorter than this matches only itself: short stems start too many unrelated words. */
const MIN_STEM = 3;
/** A customer's word shorter than this does not stand for the longer keywords it starts ("can" is not "cancel"). */
const MIN_TYPED_PREFIX = 4;
const PREFIX_WEIGHT = 0.75;
/** One distinctive keyword (weight 1) is enough; a word found in half the entries or more alone is not. */
const THRESHOLD = 0.6;
/** Runner-up answers are kept only when nearly as good as the best. */
const RUNNER_UP_RATIO = 0.6;

interface IndexedEntry {
  readonly entry: FaqAnswer;
  /**
   * Each keyword word with its weight and its form for prefix matching. The weight is 1 for a word of one entry and
   * falls as more entries share it (inverse document frequency scaled to the file's size, so a file of one entry works).
   */
  readonly terms: readonly { readonly word: string; readonly stem: string; readonly weight: number }[];
}

export interface KnowledgeIndex {
  readonly locale: SupportedLocale;
  readonly entries: readonly IndexedEntry[];
}

export function indexKnowledge(locale: SupportedLocale, entries: readonly FaqEntry[]): KnowledgeIndex {
  const wordsOf = entries.map((entry) => new Set(entry.keywords.flatMap(tokenize)));
  const entryCount = new Map<string, number>();
  for (const words of wordsOf) for (const word of words) entryCount.set(word, (entryCount.get(word) ?? 0) + 1);
  return {
    locale,
    entries: entries.map((entry, i) => ({
      entry: { id: entry.id, question: entry.question, answer: entry.answer },
      terms: [...wordsOf[i]!].map((word) => ({
        word,
        stem: word.replace(FINAL_VIRAMA, ''),
        weight: Math.log(1 + entries.length / (entryCount.get(word) ?? 1)) / Math.log(1 + entries.length),
      })),
    })),
  };
}

function matchStrength(typed: string, word: string, stem: string): number {
  if (typed === word) return 1;
  if (stem.length >= MIN_STEM && typed.startsWith(stem)) return PREFIX_WEIGHT;
  if (typed.length >= MIN_TYPED_PREFIX && word.startsWith(typed)) return PREFIX_WEIGHT;
  return 0;
}

/** The best 1 to `maxAnswers` entries for `question`, best first, or none when nothing matches well enough. */
export function findAnswers(index: KnowledgeIndex, question: string, maxAnswers = 3): FaqAnswer[] {
  const typed = [...new Set(tokenize(question))];
  const scored: { entry: FaqAnswer; score: number }[] = [];
  for (const { entry, terms } of index.entries) {
    let score = 0;
    for (const word of typed) {
      let best = 0;
      for (const term of terms) best = Math.max(best, matchStrength(word, term.word, term.stem) * term.weight);
      score += best;
    }
    if (score >= THRESHOLD) scored.push({ entry, score });
  }
  scored.sort((a, b) => b.score - a.score);
  const top = scored[0]?.score ?? 0;
  return scored.filter((item) => item.score >= top * RUNNER_UP_RATIO).slice(0, maxAnswers).map((item) => item.entry);
}

// ---- files ----

/** Reads and checks one knowledge file; errors name the file and the entry. */
export async function loadKnowledgeFile(path: string): Promise<FaqEntry[]> {
  const text = await readFile(path, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`knowledge file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const [position, ...field] = issue.path;
      if (typeof position !== 'number') return issue.message;
      const id = (raw as Array<{ id?: unknown }>)[position]?.id;
      const name = typeof id === 'string' ? ` (id "${id}")` : '';
      return `entry ${position}${name}${field.length > 0 ? ` ${field.join('.')}` : ''}: ${issue.message}`;
    });
    throw new Error(`knowledge file ${path} is invalid: ${problems.join('; ')}`);
  }
  const seen = new Set<string>();
  parsed.data.forEach((entry, position) => {
    if (seen.has(entry.id)) throw new Error(`knowledge file ${path} is invalid: entry ${position} repeats id "${entry.id}"`);
    seen.add(entry.id);
    if (!entry.keywords.some((keyword) => tokenize(keyword).length > 0)) {
      throw new Error(`knowledge file ${path} is invalid: entry ${position} (id "${entry.id}") has no keyword with a letter or digit`);
    }
  });
  return parsed.data;
}

/** Each language's file, read on first use and kept; a language without a file answers from English. */
export class KnowledgeFiles {
  readonly #dir: string;
  readonly #log: Logger;
  readonly #loaded = new Map<SupportedLocale, Promise<KnowledgeIndex>>();

  constructor(dir: string, log: Logger) {
    this.#dir = dir;
    this.#log = log;
  }

  index(locale: string): Promise<KnowledgeIndex> {
    const served = resolveLocale(locale);
    let loading = this.#loaded.get(served);
    if (loading === undefined) {
      loading = this.#load(served);
      this.#loaded.set(served, loading);
      // A broken file is not remembered: once fixed, the next question reads it again.
      loading.catch(() => this.#loaded.delete(served));
    }
    return loading;
  }

  async #load(locale: SupportedLocale): Promise<KnowledgeIndex> {
    const path = join(this.#dir, `${locale}.json`);
    try {
      return indexKnowledge(locale, await loadKnowledgeFile(path));
    } catch (error) {
      if (locale === DEFAULT_LOCALE || (error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#log.warn({ locale, path }, 'no knowledge file for this language: FAQ answers come from English');
      return this.index(DEFAULT_LOCALE);
    }
  }
}

export function faqTool(options: FaqOptions = {}): ToolSpec<LookupFaqInput, FaqResult> {
  const maxAnswers = options.maxAnswers ?? 3;
  if (!Number.isInteger(maxAnswers) || maxAnswers < 1 || maxAnswers > 3) throw new RangeError(`maxAnswers must be 1, 2 or 3, not ${maxAnswers}`);
  const files = new KnowledgeFiles(options.dir ?? DEFAULT_KNOWLEDGE_DIR, options.log ?? createLogger());
  return defineTool(
    'lookup_faq',
    'Answers questions about the business: opening hours, address and directions, parking, fees, what to bring, cancelling or rescheduling, payment, reports, emergencies. Returns the business\u2019s own answers; say them in the customer\u2019s language.',
    lookupInput,
    async (input, context): Promise<FaqResult> => {
      const index = await files.index(context.locale);
      context.signal.throwIfAborted();
      const answers = findAnswers(index, input.question, maxAnswers);
      return answers.length > 0 ? { found: true, locale: index.locale, answers } : { found: false, message: FAQ_NOT_FOUND_MESSAGE };
    },
    { timeoutMs: 1_000, cancellable: true, idempotent: true },
  );
}
