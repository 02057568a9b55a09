// Opus at the canonical 24 kHz mono, for WhatsApp voice notes and the WebRTC widget. libopus encodes from and
// decodes to 24 kHz itself, so neither direction needs a resampler.
//
// How @evan/opus behaves (checked on 1.0.3, native x64-linux build and its wasm fallback, OPUS_FORCE_WASM=1):
// - Decoder.decode returns a fresh Uint8Array of native-endian PCM16 bytes (the binding copies out of its own
//   buffer), interleaved if the decoder has two channels. A mono decoder downmixes stereo packets itself.
// - Garbage is only detected when the packet's framing is impossible (libopus OPUS_INVALID_PACKET); random bytes
//   with a plausible table-of-contents byte decode to noise, as they would in any Opus decoder.
// - An empty packet is an error in the native build but means "conceal 120 ms" in the wasm build, so neither is
//   used for loss concealment: a one-byte packet (a table-of-contents byte with a zero-length frame, RFC 6716
//   3.2.1) makes libopus conceal exactly that frame's duration, in both builds, and gives the same samples as
//   libopus's own opus_decode(NULL) path.
// - Encoder.encode returns a fresh Uint8Array; Encoder.lookahead (typed `lookhead` in its lib.d.ts) is in samples
//   at the encoder's own rate, so at 24 kHz it is half the 48 kHz pre-skip an Ogg stream declares.
import { Decoder, Encoder } from '@evan/opus';
import { CANONICAL_SAMPLE_RATE, FRAME_SAMPLES } from '../core/audio.ts';
import { GatewayError } from '../errors.ts';

/** Ogg Opus counts granules and pre-skip at 48 kHz whatever the input rate was (RFC 7845 4). */
export const OPUS_GRANULE_RATE = 48_000;
const GRANULES_PER_SAMPLE = OPUS_GRANULE_RATE / CANONICAL_SAMPLE_RATE; // 2
/** Opus's longest packet is 120 ms: 2,880 samples at 24 kHz. */
export const OPUS_MAX_PACKET_SAMPLES = (CANONICAL_SAMPLE_RATE * 120) / 1000;
/** Frame sizes Opus can encode at 24 kHz: 2.5, 5, 10, 20, 40 and 60 ms. */
const ENCODABLE_FRAME_SAMPLES = new Set([60, 120, 240, 480, 960, 1440]);
const CONCEAL_UNIT = 240; // 10 ms: the finest step concealment is offered in

const OPUS_GET_LOOKAHEAD = 4027;
/** Table-of-contents bytes of mono CELT-only fullband packets with one empty frame: "this frame was lost". */
const LOST_20_MS = Uint8Array.of(31 << 3);
const LOST_10_MS = Uint8Array.of(30 << 3);

export interface OpusEncoderOptions {
  /** Bits per second, 6,000-510,000. Default 32,000: clear wideband speech, well under a WebRTC audio budget. */
  readonly bitrate?: number;
  /** 0-10. Default 5: about 1.3x the speed of 10 for a difference listeners do not hear on speech at 32 kbit/s. */
  readonly complexity?: number;
  /** 'voip' (default) favours speech intelligibility; 'audio' favours fidelity for music and prompts. */
  readonly application?: 'voip' | 'audio';
}

export const DEFAULT_OPUS_BITRATE = 32_000;
export const DEFAULT_OPUS_COMPLEXITY = 5;

/** A packet the Opus decoder could not make sense of. Only that packet's sender is affected. */
export class OpusDecodeError extends GatewayError {
  constructor(message: string, cause?: unknown) {
    super('opus_decode', message, { cause, expose: false });
    this.name = 'OpusDecodeError';
  }
}

/** Encodes canonical PCM16 24 kHz mono frames into Opus packets, one packet per frame. */
export class OpusFrameEncoder {
  readonly #encoder: Encoder;
  /** The encoder's lookahead in 48 kHz samples (for the Ogg pre-skip). */
  readonly preSkip: number;

