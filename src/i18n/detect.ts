// Which of the business's enabled languages a customer's message is in. The script decides first (Unicode script
// properties, so shared characters such as the danda U+0964 count for no language), then word cues split the
// languages that share one: Hindi and Marathi, Portuguese and Spanish, romanized Hindi and English. No statistical
// model: the inputs are short chat messages and speech transcripts, where a word list is as good and explainable.
import {
  ENGLISH_WORDS,
  HINDI_WORDS,
  MARATHI_SUFFIX,
  MARATHI_WORDS,
  PORTUGUESE_WORDS,
  ROMANIZED_HINDI_WORDS,
  SPANISH_WORDS,
} from './language-cues.ts';

export type DetectionReason = 'script' | 'words' | 'romanized';

export interface Detection {
  /** One of the enabled locales, as spelled there ("es-MX", "hi-IN"). */
  readonly locale: string;
  /** 0..1. At SWITCH_CONFIDENCE or above the conversation may change language. */
  readonly confidence: number;
  readonly reason: DetectionReason;
}

/** Below this a detection is a hint, never a reason to change the conversation's language. */
export const SWITCH_CONFIDENCE = 0.7;
/** A single word ("ok", "हाँ", "obrigado", "kal?") says little about the language of the next sentence. */
const SINGLE_WORD_CONFIDENCE = 0.5;

