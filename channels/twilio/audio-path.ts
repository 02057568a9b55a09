// Audio conversion for one call, one object per direction. Inbound: base64 mu-law 8 kHz (160 bytes per 20 ms) ->
// PCM16 -> 24 kHz -> canonical 480-sample frames. Outbound: canonical frames -> 8 kHz -> mu-law -> base64. Each
// direction keeps its own stateful resampler (no clicks at frame edges); reset() drops its history on barge-in.
// Buffers are allocated once per call: the per-message cost is the base64 string itself.
import { FRAME_SAMPLES } from '../../src/core/audio.ts';
import { FrameAssembler } from '../../src/audio/frame-assembler.ts';
import { decodeMulaw, encodeMulaw } from '../../src/audio/mulaw.ts';
import { createResampler, type StreamingResampler } from '../../src/audio/resampler.ts';

export const WIRE_SAMPLE_RATE = 8000;
/** Twilio sends 20 ms per media message: 160 mu-law bytes. */
export const WIRE_CHUNK_BYTES = 160;
/** Inbound payloads may carry several 20 ms chunks, up to this many bytes (200 ms). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 10 * WIRE_CHUNK_BYTES;

export type InboundAudioError =
  | { readonly kind: 'invalid-base64'; readonly detail: string }
  | { readonly kind: 'bad-payload-size'; readonly detail: string };

export interface InboundAudioPath {
  /** Decodes one media payload and delivers every canonical frame it completes. Returns the reason it was refused. */
  push(payloadBase64: string): InboundAudioError | undefined;
  reset(): void;
  dispose(): void;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Byte-exact views of one buffer for each payload length seen, so steady 160-byte traffic creates no views. */
function viewCache<T extends Uint8Array | Int16Array>(buffer: T): (length: number) => T {
  const views = new Map<number, T>();
  return (length) => {
    let view = views.get(length);
    if (!view) {
      view = buffer.subarray(0, length) as T;
      if (views.size < 16) views.set(length, view);
    }
    return view;
  };
}

/** `onFrame` receives 480-sample frames valid only during the call (see Pcm16Frame). Needs `await initAudio()` once. */
export function createInboundAudioPath(
  onFrame: (frame: Int16Array) => void,
  maxPayloadBytes: number = DEFAULT_MAX_PAYLOAD_BYTES,
): InboundAudioPath {
  const wire = Buffer.alloc(maxPayloadBytes);
  const pcm = new Int16Array(maxPayloadBytes);
  const wireView = viewCache<Uint8Array>(wire);
  const pcmView = viewCache(pcm);
  const resampler: StreamingResampler = createResampler(WIRE_SAMPLE_RATE, 24_000);
  const assembler = new FrameAssembler(FRAME_SAMPLES, onFrame);
  const maxChars = Math.ceil(maxPayloadBytes / 3) * 4;

  return {
    push(payload) {
      // Check the size from the text before decoding anything: base64 length fixes the byte count.
      if (payload.length === 0 || payload.length % 4 !== 0) {
        return { kind: payload.length === 0 ? 'bad-payload-size' : 'invalid-base64', detail: `base64 length ${payload.length}` };
      }
      if (payload.length > maxChars) return { kind: 'bad-payload-size', detail: `more than ${maxPayloadBytes} bytes` };
      // Buffer.write would skip bad characters silently and hand us shifted audio.
      if (!BASE64.test(payload)) return { kind: 'invalid-base64', detail: 'characters outside the base64 alphabet' };
      const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
      const expected = (payload.length / 4) * 3 - padding;
      if (expected % WIRE_CHUNK_BYTES !== 0 || expected > maxPayloadBytes) {
        return { kind: 'bad-payload-size', detail: `${expected} bytes is not a whole number of 20 ms chunks (${WIRE_CHUNK_BYTES} bytes)` };
      }
      const written = wire.write(payload, 0, 'base64');
      if (written !== expected) return { kind: 'invalid-base64', detail: `decoded ${written} of ${expected} bytes` };
      const samples = pcmView(written);
      decodeMulaw(wireView(written), samples);
      assembler.push(resampler.process(samples));
      return undefined;
    },
    reset() {
      resampler.reset();
      assembler.reset();
    },
    dispose() {
      resampler.dispose();
    },
  };
}

export interface OutboundAudioPath {
  /**
   * Converts one canonical frame to a base64 mu-law payload, or '' while the resampler is still filling. Payloads
   * are about 160 bytes; the exact length follows the resampler (Twilio plays any length, so nothing is held back
   * to round chunks up, and a mark sent after a frame really follows all of its audio).
   */
  encode(frame: Int16Array): string;
  /** Forgets the resampler's history: after a clear, the next answer must not start with the old one's tail. */
  reset(): void;
  dispose(): void;
}

export function createOutboundAudioPath(): OutboundAudioPath {
  const resampler: StreamingResampler = createResampler(24_000, WIRE_SAMPLE_RATE);
  // A 480-sample frame gives 160 samples, give or take one; larger inputs are handled by growing once.
  let wire = Buffer.alloc(4 * WIRE_CHUNK_BYTES);
  let wireView = viewCache<Uint8Array>(wire);
  return {
    encode(frame) {
      const pcm = resampler.process(frame);
      if (pcm.length === 0) return '';
      if (pcm.length > wire.length) {
        wire = Buffer.alloc(pcm.length);
        wireView = viewCache<Uint8Array>(wire);
      }
      encodeMulaw(pcm, wireView(pcm.length));
      return wire.toString('base64', 0, pcm.length);
    },
    reset() {
      resampler.reset();
    },
    dispose() {
      resampler.dispose();
    },
  };
}
