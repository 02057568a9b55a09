// Audio benchmark: what one phone call's audio path costs (mu-law 8 kHz <-> PCM16 24 kHz in 20 ms frames), and
// the resampler candidates compared when choosing the backend of src/audio/resampler.ts, each with the stopband
// depth it reached. Prints plain lines; run directly with `node --import tsx bench/audio.bench.ts`.

import { pathToFileURL } from 'node:url';
import { FrameAssembler } from '../src/audio/frame-assembler.ts';
import { decodeMulaw, encodeMulaw } from '../src/audio/mulaw.ts';
import { sine, toneDbfs } from '../src/audio/pcm.ts';
import { audioBuild, createResampler, DEFAULT_RESAMPLER_QUALITY, initAudio, type StreamingResampler } from '../src/audio/resampler.ts';
import { SpeexResampler } from '../src/audio/speex-resampler.ts';
import { loadSpeexRuntime } from '../src/audio/speex-wasm.ts';

const FRAME_MS = 20;
const PHONE_FRAME = 160; // 20 ms at 8 kHz
const WIDE_FRAME = 480; // 20 ms at 24 kHz

/**
 * The throwaway candidate: a polyphase FIR in plain TypeScript (Kaiser-windowed sinc, `tapsPerPhase` taps per
 * output sample for 8 -> 24 kHz). Kept here, not in src, because the benchmark chose against it.
 */
