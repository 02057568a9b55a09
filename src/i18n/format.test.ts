import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  defaultCurrency,
  defaultTimeZone,
  formatAmount,
  formatDate,
  formatDateTime,
  formatNumber,
  formatTime,
  speakDigits,
} from './format.ts';
import { INDIAN_SCALE_WORDS } from './number-words.ts';

const INDIAN = ['hi', 'ta', 'te', 'bn', 'mr', 'kn', 'en-IN'] as const;
const NBSP = '\u00a0';
/** Tuesday 25 November 2025, 10:00 in India, 01:30 in São Paulo, 22:30 on Monday in Mexico City. */
const MORNING_IST = new Date('2025-11-25T04:30:00Z');
/** 14:30 in São Paulo, 11:30 in Mexico City. */
const AFTERNOON = new Date('2025-11-25T17:30:00Z');
/** 19:30 in India. */
const EVENING_IST = new Date('2025-11-25T14:00:00Z');

test('Indian locales print rupees in lakh and crore, including kn and mr whose ICU patterns do not', () => {
  // Bare "bn" is Bangladesh to ICU (₹ after the number); this product serves India, so bn means bn-IN.
  assert.equal(formatAmount(100, 'bn-BD', { currency: 'INR' }), '100₹');
  for (const locale of INDIAN) {
    assert.equal(formatAmount(12345678.9, locale), '₹1,23,45,678.90', locale);
    assert.equal(formatNumber(12345678.9, locale), '1,23,45,678.9', locale);
  }
  assert.equal(formatAmount(100000, 'en-IN'), '₹1,00,000');
  assert.equal(formatAmount(999, 'hi'), '₹999');
  assert.equal(formatAmount(1234.5, 'kn'), '₹1,234.50');
});

test('Brazil and Latin America: R$ with dots, MXN as the business prints it', () => {
  assert.equal(formatAmount(12345678.9, 'pt-BR'), `R$${NBSP}12.345.678,90`);
  assert.equal(formatAmount(12345678.9, 'es-419'), '$12,345,678.90');
  assert.equal(formatAmount(12345678.9, 'es-MX'), '$12,345,678.90');
  assert.equal(formatAmount(12345678.9, 'es-419', { currencySymbol: 'MX$' }), 'MX$12,345,678.90');
  assert.equal(formatAmount(99.99, 'pt-BR', { currency: 'USD' }), `US$${NBSP}99,99`);
  assert.equal(formatAmount(250, 'pt-BR'), `R$${NBSP}250`);
  assert.equal(defaultCurrency('pt-BR'), 'BRL');
  assert.equal(defaultCurrency('es-419'), 'MXN');
  assert.equal(defaultCurrency('es-CO'), 'COP');
  assert.equal(defaultCurrency('bn'), 'INR');
  assert.throws(() => defaultCurrency('fr'), /pass options.currency/u);
  assert.throws(() => formatAmount(Number.NaN, 'hi'), RangeError);
});

test('spoken amounts use scale words and say the currency', () => {
  assert.equal(formatAmount(12345678, 'en-IN', { style: 'speech' }), '1 crore 23 lakh 45 thousand 678 rupees');
  assert.equal(formatAmount(12345678, 'hi', { style: 'speech' }), '1 करोड़ 23 लाख 45 हज़ार 678 रुपये'.normalize('NFC'));
  assert.equal(formatAmount(12345678.9, 'en-IN', { style: 'speech' }), '1 crore 23 lakh 45 thousand 678 rupees and 90 paise');
  assert.equal(formatAmount(1, 'en-IN', { style: 'speech' }), '1 rupee');
  assert.equal(formatAmount(0.5, 'hi', { style: 'speech' }), '50 पैसे');
  assert.equal(formatAmount(250000, 'mr', { style: 'speech' }), '2 लाख 50 हजार रुपये');
  assert.equal(formatAmount(250000, 'ta', { style: 'speech' }), '2 லட்சம் 50 ஆயிரம் ரூபாய்');
  assert.equal(formatAmount(20000000, 'te', { style: 'speech' }), '2 కోట్ల రూపాయలు');
  assert.equal(formatAmount(12345678, 'te', { style: 'speech' }), '1 కోటి 23 లక్షల 45 వేల 678 రూపాయలు');
  assert.equal(formatAmount(350000, 'kn', { style: 'speech' }), '3 ಲಕ್ಷ 50 ಸಾವಿರ ರೂಪಾಯಿ');
  assert.equal(formatAmount(1500, 'bn', { style: 'speech' }), '1 হাজার 500 টাকা');
  assert.equal(formatAmount(12345678.9, 'pt-BR', { style: 'speech' }), '12 milhões 345 mil 678 reais e 90 centavos');
  assert.equal(formatAmount(2000000, 'pt-BR', { style: 'speech' }), '2 milhões de reais');
  assert.equal(formatAmount(1500, 'pt-BR', { style: 'speech' }), 'mil e 500 reais');
  assert.equal(formatAmount(1200000, 'pt-BR', { style: 'speech' }), '1 milhão e 200 mil reais');
  assert.equal(formatAmount(12345678.9, 'es-419', { style: 'speech' }), '12 millones 345 mil 678 pesos con 90 centavos');
  assert.equal(formatAmount(1000000, 'es-419', { style: 'speech' }), '1 millón de pesos');
  assert.equal(formatAmount(1, 'es-419', { style: 'speech' }), '1 peso');
  assert.equal(formatAmount(-250, 'en-IN', { style: 'speech' }), 'minus 250 rupees');
});

