// The speech detector on real synthesized speech (eSpeak, as callers will hear the local engine), on silence and on
// line noise: one start shortly after the voice begins, one end after the hangover, nothing for noise.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAME_SAMPLES } from '../core/audio.ts';
import { EspeakTts } from '../models/local/espeak-tts.ts';
import { initVad, SpeechDetector } from './vad.ts';
import { concatPcm } from '../../test/concat-pcm.ts';

const RATE = 24_000;
let tts: EspeakTts;
let english: Int16Array;
let hindi: Int16Array;

before(async () => {
  await initVad();
  tts = await EspeakTts.create();
  english = await tts.synthesize('Hello, I would like to book an appointment for tomorrow morning, please.', 'en');
  hindi = await tts.synthesize('नमस्ते, मुझे कल सुबह का अपॉइंटमेंट चाहिए।', 'hi');
});
after(() => tts.close());

const silence = (ms: number): Int16Array => new Int16Array((ms * RATE) / 1000);

/** Deterministic white noise at `dbfs` RMS. */
function noise(ms: number, dbfs: number, seed = 7): Int16Array {
  const out = new Int16Array((ms * RATE) / 1000);
  const amplitude = 32768 * 10 ** (dbfs / 20) * Math.sqrt(3);
  let state = seed;
  for (let i = 0; i < out.length; i++) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    out[i] = Math.round(amplitude * ((state / 2 ** 32) * 2 - 1));
  }
  return out;
}

/** Feeds 20 ms frames through one reused buffer, as a channel does; returns events with their time in ms. */
function detect(audio: Int16Array, given?: SpeechDetector): string[] {
  const detector = given ?? new SpeechDetector();
  const frame = new Int16Array(FRAME_SAMPLES);
  const events: string[] = [];
  try {
    for (let offset = 0; offset + FRAME_SAMPLES <= audio.length; offset += FRAME_SAMPLES) {
      frame.set(audio.subarray(offset, offset + FRAME_SAMPLES));
      const event = detector.process(frame);
      if (event) events.push(`${event}@${(offset + FRAME_SAMPLES) / (RATE / 1000)}`);
    }
  } finally {
    if (given === undefined) detector.dispose();
  }
  return events;
}

const at = (event: string): number => Number(event.split('@')[1]);

test('vad: speech starts about 200 ms in and ends about 600 ms after the last word', () => {
  const speechMs = (english.length / RATE) * 1000;
  const events = detect(concatPcm([silence(1000), english, silence(1500)]));
  assert.equal(events.length, 2, events.join(' '));
  assert.match(events[0]!, /^start@/u);
  assert.match(events[1]!, /^end@/u);
  const start = at(events[0]!) - 1000;
  assert.ok(start >= 100 && start <= 400, `start ${start} ms after the voice began`);
  // The synthesized prompt ends with a little silence of its own, so the end comes 300-900 ms after the samples.
  const end = at(events[1]!) - (1000 + speechMs);
  assert.ok(end >= 0 && end <= 900, `end ${end} ms after the prompt`);
});

test('vad: Hindi speech is detected too', () => {
  const events = detect(concatPcm([silence(500), hindi, silence(1200)]));
  assert.deepEqual(events.map((e) => e.split('@')[0]), ['start', 'end']);
});

test('vad: silence and low line noise never start speech', () => {
  assert.deepEqual(detect(silence(5000)), []);
  assert.deepEqual(detect(noise(5000, -60)), []);
  assert.deepEqual(detect(noise(5000, -45)), []);
});

test('vad: speech over low noise is still found', () => {
  const noisy = concatPcm([noise(1000, -45, 1), english, noise(1500, -45, 2)]);
  const bed = noise((noisy.length / RATE) * 1000, -45, 3);
  for (let i = 0; i < noisy.length; i++) noisy[i] = Math.max(-32768, Math.min(32767, noisy[i]! + (i >= 24_000 && i < 24_000 + english.length ? bed[i]! : 0)));
  assert.deepEqual(detect(noisy).map((e) => e.split('@')[0]), ['start', 'end']);
});

test('vad: a short click is not speech', () => {
  const click = concatPcm([silence(500), english.subarray(12_000, 12_000 + 2_400), silence(1000)]); // 100 ms of voice
  assert.deepEqual(detect(click), []);
});

test('vad: reset() forgets speech in progress', () => {
  const detector = new SpeechDetector();
  try {
    const first = detect(concatPcm([silence(200), english.subarray(0, 24_000)]), detector);
    assert.equal(first.length, 1);
    assert.equal(detector.speaking, true);
    detector.reset();
    assert.equal(detector.speaking, false);
    assert.deepEqual(detect(silence(2000), detector), []); // no end for a start it forgot
  } finally {
    detector.dispose();
  }
});

test('vad: rejects frames of the wrong size and use after dispose', () => {
  const detector = new SpeechDetector();
  assert.throws(() => detector.process(new Int16Array(320)), /480 samples/u);
  detector.dispose();
  assert.throws(() => detector.process(new Int16Array(FRAME_SAMPLES)), /after dispose/u);
});

test('vad: runs hundreds of times faster than real time', () => {
  const audio = concatPcm([english, english, english, english]);
  const started = performance.now();
  detect(audio);
  const realTime = (audio.length / RATE) * 1000 / (performance.now() - started);
  assert.ok(realTime > 50, `${realTime.toFixed(0)}x real time`); // loose: shared CI machines; ~500x measured
});
