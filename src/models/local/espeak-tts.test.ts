// eSpeak synthesis as a caller hears it: audible 24 kHz speech of a plausible length in every language, repeated
// prompts served from the cache at once, and markup in a prompt spoken rather than parsed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmsDbfs } from '../../audio/pcm.ts';
import { initI18n, supportedLocales, t } from '../../i18n/i18n.ts';
import { EspeakTts, speakable, voiceFor } from './espeak-tts.ts';

let tts: EspeakTts;

before(async () => {
  tts = await EspeakTts.create({ warmVoices: ['en'] });
});
after(() => tts.close());

const seconds = (pcm: Int16Array): number => pcm.length / 24_000;

test('tts: English and Hindi prompts are audible speech at 24 kHz', async () => {
  const en = await tts.synthesize('Press 1 for our opening hours. Press 2 to book an appointment.', 'en');
  const hi = await tts.synthesize('खुलने का समय जानने के लिए 1 दबाएँ।', 'hi');
  for (const [name, pcm] of [['en', en], ['hi', hi]] as const) {
    assert.ok(seconds(pcm) > 1.5 && seconds(pcm) < 8, `${name}: ${seconds(pcm).toFixed(2)} s`);
    const level = rmsDbfs(pcm);
    assert.ok(level > -35 && level < -6, `${name}: ${level.toFixed(1)} dBFS`);
  }
  assert.ok(tts.voices.includes('inc/hi'));
});

test('tts: a repeated prompt comes from the cache, the same audio, almost instantly', async () => {
  const text = 'Thank you for calling Asha Clinic. Goodbye!';
  const first = await tts.synthesize(text, 'en');
  const misses = tts.stats.misses;
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const again = await tts.synthesize(text, 'en');
    times.push(performance.now() - started);
    assert.equal(again, first);
  }
  times.sort((a, b) => a - b);
  assert.ok(times[10]! < 1, `median cache hit ${times[10]!.toFixed(3)} ms`);
  assert.equal(tts.stats.misses, misses);
  assert.equal(tts.cached(text, 'en'), first);
  assert.equal(tts.cached(text, 'hi'), undefined); // the voice is part of the key
});

test('tts: concurrent requests for one prompt share one synthesis', async () => {
  const before = tts.stats.misses;
  const results = await Promise.all([1, 2, 3].map(() => tts.synthesize('One moment, please.', 'en')));
  assert.equal(tts.stats.misses - before, 1);
  assert.equal(results[0], results[1]);
  assert.equal(results[1], results[2]);
});

test('tts: an unknown voice fails that request only', async () => {
  await assert.rejects(tts.synthesize('hello', 'xx-nonexistent'), /no voice/u);
  assert.ok(seconds(await tts.synthesize('Still here.', 'en')) > 0.3);
});

test('tts: markup characters are spoken, not parsed', async () => {
  assert.equal(speakable('A & B <b>[[x]]'), 'A &amp; B &lt;b&gt;[ [x]]');
  const pcm = await tts.synthesize('Smith & Sons <Clinic>', 'en');
  assert.ok(seconds(pcm) > 1, `${seconds(pcm).toFixed(2)} s`); // the parsed tag would have swallowed "Clinic"
});

test('tts: voices per locale follow the language of the texts', () => {
  const cases: Array<[string, string]> = [
    ['en', 'en'], ['en-IN', 'en'], ['en-GB', 'en'], ['en-US', 'en-us'], ['hi', 'hi'], ['hi-IN', 'hi'], ['mr', 'mr'], ['ta', 'ta'], ['te', 'te'], ['bn', 'bn'], ['kn', 'kn'],
    ['pt-BR', 'pt-br'], ['pt-PT', 'pt-br'], ['es-MX', 'es-419'], ['es-419', 'es-419'], ['es-ES', 'es-419'], ['zz', 'en'],
  ];
  for (const [locale, voice] of cases) assert.equal(voiceFor(locale), voice, locale);
});

test('tts: every locale greets as audible speech in its own voice', async () => {
  await initI18n();
  for (const locale of supportedLocales) {
    const voice = voiceFor(locale);
    const greeting = t(locale, 'common:disclosure', { business: 'Asha Clinic' });
    const pcm = await tts.synthesize(greeting, voice);
    assert.ok(seconds(pcm) > 3 && seconds(pcm) < 20, `${locale}: ${seconds(pcm).toFixed(2)} s`);
    const level = rmsDbfs(pcm);
    assert.ok(level > -35 && level < -6, `${locale}: ${level.toFixed(1)} dBFS`);
  }
  for (const voice of ['inc/hi', 'inc/mr', 'inc/bn', 'dra/ta', 'dra/te', 'dra/kn', 'roa/pt-BR', 'roa/es-419', 'gmw/en']) assert.ok(tts.voices.includes(voice), voice);
});

test('tts: close() is final', async () => {
  const own = await EspeakTts.create();
  await own.close();
  await assert.rejects(own.synthesize('late', 'en'), /closed/u);
});
