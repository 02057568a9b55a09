// Re-frames a stream of samples arriving in chunks of any length (resampler output varies by a sample, models send
// deltas of any size) into fixed frames, 20 ms at 24 kHz by default. One buffer is reused for every frame.

import { FRAME_SAMPLES } from '../core/audio.ts';

/**
 * Receives each complete frame. The array is reused for the next frame: it is only valid during the call, so a
 * receiver that keeps audio copies it (the same rule as Pcm16Frame in src/core/audio.ts).
 */
export type FrameHandler = (frame: Int16Array) => void;

export class FrameAssembler {
  readonly frameSamples: number;
  readonly #frame: Int16Array;
  readonly #onFrame: FrameHandler;
  #filled = 0;
  // Bumped by reset(); lets push() notice a reset made from inside the handler (barge-in) and stop delivering.
  #generation = 0;

  /** Frames of FRAME_SAMPLES (480 = 20 ms at 24 kHz), or of `frameSamples` when given first. */
  constructor(onFrame: FrameHandler);
  constructor(frameSamples: number, onFrame: FrameHandler);
  constructor(first: FrameHandler | number, second?: FrameHandler) {
    const frameSamples = typeof first === 'number' ? first : FRAME_SAMPLES;
    const onFrame = typeof first === 'number' ? second : first;
    if (onFrame === undefined) throw new TypeError('FrameAssembler needs a frame handler');
    if (!Number.isInteger(frameSamples) || frameSamples <= 0) {
      throw new RangeError(`frameSamples must be a positive integer, got ${frameSamples}`);
    }
    this.frameSamples = frameSamples;
    this.#frame = new Int16Array(frameSamples);
    this.#onFrame = onFrame;
  }

  /** Samples waiting for the frame to fill up. */
  get pendingSamples(): number {
    return this.#filled;
  }

  /**
   * Adds samples and delivers every frame they complete. If the handler calls reset(), the rest of this chunk is
   * dropped too: it belongs to the audio that was just cancelled.
   */
  push(samples: Int16Array): void {
    const generation = this.#generation;
    const size = this.frameSamples;
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(size - this.#filled, samples.length - offset);
      // A plain loop, not set(subarray()): no view object per frame, and as fast at these lengths.
      const frame = this.#frame;
      for (let i = 0, at = this.#filled; i < take; i++) frame[at + i] = samples[offset + i]!;
      this.#filled += take;
      offset += take;
      if (this.#filled === size) {
        this.#filled = 0;
        this.#onFrame(this.#frame);
        if (this.#generation !== generation) return;
      }
    }
  }

  /** Pads the partial frame with silence and delivers it. Returns false when nothing was pending. */
  flush(): boolean {
    if (this.#filled === 0) return false;
    this.#frame.fill(0, this.#filled);
    this.#filled = 0;
    this.#onFrame(this.#frame);
    return true;
  }

  /** Drops the partial frame. */
  reset(): void {
    this.#filled = 0;
    this.#generation++;
  }
}
