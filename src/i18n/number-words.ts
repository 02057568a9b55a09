// Words that speech forms need and Intl does not give: digit names, plus and minus, local names of currencies and
// the Indian scale words ICU lacks for Tamil, Telugu and Kannada. Keyed by language subtag.

export interface PluralWords {
  readonly one: string;
  readonly other: string;
  /** CLDR "many" (pt, es: an exact million), where the currency needs "de": "2 milhões de reais". */
  readonly many?: string;
}

/** The digits 0-9, read one by one (phone numbers, IDs, OTPs). */
export const DIGIT_WORDS: Readonly<Record<string, readonly string[]>> = {
  en: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'],
  hi: ['शून्य', 'एक', 'दो', 'तीन', 'चार', 'पाँच', 'छह', 'सात', 'आठ', 'नौ'],
  mr: ['शून्य', 'एक', 'दोन', 'तीन', 'चार', 'पाच', 'सहा', 'सात', 'आठ', 'नऊ'],
  bn: ['শূন্য', 'এক', 'দুই', 'তিন', 'চার', 'পাঁচ', 'ছয়', 'সাত', 'আট', 'নয়'],
  ta: ['பூஜ்ஜியம்', 'ஒன்று', 'இரண்டு', 'மூன்று', 'நான்கு', 'ஐந்து', 'ஆறு', 'ஏழு', 'எட்டு', 'ஒன்பது'],
  te: ['సున్నా', 'ఒకటి', 'రెండు', 'మూడు', 'నాలుగు', 'ఐదు', 'ఆరు', 'ఏడు', 'ఎనిమిది', 'తొమ్మిది'],
  kn: ['ಸೊನ್ನೆ', 'ಒಂದು', 'ಎರಡು', 'ಮೂರು', 'ನಾಲ್ಕು', 'ಐದು', 'ಆರು', 'ಏಳು', 'ಎಂಟು', 'ಒಂಬತ್ತು'],
  pt: ['zero', 'um', 'dois', 'três', 'quatro', 'cinco', 'seis', 'sete', 'oito', 'nove'],
  es: ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve'],
};

/** Said before a foreign country code: "plus 1, ...". */
export const PLUS_WORD: Readonly<Record<string, string>> = {
  en: 'plus', hi: 'प्लस', mr: 'प्लस', bn: 'প্লাস', ta: 'பிளஸ்', te: 'ప్లస్', kn: 'ಪ್ಲಸ್', pt: 'mais', es: 'más',
};

/** Said before a negative amount. */
export const MINUS_WORD: Readonly<Record<string, string>> = {
  en: 'minus', hi: 'माइनस', mr: 'उणे', bn: 'মাইনাস', ta: 'மைனஸ்', te: 'మైనస్', kn: 'ಮೈನಸ್', pt: 'menos', es: 'menos',
};

/** Joins the major and the minor unit: "678 rupees and 90 paise", "50 pesos con 20 centavos". Empty: juxtaposed. */
export const AMOUNT_JOINER: Readonly<Record<string, string>> = {
  en: 'and', hi: 'और', mr: 'आणि', bn: '', ta: '', te: '', kn: '', pt: 'e', es: 'con',
};

/**
 * Indian scale words (thousand, lakh, crore), used where ICU's compact notation has no lakh or crore: for ta, te
 * and kn ICU 78 says "million". hi, bn, mr and en-IN are read from Intl at run time; their rows here are the
 * fallback should a future ICU change, and a test checks both agree. Telugu's plural is the form used before
 * another number or a noun (2 కోట్ల రూపాయలు, 45 వేల 678), not the standalone one (2 కోట్లు).
 */
