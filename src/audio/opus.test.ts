// What a listener gets from the Opus wrapper: speech-band tones come back at the same level and time, a lost
// packet is bridged instead of clicking to silence, and garbage from one caller is refused without breaking the
// decoder for the next packet.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Encoder } from '@evan/opus';
import { OpusDecodeError, OpusFrameDecoder, OpusFrameEncoder } from './opus.ts';
import { rmsDbfs, sine, toneDbfs } from './pcm.ts';

const FRAME = 480;

/** Encodes `pcm` frame by frame and decodes it again; returns everything decoded (pre-skip still in). */
function roundTrip(pcm: Int16Array, encoder = new OpusFrameEncoder(), decoder = new OpusFrameDecoder()): Int16Array {
  const out = new Int16Array(pcm.length);
  for (let at = 0; at + FRAME <= pcm.length; at += FRAME) out.set(decoder.decode(encoder.encode(pcm.subarray(at, at + FRAME))), at);
  return out;
}

/** A tone gliding from `fromHz` to `toHz` over `count` samples at 24 kHz, peak -12 dBFS. */
function sweep(fromHz: number, toHz: number, count: number): Int16Array {
  const out = new Int16Array(count);
  let phase = 0;
  for (let i = 0; i < count; i++) {
    phase += (2 * Math.PI * (fromHz + ((toHz - fromHz) * i) / count)) / 24_000;
    out[i] = Math.round(8000 * Math.sin(phase));
  }
  return out;
}

/** The lag (in samples, 0..maxLag) at which `output` best matches `input`. */
function bestLag(input: Int16Array, output: Int16Array, maxLag: number): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let lag = 0; lag <= maxLag; lag++) {
    let score = 0;
    for (let i = 2400; i < input.length - maxLag; i++) score += input[i]! * output[i + lag]!;
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  return best;
}

describe('OpusFrameEncoder + OpusFrameDecoder', () => {
  test('a 440 Hz tone comes back at the same level', () => {
    const output = roundTrip(sine(440, 24_000, 24_000, -12));
    const level = toneDbfs(output.subarray(2400), 24_000, 440);
    assert.ok(Math.abs(level - -12) < 1, `tone came back at ${level.toFixed(2)} dBFS`);
  });

  test('decoded audio lags the input by exactly the pre-skip, so a player that drops it stays in sync', () => {
    // A sweep, because a steady tone matches itself every period and would hide a wrong delay.
    const input = sweep(200, 3000, 24_000);
    const encoder = new OpusFrameEncoder();
    const lag = bestLag(input, roundTrip(input, encoder), 600);
    // Within one sample (0.04 ms): the speech coder's filters may shift the phase that little.
    assert.ok(Math.abs(lag - encoder.preSkip / 2) <= 1, `audio is delayed ${lag} samples, pre-skip says ${encoder.preSkip / 2}`);
  });

  test('pre-skip is the 24 kHz lookahead counted at 48 kHz (312 for voip, what players expect)', () => {
    assert.equal(new OpusFrameEncoder().preSkip, 312);
    assert.equal(new OpusFrameEncoder({ application: 'audio', complexity: 10, bitrate: 64_000 }).preSkip, 312);
  });

  test('a lower bitrate gives smaller packets', () => {
    const input = sine(300, 24_000, 24_000, -12);
    const size = (bitrate: number): number => {
      const encoder = new OpusFrameEncoder({ bitrate });
      let bytes = 0;
      for (let at = 0; at + FRAME <= input.length; at += FRAME) bytes += encoder.encode(input.subarray(at, at + FRAME)).length;
      return bytes;
    };
    const low = size(12_000);
    const high = size(64_000);
    assert.ok(low * 3 < high, `12 kbit/s made ${low} bytes, 64 kbit/s ${high}`);
  });

  test('encode returns a packet the caller may keep: the next encode does not overwrite it', () => {
    const encoder = new OpusFrameEncoder();
    const first = encoder.encode(sine(440, 24_000, FRAME));
    const copy = first.slice();
    encoder.encode(sine(1000, 24_000, FRAME, -3));
    assert.deepEqual(first, copy);
  });

  test('after reset the encoder makes the same packets as a fresh one', () => {
    const input = sine(700, 24_000, FRAME * 5, -9);
    const used = new OpusFrameEncoder();
    for (let at = 0; at < input.length; at += FRAME) used.encode(input.subarray(at, at + FRAME));
    used.reset();
    const fresh = new OpusFrameEncoder();
    for (let at = 0; at < input.length; at += FRAME) {
      assert.deepEqual(used.encode(input.subarray(at, at + FRAME)), fresh.encode(input.subarray(at, at + FRAME)));
    }
  });

  test('a stereo packet decodes to one channel holding both sides', () => {
    const stereo = new Encoder({ channels: 2, sample_rate: 24_000, application: 'audio' });
    stereo.bitrate = 96_000;
    const left = sine(500, 24_000, FRAME * 50, -12);
    const right = sine(1500, 24_000, FRAME * 50, -12);
    const decoder = new OpusFrameDecoder();
    const out = new Int16Array(left.length);
    const interleaved = new Int16Array(FRAME * 2);
    for (let at = 0; at < left.length; at += FRAME) {
      for (let i = 0; i < FRAME; i++) {
        interleaved[2 * i] = left[at + i]!;
        interleaved[2 * i + 1] = right[at + i]!;
      }
      const pcm = decoder.decode(stereo.encode(interleaved));
      assert.equal(pcm.length, FRAME);
      out.set(pcm, at);
    }
    // A mono downmix averages the sides: each tone at half its level, -6 dB.
    for (const hz of [500, 1500]) {
      const level = toneDbfs(out.subarray(4800), 24_000, hz);
      assert.ok(Math.abs(level - -18) < 1.5, `${hz} Hz at ${level.toFixed(2)} dBFS`);
    }
  });

  test('a 60 ms packet decodes to 1,440 samples', () => {
    const encoder = new OpusFrameEncoder();
    const decoder = new OpusFrameDecoder();
    assert.equal(decoder.decode(encoder.encode(sine(440, 24_000, 1440))).length, 1440);
  });
});

