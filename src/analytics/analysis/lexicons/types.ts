// The shape of one language's word lists for post-conversation analytics. Entries are written as people spell them
// (accents, nukta, zero-width joiners and all): the classifier folds entries and text the same way before comparing.
//   'book*'        a word starting with "book" (booking, booked): stems, for inflected and agglutinative languages
//   'good'         that word only
//   'my booking'   consecutive words; each may carry its own '*'
import type { Intent } from '../../../agent/intents.ts';

export type ClassifiedIntent = Exclude<Intent, 'other'>;

export interface LanguageLexicon {
  /** A BCP 47 tag naming the language and, when it is not the usual one, the script ('hi-Latn' for Hinglish). */
  readonly language: string;
  /** Words and phrases a customer uses when they want this. */
  readonly intents: Readonly<Record<ClassifiedIntent, readonly string[]>>;
  readonly positive: readonly string[];
  readonly negative: readonly string[];
  /** Words that turn a nearby sentiment word around ("not good", "अच्छा नहीं"). */
  readonly negators: readonly string[];
  /**
   * Where a negator stands relative to the word it negates: before it in English, Portuguese and Spanish ("not
   * good"), after it in the Indian languages, which put the negation at the end ("अच्छा नहीं", "ভালো না").
   */
  readonly negatorPosition: 'before' | 'after';
  /** Set phrases that contain a sentiment word but express none: greetings ("good morning", "boa tarde"). */
  readonly neutral?: readonly string[];
}