class PolyphaseFir implements StreamingResampler {
  readonly delayMs: number;
  readonly #up: number; // L: output rate / gcd
  readonly #down: number; // M: input rate / gcd
  readonly #taps: number; // taps per phase
  readonly #coeffs: Float64Array; // phase-major, each phase reversed to run over ascending input
  #history: Float64Array;
  #position = 0; // next output's position on the L-times upsampled grid, relative to the current chunk
  #out = new Int16Array(0);

  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
    tapsPerPhase: number,
    attenuationDb = 70,
  ) {
    const g = gcd(inputRate, outputRate);
    this.#up = outputRate / g;
    this.#down = inputRate / g;
    // Taps per phase are counted for upsampling; downsampling by M needs M times as many to keep the same width.
    // A multiple of 4 suits the unrolled inner loop.
    this.#taps = Math.ceil((tapsPerPhase * Math.max(1, inputRate / outputRate)) / 4) * 4;
    const length = this.#taps * this.#up;
    const upRate = inputRate * this.#up;
    const nyquist = Math.min(inputRate, outputRate) / 2;
    const transitionHz = ((attenuationDb - 7.95) / (14.36 * length)) * upRate;
    const cutoff = (nyquist - transitionHz / 2) / upRate; // cycles per sample on the upsampled grid
    const beta = 0.1102 * (attenuationDb - 8.7);
    const h = new Float64Array(length);
    const centre = (length - 1) / 2;
    for (let i = 0; i < length; i++) {
      const x = i - centre;
      const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
      const r = (2 * i) / (length - 1) - 1;
      h[i] = sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / besselI0(beta)) * this.#up;
    }
    this.#coeffs = new Float64Array(length);
    for (let p = 0; p < this.#up; p++) {
      for (let k = 0; k < this.#taps; k++) this.#coeffs[p * this.#taps + k] = h[(this.#taps - 1 - k) * this.#up + p]!;
    }
    this.#history = new Float64Array(this.#taps - 1 + 1024);
    this.delayMs = (centre / upRate) * 1000;
  }

  process(input: Int16Array): Int16Array {
    const taps = this.#taps;
    const n = input.length;
    if (this.#history.length < taps - 1 + n) {
      const grown = new Float64Array(taps - 1 + n);
      grown.set(this.#history.subarray(0, taps - 1));
      this.#history = grown;
    }
    const buf = this.#history;
    for (let i = 0; i < n; i++) buf[taps - 1 + i] = input[i]!;
    const maxOut = Math.ceil(((n * this.#up) / this.#down) + 1);
    if (this.#out.length < maxOut) this.#out = new Int16Array(maxOut);
    const out = this.#out;
    const coeffs = this.#coeffs;
    const up = this.#up;
    let t = this.#position;
    let produced = 0;
    for (;;) {
      const q = (t / up) | 0;
      if (q >= n) break;
      const c = (t - q * up) * taps;
      let acc = 0;
      // Four accumulators let the JIT overlap the multiply-adds: about 1.5x faster than one running sum.
      let acc1 = 0;
      let acc2 = 0;
      let acc3 = 0;
      for (let k = 0; k < taps; k += 4) {
        acc += coeffs[c + k]! * buf[q + k]!;
        acc1 += coeffs[c + k + 1]! * buf[q + k + 1]!;
        acc2 += coeffs[c + k + 2]! * buf[q + k + 2]!;
        acc3 += coeffs[c + k + 3]! * buf[q + k + 3]!;
      }
      acc += acc1 + acc2 + acc3;
      out[produced++] = acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc);
      t += this.#down;
    }
    this.#position = t - n * up;
    buf.copyWithin(0, n, n + taps - 1);
    return out.subarray(0, produced);
  }

  reset(): void {
    this.#history.fill(0);
    this.#position = 0;
  }

  dispose(): void {}
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

interface Candidate {
  readonly name: string;
  make(inputRate: number, outputRate: number): StreamingResampler;
}

/** Speech-like test audio: a few tones and some noise, 1 s long, looped. */
function testSignal(rate: number): Int16Array {
  const out = new Int16Array(rate);
  const a = sine(220, rate, rate, -14);
  const b = sine(1170, rate, rate, -20);
  const c = sine(2650, rate, rate, -26);
  let seed = 12345;
  for (let i = 0; i < rate; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out[i] = a[i]! + b[i]! + c[i]! + ((seed >>> 16) % 600) - 300;
  }
  return out;
}

/**
 * Runs `step` for about `budgetMs` and returns how many times per second it ran, taken from the 90th percentile
 * of 20 ms slices: other work on a shared machine only ever slows a slice down, so the fast slices show what the
 * code itself costs (timeit's "best of" idea, minus the single luckiest slice).
 */
function rate(step: () => void, budgetMs: number): number {
  for (let i = 0; i < 300; i++) step(); // warm up the JIT
  const slices: number[] = [];
  const end = performance.now() + budgetMs;
  while (performance.now() < end) {
    let runs = 0;
    const start = performance.now();
    let now = start;
    while (now - start < 20) {
      for (let i = 0; i < 20; i++) step();
      runs += 20;
      now = performance.now();
    }
    slices.push((runs * 1000) / (now - start));
  }
  slices.sort((a, b) => a - b);
  return slices[Math.floor(slices.length * 0.9)] ?? 0;
}

/** One call's audio path through `candidate`: each step handles the next 20 ms of one direction. */
function callPath(candidate: Candidate): { inbound: () => void; outbound: () => void; dispose: () => void } {
  const phone = new Uint8Array(8000);
  encodeMulaw(testSignal(8000), phone);
  const wide = testSignal(24_000);
  const up = candidate.make(8000, 24_000);
  const down = candidate.make(24_000, 8000);
  const pcm8 = new Int16Array(PHONE_FRAME);
  const mulawOut = new Uint8Array(PHONE_FRAME);
  const toModel = new FrameAssembler(() => {}); // the model side would take the frame here
  const toPhone = new FrameAssembler(PHONE_FRAME, (frame) => encodeMulaw(frame, mulawOut));
  let inAt = 0;
  let outAt = 0;
  return {
    inbound: () => {
      decodeMulaw(phone.subarray(inAt, inAt + PHONE_FRAME), pcm8);
      toModel.push(up.process(pcm8));
      inAt = (inAt + PHONE_FRAME) % phone.length;
    },
    outbound: () => {
      toPhone.push(down.process(wide.subarray(outAt, outAt + WIDE_FRAME)));
      outAt = (outAt + WIDE_FRAME) % wide.length;
    },
    dispose: () => {
      up.dispose();
      down.dispose();
    },
  };
}

/** Frames per second of one direction, or of both, turned into "times real time". */
function realTime(framesPerSecond: number): number {
  return framesPerSecond / (1000 / FRAME_MS);
}

/**
 * Worst leftover, in dB below the tone, over tones that matter on a phone: images of 300-3400 Hz when upsampling
 * 8 -> 24 kHz, and tones of 4.6-11.6 kHz folding into 0-3.4 kHz when downsampling 24 -> 8 kHz. Tones are near full
 * scale so the PCM16 rounding floor (about -100 dB here) is as low as it gets.
 */
function stopbandDb(candidate: Candidate): { image: number; alias: number } {
  let image = -Infinity;
  for (let f = 300; f <= 3400; f += 310) {
    const up = candidate.make(8000, 24_000);
    const out = up.process(sine(f, 8000, 4000, -1)).slice(600); // skip the filter's start-up
    up.dispose();
    const tone = toneDbfs(out, 24_000, f);
    image = Math.max(image, toneDbfs(out, 24_000, 8000 - f) - tone, toneDbfs(out, 24_000, 8000 + f) - tone);
  }
  let alias = -Infinity;
  for (let f = 4600; f <= 11_600; f += 500) {
    const down = candidate.make(24_000, 8000);
    const out = down.process(sine(f, 24_000, 12_000, -1)).slice(200);
    down.dispose();
    const folded = f % 8000 > 4000 ? 8000 - (f % 8000) : f % 8000;
    alias = Math.max(alias, toneDbfs(out, 8000, folded) - -1);
  }
  return { image, alias };
}

function db(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(0)} dB` : 'below 1 LSB';
}

export async function benchAudio(): Promise<void> {
  await initAudio();
  const plain = await loadSpeexRuntime('plain');
  const simd = await loadSpeexRuntime('simd');
  const chosen: Candidate = { name: 'chosen', make: (i, o) => createResampler(i, o) };

  console.log(`audio: one phone call, mu-law 8 kHz <-> PCM16 24 kHz in 20 ms frames (speex ${audioBuild()}, quality ${DEFAULT_RESAMPLER_QUALITY})`);
  const path = callPath(chosen);
  const inbound = realTime(rate(path.inbound, 400));
  const outbound = realTime(rate(path.outbound, 400));
  const both = realTime(rate(() => (path.inbound(), path.outbound()), 600));
  path.dispose();
  const codes = new Uint8Array(PHONE_FRAME);
  const pcm = new Int16Array(PHONE_FRAME);
  const codec = realTime(rate(() => (decodeMulaw(codes, pcm), encodeMulaw(pcm, codes)), 200));
  console.log(`audio: inbound  (mu-law -> PCM16 -> 24 kHz -> frames): ${Math.round(inbound)} x real time`);
  console.log(`audio: outbound (24 kHz -> 8 kHz -> mu-law): ${Math.round(outbound)} x real time`);
  console.log(`audio: both directions: ${Math.round(both)} x real time = ${Math.round(both)} calls per core`);
  console.log(`audio: mu-law alone (decode + encode): ${Math.round(codec)} x real time`);

  const candidates: Candidate[] = [
    ...[2, 3, 4, 5].map((q) => ({ name: `speex-wasm simd q${q}`, make: (i: number, o: number) => new SpeexResampler(simd, i, o, q) })),
    { name: 'speex-wasm plain q3', make: (i, o) => new SpeexResampler(plain, i, o, 3) },
    { name: 'polyphase FIR (TS) 24 taps', make: (i, o) => new PolyphaseFir(i, o, 24) },
    { name: 'polyphase FIR (TS) 32 taps', make: (i, o) => new PolyphaseFir(i, o, 32) },
  ];
  console.log('audio: resampler candidates, one call both directions (mu-law included); worst image / alias on a phone:');
  for (const candidate of candidates) {
    const candidatePath = callPath(candidate);
    const calls = realTime(rate(() => (candidatePath.inbound(), candidatePath.outbound()), 300));
    candidatePath.dispose();
    const depth = stopbandDb(candidate);
    console.log(
      `audio:   ${candidate.name.padEnd(28)} ${String(Math.round(calls)).padStart(5)} calls per core,` +
        ` images ${db(depth.image)}, aliases ${db(depth.alias)}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchAudio();
}
