// Voice activity detection on canonical 20 ms frames: the WebRTC VAD (libfvad compiled to wasm) decides per frame
// whether it holds speech, and SpeechDetector turns those noisy per-frame votes into two events a conversation can
// act on: speech started (barge-in) and speech ended (the caller's turn is over).
//
// The WebRTC VAD takes 8/16/32/48 kHz, and whatever it is given it first reduces to 8 kHz internally. So frames are
// decimated 24 kHz -> 8 kHz here (an exact factor of 3, 480 -> 160 samples) with an anti-alias FIR: no resampler
// state to manage and no rounding of frame lengths.
import { FRAME_SAMPLES } from '../core/audio.ts';

/** The part of the Emscripten module used here. Pointers are byte offsets into the wasm memory. */
interface FvadModule {
  /** Replaced when the wasm memory grows: read it on each use. */
  readonly HEAP16: Int16Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _fvad_new(): number;
  _fvad_free(vad: number): void;
  _fvad_reset(vad: number): void;
  _fvad_set_mode(vad: number, mode: number): number;
  _fvad_set_sample_rate(vad: number, rate: number): number;
  _fvad_process(vad: number, frame: number, samples: number): number;
}

const VAD_RATE = 8_000;
const DECIMATION = 3; // 24 kHz / 8 kHz
const VAD_FRAME = FRAME_SAMPLES / DECIMATION; // 160 samples = 20 ms
const FRAME_MS = 20;

type FvadFactory = (options: { printErr?: (text: string) => void }) => Promise<FvadModule>;

// The package ships no types; importing it through a variable keeps TypeScript from asking for a declaration file
// while FvadModule above states the part we rely on.
const FVAD_PACKAGE = '@echogarden/fvad-wasm';

let fvad: FvadModule | undefined;
let loading: Promise<void> | undefined;

