// Generated vectors: identifiers with correct check digits (written in their usual layouts, or said digit by
// digit) must be redacted exactly where they are; the same identifiers with one character changed must not be
// redacted as that type. Seeds are fixed, so a failure names a reproducible vector.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidAadhaar, isValidCard, isValidCnpj, isValidCpf } from './checksums.ts';
import { indianMobileNational } from './identifiers.ts';
import {
  changeOneCharacter,
  group,
  pick,
  sampleAadhaar,
  sampleAlphanumericCnpj,
  sampleCard,
  sampleCnpj,
  sampleCpf,
  sampleMobile,
  samplePan,
  sayDigits,
  seededRandom,
  type Random,
} from './pii-samples.ts';
import { redactPii, type PiiType } from './redact.ts';

const COUNT = 300;

interface Vector {
  readonly type: PiiType;
  readonly value: string;
  readonly written: string;
  readonly locale: string;
}

// Sentences in the supported languages; {} is where the identifier goes.
const SENTENCES: Readonly<Record<string, readonly string[]>> = {
  'en-IN': ['My number is {}, please note it.', 'Sure, it is {} and that is all.', '{}'],
  hi: ['मेरा नंबर {} है।', 'जी, {} लिख लीजिए।'],
  'pt-BR': ['Segue o número: {}. Obrigado!', 'É {}, pode anotar?'],
  'es-419': ['Mi número es {}; gracias.', 'Claro: {} y nada más.'],
  ta: ['என் எண் {} ஆகும்.'],
  bn: ['আমার নম্বর {} দাদা।'],
};

const SPOKEN_LANGUAGE: Readonly<Record<string, readonly string[]>> = {
  'en-IN': ['en'],
  hi: ['hi', 'hi-Latn'],
  'pt-BR': ['pt'],
  'es-419': ['es'],
  ta: ['ta'],
  bn: ['bn'],
};

function writeAadhaar(random: Random, value: string, locale: string): string {
  return pick(random, [
    () => value,
    () => group(value, [4, 4, 4], ' '),
    () => group(value, [4, 4, 4], '-'),
    () => sayDigits(value, pick(random, SPOKEN_LANGUAGE[locale]!)),
  ])();
}

function writeCard(random: Random, value: string): string {
  const layout: Record<number, number[]> = { 13: [4, 4, 4, 1], 14: [4, 6, 4], 15: [4, 6, 5], 16: [4, 4, 4, 4], 19: [4, 4, 4, 4, 3] };
  return pick(random, [() => value, () => group(value, layout[value.length]!, pick(random, [' ', '-']))])();
}

function writeCpf(random: Random, value: string, locale: string): string {
  return pick(random, [
    () => value,
    () => group(value, [3, 3, 3, 2], ['.', '.', '-']),
    () => group(value, [3, 3, 3, 2], ' '),
    () => sayDigits(value, pick(random, SPOKEN_LANGUAGE[locale]!)),
  ])();
}

function writeCnpj(random: Random, value: string): string {
  return pick(random, [
    () => value,
    () => group(value, [2, 3, 3, 4, 2], ['.', '.', '/', '-']),
    () => group(value, [8, 4, 2], ['/', '-']),
  ])();
}

function generate(seed: number, type: PiiType, make: (random: Random) => string): Vector[] {
  const random = seededRandom(seed);
  const vectors: Vector[] = [];
  const locales = type === 'cpf' || type === 'cnpj' ? ['pt-BR', 'es-419'] : Object.keys(SENTENCES);
  for (let i = 0; i < COUNT; i++) {
    const value = make(random);
    const locale = pick(random, locales);
    let written: string;
    if (type === 'aadhaar') written = writeAadhaar(random, value, locale);
    else if (type === 'card') written = writeCard(random, value);
    else if (type === 'cpf') written = writeCpf(random, value, locale);
    else if (type === 'cnpj') written = writeCnpj(random, value);
    else written = value;
    vectors.push({ type, value, written, locale });
  }
  return vectors;
}

/** Every type a bare value is valid for: a changed CPF can still be a phone number, a changed card a CNPJ. */
function typesValidFor(value: string): Set<PiiType> {
  const types = new Set<PiiType>();
  if (isValidAadhaar(value)) types.add('aadhaar');
  if (isValidCpf(value)) types.add('cpf');
  if (isValidCnpj(value.toUpperCase())) types.add('cnpj');
  if (isValidCard(value)) types.add('card');
  if (indianMobileNational(value) !== undefined) types.add('mobile_in');
  return types;
}

