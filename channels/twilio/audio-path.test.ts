// What a caller and the model hear through the phone audio path: a tone keeps its pitch and level both ways, frames
// have the canonical size, a clear leaves no tail of the old answer, and bad payloads are refused, not guessed at.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { initAudio } from '../../src/audio/resampler.ts';
import { decodeMulaw, encodeMulaw } from '../../src/audio/mulaw.ts';
import { rmsDbfs, sine, toneDbfs } from '../../src/audio/pcm.ts';
import { createInboundAudioPath, createOutboundAudioPath } from './audio-path.ts';

before(async () => {
  await initAudio();
});

function mulawBase64Chunks(pcm8k: Int16Array, chunkBytes = 160): string[] {
  const mulaw = new Uint8Array(pcm8k.length);
  encodeMulaw(pcm8k, mulaw);
  const chunks: string[] = [];
  for (let i = 0; i < mulaw.length; i += chunkBytes) chunks.push(Buffer.from(mulaw.subarray(i, i + chunkBytes)).toString('base64'));
  return chunks;
}

function decodePayload(base64: string): Int16Array {
  const mulaw = Buffer.from(base64, 'base64');
  const pcm = new Int16Array(mulaw.length);
  decodeMulaw(mulaw, pcm);
  return pcm;
}

test('inbound: a 1 kHz mu-law tone becomes 24 kHz frames of 480 samples with the same pitch and level', () => {
  const frames: Int16Array[] = [];
  const path = createInboundAudioPath((frame) => frames.push(frame.slice()));
  for (const payload of mulawBase64Chunks(sine(1000, 8000, 8000, -6))) assert.equal(path.push(payload), undefined);
  path.dispose();

  // One second in: 50 frames, less at most one held back by the resampler's few milliseconds of delay.
  assert.ok(frames.length === 49 || frames.length === 50, `${frames.length} frames`);
  for (const frame of frames) assert.equal(frame.length, 480);
  const audio = new Int16Array(frames.length * 480);
  frames.forEach((frame, i) => audio.set(frame, i * 480));
  const steady = audio.subarray(480); // past the resampler's start-up
  assert.ok(Math.abs(toneDbfs(steady, 24_000, 1000) - -6) < 0.5, `1 kHz at ${toneDbfs(steady, 24_000, 1000)} dBFS`);
  // Upsampling by 3 mirrors 1 kHz to 7 and 9 kHz unless filtered; mu-law noise alone sits far lower.
  assert.ok(toneDbfs(steady, 24_000, 7000) < -60, `image at 7 kHz: ${toneDbfs(steady, 24_000, 7000)} dBFS`);
  assert.ok(toneDbfs(steady, 24_000, 9000) < -60, `image at 9 kHz: ${toneDbfs(steady, 24_000, 9000)} dBFS`);
  // And the pitch is really 1 kHz, not a neighbour: 2 zero crossings per cycle.
  let crossings = 0;
  for (let i = 1; i < steady.length; i++) if ((steady[i - 1]! < 0) !== (steady[i]! < 0)) crossings++;
  const hz = crossings / 2 / (steady.length / 24_000);
  assert.ok(Math.abs(hz - 1000) < 5, `${hz} Hz`);
});

test('inbound: payloads of several 20 ms chunks are accepted', () => {
  let frames = 0;
  const path = createInboundAudioPath(() => frames++);
  for (const payload of mulawBase64Chunks(sine(440, 8000, 1600), 320)) assert.equal(path.push(payload), undefined);
  assert.ok(frames >= 9, `${frames} frames from 200 ms`);
  path.dispose();
});

test('inbound: invalid base64 and wrong sizes are refused without producing audio', () => {
  let frames = 0;
  const path = createInboundAudioPath(() => frames++);
  const good = mulawBase64Chunks(sine(440, 8000, 160))[0]!;
  const cases: Array<[string, string]> = [
    ['!' + good.slice(1), 'invalid-base64'],
    [good.slice(0, -1), 'invalid-base64'],
    ['====', 'invalid-base64'],
    ['', 'bad-payload-size'],
    [Buffer.alloc(100, 0xff).toString('base64'), 'bad-payload-size'],
    [Buffer.alloc(161, 0xff).toString('base64'), 'bad-payload-size'],
    [Buffer.alloc(1760, 0xff).toString('base64'), 'bad-payload-size'],
  ];
  for (const [payload, kind] of cases) assert.equal(path.push(payload)?.kind, kind, `payload ${payload.slice(0, 12)}… (${payload.length} chars)`);
  assert.equal(frames, 0);
  assert.equal(path.push(good), undefined, 'a good payload after refused ones still decodes');
  path.dispose();
});

test('outbound: canonical 1 kHz frames become ~160-byte mu-law payloads with the same pitch and level', () => {
  const path = createOutboundAudioPath();
  const tone = sine(1000, 24_000, 24_000, -6);
  const payloads: string[] = [];
  for (let i = 0; i < tone.length; i += 480) payloads.push(path.encode(tone.subarray(i, i + 480)));
  path.dispose();

  const sizes = payloads.filter((p) => p !== '').map((p) => Buffer.from(p, 'base64').length);
  const total = sizes.reduce((a, b) => a + b, 0);
  assert.ok(total > 7900 && total <= 8000, `${total} bytes for one second`);
  for (const size of sizes.slice(1)) assert.ok(size >= 159 && size <= 161, `payload of ${size} bytes`);

  const pcm = new Int16Array(total);
  let at = 0;
  for (const payload of payloads) {
    if (!payload) continue;
    const part = decodePayload(payload);
    pcm.set(part, at);
    at += part.length;
  }
  const steady = pcm.subarray(160);
  assert.ok(Math.abs(toneDbfs(steady, 8000, 1000) - -6) < 0.5, `1 kHz at ${toneDbfs(steady, 8000, 1000)} dBFS`);
  assert.ok(toneDbfs(steady, 8000, 3000) < -35, 'no harmonic distortion beyond mu-law noise');
});

test('outbound: after reset (barge-in) the next answer starts clean, with no tail of the cancelled one', () => {
  const loud = sine(1000, 24_000, 480 * 10, -1);
  const silence = new Int16Array(480);

  const tail = (reset: boolean): number => {
    const path = createOutboundAudioPath();
    for (let i = 0; i < loud.length; i += 480) path.encode(loud.subarray(i, i + 480));
    if (reset) path.reset();
    const first = decodePayload(path.encode(silence));
    path.dispose();
    return rmsDbfs(first);
  };

  assert.ok(tail(false) > -40, 'without a reset the filter history leaks into the next frame (the test can see it)');
  assert.ok(tail(true) === -Infinity || tail(true) < -60, `after reset: ${tail(true)} dBFS`);
});
