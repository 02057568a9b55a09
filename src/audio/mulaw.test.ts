// The phone path must be bit-exact G.711: Twilio and every carrier decode our bytes with the same table.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { decodeMulaw, decodeMulawSample, encodeMulaw, encodeMulawSample } from './mulaw.ts';
import { sine } from './pcm.ts';

function sha256(bytes: ArrayBufferView): string {
  return createHash('sha256').update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)).digest('hex');
}

test('decodes the reference values of G.711', () => {
  const expected: Array<[number, number]> = [
    [0xff, 0], [0x7f, 0], [0x00, -32124], [0x80, 32124], [0xfe, 8], [0x7e, -8],
    [0x01, -31100], [0x0f, -16764], [0x10, -15996], [0x55, -716], [0xaa, 5372],
  ];
  for (const [code, linear] of expected) assert.equal(decodeMulawSample(code), linear, `code 0x${code.toString(16)}`);
});

test('the whole decode table matches an independent implementation (Python audioop)', () => {
  const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const decoded = new Int16Array(256);
  decodeMulaw(codes, decoded);
  // sha256 of audioop.ulaw2lin(bytes(range(256)), 2): 256 little-endian int16 values.
  assert.equal(sha256(decoded), '3dab54339e520bb2c924826e3b72a917a2b612e9fd12fc867500f1d983a75827');
});

test('encodes the reference values, clipping at 32635', () => {
  const expected: Array<[number, number]> = [
    [0, 0xff], [1, 0xff], [-1, 0x7f], [8, 0xfe], [-8, 0x7e], [100, 0xf2], [-100, 0x72], [1000, 0xce],
    [-1000, 0x4e], [4064, 0xaf], [32635, 0x80], [32767, 0x80], [-32635, 0x00], [-32768, 0x00],
  ];
  for (const [linear, code] of expected) assert.equal(encodeMulawSample(linear), code, `sample ${linear}`);
});

test('every non-negative sample encodes as Python audioop does, and negatives mirror them', () => {
  const positive = Int16Array.from({ length: 32768 }, (_, i) => i);
  const codes = new Uint8Array(32768);
  encodeMulaw(positive, codes);
  // sha256 of audioop.lin2ulaw over 0..32767. (audioop rounds some negatives differently: it shifts to 14 bits
  // first, so it is checked on the positive half only; G.711 is symmetric, which the loop below asserts.)
  assert.equal(sha256(codes), '912062bf9c931c7ebc1dc1fd1d74faf0cfefcd47e8408a3ed4d07aa59f0f1c20');
  for (let x = 1; x < 32768; x++) assert.equal(encodeMulawSample(-x), codes[x]! & 0x7f, `sample ${-x}`);
});

test('decode then encode gives back every code word (0x7f is negative zero and comes back as 0xff)', () => {
  for (let code = 0; code < 256; code++) {
    assert.equal(encodeMulawSample(decodeMulawSample(code)), code === 0x7f ? 0xff : code, `code 0x${code.toString(16)}`);
  }
});

function roundTripSnrDb(peakDbfs: number): number {
  // 1013 Hz does not divide 8 kHz, so the error is averaged over many phases rather than 8 repeating ones.
  const signal = sine(1013, 8000, 8000, peakDbfs, 0.3);
  const codes = new Uint8Array(signal.length);
  const back = new Int16Array(signal.length);
  encodeMulaw(signal, codes);
  decodeMulaw(codes, back);
  let power = 0;
  let noise = 0;
  for (let i = 0; i < signal.length; i++) {
    power += signal[i]! ** 2;
    noise += (signal[i]! - back[i]!) ** 2;
  }
  return 10 * Math.log10(power / noise);
}

test('a round trip keeps speech-level audio at about 37 dB SNR, and quiet audio above 30 dB', () => {
  for (const level of [-3, -12, -20]) {
    const snr = roundTripSnrDb(level);
    assert.ok(snr > 36, `${level} dBFS tone: SNR ${snr.toFixed(1)} dB`);
  }
  // Companding is what keeps quiet speech clean: 8-bit linear PCM would give about 5 dB at -45 dBFS.
  for (const level of [-30, -45]) {
    const snr = roundTripSnrDb(level);
    assert.ok(snr > 30, `${level} dBFS tone: SNR ${snr.toFixed(1)} dB`);
  }
});

test('buffers of different lengths are refused, not half converted', () => {
  assert.throws(() => decodeMulaw(new Uint8Array(160), new Int16Array(159)), RangeError);
  assert.throws(() => encodeMulaw(new Int16Array(160), new Uint8Array(161)), RangeError);
});