export const INDIAN_SCALE_WORDS: Readonly<Record<string, readonly [PluralWords, PluralWords, PluralWords]>> = {
  en: [{ one: 'thousand', other: 'thousand' }, { one: 'lakh', other: 'lakh' }, { one: 'crore', other: 'crore' }],
  hi: [{ one: 'हज़ार', other: 'हज़ार' }, { one: 'लाख', other: 'लाख' }, { one: 'करोड़', other: 'करोड़' }],
  mr: [{ one: 'हजार', other: 'हजार' }, { one: 'लाख', other: 'लाख' }, { one: 'कोटी', other: 'कोटी' }],
  bn: [{ one: 'হাজার', other: 'হাজার' }, { one: 'লাখ', other: 'লাখ' }, { one: 'কোটি', other: 'কোটি' }],
  ta: [{ one: 'ஆயிரம்', other: 'ஆயிரம்' }, { one: 'லட்சம்', other: 'லட்சம்' }, { one: 'கோடி', other: 'கோடி' }],
  te: [{ one: 'వెయ్యి', other: 'వేల' }, { one: 'లక్ష', other: 'లక్షల' }, { one: 'కోటి', other: 'కోట్ల' }],
  kn: [{ one: 'ಸಾವಿರ', other: 'ಸಾವಿರ' }, { one: 'ಲಕ್ಷ', other: 'ಲಕ್ಷ' }, { one: 'ಕೋಟಿ', other: 'ಕೋಟಿ' }],
};

export interface CurrencyWords {
  readonly major: PluralWords;
  readonly minor: PluralWords;
}

const PESO: Readonly<Record<string, CurrencyWords>> = {
  es: { major: { one: 'peso', other: 'pesos', many: 'de pesos' }, minor: { one: 'centavo', other: 'centavos' } },
  pt: { major: { one: 'peso', other: 'pesos', many: 'de pesos' }, minor: { one: 'centavo', other: 'centavos' } },
  en: { major: { one: 'peso', other: 'pesos' }, minor: { one: 'centavo', other: 'centavos' } },
};

/**
 * What people call the currencies this product deals in. Intl's currency names are the formal ones ("भारतीय रुपए",
 * "Reais brasileiros"): right on an invoice, odd in a sentence. Other currencies fall back to Intl's name.
 */
export const CURRENCY_WORDS: Readonly<Record<string, Readonly<Record<string, CurrencyWords>>>> = {
  INR: {
    en: { major: { one: 'rupee', other: 'rupees' }, minor: { one: 'paisa', other: 'paise' } },
    hi: { major: { one: 'रुपया', other: 'रुपये' }, minor: { one: 'पैसा', other: 'पैसे' } },
    mr: { major: { one: 'रुपया', other: 'रुपये' }, minor: { one: 'पैसा', other: 'पैसे' } },
    // West Bengal calls the rupee "taka".
    bn: { major: { one: 'টাকা', other: 'টাকা' }, minor: { one: 'পয়সা', other: 'পয়সা' } },
    ta: { major: { one: 'ரூபாய்', other: 'ரூபாய்' }, minor: { one: 'பைசா', other: 'பைசா' } },
    te: { major: { one: 'రూపాయి', other: 'రూపాయలు' }, minor: { one: 'పైసా', other: 'పైసలు' } },
    kn: { major: { one: 'ರೂಪಾಯಿ', other: 'ರೂಪಾಯಿ' }, minor: { one: 'ಪೈಸೆ', other: 'ಪೈಸೆ' } },
  },
  BRL: {
    pt: { major: { one: 'real', other: 'reais', many: 'de reais' }, minor: { one: 'centavo', other: 'centavos' } },
    es: { major: { one: 'real', other: 'reales', many: 'de reales' }, minor: { one: 'centavo', other: 'centavos' } },
    en: { major: { one: 'real', other: 'reais' }, minor: { one: 'centavo', other: 'centavos' } },
  },
  MXN: PESO,
  ARS: PESO,
  COP: PESO,
  CLP: PESO,
  UYU: PESO,
  USD: {
    en: { major: { one: 'dollar', other: 'dollars' }, minor: { one: 'cent', other: 'cents' } },
    es: { major: { one: 'dólar', other: 'dólares', many: 'de dólares' }, minor: { one: 'centavo', other: 'centavos' } },
    pt: { major: { one: 'dólar', other: 'dólares', many: 'de dólares' }, minor: { one: 'centavo', other: 'centavos' } },
    hi: { major: { one: 'डॉलर', other: 'डॉलर' }, minor: { one: 'सेंट', other: 'सेंट' } },
  },
};
