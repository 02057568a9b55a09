import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectLanguage, isLikelySameLanguage, languageForReply, SWITCH_CONFIDENCE } from './detect.ts';
import {
  ENGLISH_WITH_HINDI_WORDS,
  HINDI_MARATHI_PAIRS,
  MIXED_HINDI,
  NATIVE,
  NO_SWITCH,
  PORTUGUESE_SPANISH_PAIRS,
  ROMANIZED_HINDI,
} from './detect-golden.ts';

const ALL = ['hi', 'mr', 'ta', 'te', 'kn', 'bn', 'en-IN', 'pt-BR', 'es-419'] as const;

/** Sentences of `sentences` detected as something other than `expected`, with what they were detected as. */
function misses(sentences: readonly string[], expected: string, enabled: readonly string[] = ALL): string[] {
  return sentences.flatMap((sentence) => {
    const detection = detectLanguage(sentence, enabled);
    return detection?.locale === expected ? [] : [`${sentence} -> ${detection?.locale ?? 'null'}`];
  });
}

for (const [locale, sentences] of Object.entries(NATIVE)) {
  test(`golden set: every ${locale} sentence (${sentences.length}) is detected as ${locale}`, () => {
    assert.ok(sentences.length >= 10);
    assert.deepEqual(misses(sentences, locale), []);
  });
}

test('golden set: every sentence of three words or more switches a conversation in another language to its own', () => {
  for (const [locale, sentences] of Object.entries(NATIVE)) {
    for (const sentence of sentences.filter((text) => text.split(' ').length >= 3)) {
      const current = locale === 'en-IN' ? 'hi' : 'en-IN';
      assert.equal(languageForReply(sentence, current, ALL), locale, sentence);
    }
  }
});

test('romanized Hindi (Hinglish) is Hindi, not English', () => {
  assert.ok(ROMANIZED_HINDI.length >= 10);
  assert.deepEqual(misses(ROMANIZED_HINDI, 'hi'), []);
  for (const sentence of ROMANIZED_HINDI) assert.equal(detectLanguage(sentence, ALL)?.reason, 'romanized', sentence);
});

test('Hindi mixed with English words, in either script, is Hindi', () => {
  assert.deepEqual(misses(MIXED_HINDI, 'hi'), []);
});

test('English stays English with a Hindi word in it, and "hi there" is a greeting, not Hindi', () => {
  assert.deepEqual(misses(ENGLISH_WITH_HINDI_WORDS, 'en-IN'), []);
  assert.equal(languageForReply('hi there', 'hi', ALL), 'en-IN');
  assert.equal(languageForReply('hi there', 'en-IN', ALL), 'en-IN');
  assert.equal(languageForReply('Hi, I want to check my order', 'hi', ALL), 'en-IN');
});

test('"kal?" alone is a Hindi hint, never a switch; in a Hindi sentence it counts', () => {
  assert.equal(detectLanguage('kal?', ALL)?.locale, 'hi');
  assert.ok((detectLanguage('kal?', ALL)?.confidence ?? 1) < SWITCH_CONFIDENCE);
  assert.equal(languageForReply('kal?', 'en-IN', ALL), 'en-IN');
  assert.equal(languageForReply('kal subah aa sakte hain kya?', 'en-IN', ALL), 'hi');
});

test('Hindi and Marathi saying the same thing are told apart', () => {
  for (const [hindi, marathi] of HINDI_MARATHI_PAIRS) {
    assert.equal(detectLanguage(hindi, ALL)?.locale, 'hi', hindi);
    assert.equal(detectLanguage(marathi, ALL)?.locale, 'mr', marathi);
    assert.equal(detectLanguage(marathi, ALL)?.reason, 'words', marathi);
  }
});

test('Portuguese and Spanish saying the same thing are told apart', () => {
  for (const [portuguese, spanish] of PORTUGUESE_SPANISH_PAIRS) {
    assert.equal(detectLanguage(portuguese, ALL)?.locale, 'pt-BR', portuguese);
    assert.equal(detectLanguage(spanish, ALL)?.locale, 'es-419', spanish);
  }
});

