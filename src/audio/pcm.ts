// Small PCM16 helpers: byte <-> sample views without copying where the memory allows it, and the level
// measurements (RMS, single-tone level) that tests and benchmarks use to check what a listener would hear.

import { endianness } from 'node:os';

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/**
 * PCM16 little-endian bytes as samples. Shares memory with `bytes` when it starts on an even offset (the usual
 * case for a fresh Buffer); otherwise copies, because an Int16Array cannot start on an odd byte.
 */
export function int16FromBytes(bytes: Uint8Array): Int16Array {
  if (bytes.byteLength % 2 !== 0) throw new RangeError(`PCM16 needs an even number of bytes, got ${bytes.byteLength}`);
  const count = bytes.byteLength / 2;
  if (LITTLE_ENDIAN_HOST && bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, count);
  const out = new Int16Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/** Samples as PCM16 little-endian bytes, sharing memory (no copy) on little-endian hosts. */
export function bytesFromInt16(samples: Int16Array): Buffer {
  if (LITTLE_ENDIAN_HOST) return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = Buffer.allocUnsafe(samples.byteLength);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, i * 2);
  return out;
}

/** RMS level relative to full scale (32768), in dB; a full-scale sine reads -3.01. Silence is -Infinity. */
export function rmsDbfs(samples: Int16Array): number {
  if (samples.length === 0) return -Infinity;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return 10 * Math.log10(sum / samples.length / (32768 * 32768));
}

/** A sine of `count` samples whose peak is `peakDbfs` below full scale (0 = peak at 32767). */
export function sine(frequencyHz: number, sampleRate: number, count: number, peakDbfs = -6, phase = 0): Int16Array {
  const amplitude = 32767 * 10 ** (peakDbfs / 20);
  const out = new Int16Array(count);
  const step = (2 * Math.PI * frequencyHz) / sampleRate;
  for (let i = 0; i < count; i++) out[i] = Math.round(amplitude * Math.sin(phase + step * i));
  return out;
}

/**
 * Peak level of the component at `frequencyHz`, in dB relative to full scale, on the same scale as `sine()`'s
 * `peakDbfs`. A Hann window keeps a loud tone elsewhere from leaking into the measurement (side lobes fall
 * 18 dB per octave), so levels 60-100 dB below a neighbouring tone can be read.
 */
export function toneDbfs(samples: Int16Array, sampleRate: number, frequencyHz: number): number {
  const n = samples.length;
  if (n < 2) return -Infinity;
  const w = (2 * Math.PI * frequencyHz) / sampleRate;
  let re = 0;
  let im = 0;
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const hann = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const x = samples[i]! * hann;
    re += x * Math.cos(w * i);
    im -= x * Math.sin(w * i);
    windowSum += hann;
  }
  const amplitude = (2 * Math.hypot(re, im)) / windowSum;
  return 20 * Math.log10(amplitude / 32767);
}