  constructor(options: OpusEncoderOptions = {}) {
    const bitrate = options.bitrate ?? DEFAULT_OPUS_BITRATE;
    const complexity = options.complexity ?? DEFAULT_OPUS_COMPLEXITY;
    const application = options.application ?? 'voip';
    if (!Number.isInteger(bitrate) || bitrate < 6_000 || bitrate > 510_000) {
      throw new RangeError(`Opus bitrate must be a whole number from 6000 to 510000 bit/s, got ${bitrate}`);
    }
    if (!Number.isInteger(complexity) || complexity < 0 || complexity > 10) {
      throw new RangeError(`Opus complexity must be a whole number from 0 to 10, got ${complexity}`);
    }
    if (application !== 'voip' && application !== 'audio') {
      throw new RangeError(`Opus application must be 'voip' or 'audio', got ${String(application)}`);
    }
    this.#encoder = new Encoder({ channels: 1, sample_rate: CANONICAL_SAMPLE_RATE, application });
    this.#encoder.bitrate = bitrate;
    this.#encoder.complexity = complexity as Encoder['complexity'];
    this.preSkip = this.#encoder.ctl(OPUS_GET_LOOKAHEAD) * GRANULES_PER_SAMPLE;
  }

  /**
   * One 20 ms frame: 480 samples at 24 kHz (2.5-60 ms frames are accepted too). Returns a new Uint8Array
   * (packets are small, and callers keep them).
   */
  encode(frame: Int16Array): Uint8Array {
    if (!ENCODABLE_FRAME_SAMPLES.has(frame.length)) {
      throw new RangeError(`Opus encodes frames of 480 samples (20 ms at 24 kHz), got ${frame.length}`);
    }
    return this.#encoder.encode(frame);
  }

  /** Forgets the audio history, for a new utterance that must not be shaped by the last one. */
  reset(): void {
    this.#encoder.reset();
  }
}

/** Decodes Opus packets (mono or stereo, any Opus mode) into canonical PCM16 24 kHz mono. */
export class OpusFrameDecoder {
  readonly #decoder = new Decoder({ channels: 1, sample_rate: CANONICAL_SAMPLE_RATE });
  readonly #concealed = new Int16Array(OPUS_MAX_PACKET_SAMPLES);

  /**
   * Decodes one packet to 24 kHz samples (480 for a 20 ms packet, up to 2,880 for 120 ms); the view is valid until
   * the next call. Throws OpusDecodeError on garbage; the decoder stays usable for the next packet.
   */
  decode(packet: Uint8Array): Int16Array {
    if (packet.length === 0) {
      throw new OpusDecodeError('Empty Opus packet (a lost frame is concealed with decodeMissing, not decoded)');
    }
    let bytes: Uint8Array;
    try {
      bytes = this.#decoder.decode(packet);
    } catch (error) {
      throw new OpusDecodeError(`Invalid Opus packet of ${packet.length} bytes`, error);
    }
    return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
  }

  /**
   * Packet-loss concealment for one missing 20 ms frame (WebRTC), or `samples` of them in 10 ms steps up to
   * 120 ms. Continues the last decoded sound and fades it; before any packet it is silence. The view is valid
   * until the next call.
   */
  decodeMissing(samples: number = FRAME_SAMPLES): Int16Array {
    if (!Number.isInteger(samples) || samples <= 0 || samples % CONCEAL_UNIT !== 0 || samples > OPUS_MAX_PACKET_SAMPLES) {
      throw new RangeError(`Concealment covers 240-2880 samples in steps of 240 (10 ms at 24 kHz), got ${samples}`);
    }
    let filled = 0;
    while (filled < samples) {
      const marker = samples - filled >= FRAME_SAMPLES ? LOST_20_MS : LOST_10_MS;
      const bytes = this.#decoder.decode(marker);
      const part = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
      if (part.length === 0) throw new OpusDecodeError('The Opus decoder concealed nothing for a lost frame');
      this.#concealed.set(part.subarray(0, samples - filled), filled);
      filled += part.length;
    }
    return this.#concealed.subarray(0, samples);
  }

  /** Forgets the stream's history (a new call, or a new speaker on the same decoder). */
  reset(): void {
    this.#decoder.reset();
  }
}
