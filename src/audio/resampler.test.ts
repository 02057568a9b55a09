// What a caller hears from the resampler: no images or aliases, no clicks at 20 ms frame edges, the same level out
// as in, a clean start after barge-in, and wasm memory given back.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { sine, toneDbfs } from './pcm.ts';
import { createResampler, initAudio, type StreamingResampler } from './resampler.ts';
import { speexRuntime } from './speex-wasm.ts';
import { concatPcm } from '../../test/concat-pcm.ts';

/** Feeds `input` in 20 ms frames (or `chunk` samples) and returns everything that came out. */
function stream(resampler: StreamingResampler, input: Int16Array, chunk = resampler.inputRate / 50): Int16Array {
  const parts: Int16Array[] = [];
  for (let at = 0; at < input.length; at += chunk) parts.push(resampler.process(input.subarray(at, at + chunk)).slice());
  return concatPcm(parts);
}

/** One second of a tone through a fresh resampler, 20 ms at a time, minus the first 100 ms (the filter filling). */
function toneThrough(inputRate: number, outputRate: number, frequencyHz: number, peakDbfs = -6): Int16Array {
  const resampler = createResampler(inputRate, outputRate);
  const out = stream(resampler, sine(frequencyHz, inputRate, inputRate, peakDbfs));
  resampler.dispose();
  return out.subarray(outputRate / 10);
}

/** A signal with something at every frequency: tones plus pseudo-random noise. */
function busySignal(rate: number, seconds: number): Int16Array {
  const n = Math.round(rate * seconds);
  const a = sine(310, rate, n, -12);
  const b = sine(2900, rate, n, -18);
  const out = new Int16Array(n);
  let seed = 7;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    out[i] = a[i]! + b[i]! + ((seed >>> 20) - 2048);
  }
  return out;
}

test('creating a resampler before initAudio() fails with an error that says what to do', () => {
  assert.throws(() => createResampler(8000, 24_000), /await initAudio\(\)/);
});

