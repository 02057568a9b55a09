// The voice and language table: one line per supported locale, with the provider codes only where the provider
// lists the language (Gemini: Bengali as bn-BD, no Kannada; OpenAI transcription: no Telugu, no Bengali).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { supportedLocales } from './i18n.ts';
import { LOCALE_VOICES, voiceProfile } from './voices.ts';

test('voices: every supported locale has a line, and every line is a supported locale', () => {
  assert.deepEqual(Object.keys(LOCALE_VOICES).sort(), [...supportedLocales].sort());
  for (const [locale, voice] of Object.entries(LOCALE_VOICES)) {
    assert.match(voice.espeak, /^[a-z]{2,3}(-[a-z0-9]+)?$/u, locale);
    assert.match(voice.englishName, /^[A-Z][A-Za-z ]+$/u, locale);
    if (voice.gemini !== undefined) assert.match(voice.gemini, /^[a-z]{2}-[A-Z]{2}$/u, locale);
    if (voice.openaiTranscription !== undefined) assert.match(voice.openaiTranscription, /^[a-z]{2}$/u, locale);
  }
});

test('voices: provider codes only where the provider lists the language', () => {
  assert.equal(LOCALE_VOICES.bn.gemini, 'bn-BD');
  assert.equal(LOCALE_VOICES.kn.gemini, undefined);
  assert.equal(LOCALE_VOICES.te.openaiTranscription, undefined);
  assert.equal(LOCALE_VOICES.bn.openaiTranscription, undefined);
  assert.equal(LOCALE_VOICES['es-419'].gemini, 'es-US');
  assert.equal(LOCALE_VOICES['en-IN'].espeak, 'en'); // no en-in voice in eSpeak NG: the British one
});

test('voices: a tag gets the line of the language that serves it', () => {
  assert.equal(voiceProfile('es-MX').englishName, 'Latin American Spanish');
  assert.equal(voiceProfile('hi-IN').espeak, 'hi');
  assert.equal(voiceProfile('pt').openaiTranscription, 'pt');
  assert.equal(voiceProfile('zz').englishName, 'English');
});
