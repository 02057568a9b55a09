// What a stored transcript looks like after redaction: each identifier replaced in the words the caller used,
// everything else untouched, and numbers that only look like identifiers left alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sayDigits } from './pii-samples.ts';
import { findPii, redactPii } from './redact.ts';

const AADHAAR = '234567890124'; // Verhoeff-valid
const MOBILE = '9876543210';

function redacted(text: string, locale?: string): string {
  return redactPii(text, locale === undefined ? {} : { locale }).text;
}

test('each identifier type, written as people write it, gets its placeholder', () => {
  const cases: Array<[string, string]> = [
    ['Aadhaar 2345 6789 0124.', 'Aadhaar XXXX XXXX 0124.'],
    ['Aadhaar 2345-6789-0124.', 'Aadhaar XXXX XXXX 0124.'],
    ['Aadhaar 234567890124.', 'Aadhaar XXXX XXXX 0124.'],
    ['PAN ABCPE1234F ok', 'PAN [pan] ok'],
    ['PAN abcpe1234f ok', 'PAN [pan] ok'],
    ['call +91 98765 43210 now', 'call [mobile_in] now'],
    ['call +91-98765-43210 now', 'call [mobile_in] now'],
    ['call 098765 43210 now', 'call [mobile_in] now'],
    ['call 9876543210 now', 'call [mobile_in] now'],
    ['call 987-654-3210 now', 'call [mobile_in] now'],
    ['call +919876543210 now', 'call [mobile_in] now'],
    ['pay rahul.k@okhdfcbank.', 'pay [upi].'],
    ['pay 9876543210@ybl', 'pay [upi]'],
    ['mail priya.s+clinic@example.co.in.', 'mail [email].'],
    ['CPF 529.982.247-25', 'CPF [cpf]'],
    ['CPF 52998224725', 'CPF [cpf]'],
    ['CPF 529 982 247 25', 'CPF [cpf]'],
    ['CNPJ 12.345.678/0001-95', 'CNPJ [cnpj]'],
    ['CNPJ 12345678000195', 'CNPJ [cnpj]'],
    ['CNPJ 12.ABC.345/01DE-35', 'CNPJ [cnpj]'],
    ['CNPJ 12ABC34501DE35', 'CNPJ [cnpj]'],
    ['card 4242 4242 4242 4242', 'card [card ••••4242]'],
    ['card 4242-4242-4242-4242', 'card [card ••••4242]'],
    ['card 4242424242424242', 'card [card ••••4242]'],
    ['amex 3782 822463 10005', 'amex [card ••••0005]'],
  ];
  for (const [input, expected] of cases) assert.equal(redacted(input), expected, input);
});

test('findings point at the original text, and carry no identifier', () => {
  const text = `Aadhaar ${AADHAAR}, mail a.b@example.com`;
  const { findings } = redactPii(text);
  assert.deepEqual(findings, [
    { type: 'aadhaar', start: 8, end: 20 },
    { type: 'email', start: 27, end: 42 },
  ]);
  assert.deepEqual(findPii(text), findings);
});

test('keepLast shows fewer digits, never more than four', () => {
  assert.equal(redactPii(`A ${AADHAAR}`, { keepLast: 0 }).text, 'A XXXX XXXX XXXX');
  assert.equal(redactPii(`A ${AADHAAR}`, { keepLast: 2 }).text, 'A XXXX XXXX XX24');
  assert.equal(redactPii(`A ${AADHAAR}`, { keepLast: 12 }).text, 'A XXXX XXXX 0124');
  assert.equal(redactPii('c 4242424242424242', { keepLast: 0 }).text, 'c [card]');
});

test('numbers that only look like identifiers stay', () => {
  const untouched = [
    'Order 1234567890 ships on 12/03/2024.', // 10 digits starting with 1: not a mobile
    'Ticket 5123456789 and 4123456789.', // 5 and 4 are not mobile prefixes
    'Invoice 234567890123 is due.', // 12 digits failing Verhoeff
    'Invoice 2345 6789 0123 is due.',
    'Reference 1234567890123456.', // issuer digit 1
    'Card 4242 4242 4242 4241.', // fails Luhn
    'CPF 529.982.247-24.', // wrong check digit
    'CPF 111.111.111-11.', // all-equal digits pass the arithmetic but are refused
    'CNPJ 12.345.678/0001-96.',
    'CNPJ 12.ABC.345/01DE-36.',
    'Total ₹1,50,000.00 or R$ 1.234.567,89 or $12,345.67 on 2024-03-12 at 10:30:15.',
    'Meeting 2024-03-12 2024-03-19 and 2024.03.26.',
    'Call 1800 123 4567 toll free.', // Indian toll-free, not a mobile
    'Codes ABCXE1234F and ABCPE12345 are not PAN.',
    'Policy 00000000000 and pin 560001.',
    'version 1.2.3.4.5.6 build 20240312',
    'Hi @asha_clinic and a@b, see https://example.com/a@b',
  ];
  for (const text of untouched) assert.equal(redacted(text), text, text);
});