describe('packet loss concealment', () => {
  test('a lost frame in a tone is filled with sound close to the tone, not silence', () => {
    const encoder = new OpusFrameEncoder();
    const decoder = new OpusFrameDecoder();
    roundTrip(sine(440, 24_000, FRAME * 25, -12), encoder, decoder);
    const concealed = decoder.decodeMissing();
    assert.equal(concealed.length, FRAME);
    const level = rmsDbfs(concealed);
    assert.ok(level > -24, `concealment is at ${level.toFixed(1)} dBFS, the tone at -15`);
    const tone = toneDbfs(concealed, 24_000, 440);
    for (const other of [300, 600]) {
      const level = toneDbfs(concealed, 24_000, other);
      assert.ok(tone - level > 20, `the concealment is not the 440 Hz tone (${tone.toFixed(1)} dB, ${other} Hz at ${level.toFixed(1)})`);
    }
  });

  test('longer gaps are filled to the length asked for, in 10 ms steps', () => {
    const decoder = new OpusFrameDecoder();
    roundTrip(sine(440, 24_000, FRAME * 10, -12), new OpusFrameEncoder(), decoder);
    assert.equal(decoder.decodeMissing(960).length, 960);
    assert.equal(decoder.decodeMissing(240).length, 240);
    assert.equal(decoder.decodeMissing(2880).length, 2880);
  });

  test('before any packet, and after reset, a lost frame is silence', () => {
    const decoder = new OpusFrameDecoder();
    assert.equal(rmsDbfs(decoder.decodeMissing()), -Infinity);
    roundTrip(sine(440, 24_000, FRAME * 10, -12), new OpusFrameEncoder(), decoder);
    decoder.reset();
    assert.equal(rmsDbfs(decoder.decodeMissing()), -Infinity);
  });

  test('lengths Opus cannot conceal are refused with a RangeError', () => {
    const decoder = new OpusFrameDecoder();
    for (const samples of [0, -480, 100, 3000, 480.5]) assert.throws(() => decoder.decodeMissing(samples), RangeError);
  });
});

describe('bad input', () => {
  test('an impossible packet throws OpusDecodeError and the decoder keeps working', () => {
    const encoder = new OpusFrameEncoder();
    const decoder = new OpusFrameDecoder();
    decoder.decode(encoder.encode(sine(440, 24_000, FRAME)));
    // Code 3 with 63 frames of 20 ms: over the 120 ms a packet may hold.
    assert.throws(() => decoder.decode(Uint8Array.of(0xff, 0xff, 0xff)), (error: unknown) => {
      assert.ok(error instanceof OpusDecodeError);
      assert.equal(error.code, 'opus_decode');
      return true;
    });
    assert.throws(() => decoder.decode(new Uint8Array(0)), OpusDecodeError);
    assert.equal(decoder.decode(encoder.encode(sine(440, 24_000, FRAME))).length, FRAME);
  });

  test('the encoder refuses frames Opus cannot encode and options out of range', () => {
    const encoder = new OpusFrameEncoder();
    for (const samples of [0, 479, 481, 2880]) assert.throws(() => encoder.encode(new Int16Array(samples)), /480 samples/);
    assert.throws(() => new OpusFrameEncoder({ bitrate: 100 }), RangeError);
    assert.throws(() => new OpusFrameEncoder({ complexity: 11 }), RangeError);
    assert.throws(() => new OpusFrameEncoder({ complexity: 2.5 }), RangeError);
    assert.throws(() => new OpusFrameEncoder({ application: 'music' as 'audio' }), RangeError);
  });
});
