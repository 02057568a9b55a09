// What one browser hears: the conversation's canonical frames queue here (they arrive faster than real time) and the
// shared pacer takes one every 20 ms, Opus-encodes it and hands it to the track as RTP. Encoding at send time keeps
// the encoder's history equal to what the browser actually got, and a clear costs nothing for the dropped audio.
// Marks wait in the queue at their place and are echoed once every frame before them has been sent.
// RTP: one SSRC (werift's sender sets it), the timestamp advances 960 (20 ms at the 48 kHz Opus clock) on every tick
// whether or not a frame went out, so after a pause it says how long the pause was; the marker bit flags the first
// packet of each talk spurt. The queue is one ring of PCM that grows by doubling: no allocation per frame but the
// encoded packet itself.
import { FRAME_SAMPLES } from '../../src/core/audio.ts';
import { OpusFrameEncoder, type OpusEncoderOptions } from '../../src/audio/opus.ts';

/** RTP clock ticks per 20 ms frame: Opus always uses 48 kHz in RTP (RFC 7587). */
export const RTP_TICKS_PER_FRAME = 960;
/** Frames queued at most (60 s); a reply longer than that ahead of playback is cut, not buffered without end. */
export const MAX_QUEUED_FRAMES = 3000;
const INITIAL_CAPACITY_FRAMES = 64;
/** The queue counts as drained after this many idle ticks, so a model that streams slower than real time for a
 * moment does not flip the widget between speaking and listening. */
const DRAINED_AFTER_TICKS = 10;

export interface OutboundAudioEvents {
  /** One packet to send. The payload is fresh each time (the WebRTC stack keeps sent packets for retransmission). */
  send(payload: Uint8Array, sequenceNumber: number, timestamp: number, marker: boolean): void;
  /** Everything queued before mark `name` has been sent (or cleared). */
  markReached(name: string): void;
  /** The first frame after silence went out. */
  spurtStarted(): void;
  /** The queue has stayed empty for a moment after audio. */
  drained(): void;
}

export class OutboundAudio {
  readonly #encoder: OpusFrameEncoder;
  readonly #events: OutboundAudioEvents;
  #ring = new Int16Array(INITIAL_CAPACITY_FRAMES * FRAME_SAMPLES);
  #capacity = INITIAL_CAPACITY_FRAMES;
  /** One view per ring slot, made on first use, so the encoder gets a frame without a new view each time. */
  #slots: Int16Array[] = [];
  /** Absolute frame counts: the ring holds frames [#sent, #queued). */
  #queued = 0;
  #sent = 0;
  #marks: Array<{ readonly name: string; at: number }> = [];
  #sequence: number;
  #timestamp: number;
  #talking = false;
  #idleTicks = 0;
  /** Frames refused because the queue was full. */
  overflowed = 0;

  constructor(events: OutboundAudioEvents, encoder: OpusEncoderOptions = {}, random: () => number = Math.random) {
    this.#events = events;
    this.#encoder = new OpusFrameEncoder(encoder);
    // RFC 3550 5.1: random starting values make known-plaintext attacks on SRTP harder.
    this.#sequence = Math.floor(random() * 0x10000);
    this.#timestamp = Math.floor(random() * 0x100000000);
  }

  get queuedFrames(): number {
    return this.#queued - this.#sent;
  }

  /** Copies one 480-sample frame into the queue. */
  push(frame: Int16Array): void {
    if (frame.length !== FRAME_SAMPLES) throw new RangeError(`outbound frames are ${FRAME_SAMPLES} samples, got ${frame.length}`);
    const queued = this.queuedFrames;
    if (queued >= MAX_QUEUED_FRAMES) {
      this.overflowed++;
      return;
    }
    if (queued === this.#capacity) this.#grow();
    this.#ring.set(frame, (this.#queued % this.#capacity) * FRAME_SAMPLES);
    this.#queued++;
  }

  mark(name: string): void {
    this.#marks.push({ name, at: this.#queued });
  }

  /** Drops every queued frame at once; the marks among them are echoed on the next tick, as the contract asks. */
  clear(): void {
    this.#sent = this.#queued;
    for (const mark of this.#marks) mark.at = this.#sent;
    if (this.#talking) this.#idleTicks = DRAINED_AFTER_TICKS; // report the drain on the next tick, not 200 ms late
  }

  /** One 20 ms step of the shared clock. */
  tick(): void {
    this.#timestamp = (this.#timestamp + RTP_TICKS_PER_FRAME) >>> 0;
    if (this.#sent < this.#queued) {
      const payload = this.#encoder.encode(this.#slot(this.#sent % this.#capacity));
      this.#sent++;
      const startsSpurt = this.#idleTicks > 0 || !this.#talking;
      this.#sequence = (this.#sequence + 1) & 0xffff;
      this.#events.send(payload, this.#sequence, this.#timestamp, startsSpurt);
      this.#idleTicks = 0;
      if (!this.#talking) {
        this.#talking = true;
        this.#events.spurtStarted();
      }
    } else if (this.#talking && ++this.#idleTicks >= DRAINED_AFTER_TICKS) {
      this.#talking = false;
      this.#events.drained();
    }
    this.#echoMarks();
  }

  #echoMarks(): void {
    let reached = 0;
    while (reached < this.#marks.length && this.#marks[reached]!.at <= this.#sent) reached++;
    if (reached === 0) return;
    const done = this.#marks.splice(0, reached);
    for (const mark of done) this.#events.markReached(mark.name);
  }

  #slot(index: number): Int16Array {
    let view = this.#slots[index];
    if (!view) {
      view = this.#ring.subarray(index * FRAME_SAMPLES, (index + 1) * FRAME_SAMPLES);
      this.#slots[index] = view;
    }
    return view;
  }

  #grow(): void {
    const capacity = Math.min(this.#capacity * 2, MAX_QUEUED_FRAMES);
    const ring = new Int16Array(capacity * FRAME_SAMPLES);
    const count = this.queuedFrames;
    for (let i = 0; i < count; i++) {
      const from = ((this.#sent + i) % this.#capacity) * FRAME_SAMPLES;
      ring.set(this.#ring.subarray(from, from + FRAME_SAMPLES), i * FRAME_SAMPLES);
    }
    // Renumber so that the ring index of frame n is n % capacity again.
    for (const mark of this.#marks) mark.at -= this.#sent;
    this.#queued = count;
    this.#sent = 0;
    this.#ring = ring;
    this.#capacity = capacity;
    this.#slots = [];
  }
}