describe('after initAudio()', () => {
  before(() => initAudio());

  test('8 -> 24 kHz keeps a 1 kHz tone and leaves its images at 7 and 9 kHz at least 60 dB down', () => {
    const out = toneThrough(8000, 24_000, 1000);
    const tone = toneDbfs(out, 24_000, 1000);
    assert.ok(Math.abs(tone - -6) < 0.5, `tone at ${tone.toFixed(2)} dBFS`);
    for (const image of [7000, 9000]) {
      const level = toneDbfs(out, 24_000, image) - tone;
      assert.ok(level < -60, `image at ${image} Hz is only ${level.toFixed(1)} dB down`);
    }
  });

  test('16 -> 24 kHz leaves the images of a 1 kHz tone at least 60 dB down', () => {
    const out = toneThrough(16_000, 24_000, 1000);
    const tone = toneDbfs(out, 24_000, 1000);
    assert.ok(Math.abs(tone - -6) < 0.5);
    for (const image of [7000, 9000]) assert.ok(toneDbfs(out, 24_000, image) - tone < -60, `image at ${image} Hz`);
  });

  test('24 -> 8 kHz removes 5 and 6 kHz tones instead of folding them to 3 and 2 kHz', () => {
    for (const [frequency, alias] of [[5000, 3000], [6000, 2000]] as const) {
      const level = toneDbfs(toneThrough(24_000, 8000, frequency), 8000, alias) - -6;
      assert.ok(level < -60, `${frequency} Hz folds to ${alias} Hz at ${level.toFixed(1)} dB`);
    }
  });

  test('24 -> 16 kHz removes 9 and 10 kHz tones instead of folding them to 7 and 6 kHz', () => {
    for (const [frequency, alias] of [[9000, 7000], [10_000, 6000]] as const) {
      const level = toneDbfs(toneThrough(24_000, 16_000, frequency), 16_000, alias) - -6;
      assert.ok(level < -60, `${frequency} Hz folds to ${alias} Hz at ${level.toFixed(1)} dB`);
    }
  });

  test('48 -> 24 kHz (WebRTC) removes 15 and 18 kHz tones instead of folding them to 9 and 6 kHz', () => {
    for (const [frequency, alias] of [[15_000, 9000], [18_000, 6000]] as const) {
      const level = toneDbfs(toneThrough(48_000, 24_000, frequency), 24_000, alias) - -6;
      assert.ok(level < -60, `${frequency} Hz folds to ${alias} Hz at ${level.toFixed(1)} dB`);
    }
  });

  test('a 1 kHz tone keeps its level within 0.5 dB through 8 -> 24 -> 8 kHz', () => {
    const up = createResampler(8000, 24_000);
    const down = createResampler(24_000, 8000);
    const input = sine(1000, 8000, 8000, -10);
    const out = new Int16Array(input.length);
    for (let at = 0; at < input.length; at += 160) out.set(down.process(up.process(input.subarray(at, at + 160))), at);
    const level = toneDbfs(out.subarray(800), 8000, 1000);
    assert.ok(Math.abs(level - -10) < 0.5, `came back at ${level.toFixed(2)} dBFS`);
    up.dispose();
    down.dispose();
  });

  test('streaming frame by frame gives the same samples as resampling the whole signal at once', () => {
    for (const [inputRate, outputRate] of [[8000, 24_000], [24_000, 8000], [24_000, 16_000], [48_000, 24_000]] as const) {
      const input = busySignal(inputRate, 1); // also longer than the wasm scratch buffer, so sliced inside
      const whole = createResampler(inputRate, outputRate);
      const framed = createResampler(inputRate, outputRate);
      assert.deepEqual(stream(framed, input), whole.process(input).slice(), `${inputRate} -> ${outputRate}`);
      whole.dispose();
      framed.dispose();
    }
  });

  test('22050 -> 24000 Hz (speech synthesis) is continuous across odd chunk sizes and keeps the length', () => {
    const input = busySignal(22_050, 2);
    const oneShot = createResampler(22_050, 24_000);
    const whole = oneShot.process(input).slice();
    // 2 s in, 2 s out (of which the first delayMs is the filter filling; the input's last delayMs stays inside).
    assert.ok(Math.abs(whole.length - 48_000) <= 1, `${whole.length} samples out of 2 s`);
    const chunked = createResampler(22_050, 24_000);
    assert.deepEqual(stream(chunked, input, 441 + 3), whole);
    const tone = toneThrough(22_050, 24_000, 1000);
    assert.ok(Math.abs(toneDbfs(tone, 24_000, 1000) - -6) < 0.5);
    oneShot.dispose();
    chunked.dispose();
  });

  test('reset() after barge-in gives exactly what a fresh resampler gives', () => {
    const used = createResampler(24_000, 8000);
    stream(used, busySignal(24_000, 0.5));
    used.reset();
    const fresh = createResampler(24_000, 8000);
    const next = busySignal(24_000, 0.3);
    assert.deepEqual(stream(used, next), stream(fresh, next));
    used.dispose();
    fresh.dispose();
  });

  test('delayMs is where an impulse comes out', () => {
    for (const [inputRate, outputRate] of [[8000, 24_000], [24_000, 8000], [48_000, 24_000]] as const) {
      const resampler = createResampler(inputRate, outputRate);
      const impulse = new Int16Array(inputRate / 10);
      impulse[inputRate / 100] = 20_000; // at 10 ms
      const out = resampler.process(impulse);
      let peak = 0;
      for (let i = 1; i < out.length; i++) if (Math.abs(out[i]!) > Math.abs(out[peak]!)) peak = i;
      const peakMs = (peak * 1000) / outputRate - 10;
      assert.ok(Math.abs(peakMs - resampler.delayMs) <= 1000 / outputRate, `${inputRate} -> ${outputRate}: ${peakMs} ms`);
      assert.ok(resampler.delayMs > 0 && resampler.delayMs < 5);
      resampler.dispose();
    }
  });

  test('equal rates pass audio through untouched, with no delay', () => {
    const same = createResampler(24_000, 24_000);
    const input = busySignal(24_000, 0.02);
    assert.deepEqual(same.process(input).slice(), input);
    assert.equal(same.delayMs, 0);
  });

  test('dispose() gives the wasm memory back, and a disposed resampler refuses work', () => {
    const memory = (): number => speexRuntime().module.HEAP16.byteLength;
    for (let i = 0; i < 200; i++) createResampler(8000, 24_000).dispose(); // let the allocator settle
    const settled = memory();
    for (let i = 0; i < 20_000; i++) {
      const r = createResampler(24_000, 8000, { quality: 5 });
      r.process(new Int16Array(480));
      r.dispose();
    }
    assert.equal(memory(), settled, 'wasm memory grew: resampler state leaks');
    const r = createResampler(8000, 24_000);
    r.dispose();
    r.dispose(); // twice is harmless
    assert.throws(() => r.process(new Int16Array(160)), /dispose/);
  });

  test('bad rates or quality are refused with a RangeError', () => {
    assert.throws(() => createResampler(0, 24_000), RangeError);
    assert.throws(() => createResampler(8000.5, 24_000), RangeError);
    assert.throws(() => createResampler(8000, 24_000, { quality: 11 }), RangeError);
  });
});
