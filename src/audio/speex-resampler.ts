// A StreamingResampler backed by one Speex resampler state in wasm memory. Speex keeps the filter history between
// calls, so feeding 20 ms frames one by one gives the same samples as resampling the whole signal at once.

import type { StreamingResampler } from './resampler.ts';
import { SCRATCH_IN_SAMPLES, SCRATCH_OUT_SAMPLES } from './speex-wasm.ts';
import type { SpeexModule, SpeexRuntime } from './speex-wasm.ts';

interface NativeState {
  readonly module: SpeexModule;
  readonly state: number;
}

// Safety net: a resampler dropped without dispose() still gives its wasm memory back when it is collected.
const leakGuard = new FinalizationRegistry<NativeState>((held) => held.module._speex_resampler_destroy(held.state));

export class SpeexResampler implements StreamingResampler {
  readonly delayMs: number;
  readonly #runtime: SpeexRuntime;
  readonly #native: NativeState;
  #disposed = false;
  #out: Int16Array;
  // The last returned view, reused while the output length stays the same (the usual case) to avoid allocating.
  #view: Int16Array;

  constructor(
    runtime: SpeexRuntime,
    readonly inputRate: number,
    readonly outputRate: number,
    readonly quality: number,
  ) {
    const m = runtime.module;
    const state = m._speex_resampler_init(1, inputRate, outputRate, quality, runtime.errPtr);
    if (state === 0) {
      const code = m.HEAP32[runtime.errPtr >> 2];
      throw new Error(`speex resampler ${inputRate} -> ${outputRate} Hz (quality ${quality}) failed to start: error ${code}`);
    }
    this.#runtime = runtime;
    this.#native = { module: m, state };
    leakGuard.register(this, this.#native, this);
    this.delayMs = (m._speex_resampler_get_output_latency(state) * 1000) / outputRate;
    // Room for a 20 ms input frame; process() grows it once if a caller sends longer chunks.
    this.#out = new Int16Array(Math.ceil(outputRate / 50) + 8);
    this.#view = this.#out.subarray(0, 0);
  }

  process(input: Int16Array): Int16Array {
    if (this.#disposed) throw new Error('SpeexResampler.process() called after dispose()');
    const rt = this.#runtime;
    const m = rt.module;
    const state = this.#native.state;
    let produced = 0;
    let offset = 0;
    while (offset < input.length) {
      const slice = Math.min(SCRATCH_IN_SAMPLES, input.length - offset);
      // m.HEAP16 is read afresh: creating another resampler may have grown the wasm memory and replaced the views.
      m.HEAP16.set(slice === input.length ? input : input.subarray(offset, offset + slice), rt.inPtr >> 1);
      const lengths = m.HEAPU32;
      lengths[rt.inLenPtr >> 2] = slice;
      lengths[rt.outLenPtr >> 2] = SCRATCH_OUT_SAMPLES;
      m._speex_resampler_process_int(state, 0, rt.inPtr, rt.inLenPtr, rt.outPtr, rt.outLenPtr);
      const consumed = m.HEAPU32[rt.inLenPtr >> 2]!;
      const written = m.HEAPU32[rt.outLenPtr >> 2]!;
      if (consumed === 0 && written === 0) throw new Error('speex resampler made no progress');
      this.#reserve(produced + written);
      // A plain loop rather than set(subarray()): no view object per call, and as fast for 20 ms frames.
      const heap = m.HEAP16;
      const out = this.#out;
      const from = (rt.outPtr >> 1) - produced;
      for (let i = produced, end = produced + written; i < end; i++) out[i] = heap[from + i]!;
      produced += written;
      offset += consumed;
    }
    if (this.#view.length !== produced || this.#view.buffer !== this.#out.buffer) {
      this.#view = this.#out.subarray(0, produced);
    }
    return this.#view;
  }

  reset(): void {
    if (this.#disposed) return;
    this.#runtime.module._speex_resampler_reset_mem(this.#native.state);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    leakGuard.unregister(this);
    this.#native.module._speex_resampler_destroy(this.#native.state);
  }

  #reserve(samples: number): void {
    if (samples <= this.#out.length) return;
    const grown = new Int16Array(Math.max(samples, this.#out.length * 2));
    grown.set(this.#out);
    this.#out = grown;
  }
}