type Script = 'Devanagari' | 'Bengali' | 'Tamil' | 'Telugu' | 'Kannada' | 'Latin' | 'other';
const SCRIPTS = ['Devanagari', 'Bengali', 'Tamil', 'Telugu', 'Kannada', 'Latin'] as const;
/** One capture group per script; the lookahead keeps digits (१२३ is Script=Devanagari too) and punctuation out. */
const LETTER = new RegExp(
  `(?=[\\p{L}\\p{M}])(?:${SCRIPTS.map((script) => `(\\p{Script=${script}})`).join('|')}|.)`,
  'gu',
);
const SINGLE_SCRIPT_LANGUAGE: Readonly<Partial<Record<Script, string>>> = {
  Bengali: 'bn', Tamil: 'ta', Telugu: 'te', Kannada: 'kn',
};
const WORD = /[\p{L}\p{M}]+(?:'[\p{L}\p{M}]+)*/gu;
const PORTUGUESE_LETTER = /[ãõçêôâà]/u;
const SPANISH_LETTER = /ñ/u;
const SPANISH_PUNCTUATION = /[¿¡]/u;
/** Nukta and chandrabindu: common in Hindi spelling (ज़रूर, हाँ), rare in Marathi. */
const HINDI_MARK = /[\u093C\u0901]/u;

function primary(tag: string): string {
  return (tag.split(/[-_]/u)[0] ?? '').toLowerCase();
}

/** The enabled locale for a language: for English en-IN first, then en, then any other English. */
function enabledFor(language: string, enabled: readonly string[]): string | undefined {
  const matching = enabled.filter((tag) => primary(tag) === language);
  if (language === 'en') {
    const spelled = (tag: string): string => tag.toLowerCase().replace('_', '-');
    return matching.find((tag) => spelled(tag) === 'en-in') ?? matching.find((tag) => spelled(tag) === 'en') ?? matching[0];
  }
  return matching[0];
}

/**
 * A confidence from cue counts: the winner's margin over the runner-up relative to all the evidence. One cue word
 * alone never reaches SWITCH_CONFIDENCE.
 */
function cueConfidence(best: number, second: number): number {
  const confidence = 0.5 + (0.45 * (best - second)) / (best + second + 1);
  return best < 2 ? Math.min(confidence, 0.65) : confidence;
}

function countLetters(text: string): { counts: Map<Script, number>; total: number } {
  const counts = new Map<Script, number>();
  let total = 0;
  for (const match of text.matchAll(LETTER)) {
    const index = SCRIPTS.findIndex((_, group) => match[group + 1] !== undefined);
    const script: Script = SCRIPTS[index] ?? 'other';
    counts.set(script, (counts.get(script) ?? 0) + 1);
    total += 1;
  }
  return { counts, total };
}

/**
 * The script with most letters. Latin letters count half when an Indian script is present: English nouns inside an
 * Indian-language sentence ("मेरा order cancel करना है") are everyday code-mixing, the reverse is rare.
 */
function dominantScript(counts: Map<Script, number>): { script: Script; share: number } {
  const indic = [...counts.keys()].some((script) => script !== 'Latin' && script !== 'other');
  let best: Script = 'other';
  let bestWeight = 0;
  let totalWeight = 0;
  for (const [script, count] of counts) {
    const weight = script === 'Latin' && indic ? count / 2 : count;
    totalWeight += weight;
    if (weight > bestWeight) {
      best = script;
      bestWeight = weight;
    }
  }
  return { script: best, share: totalWeight === 0 ? 0 : bestWeight / totalWeight };
}

function detectDevanagari(
  tokens: readonly string[],
  enabled: readonly string[],
  scriptConfidence: number,
): Detection | null {
  const hi = enabledFor('hi', enabled);
  const mr = enabledFor('mr', enabled);
  if (hi === undefined || mr === undefined) {
    // One of them enabled: the script settles it (a Marathi speaker is answered in Hindi and vice versa).
    const only = hi ?? mr;
    return only === undefined ? null : { locale: only, confidence: scriptConfidence, reason: 'script' };
  }
  let marathi = 0;
  let hindi = 0;
  for (const token of tokens) {
    if (MARATHI_WORDS.has(token) || MARATHI_SUFFIX.test(token)) marathi += 1;
    else if (HINDI_WORDS.has(token)) hindi += 1;
    else if (HINDI_MARK.test(token)) hindi += 0.5;
  }
  // No cue either way: Hindi, by far the more common, but not confident enough to switch to.
  if (marathi === hindi) return { locale: hi, confidence: Math.min(scriptConfidence, 0.6), reason: 'script' };
  const [locale, best, second] = marathi > hindi ? [mr, marathi, hindi] : [hi, hindi, marathi];
  return { locale, confidence: Math.min(scriptConfidence, cueConfidence(best, second)), reason: 'words' };
}

function detectLatin(text: string, tokens: readonly string[], enabled: readonly string[]): Detection | null {
  let pt = 0;
  let es = SPANISH_PUNCTUATION.test(text) ? 1 : 0;
  let hi = 0;
  let en = 0;
  for (const token of tokens) {
    if (PORTUGUESE_WORDS.has(token)) pt += 1;
    if (PORTUGUESE_LETTER.test(token)) pt += 1;
    if (SPANISH_WORDS.has(token)) es += 1;
    if (SPANISH_LETTER.test(token)) es += 1;
    hi += ROMANIZED_HINDI_WORDS.get(token) ?? 0;
    if (ENGLISH_WORDS.has(token)) en += 1;
  }
  const ranked = (
    [
      { language: 'pt', score: pt, reason: 'words' },
      { language: 'es', score: es, reason: 'words' },
      { language: 'hi', score: hi, reason: 'romanized' },
    ] as const
  ).toSorted((a, b) => b.score - a.score);
  const [top, runnerUp] = ranked;
  if (top !== undefined && top.score >= 1 && top.score > en) {
    const locale = enabledFor(top.language, enabled);
    // Clearly a language the business has not enabled: better no answer than English.
    if (locale === undefined) return null;
    return { locale, confidence: cueConfidence(top.score, Math.max(runnerUp?.score ?? 0, en)), reason: top.reason };
  }
  const english = enabledFor('en', enabled);
  if (english === undefined) return null;
  // Latin letters and no cue at all (a name, "ok", a brand): English, as a guess.
  if (en === 0) return { locale: english, confidence: 0.4, reason: 'script' };
  return { locale: english, confidence: cueConfidence(en, top?.score ?? 0), reason: 'words' };
}

/**
 * The enabled locale `text` is most likely in, or null when it has no letters, is in a script or language none of
 * the enabled locales covers. Confidence is capped for one-word messages; see SWITCH_CONFIDENCE.
 */
export function detectLanguage(text: string, enabled: readonly string[]): Detection | null {
  const normalized = text.normalize('NFC').replace(/[\u2018\u2019]/gu, "'");
  const { counts, total } = countLetters(normalized);
  if (total === 0) return null;
  const tokens = normalized.toLowerCase().match(WORD) ?? [];
  const { script, share } = dominantScript(counts);
  const scriptConfidence = 0.6 + 0.35 * share;
  let detection: Detection | null;
  if (script === 'Latin') detection = detectLatin(normalized, tokens, enabled);
  else if (script === 'Devanagari') detection = detectDevanagari(tokens, enabled, scriptConfidence);
  else {
    const language = SINGLE_SCRIPT_LANGUAGE[script];
    const locale = language === undefined ? undefined : enabledFor(language, enabled);
    detection = locale === undefined ? null : { locale, confidence: scriptConfidence, reason: 'script' };
  }
  if (detection !== null && tokens.length < 2) {
    detection = { ...detection, confidence: Math.min(detection.confidence, SINGLE_WORD_CONFIDENCE) };
  }
  return detection;
}

/** Same language, whatever the region: es-MX and es-419 are; hi and mr are not. */
export function isLikelySameLanguage(a: string, b: string): boolean {
  return primary(a) === primary(b);
}

/**
 * The language to answer in after the customer said `text`. It changes from `current` when the detection is
 * confident, or when it is a fair guess and the text cannot be in `current` at all (Devanagari while speaking
 * English: Hindi or Marathi is uncertain, English is ruled out). "ok", digits and one-word answers never switch.
 */
export function languageForReply(text: string, current: string, enabled: readonly string[]): string {
  const detection = detectLanguage(text, enabled);
  if (detection === null || isLikelySameLanguage(detection.locale, current)) return current;
  if (detection.confidence >= SWITCH_CONFIDENCE) return detection.locale;
  const ruledOut = detectLanguage(text, [current]) === null;
  return ruledOut && detection.confidence > SINGLE_WORD_CONFIDENCE ? detection.locale : current;
}
