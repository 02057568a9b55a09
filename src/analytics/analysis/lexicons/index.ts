// Every language's lexicon, and which ones read a conversation in a given locale. Indian scripts never collide, so
// their lists always run (a customer may switch language mid-call); Latin-script lists run by locale, so a word that
// means one thing in Portuguese and another in English cannot mislead, with English always on (Indian customers mix
// English nouns into every language) and Hinglish on for the Indian locales.
import type { LanguageLexicon } from './types.ts';
import { bengali } from './bn.ts';
import { english } from './en.ts';
import { spanish } from './es.ts';
import { hindi } from './hi.ts';
import { hinglish } from './hinglish.ts';
import { kannada } from './kn.ts';
import { marathi } from './mr.ts';
import { portuguese } from './pt.ts';
import { tamil } from './ta.ts';
import { telugu } from './te.ts';

export type { ClassifiedIntent, LanguageLexicon } from './types.ts';

const INDIAN_SCRIPTS: readonly LanguageLexicon[] = [hindi, marathi, bengali, tamil, telugu, kannada];
const INDIAN_LANGUAGES = new Set(['hi', 'mr', 'bn', 'ta', 'te', 'kn']);

/** The lexicons that read a conversation whose locale is `locale` (a BCP 47 tag; anything unparsable reads as English). */
export function lexiconsFor(locale: string): readonly LanguageLexicon[] {
  const [language = '', region = ''] = locale.toLowerCase().split(/[-_]/u);
  const latin: LanguageLexicon[] = [english];
  if (INDIAN_LANGUAGES.has(language) || (language === 'en' && region === 'in')) latin.push(hinglish);
  if (language === 'pt') latin.push(portuguese);
  if (language === 'es') latin.push(spanish);
  return [...INDIAN_SCRIPTS, ...latin];
}