const SETS: ReadonlyArray<[name: string, vectors: Vector[], alphabet: string]> = [
  ['Aadhaar', generate(11, 'aadhaar', sampleAadhaar), '0123456789'],
  ['card', generate(12, 'card', sampleCard), '0123456789'],
  ['CPF', generate(13, 'cpf', sampleCpf), '0123456789'],
  ['CNPJ numeric', generate(14, 'cnpj', sampleCnpj), '0123456789'],
  ['CNPJ alphanumeric', generate(15, 'cnpj', sampleAlphanumericCnpj), '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
];

for (const [name, vectors, alphabet] of SETS) {
  test(`${vectors.length} valid ${name} vectors are redacted exactly where they are; each with one character changed is not`, (t) => {
    const random = seededRandom(vectors.length + name.length);
    let found = 0;
    let exactType = 0;
    let stillValid = 0; // the change kept the check digits right: no checksum can tell
    let otherType = 0; // the changed value is another identifier (0XXXXXXXXXX CPF -> mobile)
    let wronglyRedacted = 0;
    for (const vector of vectors) {
      const sentence = pick(random, SENTENCES[vector.locale]!);
      const at = sentence.indexOf('{}');
      const text = sentence.replace('{}', vector.written);
      const { findings } = redactPii(text, { locale: vector.locale });
      const allowed = typesValidFor(vector.value);
      assert.equal(findings.length, 1, `${name}: ${text} -> ${JSON.stringify(findings)}`);
      assert.deepEqual([findings[0]!.start, findings[0]!.end], [at, at + vector.written.length], `${name} span: ${text}`);
      assert.ok(allowed.has(findings[0]!.type), `${name} type ${findings[0]!.type}: ${text}`);
      found++;
      if (findings[0]!.type === vector.type) exactType++;

      // The same identifier with one character changed, written the same way.
      const changed = changeOneCharacter(random, vector.value, alphabet);
      const changedText = sentence.replace('{}', rewrite(vector.written, vector.value, changed, vector.locale));
      const validAs = typesValidFor(changed);
      const after = redactPii(changedText, { locale: vector.locale }).findings;
      if (validAs.has(vector.type)) stillValid++;
      else if (after.length > 0) otherType++;
      for (const finding of after) {
        if (!validAs.has(finding.type)) wronglyRedacted++;
        assert.ok(validAs.has(finding.type), `${name} changed: ${changedText} -> ${finding.type}`);
      }
    }
    assert.equal(found, vectors.length);
    assert.equal(wronglyRedacted, 0);
    t.diagnostic(
      `${name}: recall ${found}/${vectors.length} (type ${exactType}/${vectors.length}); one character changed: ` +
        `${wronglyRedacted} redacted wrongly, ${stillValid} still valid ${name}, ${otherType} valid as another type`,
    );
  });
}

/** Rewrites `written` (a layout or spoken form of `value`) for `changed`, keeping the layout. */
function rewrite(written: string, value: string, changed: string, locale: string): string {
  let out = '';
  let k = 0;
  for (const char of written) {
    if (k < value.length && char === value[k]) {
      out += changed[k];
      k++;
    } else out += char;
  }
  if (k === value.length) return out;
  // Spoken: say the changed digits in the same language as the original.
  for (const language of SPOKEN_LANGUAGE[locale] ?? []) {
    if (sayDigits(value, language) === written) return sayDigits(changed, language);
  }
  throw new Error(`cannot rewrite ${written}`);
}

test('generated PAN, mobile, UPI and e-mail vectors are all found, with the right type', (t) => {
  const random = seededRandom(21);
  const makers: Array<[PiiType, () => string]> = [
    ['pan', () => samplePan(random)],
    ['mobile_in', () => pick(random, ['', '+91 ', '0', '91']) + group(sampleMobile(random), [5, 5], pick(random, ['', ' ', '-']))],
    ['upi', () => `${pick(random, ['rahul', 'priya.s', 'a-k'])}${Math.floor(random() * 1000)}@${pick(random, ['ybl', 'okhdfcbank', 'paytm', 'oksbi', 'upi'])}`],
    ['email', () => `${pick(random, ['ana', 'luis.m', 'r_k'])}${Math.floor(random() * 1000)}@${pick(random, ['example.com', 'mail.co.in', 'empresa.com.br'])}`],
  ];
  for (const [type, make] of makers) {
    for (let i = 0; i < COUNT; i++) {
      const value = make();
      const text = `${pick(random, ['Details: ', 'मेरा ', 'O meu é '])}${value} ${pick(random, ['ok.', 'है।', 'obrigado'])}`;
      const { findings } = redactPii(text);
      assert.deepEqual(findings.map((f) => text.slice(f.start, f.end)), [value], text);
      // 0XXXXXXXXXX can also be a valid CPF, which wins outside Indian locales.
      const allowed = type === 'mobile_in' ? typesValidFor(value.replace(/[^0-9]/g, '')) : new Set([type]);
      assert.ok(allowed.has(findings[0]!.type), `${text}: ${findings[0]!.type}`);
    }
    t.diagnostic(`${type}: ${COUNT}/${COUNT}`);
  }
});

test('random numbers of identifier length are redacted only when their checksum holds', (t) => {
  const random = seededRandom(31);
  let redactedCount = 0;
  const trials = 3000;
  for (let i = 0; i < trials; i++) {
    const length = pick(random, [10, 11, 12, 13, 14, 16, 19]);
    const digits = String(1 + Math.floor(random() * 9)) + Array.from({ length: length - 1 }, () => Math.floor(random() * 10)).join('');
    const text = `Reference ${digits} noted.`;
    const { findings } = redactPii(text);
    const valid = typesValidFor(digits);
    assert.equal(findings.length > 0, valid.size > 0, `${digits}: ${JSON.stringify(findings)} vs ${[...valid].join(',')}`);
    if (findings.length > 0) redactedCount++;
  }
  t.diagnostic(`${redactedCount}/${trials} random numbers redacted, each one valid for some identifier`);
});
