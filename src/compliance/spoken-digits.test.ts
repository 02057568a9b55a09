// Spoken and native-script digits become numerals, and every numeral points back at the words it came from.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DIGIT_WORDS, sayDigits } from './pii-samples.ts';
import { normalizeSpokenDigits } from './spoken-digits.ts';

const LOCALE_OF: Record<string, string> = {
  hi: 'hi', 'hi-Latn': 'hi', mr: 'mr', ta: 'ta', te: 'te', bn: 'bn', kn: 'kn', en: 'en-IN', pt: 'pt-BR', es: 'es-419',
};

test('digits said one by one in every language become one number', () => {
  for (const language of Object.keys(DIGIT_WORDS)) {
    const spoken = sayDigits('9876543210', language);
    for (const locale of [LOCALE_OF[language], undefined]) {
      const normalized = normalizeSpokenDigits(`>> ${spoken} <<`, locale);
      assert.equal(normalized.text, '>> 9876543210 <<', `${language} with locale ${locale ?? 'none'}`);
      assert.deepEqual(normalized.originalSpan(3, 13), { start: 3, end: 3 + spoken.length });
    }
  }
});

test('English: double, triple, and "oh" inside a number', () => {
  assert.equal(normalizeSpokenDigits('nine eight double five triple zero one oh two').text, '9855000102');
  assert.equal(normalizeSpokenDigits('Double 5, triple 0').text, '55000');
  assert.equal(normalizeSpokenDigits('Oh, nine one').text, 'Oh, 91', 'a leading "oh" is an interjection');
  assert.equal(normalizeSpokenDigits('डबल पांच ट्रिपल शून्य').text, '55000');
});

test('Hindi spelling variants: पाँच/पांच, छह/छः, nukta and zero-width joiners', () => {
  assert.equal(normalizeSpokenDigits('पाँच पांच छह छः \u095Bीरो \u091C\u093Cीरो जीरो').text, '5566000');
  assert.equal(normalizeSpokenDigits('\u099B\u09DF \u099B\u09AF\u09BC \u09A8\u09DF').text, '669', 'precomposed and decomposed য়');
  assert.equal(normalizeSpokenDigits('ek do teen char paanch chhe saat aath nau shunya', 'hi').text, '1234567890');
});

test('Portuguese and Spanish variants: uma, duas, meia, três/tres', () => {
  assert.equal(normalizeSpokenDigits('uma duas meia três tres', 'pt-BR').text, '12633');
  assert.equal(normalizeSpokenDigits('uno dos tres cuatro cinco seis siete ocho nueve cero', 'es-419').text, '1234567890');
});

test('the locale keeps words of other languages out: "dos" is "of the" in Portuguese, "do" is English', () => {
  assert.equal(normalizeSpokenDigits('o número dos documentos', 'pt-BR').text, 'o número dos documentos');
  assert.equal(normalizeSpokenDigits('can you do that', 'en-US').text, 'can you do that');
  assert.equal(normalizeSpokenDigits('dos tres', 'es-MX').text, '23');
});

test('native-script digits become ASCII, one for one', () => {
  const cases: Array<[string, string]> = [
    ['९८७६५ ४३२१०', '98765 43210'],
    ['௯௮௭௬௫௪௩௨௧௦', '9876543210'],
    ['౯౮౭౬౫౪౩౨౧౦', '9876543210'],
    ['৯৮৭৬৫৪৩২১০', '9876543210'],
    ['೯೮೭೬೫೪೩೨೧೦', '9876543210'],
  ];
  for (const [input, expected] of cases) {
    const normalized = normalizeSpokenDigits(`a ${input} b`);
    assert.equal(normalized.text, `a ${expected} b`);
    assert.deepEqual(normalized.originalSpan(4, 6), { start: 4, end: 6 }, 'digit for digit');
  }
});

test('spoken digits join each other, not the written numbers beside them', () => {
  assert.equal(normalizeSpokenDigits('98765 four three two one zero').text, '98765 43210');
  assert.equal(normalizeSpokenDigits('at 5 nine eight').text, 'at 5 98');
  assert.equal(normalizeSpokenDigits('nine, eight - seven').text, '987');
  assert.equal(normalizeSpokenDigits('98765 43210').text, '98765 43210');
  assert.equal(normalizeSpokenDigits('nine and eight').text, '9 and 8');
});

test('offsets map each numeral to its own word', () => {
  const input = 'call nine eight double seven now';
  const normalized = normalizeSpokenDigits(input);
  assert.equal(normalized.text, 'call 9877 now');
  const span = (start: number, end: number): string => {
    const original = normalized.originalSpan(start, end);
    return input.slice(original.start, original.end);
  };
  assert.equal(span(5, 6), 'nine');
  assert.equal(span(6, 7), 'eight');
  assert.equal(span(5, 9), 'nine eight double seven');
  assert.equal(span(10, 13), 'now');
});

test('text without digit words is returned as is', () => {
  const input = 'Hello, I would like to book an appointment tomorrow.';
  const normalized = normalizeSpokenDigits(input);
  assert.equal(normalized.text, input);
  assert.ok(normalized.identity);
});