test('digits, emoji and punctuation have no language; one word never switches', () => {
  for (const text of ['1234', '+91 98765 43210', '२५००', '৫০০', '👍', '?', '', '   ', '।']) {
    assert.equal(detectLanguage(text, ALL), null, JSON.stringify(text));
  }
  for (const text of NO_SWITCH) {
    for (const current of ['en-IN', 'hi', 'mr', 'pt-BR', 'es-419', 'ta']) {
      assert.equal(languageForReply(text, current, ALL), current, `${JSON.stringify(text)} in ${current}`);
    }
  }
});

test('only enabled locales come back, spelled as the business configured them', () => {
  const enabled = ['hi-IN', 'es-MX', 'en'];
  assert.equal(detectLanguage('मुझे अपना ऑर्डर कैंसल करना है।', enabled)?.locale, 'hi-IN');
  assert.equal(detectLanguage('¿Puedo agendar una cita para mañana?', enabled)?.locale, 'es-MX');
  assert.equal(detectLanguage('I want to cancel my order', enabled)?.locale, 'en');
  assert.equal(detectLanguage('I want to cancel my order', ['en', 'en-IN'])?.locale, 'en-IN');
});

test('a language the business has not enabled gives null, not a wrong guess', () => {
  assert.equal(detectLanguage('என் ஆர்டரை ரத்து செய்ய வேண்டும்.', ['hi', 'en-IN']), null);
  assert.equal(detectLanguage('मुझे अपना ऑर्डर कैंसल करना है।', ['ta', 'en-IN']), null);
  assert.equal(detectLanguage('¿Puedo agendar una cita para mañana?', ['pt-BR', 'en']), null);
  assert.equal(detectLanguage('mujhe apna order cancel karna hai', ['en-IN', 'ta']), null);
  assert.equal(detectLanguage('I want to cancel my order', ['hi', 'mr']), null);
  assert.equal(languageForReply('¿Puedo agendar una cita para mañana?', 'pt-BR', ['pt-BR', 'en']), 'pt-BR');
});

test('with only one of Hindi and Marathi enabled, Devanagari goes to that one', () => {
  assert.equal(detectLanguage('मला माझी ऑर्डर रद्द करायची आहे.', ['hi', 'en-IN'])?.locale, 'hi');
  assert.equal(detectLanguage('मुझे अपना ऑर्डर कैंसल करना है।', ['mr', 'en-IN'])?.locale, 'mr');
  assert.equal(detectLanguage('मुझे अपना ऑर्डर कैंसल करना है।', ['mr', 'en-IN'])?.reason, 'script');
});

test('mixed scripts: the script with most letters wins, English nouns in an Indian sentence do not', () => {
  assert.equal(detectLanguage('मेरा order cancel करना है', ALL)?.locale, 'hi');
  assert.equal(detectLanguage('என் order cancel பண்ணணும்', ALL)?.locale, 'ta');
  assert.equal(detectLanguage('Please tell me the status of my order, नमस्ते', ALL)?.locale, 'en-IN');
});

test('Devanagari without a Hindi or Marathi cue is Hindi, but not confident enough to switch', () => {
  const detection = detectLanguage('धन्यवाद सर', ALL);
  assert.equal(detection?.locale, 'hi');
  assert.ok((detection?.confidence ?? 1) < SWITCH_CONFIDENCE);
  assert.equal(languageForReply('धन्यवाद सर', 'mr', ALL), 'mr');
});

test('a switch happens when the customer changes language, and not between regional variants', () => {
  assert.equal(languageForReply('Meu pacote ainda não chegou.', 'es-419', ALL), 'pt-BR');
  assert.equal(languageForReply('Mi paquete todavía no ha llegado.', 'pt-BR', ALL), 'es-419');
  assert.equal(languageForReply('¿Puedo agendar una cita para mañana?', 'es-MX', ['es-419', 'es-MX']), 'es-MX');
  assert.equal(isLikelySameLanguage('es-MX', 'es-419'), true);
  assert.equal(isLikelySameLanguage('en', 'en-IN'), true);
  assert.equal(isLikelySameLanguage('hi', 'mr'), false);
});
