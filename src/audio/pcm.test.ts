// Byte views must read the wire's little-endian samples right, and the level meters the other audio tests rely on
// must read true.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bytesFromInt16, int16FromBytes, rmsDbfs, sine, toneDbfs } from './pcm.ts';

test('little-endian bytes read as the right samples, sharing memory when aligned', () => {
  const bytes = Buffer.from([0x01, 0x80, 0xff, 0x7f, 0x00, 0x00]);
  const samples = int16FromBytes(bytes);
  assert.deepEqual([...samples], [-32767, 32767, 0]);
  bytes[4] = 0x2a; // no copy: a change to the bytes shows in the samples
  assert.equal(samples[2], 42);
});

test('bytes starting at an odd offset are copied into correct samples', () => {
  const backing = Buffer.from([0x99, 0x01, 0x80, 0x34, 0x12]);
  assert.deepEqual([...int16FromBytes(backing.subarray(1))], [-32767, 0x1234]);
});

test('an odd number of bytes is refused', () => {
  assert.throws(() => int16FromBytes(new Uint8Array(3)), RangeError);
});

test('samples turn into the same little-endian bytes and back', () => {
  const samples = Int16Array.from([1, -2, 32767, -32768]);
  const bytes = bytesFromInt16(samples.subarray(1));
  assert.deepEqual([...bytes], [0xfe, 0xff, 0xff, 0x7f, 0x00, 0x80]);
  assert.deepEqual([...int16FromBytes(bytes)], [-2, 32767, -32768]);
});

test('a sine reads at its level, and a tone 60 dB quieter is measured despite a loud neighbour', () => {
  const loud = sine(1000, 24_000, 24_000, -6);
  const quiet = sine(7000, 24_000, 24_000, -66);
  const mix = loud.map((x, i) => x + quiet[i]!);
  assert.ok(Math.abs(toneDbfs(mix, 24_000, 1000) - -6) < 0.05);
  assert.ok(Math.abs(toneDbfs(mix, 24_000, 7000) - -66) < 0.5);
  assert.ok(toneDbfs(loud, 24_000, 9000) < -100);
  assert.ok(Math.abs(rmsDbfs(sine(440, 8000, 8000, 0)) - -3.01) < 0.02);
  assert.equal(rmsDbfs(new Int16Array(10)), -Infinity);
});