test('Intl compact words are used where right, and the fallback table agrees with them', () => {
  for (const [locale, words] of [['hi', 'hi'], ['bn', 'bn'], ['mr', 'mr'], ['en-IN', 'en']] as const) {
    const compact = new Intl.NumberFormat(`${locale}-u-nu-latn`, { notation: 'compact', compactDisplay: 'long' });
    const word = (value: number): string | undefined => compact.formatToParts(value).find((part) => part.type === 'compact')?.value;
    assert.deepEqual([1e3, 1e5, 1e7].map(word), INDIAN_SCALE_WORDS[words]?.map((scale) => scale.one), locale);
  }
  // ICU has no lakh for these three: it would say "12 million". The table does.
  for (const locale of ['ta', 'te', 'kn']) {
    assert.doesNotMatch(formatAmount(12000000, locale, { style: 'speech' }), /^12 /u, locale);
  }
});

test('Latin digits by default where the locale defaults to its own (mr, bn); native digits on request', () => {
  assert.equal(new Intl.NumberFormat('mr').resolvedOptions().numberingSystem, 'deva');
  assert.equal(new Intl.NumberFormat('bn').resolvedOptions().numberingSystem, 'beng');
  assert.equal(formatAmount(12345678.9, 'mr'), '₹1,23,45,678.90');
  assert.equal(formatAmount(12345678.9, 'mr', { nativeDigits: true }), '₹१,२३,४५,६७८.९०');
  assert.equal(formatAmount(12345678.9, 'bn', { nativeDigits: true }), '₹১,২৩,৪৫,৬৭৮.৯০');
  assert.equal(formatAmount(12345678.9, 'hi', { nativeDigits: true }), '₹१,२३,४५,६७८.९०');
  assert.equal(formatNumber(2500, 'bn'), '2,500');
  assert.equal(formatTime(MORNING_IST, 'mr'), '10:00 AM');
  assert.equal(formatTime(MORNING_IST, 'mr', { nativeDigits: true }), '१०:०० AM');
  assert.equal(formatDate(MORNING_IST, 'bn', { style: 'speech' }), 'মঙ্গলবার 25 নভেম্বর');
  assert.equal(formatAmount(1500, 'mr', { style: 'speech', nativeDigits: true }), '१ हजार ५०० रुपये');
});

test('clocks: 12-hour in India and Latin America, 24-hour in Brazil', () => {
  assert.equal(formatTime(AFTERNOON, 'pt-BR'), '14:30');
  assert.equal(formatTime(EVENING_IST, 'hi'), '7:30 pm');
  assert.equal(formatTime(EVENING_IST, 'en-IN'), '7:30 pm');
  assert.equal(formatTime(AFTERNOON, 'es-419'), '11:30 a.m.');
  assert.equal(formatTime(EVENING_IST, 'ta'), '7:30 PM');
  assert.equal(formatTime(EVENING_IST, 'en-IN', { timeZone: 'UTC' }), '2:00 pm');
  assert.equal(formatDateTime(MORNING_IST, 'en-IN'), 'Tue, 25 Nov, 2025, 10:00 am');
  assert.equal(formatDate(MORNING_IST, 'pt-BR'), 'ter., 25 de nov. de 2025');
  assert.equal(defaultTimeZone('hi'), 'Asia/Kolkata');
  assert.equal(defaultTimeZone('en'), 'UTC');
});

