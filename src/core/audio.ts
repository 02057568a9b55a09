// The canonical audio format every channel converts to on the way in and from on the way out.

/** PCM16 little-endian, mono, 24 kHz. */
export const CANONICAL_SAMPLE_RATE = 24_000;
/** One frame is 20 ms: the unit that flows between channels, the conversation and models. */
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (CANONICAL_SAMPLE_RATE * FRAME_MS) / 1000; // 480
export const FRAME_BYTES = FRAME_SAMPLES * 2; // 960

export type AudioEncoding = 'pcm16' | 'mulaw' | 'opus';

export interface AudioFormat {
  readonly encoding: AudioEncoding;
  readonly sampleRate: number;
  readonly channels: 1;
}

export const CANONICAL_FORMAT: AudioFormat = { encoding: 'pcm16', sampleRate: CANONICAL_SAMPLE_RATE, channels: 1 };

/**
 * 480 samples of canonical audio. Frames handed across a contract are only valid during the call that
 * receives them: the sender may reuse the buffer for the next frame, so a receiver that keeps audio copies it.
 */
export type Pcm16Frame = Int16Array;

/** Milliseconds of audio in `samples` samples at `sampleRate`. */
export function samplesToMs(samples: number, sampleRate: number = CANONICAL_SAMPLE_RATE): number {
  return (samples * 1000) / sampleRate;
}

/** Samples in `ms` milliseconds at `sampleRate`, rounded down. */
export function msToSamples(ms: number, sampleRate: number = CANONICAL_SAMPLE_RATE): number {
  return Math.floor((ms * sampleRate) / 1000);
}