test('e-mail is never reported as UPI, nor UPI as e-mail', () => {
  assert.deepEqual(findPii('priya@example.com').map((f) => f.type), ['email']);
  assert.deepEqual(findPii('priya@okicici').map((f) => f.type), ['upi']);
  assert.deepEqual(findPii('9876543210@ybl').map((f) => f.type), ['upi'], 'the mobile inside a UPI id is part of it');
  assert.deepEqual(findPii('priya@example.com, priya@okicici').map((f) => f.type), ['email', 'upi']);
});

// Every supported language: a caller reads out an Aadhaar or a mobile number one digit at a time.
const SPOKEN: Array<[locale: string, language: string, before: string, digits: string, after: string, expected: string]> = [
  ['hi', 'hi', 'मेरा आधार नंबर ', AADHAAR, ' है', 'मेरा आधार नंबर XXXX XXXX 0124 है'],
  ['hi', 'hi-Latn', 'mera number ', MOBILE, ' hai', 'mera number [mobile_in] hai'],
  ['mr', 'mr', 'माझा मोबाईल नंबर ', MOBILE, ' आहे', 'माझा मोबाईल नंबर [mobile_in] आहे'],
  ['ta', 'ta', 'என் ஆதார் எண் ', AADHAAR, ' ஆகும்', 'என் ஆதார் எண் XXXX XXXX 0124 ஆகும்'],
  ['te', 'te', 'నా ఫోన్ నంబర్ ', MOBILE, ' అండి', 'నా ఫోన్ నంబర్ [mobile_in] అండి'],
  ['bn', 'bn', 'আমার আধার নম্বর ', AADHAAR, ' দাদা', 'আমার আধার নম্বর XXXX XXXX 0124 দাদা'],
  ['kn', 'kn', 'ನನ್ನ ಮೊಬೈಲ್ ಸಂಖ್ಯೆ ', MOBILE, ' ಇದೆ', 'ನನ್ನ ಮೊಬೈಲ್ ಸಂಖ್ಯೆ [mobile_in] ಇದೆ'],
  ['en-IN', 'en', 'my aadhaar is ', AADHAAR, ' thanks', 'my aadhaar is XXXX XXXX 0124 thanks'],
  ['pt-BR', 'pt', 'o meu celular na Índia é ', MOBILE, ', obrigado', 'o meu celular na Índia é [mobile_in], obrigado'],
  ['es-419', 'es', 'mi número de la India es ', MOBILE, ', gracias', 'mi número de la India es [mobile_in], gracias'],
];

test('digits said one by one in each of the nine languages are redacted, words and all', () => {
  for (const [locale, language, before, digits, after, expected] of SPOKEN) {
    const text = before + sayDigits(digits, language) + after;
    assert.equal(redacted(text, locale), expected, `${locale}: ${text}`);
    assert.equal(redacted(text), expected, `${locale} without a locale`);
  }
});

test('spoken digits with double/triple, pauses, and numerals mixed in', () => {
  assert.equal(redacted('it is nine eight seven six five, four three two one zero.'), 'it is [mobile_in].');
  assert.equal(redacted('nine eight seven six double five four triple three', 'en-IN'), '[mobile_in]');
  assert.equal(redacted('98765 चार तीन दो एक शून्य पर कॉल करें'), '[mobile_in] पर कॉल करें');
  assert.equal(redacted('call me at 5 nine eight seven six five four three two one zero'), 'call me at 5 [mobile_in]');
  assert.equal(redacted('PIN 560001 nine eight seven six five four three two one zero'), 'PIN 560001 [mobile_in]');
  assert.equal(redacted('नंबर ९८७६५ ४३२१० है'), 'नंबर [mobile_in] है');
  assert.equal(redacted('எண் ௯௮௭௬௫௪௩௨௧௦'), 'எண் [mobile_in]');
  assert.equal(redacted('pay nine eight seven six five four three two one zero at the rate ybl'), 'pay [upi]');
  assert.equal(redacted('rahul at okhdfcbank'), '[upi]');
  assert.equal(redacted('meet me at home'), 'meet me at home', '"at" before an unknown handle is just "at"');
  // A spoken number that fails its checksum stays as said.
  assert.equal(redacted('two three four five six seven eight nine zero one two three'), 'two three four five six seven eight nine zero one two three');
  assert.equal(redacted('CPF cinco dois nove nove oito dois dois quatro sete dois cinco', 'pt-BR'), 'CPF [cpf]');
  assert.equal(redacted('tarjeta cuatro dos cuatro dos cuatro dos cuatro dos cuatro dos cuatro dos cuatro dos cuatro dos', 'es-419'), 'tarjeta [card ••••4242]');
});