test('spoken dates and times read as people say them', () => {
  assert.equal(formatDateTime(MORNING_IST, 'en-IN', { style: 'speech' }), 'Tuesday, 25 November at 10 in the morning');
  assert.equal(formatDateTime(EVENING_IST, 'en-IN', { style: 'speech' }), 'Tuesday, 25 November at 7:30 in the evening');
  assert.equal(formatDateTime(EVENING_IST, 'hi', { style: 'speech' }), 'मंगलवार, 25 नवंबर को शाम 7:30 बजे');
  assert.equal(formatDateTime(MORNING_IST, 'hi', { style: 'speech' }), 'मंगलवार, 25 नवंबर को सुबह 10 बजे');
  assert.equal(formatDateTime(AFTERNOON, 'es-419', { style: 'speech' }), 'martes, 25 de noviembre, 11:30 de la mañana');
  assert.equal(formatDateTime(AFTERNOON, 'pt-BR', { style: 'speech' }), 'terça-feira, 25 de novembro às 14 horas e 30 minutos');
  assert.equal(formatDateTime(new Date('2025-11-25T04:00:00Z'), 'pt-BR', { style: 'speech' }), 'terça-feira, 25 de novembro à 1 hora');
  assert.equal(formatTime(new Date('2025-11-25T17:00:00Z'), 'pt-BR', { style: 'speech' }), '14 horas');
  assert.equal(formatDate(MORNING_IST, 'en-IN', { style: 'speech', withYear: true }), 'Tuesday, 25 November 2025');
});

test('speakDigits reads numbers digit by digit in groups, in the locale\'s words', () => {
  assert.equal(speakDigits('+91 98765 43210', 'en-IN'), 'nine eight seven six five, four three two one zero');
  assert.equal(speakDigits('+919876543210', 'hi'), 'नौ आठ सात छह पाँच, चार तीन दो एक शून्य');
  assert.equal(speakDigits('9876543210', 'mr'), 'नऊ आठ सात सहा पाच, चार तीन दोन एक शून्य');
  assert.equal(speakDigits('+55 11 98765-4321', 'pt-BR'), 'um um, nove oito sete seis cinco, quatro três dois um');
  assert.equal(speakDigits('5512345678', 'es-419'), 'cinco cinco, uno dos tres cuatro, cinco seis siete ocho');
  assert.equal(speakDigits('+1 415 555 0100', 'en-IN'), 'plus one, four one five, five five five, zero one zero zero');
  assert.equal(speakDigits('+91 98765 43210', 'pt-BR').split(', ')[0], 'mais nove um');
  assert.equal(speakDigits('123456', 'ta'), 'ஒன்று இரண்டு மூன்று, நான்கு ஐந்து ஆறு');
  assert.equal(speakDigits('1234 5678 9012', 'te'), 'ఒకటి రెండు మూడు నాలుగు, ఐదు ఆరు ఏడు ఎనిమిది, తొమ్మిది సున్నా ఒకటి రెండు');
  assert.equal(speakDigits('123456789012', 'kn', { groups: [4] }), speakDigits('1234 5678 9012', 'kn'));
  assert.equal(speakDigits('৯৮৭৬৫৪৩২১০', 'bn'), 'নয় আট সাত ছয় পাঁচ, চার তিন দুই এক শূন্য');
  assert.equal(speakDigits('ABCDE1234F', 'en-IN', { groups: [5, 4, 1] }), 'A B C D E, one two three four, F');
});

test('formatters are built once per locale and options, not per call', () => {
  formatAmount(10, 'hi');
  formatAmount(10, 'hi', { style: 'speech' });
  formatDateTime(MORNING_IST, 'pt-BR', { style: 'speech' });
  const { NumberFormat, DateTimeFormat, PluralRules } = Intl;
  let built = 0;
  const counting = <T extends object>(original: T): T =>
    new Proxy(original, { construct: (target, args) => ((built += 1), Reflect.construct(target as never, args)) });
  Object.assign(Intl, { NumberFormat: counting(NumberFormat), DateTimeFormat: counting(DateTimeFormat), PluralRules: counting(PluralRules) });
  try {
    for (let index = 0; index < 50; index += 1) {
      formatAmount(index * 1000.5, 'hi');
      formatAmount(index * 1000.5, 'hi', { style: 'speech' });
      formatDateTime(MORNING_IST, 'pt-BR', { style: 'speech' });
    }
  } finally {
    Object.assign(Intl, { NumberFormat, DateTimeFormat, PluralRules });
  }
  assert.equal(built, 0);
});