/** Loads the wasm VAD once per process. Await at start-up; SpeechDetector is then created synchronously. */
export function initVad(): Promise<void> {
  loading ??= (async () => {
    const { default: createFvad } = (await import(FVAD_PACKAGE)) as { default: FvadFactory };
    fvad = await createFvad({ printErr: () => {} });
  })().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

// Anti-alias low-pass for 24 kHz -> 8 kHz: Blackman-windowed sinc, cut-off 3.5 kHz, 48 taps. The VAD only needs
// the speech band clean of folded-down energy, not hi-fi; about 60 dB of stopband is plenty.
const TAPS = 48;
const FILTER = (() => {
  const h = new Float32Array(TAPS);
  const cutoff = 3_500 / 24_000;
  const middle = (TAPS - 1) / 2;
  let sum = 0;
  for (let i = 0; i < TAPS; i++) {
    const x = i - middle;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const blackman = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (TAPS - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (TAPS - 1));
    h[i] = sinc * blackman;
    sum += h[i]!;
  }
  for (let i = 0; i < TAPS; i++) h[i] = h[i]! / sum; // unity gain at DC
  return h;
})();

export type SpeechEvent = 'start' | 'end';

export interface SpeechDetectorOptions {
  /** WebRTC VAD aggressiveness 0-3: higher rejects more noise and misses more quiet speech. */
  readonly mode?: 0 | 1 | 2 | 3;
  /** Speech starts when this much of the last `startMs` was voiced. */
  readonly startMs?: number;
  readonly startRatio?: number;
  /** Speech ends when at most `endRatio` of the last `endMs` was voiced (the hangover). */
  readonly endMs?: number;
  readonly endRatio?: number;
  /** Frames quieter than this (RMS, dB full scale) never count as voiced: line hiss, comfort noise. */
  readonly minLevelDbfs?: number;
}

export class SpeechDetector {
  readonly #module: FvadModule;
  readonly #vad: number;
  readonly #framePtr: number;
  readonly #mode: number;
  readonly #startFrames: number;
  readonly #startNeeded: number;
  readonly #endFrames: number;
  readonly #endAllowed: number;
  readonly #minPower: number;
  // Input history (TAPS - 1 samples) followed by the current frame, as floats for the filter.
  readonly #window = new Float32Array(TAPS - 1 + FRAME_SAMPLES);
  readonly #decimated = new Int16Array(VAD_FRAME);
  // Voiced flags of recent frames; running sums over the start and end windows.
  readonly #votes: Uint8Array;
  #position = 0;
  #voicedInStart = 0;
  #voicedInEnd = 0;
  #speaking = false;
  #disposed = false;

  constructor(options: SpeechDetectorOptions = {}) {
    if (fvad === undefined) throw new Error('VAD is not initialised: await initVad() from src/audio/vad.ts once at start-up');
    this.#module = fvad;
    this.#mode = options.mode ?? 3;
    this.#startFrames = Math.max(1, Math.round((options.startMs ?? 200) / FRAME_MS));
    this.#startNeeded = Math.ceil((options.startRatio ?? 0.8) * this.#startFrames);
    this.#endFrames = Math.max(1, Math.round((options.endMs ?? 600) / FRAME_MS));
    this.#endAllowed = Math.floor((options.endRatio ?? 0.1) * this.#endFrames);
    this.#minPower = 32768 ** 2 * 10 ** ((options.minLevelDbfs ?? -55) / 10);
    this.#votes = new Uint8Array(Math.max(this.#startFrames, this.#endFrames) + 1);
    this.#vad = this.#module._fvad_new();
    this.#framePtr = this.#module._malloc(VAD_FRAME * 2);
    if (this.#vad === 0 || this.#framePtr === 0) {
      this.dispose();
      throw new Error('VAD: out of wasm memory');
    }
    this.#configure();
  }

  /** True between a start and the following end. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /**
   * Feeds one canonical frame (480 samples, 24 kHz). Returns 'start' or 'end' on the frame where the caller's
   * speech is judged to have started or ended, otherwise undefined. Allocates nothing.
   */
  process(frame: Int16Array): SpeechEvent | undefined {
    if (this.#disposed) throw new Error('SpeechDetector.process() called after dispose()');
    if (frame.length !== FRAME_SAMPLES) throw new RangeError(`VAD frames are ${FRAME_SAMPLES} samples, got ${frame.length}`);
    const power = this.#decimate(frame);
    const m = this.#module;
    m.HEAP16.set(this.#decimated, this.#framePtr >> 1);
    const verdict = m._fvad_process(this.#vad, this.#framePtr, VAD_FRAME);
    return this.#vote(verdict === 1 && power >= this.#minPower ? 1 : 0);
  }

  /** Forgets everything heard (a new turn, a new caller). */
  reset(): void {
    if (this.#disposed) return;
    this.#window.fill(0);
    this.#votes.fill(0);
    this.#position = 0;
    this.#voicedInStart = 0;
    this.#voicedInEnd = 0;
    this.#speaking = false;
    this.#configure();
  }

  /** Frees the wasm state; the detector cannot be used afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#vad !== 0) this.#module._fvad_free(this.#vad);
    if (this.#framePtr !== 0) this.#module._free(this.#framePtr);
  }

  #configure(): void {
    const m = this.#module;
    m._fvad_reset(this.#vad); // also restores mode 0 and 8 kHz, so both are set again
    if (m._fvad_set_mode(this.#vad, this.#mode) !== 0) throw new RangeError(`VAD mode must be 0-3, got ${this.#mode}`);
    m._fvad_set_sample_rate(this.#vad, VAD_RATE);
  }

  /** Low-pass and keep every third sample into #decimated; returns the mean power of the result. */
  #decimate(frame: Int16Array): number {
    const window = this.#window;
    const history = TAPS - 1;
    for (let i = 0; i < FRAME_SAMPLES; i++) window[history + i] = frame[i]!;
    const out = this.#decimated;
    let energy = 0;
    for (let k = 0; k < VAD_FRAME; k++) {
      // Output k sits on input sample 3k + 2 of this frame; the filter is symmetric, so the TAPS samples ending
      // there (window index 3k + 2 + TAPS - 1 = history + 3k + 2) are weighed in order.
      const first = k * DECIMATION + DECIMATION - 1;
      let acc = 0;
      for (let j = 0; j < TAPS; j++) acc += FILTER[j]! * window[first + j]!;
      const sample = acc > 32767 ? 32767 : acc < -32768 ? -32768 : Math.round(acc);
      out[k] = sample;
      energy += sample * sample;
    }
    window.copyWithin(0, FRAME_SAMPLES); // keep the last TAPS - 1 input samples as history
    return energy / VAD_FRAME;
  }

  #vote(voiced: number): SpeechEvent | undefined {
    const votes = this.#votes;
    const size = votes.length;
    const position = this.#position;
    this.#voicedInStart += voiced - votes[(position - this.#startFrames + size) % size]!;
    this.#voicedInEnd += voiced - votes[(position - this.#endFrames + size) % size]!;
    votes[position] = voiced;
    this.#position = (position + 1) % size;
    if (!this.#speaking && this.#voicedInStart >= this.#startNeeded) {
      this.#speaking = true;
      return 'start';
    }
    if (this.#speaking && this.#voicedInEnd <= this.#endAllowed) {
      this.#speaking = false;
      return 'end';
    }
    return undefined;
  }
}
