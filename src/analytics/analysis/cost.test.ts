// The cost of a conversation's model usage against hand-computed figures: reported tokens split into audio and text,
// estimates from audio length when no tokens were reported, the local engine free, unknown models counted but unpriced.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { costOf, priceOf } from './cost.ts';

test('gpt-realtime with reported tokens: audio up to the audio length, the rest as text', () => {
  // 60 s of caller audio = 600 audio tokens of the 1,000 in; 30 s of answer = 600 audio tokens of the 700 out.
  // 400 text in x $4 + 600 audio in x $32 + 100 text out x $16 + 600 audio out x $64
  // = 1,600 + 19,200 + 1,600 + 38,400 = 60,800 per million = $0.0608
  const cost = costOf('openai', { inputAudioMs: 60_000, outputAudioMs: 30_000, inputTokens: 1_000, outputTokens: 700 });
  assert.deepEqual(cost, { model: 'openai', tokens: 1_700, costUsd: 0.0608, priced: true });
  assert.equal(costOf('gpt-realtime', { inputAudioMs: 60_000, outputAudioMs: 30_000, inputTokens: 1_000, outputTokens: 700 }).costUsd, 0.0608);
});

test('Gemini Live from audio length alone: 25 tokens a second each way', () => {
  // 60 s in = 1,500 tokens x $3 = $0.0045; 30 s out = 750 tokens x $12 = $0.009; total $0.0135.
  const cost = costOf('gemini', { inputAudioMs: 60_000, outputAudioMs: 30_000, inputTokens: 0, outputTokens: 0 });
  assert.deepEqual(cost, { model: 'gemini', tokens: 2_250, costUsd: 0.0135, priced: true });
  assert.equal(priceOf('models/gemini-2.5-flash-native-audio-preview-12-2025')?.label, 'Gemini Live native audio');
});

test('a text-only chat on gpt-realtime is priced as text', () => {
  // 2,000 text in x $4 + 500 text out x $16 = 8,000 + 8,000 = $0.016
  assert.equal(costOf('openai', { inputTokens: 2_000, outputTokens: 500 }).costUsd, 0.016);
});

test('the analytics text model: gpt-4o-mini', () => {
  // 1,200 in x $0.15 + 80 out x $0.60 = 180 + 48 = $0.000228
  assert.deepEqual(costOf('gpt-4o-mini', { inputTokens: 1_200, outputTokens: 80 }), { model: 'gpt-4o-mini', tokens: 1_280, costUsd: 0.000228, priced: true });
});

test('the local engine costs nothing', () => {
  assert.equal(costOf('local', { outputAudioMs: 120_000, inputAudioMs: 90_000 }).costUsd, 0);
});

test('an unknown model: its tokens count, its cost is not guessed', () => {
  assert.deepEqual(costOf('some-new-model', { inputTokens: 10, outputTokens: 5 }), { model: 'some-new-model', tokens: 15, costUsd: 0, priced: false });
  assert.equal(priceOf('gpt-realtime-mini'), undefined, 'the mini model has other prices: not priced as gpt-realtime');
});

test('damaged usage (negative, NaN, missing) counts as nothing', () => {
  assert.deepEqual(costOf('openai', { inputTokens: Number.NaN, outputTokens: -5, inputAudioMs: Infinity }), { model: 'openai', tokens: 0, costUsd: 0, priced: true });
});
