// Audio between the canonical format and the Live API's: caller audio goes up as 16 kHz PCM16 in base64, batched
// into 60 ms messages; model audio comes down as base64 24 kHz PCM16 and is decoded into a reused buffer.
//
// Why batch: each realtimeInput message carries ~80 bytes of JSON around the audio and is one WebSocket frame and
// one server-side event. Google's streaming guide (ADK, "Best practices for sending audio input") recommends 50-100
// ms chunks as the balance; 20 ms frames would triple the message rate for a few ms of latency. 60 ms adds at most
// 40 ms before the server hears the start of a barge-in, well under its own end-of-speech detection delay.
import { CANONICAL_SAMPLE_RATE, FRAME_MS } from '../../core/audio.ts';
import { bytesFromInt16, int16FromBytes } from '../../audio/pcm.ts';
import { createResampler } from '../../audio/resampler.ts';
import type { StreamingResampler } from '../../audio/resampler.ts';
import { audioMessage } from './client-messages.ts';

export const INPUT_SAMPLE_RATE = 16_000;
export const DEFAULT_AUDIO_CHUNK_MS = 60;

/** Caller audio: 24 kHz frames in, `audioMessage` strings out through `send`. */
export class AudioUplink {
  readonly #resampler: StreamingResampler;
  readonly #batch: Int16Array;
  readonly #send: (message: string) => void;
  #filled = 0;

  constructor(chunkMs: number, send: (message: string) => void) {
    if (!(chunkMs >= FRAME_MS && chunkMs <= 1000)) throw new RangeError(`audio chunk must be ${FRAME_MS}-1000 ms, got ${chunkMs}`);
    this.#resampler = createResampler(CANONICAL_SAMPLE_RATE, INPUT_SAMPLE_RATE);
    this.#batch = new Int16Array((chunkMs * INPUT_SAMPLE_RATE) / 1000);
    this.#send = send;
  }

  push(frame: Int16Array): void {
    const converted = this.#resampler.process(frame);
    let offset = 0;
    while (offset < converted.length) {
      const take = Math.min(converted.length - offset, this.#batch.length - this.#filled);
      this.#batch.set(converted.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === this.#batch.length) this.flush();
    }
  }

  /** Sends what is batched now (before audioStreamEnd, so the tail of a voice note is not held back). */
  flush(): void {
    if (this.#filled === 0) return;
    const base64 = bytesFromInt16(this.#batch.subarray(0, this.#filled)).toString('base64');
    this.#filled = 0;
    this.#send(audioMessage(base64));
  }

  /** Drops batched audio (a new connection must not start with the old one's leftovers mid-word). */
  clear(): void {
    this.#filled = 0;
  }

  dispose(): void {
    this.#resampler.dispose();
  }
}

const PCM_RATE = /^audio\/(?:pcm|l16)(?:;.*?rate=(\d+))?/iu;

/** Model audio: base64 PCM16 (24 kHz unless the MIME type says otherwise) to canonical samples. */
export class AudioDownlink {
  #bytes = Buffer.allocUnsafeSlow(0);
  #resamplers = new Map<number, StreamingResampler>();
  #oddWarned = false;
  readonly #warn: (message: string) => void;

  constructor(warn: (message: string) => void) {
    this.#warn = warn;
  }

  /**
   * The samples, in a buffer reused by the next call (the contract's lifetime rule for audio events); undefined
   * when the part is not PCM audio.
   */
  decode(base64: string, mimeType: string): Int16Array | undefined {
    const match = PCM_RATE.exec(mimeType);
    if (!match) return undefined;
    const rate = match[1] ? Number(match[1]) : CANONICAL_SAMPLE_RATE;
    const needed = Math.ceil((base64.length * 3) / 4);
    if (needed > this.#bytes.length) this.#bytes = Buffer.allocUnsafeSlow(Math.max(needed, this.#bytes.length * 2));
    let length = this.#bytes.write(base64, 0, 'base64');
    if (length % 2 !== 0) {
      if (!this.#oddWarned) this.#warn(`model audio chunk of ${length} bytes is not whole PCM16 samples; the odd byte is dropped`);
      this.#oddWarned = true;
      length -= 1;
    }
    const samples = int16FromBytes(this.#bytes.subarray(0, length));
    if (rate === CANONICAL_SAMPLE_RATE) return samples;
    let resampler = this.#resamplers.get(rate);
    if (!resampler) {
      resampler = createResampler(rate, CANONICAL_SAMPLE_RATE);
      this.#resamplers.set(rate, resampler);
    }
    return resampler.process(samples);
  }

  dispose(): void {
    for (const resampler of this.#resamplers.values()) resampler.dispose();
    this.#resamplers.clear();
  }
}
