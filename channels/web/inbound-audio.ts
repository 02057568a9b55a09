// The browser's microphone, one RTP packet at a time: Opus (48 kHz RTP clock) decoded by libopus straight to 24 kHz,
// re-framed into canonical 480-sample frames. A lost packet or two (a jump in sequence numbers) is concealed with the
// decoder's packet-loss concealment so the model hears no hole; late or repeated packets are dropped, since a jitter
// buffer would only add delay for speech the model already heard around them.
import { CANONICAL_SAMPLE_RATE, FRAME_SAMPLES } from '../../src/core/audio.ts';
import type { Logger } from '../../src/core/channel.ts';
import { FrameAssembler } from '../../src/audio/frame-assembler.ts';
import { OpusFrameDecoder } from '../../src/audio/opus.ts';

/** Gaps up to this many packets are concealed; a longer one (the tab was muted, the network paused) is skipped. */
const MAX_CONCEALED_PACKETS = 2;
/** More than three seconds of audio a second is not a microphone: the excess is dropped. */
const MAX_SAMPLES_PER_SECOND = 3 * CANONICAL_SAMPLE_RATE;
/** The concealment unit of the decoder (10 ms at 24 kHz). */
const CONCEAL_STEP = 240;

export interface InboundRtp {
  readonly header: { readonly sequenceNumber: number; readonly payloadType: number };
  readonly payload: Uint8Array;
}

export interface InboundAudioStats {
  packets: number;
  concealed: number;
  dropped: number;
  undecodable: number;
}

export class InboundAudio {
  readonly stats: InboundAudioStats = { packets: 0, concealed: 0, dropped: 0, undecodable: 0 };
  readonly #decoder = new OpusFrameDecoder();
  readonly #assembler: FrameAssembler;
  #expectedSequence = -1;
  /** Samples of the last good packet, so concealment fills the same duration (20 ms for every browser today). */
  #packetSamples = FRAME_SAMPLES;
  #windowStartedAt = 0;
  #samplesInWindow = 0;

  /** `onFrame` gets 480-sample frames valid only during the call (see Pcm16Frame). */
  constructor(
    onFrame: (frame: Int16Array) => void,
    private readonly payloadType: number,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.#assembler = new FrameAssembler(FRAME_SAMPLES, onFrame);
  }

  receive(packet: InboundRtp): void {
    if (packet.header.payloadType !== this.payloadType) {
      this.stats.dropped++;
      return;
    }
    const sequence = packet.header.sequenceNumber;
    if (this.#expectedSequence >= 0) {
      const ahead = (sequence - this.#expectedSequence) & 0xffff;
      if (ahead >= 0x8000) {
        this.stats.dropped++; // behind what we already played: late or duplicated
        return;
      }
      if (ahead > 0 && ahead <= MAX_CONCEALED_PACKETS) this.#conceal(ahead);
    }
    this.#expectedSequence = (sequence + 1) & 0xffff;
    this.stats.packets++;
    let pcm: Int16Array;
    try {
      pcm = this.#decoder.decode(packet.payload);
    } catch (error) {
      // One bad packet costs its 20 ms, not the call.
      if (this.stats.undecodable++ === 0) this.log.warn({ err: error, bytes: packet.payload.length }, 'undecodable Opus packet from the browser');
      this.#conceal(1);
      return;
    }
    if (!this.#withinBudget(pcm.length)) return;
    if (pcm.length % CONCEAL_STEP === 0 && pcm.length > 0) this.#packetSamples = pcm.length;
    this.#assembler.push(pcm);
  }

  #conceal(packets: number): void {
    for (let i = 0; i < packets; i++) {
      if (!this.#withinBudget(this.#packetSamples)) return;
      this.stats.concealed++;
      this.#assembler.push(this.#decoder.decodeMissing(this.#packetSamples));
    }
  }

  #withinBudget(samples: number): boolean {
    const now = this.now();
    if (now - this.#windowStartedAt >= 1000) {
      this.#windowStartedAt = now;
      this.#samplesInWindow = 0;
    }
    this.#samplesInWindow += samples;
    if (this.#samplesInWindow <= MAX_SAMPLES_PER_SECOND) return true;
    this.stats.dropped++;
    return false;
  }
}