test('mixed sentences in Hindi, Portuguese and Spanish', () => {
  assert.equal(
    redacted('नमस्ते, मेरा आधार 2345 6789 0124 है, PAN ABCPE1234F है और UPI rahul@ybl पर पैसे भेजें। कल 10 बजे मिलते हैं।', 'hi'),
    'नमस्ते, मेरा आधार XXXX XXXX 0124 है, PAN [pan] है और UPI [upi] पर पैसे भेजें। कल 10 बजे मिलते हैं।',
  );
  assert.equal(
    redacted('Oi! Meu CPF é 529.982.247-25, a empresa tem CNPJ 12.ABC.345/01DE-35 e o e-mail é ana@empresa.com.br. Pago R$ 1.250,00 no dia 15/07.', 'pt-BR'),
    'Oi! Meu CPF é [cpf], a empresa tem CNPJ [cnpj] e o e-mail é [email]. Pago R$ 1.250,00 no dia 15/07.',
  );
  assert.equal(
    redacted('Hola, pagué $1,250.00 con la tarjeta 5555 5555 5555 4444 el 12/03/2024, pedido 4521-7789-1203, correo luis@correo.mx', 'es-419'),
    'Hola, pagué $1,250.00 con la tarjeta [card ••••4444] el 12/03/2024, pedido 4521-7789-1203, correo [email]',
  );
});

test('redacting redacted text changes nothing', () => {
  const texts = [
    ...SPOKEN.map(([, language, before, digits, after]) => before + sayDigits(digits, language) + after),
    `A ${AADHAAR} 5678 9012 3456 and 4242 4242 4242 4242 1234 5678 9012`,
    'XXXX XXXX 0124 5678 9012 3456 9876543210',
    '[card ••••4242] 2345 6789 0124',
    'CPF 529.982.247-25 CNPJ 12.ABC.345/01DE-35 PAN ABCPE1234F mail a@b.co upi x9@ybl',
  ];
  for (const text of texts) {
    for (const keepLast of [0, 2, 4]) {
      const once = redactPii(text, { keepLast }).text;
      const twice = redactPii(once, { keepLast });
      assert.equal(twice.text, once, text);
      assert.deepEqual(twice.findings, [], text);
    }
  }
});

test('long adversarial inputs finish in linear time', () => {
  const attacks = [
    '1 '.repeat(50_000),
    '1'.repeat(100_000),
    'a'.repeat(100_000),
    'a@'.repeat(50_000),
    'a.'.repeat(50_000) + '@',
    '@' + 'a.'.repeat(50_000),
    'at '.repeat(30_000) + 'ybl',
    `x${' '.repeat(100_000)}at ybl`,
    'nine '.repeat(20_000),
    'double '.repeat(20_000),
    '1234 '.repeat(20_000),
    '12.345.678/'.repeat(10_000),
    'ABCPE1234F'.repeat(10_000),
    'शून्य '.repeat(20_000),
    '९ '.repeat(50_000),
  ];
  for (const attack of attacks) {
    const started = performance.now();
    redactPii(attack);
    const elapsedMs = performance.now() - started;
    assert.ok(elapsedMs < 1000, `${JSON.stringify(attack.slice(0, 20))}... took ${elapsedMs.toFixed(0)} ms`);
  }
});

test('a 200-character transcript line takes well under 100 µs', () => {
  const line =
    'Hi, this is Priya calling about tomorrow at 10:30 for the clinic. My mobile is 98765 43210, my Aadhaar is ' +
    '2345 6789 0124 and you can mail me at priya@example.com, thank you so much.';
  for (let i = 0; i < 5_000; i++) redactPii(line);
  const runs = 20_000;
  const started = performance.now();
  for (let i = 0; i < runs; i++) redactPii(line);
  const microseconds = ((performance.now() - started) * 1000) / runs;
  assert.ok(microseconds < 100, `${microseconds.toFixed(1)} µs per line`);
});
