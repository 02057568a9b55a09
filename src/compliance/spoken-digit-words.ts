// Digit words of the supported languages, as callers say a number one digit at a time. Words in Indic scripts
// mean the same wherever they appear, so they are always recognised; Latin-script words collide across
// languages ("do" is two in romanised Hindi, "dos" is "of the" in Portuguese), so the locale picks those tables.

/** A word's meaning: a digit, or a repeat count for the next digit ("double five" is 55). */
export type DigitWord = { readonly digit: string } | { readonly repeat: number };

type Table = Readonly<Record<string, string>>;

const NATIVE: readonly Table[] = [
  // Hindi and Marathi (Devanagari). Nukta spellings are folded by `wordKey`.
  {
    शून्य: '0', शुन्य: '0', जीरो: '0', एक: '1', दो: '2', दोन: '2', तीन: '3', चार: '4', पांच: '5', पाँच: '5',
    पाच: '5', छह: '6', छः: '6', छ: '6', छे: '6', छै: '6', सहा: '6', सात: '7', आठ: '8', नौ: '9', नऊ: '9',
  },
  // Tamil, written and colloquial.
  {
    பூஜ்ஜியம்: '0', பூஜ்யம்: '0', பூஜியம்: '0', சுழியம்: '0', சைபர்: '0', ஒன்று: '1', ஒண்ணு: '1', ஒன்னு: '1',
    இரண்டு: '2', ரெண்டு: '2', மூன்று: '3', மூணு: '3', நான்கு: '4', நாலு: '4', ஐந்து: '5', அஞ்சு: '5', ஆறு: '6',
    ஏழு: '7', எட்டு: '8', ஒன்பது: '9',
  },
  // Telugu.
  {
    సున్నా: '0', సున్న: '0', ఒకటి: '1', రెండు: '2', మూడు: '3', నాలుగు: '4', ఐదు: '5', అయిదు: '5', ఆరు: '6',
    ఏడు: '7', ఎనిమిది: '8', తొమ్మిది: '9',
  },
  // Bengali. ছয় (six) and নয় (nine) are written with the precomposed য় here; `wordKey` folds either spelling.
  {
    শূন্য: '0', এক: '1', দুই: '2', তিন: '3', চার: '4', পাঁচ: '5', '\u099B\u09DF': '6', সাত: '7', আট: '8',
    '\u09A8\u09DF': '9',
  },
  // Kannada.
  {
    ಸೊನ್ನೆ: '0', ಶೂನ್ಯ: '0', ಒಂದು: '1', ಎರಡು: '2', ಮೂರು: '3', ನಾಲ್ಕು: '4', ಐದು: '5', ಆರು: '6', ಏಳು: '7',
    ಎಂಟು: '8', ಒಂಬತ್ತು: '9',
  },
];

// "Double", "triple" as Indian speakers say them in every language (the English word, or it in the script).
const NATIVE_REPEATS: Readonly<Record<string, number>> = {
  डबल: 2, ट्रिपल: 3, டபுள்: 2, ட்ரிபிள்: 3, డబుల్: 2, ట్రిపుల్: 3, ডাবল: 2, ট্রিপল: 3, ಡಬಲ್: 2, ಟ್ರಿಪಲ್: 3,
};

/** Latin-script tables, chosen by locale. "oh" is zero only after another digit (see spoken-digits.ts). */
export const LATIN_TABLES = {
  en: { zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9' },
  'hi-Latn': {
    shunya: '0', shoonya: '0', sunya: '0', ek: '1', do: '2', teen: '3', char: '4', chaar: '4', panch: '5', paanch: '5',
    chhe: '6', chhah: '6', chah: '6', chheh: '6', saat: '7', aath: '8', nau: '9',
  },
  pt: {
    zero: '0', um: '1', uma: '1', dois: '2', duas: '2', três: '3', tres: '3', quatro: '4', cinco: '5', seis: '6',
    meia: '6', sete: '7', oito: '8', nove: '9',
  },
  es: {
    cero: '0', uno: '1', dos: '2', tres: '3', cuatro: '4', cinco: '5', seis: '6', siete: '7', ocho: '8', nueve: '9',
  },
} as const satisfies Record<string, Table>;

export type LatinTable = keyof typeof LATIN_TABLES;

const LATIN_REPEATS: Readonly<Record<string, number>> = { double: 2, triple: 3 };

const NUKTA_OR_JOINER = /[\u093C\u09BC\u0958-\u095F\u09DC-\u09DF\u200C\u200D]/;
const NUKTA_AND_JOINERS = /[\u093C\u09BC\u200C\u200D]/g;
const UPPER = /[A-ZÀ-Þ]/;

/**
 * The lookup form of a word: lower case, without nukta (ज़ = ज, য় = য) and zero-width joiners, which speech-to-text
 * engines and keyboards write inconsistently.
 */
export function wordKey(word: string): string {
  let key = UPPER.test(word) ? word.toLowerCase() : word;
  if (NUKTA_OR_JOINER.test(key)) key = key.normalize('NFD').replace(NUKTA_AND_JOINERS, '');
  return key;
}

/** Which Latin-script tables a locale uses; every table when the locale is unknown or absent. */
export function latinTablesFor(locale: string | undefined): readonly LatinTable[] {
  const [language = '', region = ''] = (locale ?? '').toLowerCase().split(/[-_]/);
  switch (language) {
    case 'hi':
    case 'mr':
      return ['en', 'hi-Latn'];
    case 'ta':
    case 'te':
    case 'bn':
    case 'kn':
      return ['en'];
    case 'en':
      return region === 'in' ? ['en', 'hi-Latn'] : ['en'];
    case 'pt':
      return ['pt', 'en'];
    case 'es':
      return ['es', 'en'];
    default:
      return ['en', 'hi-Latn', 'pt', 'es'];
  }
}

const dictionaries = new Map<string, ReadonlyMap<string, DigitWord>>();

/** Every digit word (and repeat word) a locale recognises, keyed by `wordKey`. Built once per table set. */
export function digitWordsFor(locale: string | undefined): ReadonlyMap<string, DigitWord> {
  const tables = latinTablesFor(locale);
  const id = tables.join('+');
  let words = dictionaries.get(id);
  if (words === undefined) {
    const built = new Map<string, DigitWord>();
    // Later tables do not override earlier ones: "tres" is 3 in both Portuguese and Spanish anyway.
    const add = (word: string, meaning: DigitWord): void => {
      const key = wordKey(word);
      if (!built.has(key)) built.set(key, meaning);
    };
    for (const table of NATIVE) for (const [word, digit] of Object.entries(table)) add(word, { digit });
    for (const [word, repeat] of Object.entries(NATIVE_REPEATS)) add(word, { repeat });
    for (const name of tables) for (const [word, digit] of Object.entries(LATIN_TABLES[name])) add(word, { digit });
    for (const [word, repeat] of Object.entries(LATIN_REPEATS)) add(word, { repeat });
    words = built;
    dictionaries.set(id, words);
  }
  return words;
}
