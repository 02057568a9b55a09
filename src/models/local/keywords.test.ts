// Typed words -> menu choices in English and Hindi, in Devanagari and romanized (Hinglish), with the spelling
// variants people type.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initI18n } from '../../i18n/i18n.ts';
import { matchText, tokenize } from './keywords.ts';

before(() => initI18n());

/** [text, session locale, expected]: "intent:<name>", "digit:<d>" or "none". */
const rows: Array<[string, string, string]> = [
  ['What are your opening hours?', 'en', 'intent:hours'],
  ['timings please', 'en', 'intent:hours'],
  ['I want to book an appointment', 'en', 'intent:book'],
  ['Book appointment', 'en', 'intent:book'],
  ['what time can I book?', 'en', 'intent:book'], // booking outranks the hours word "time"
  ['Can I talk to a human', 'en', 'intent:human'],
  ['agent', 'en', 'intent:human'],
  ['book an appointment or a person', 'en', 'intent:human'], // a person outranks everything
  ['repeat that', 'en', 'intent:repeat'],
  ['again', 'en', 'intent:repeat'],
  ['ok bye', 'en', 'intent:goodbye'],
  ['Goodbye!', 'en', 'intent:goodbye'],
  ['main menu', 'en', 'intent:menu'],
  ['2', 'en', 'digit:2'],
  ['option 3 please', 'en', 'digit:3'],
  ['*', 'en', 'digit:*'],
  ['two', 'en', 'digit:2'],
  ['the second one', 'en', 'digit:2'],
  ['10 am tomorrow?', 'en', 'none'], // "10" is not a menu key
  ['hello there', 'en', 'none'],
  ['', 'en', 'none'],
  // Hindi in Devanagari
  ['क्लिनिक का समय क्या है?', 'hi', 'intent:hours'],
  ['मुझे अपॉइंटमेंट बुक करना है', 'hi', 'intent:book'],
  ['किसी इंसान से बात करनी है', 'hi', 'intent:human'],
  ['दोबारा बोलिए', 'hi', 'intent:repeat'],
  ['फिर से', 'hi', 'intent:repeat'],
  ['अलविदा', 'hi', 'intent:goodbye'],
  ['मुलाक़ात चाहिए', 'hi', 'intent:book'], // nukta spelling
  ['मुलाकात चाहिए', 'hi', 'intent:book'], // without nukta
  ['२', 'hi', 'digit:2'], // Devanagari digit
  ['दूसरा', 'hi', 'digit:2'],
  ['तीन', 'hi', 'digit:3'],
  // romanized Hindi
  ['clinic ka samay kya hai', 'hi', 'intent:hours'],
  ['samay batao', 'en', 'intent:hours'], // Hinglish in an English chat
  ['mujhe insaan se baat karni hai', 'en', 'intent:human'],
  ['dobara bolo', 'hi', 'intent:repeat'],
  ['alvida', 'en', 'intent:goodbye'],
  ['appointment book karna hai', 'hi', 'intent:book'],
  ['dusra', 'en', 'digit:2'],
  // Hindi words in an English session still work
  ['समय', 'en', 'intent:hours'],
];

for (const [text, locale, expected] of rows) {
  test(`keywords: "${text}" (${locale}) -> ${expected}`, () => {
    const match = matchText(text, locale);
    const got = match === undefined ? 'none' : match.type === 'digit' ? `digit:${match.digit}` : `intent:${match.intent}`;
    assert.equal(got, expected);
  });
}

test('keywords: Devanagari words name Hindi as the language; romanized words do not', () => {
  const devanagari = matchText('समय', 'en');
  assert.ok(devanagari?.type === 'intent' && devanagari.locale === 'hi' && devanagari.nativeScript);
  const romanized = matchText('samay', 'en');
  assert.ok(romanized?.type === 'intent' && romanized.locale === 'hi' && !romanized.nativeScript);
  const english = matchText('hours', 'hi');
  assert.ok(english?.type === 'intent' && english.locale === 'en' && !english.nativeScript);
});

test('keywords: tokenize folds spelling variants', () => {
  assert.deepEqual(tokenize('दबाएँ'), tokenize('दबाएं'));
  assert.deepEqual(tokenize('ज़ीरो'), tokenize('जीरो'));
  assert.deepEqual(tokenize('Press ३, NOW!'), ['press', '3', 'now']);
});
