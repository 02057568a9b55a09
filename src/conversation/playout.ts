// Tracks the audio we send a customer and how much of it they have actually heard. Bytes sent are not audio
// played: channels with playback marks echo a mark when the audio before it has played, and barge-in truncates
// the model's answer at the last echoed mark. Channels without marks are assumed to play in real time.
import { FRAME_MS, FRAME_SAMPLES, type Pcm16Frame } from '../core/audio.ts';
import type { OutboundEvent } from '../core/channel.ts';
import { FrameAssembler } from '../audio/frame-assembler.ts';

export interface Interruption {
  /** The model item that was playing, if any. */
  readonly itemId: string | null;
  /** Milliseconds of that item the customer heard. */
  readonly playedMs: number;
}

interface MarkRecord {
  readonly itemId: string | null;
  readonly itemEndMs: number;
}

export class Playout {
  private readonly assembler: FrameAssembler;
  private audioEvent: OutboundEvent | null = null;
  private readonly marks = new Map<string, MarkRecord>();
  private markSeq = 0;
  private framesSinceMark = 0;
  private itemId: string | null = null;
  private itemSentMs = 0;
  private itemPlayedMs = 0;
  /** Wall-clock estimate of when queued audio finishes, for channels without marks. */
  private playbackEndsAt = 0;
  /** Audio up to this mark (or, without marks, this time) must be heard in full: the AI disclosure. */
  private protectedUntilMark = 0;
  private protectedUntilTime = 0;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly send: (event: OutboundEvent) => void,
    private readonly usesMarks: boolean,
    private readonly markEveryFrames = 5,
    private readonly now: () => number = Date.now,
  ) {
    this.assembler = new FrameAssembler(FRAME_SAMPLES, (frame) => this.sendFrame(frame));
  }

  /** Queues model audio of any length; returns the number of whole frames sent. */
  push(pcm: Pcm16Frame, itemId: string): number {
    if (itemId !== this.itemId) this.startItem(itemId);
    const before = this.itemSentMs;
    this.assembler.push(pcm);
    return (this.itemSentMs - before) / FRAME_MS;
  }

  /** The end of a response: sends the partial last frame and a mark so the end of playback is known. */
  finishResponse(): void {
    this.assembler.flush();
    if (this.framesSinceMark > 0) this.sendMark();
  }

  /** Playback reached mark `name` (or the channel dropped it on clear: those are forgotten by interrupt()). */
  onMark(name: string): void {
    const record = this.marks.get(name);
    if (!record) return;
    this.marks.delete(name);
    if (record.itemId === this.itemId) this.itemPlayedMs = Math.max(this.itemPlayedMs, record.itemEndMs);
    if (!this.playing) this.resolveDrain();
  }

  /** Audio sent that the customer has not finished hearing. */
  get playing(): boolean {
    if (this.assembler.pendingSamples > 0) return true;
    // Frames sent since the last mark are queued at the channel too, though no mark covers them yet.
    return this.usesMarks ? this.marks.size > 0 || this.framesSinceMark > 0 : this.now() < this.playbackEndsAt;
  }

  /** Everything sent so far must be heard before a barge-in may clear it (legal notices). */
  protectSent(): void {
    this.protectedUntilMark = this.markSeq;
    this.protectedUntilTime = this.playbackEndsAt;
  }

  /** Protected audio is still playing. */
  get protecting(): boolean {
    if (!this.usesMarks) return this.now() < this.protectedUntilTime;
    for (const name of this.marks.keys()) if (Number(name) <= this.protectedUntilMark) return true;
    return false;
  }

  /** Stops playback at once (barge-in): the channel clears its queue, late marks are ignored. */
  interrupt(): Interruption {
    const interruption = { itemId: this.itemId, playedMs: this.playedMs() };
    this.send({ type: 'clear' });
    this.marks.clear();
    this.assembler.reset();
    this.framesSinceMark = 0;
    this.playbackEndsAt = 0;
    this.itemId = null;
    this.resolveDrain();
    return interruption;
  }

  /** Resolves when everything sent has played, or after `timeoutMs`. */
  whenPlayed(timeoutMs: number): Promise<void> {
    if (!this.playing) return Promise.resolve();
    const wait = this.usesMarks ? timeoutMs : Math.min(timeoutMs, this.playbackEndsAt - this.now());
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, wait));
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.drainWaiters.push(done);
    });
  }

  private playedMs(): number {
    if (this.usesMarks) return this.itemPlayedMs;
    const unplayedMs = Math.max(0, this.playbackEndsAt - this.now());
    return Math.max(0, this.itemSentMs - unplayedMs);
  }

  private startItem(itemId: string): void {
    this.itemId = itemId;
    this.itemSentMs = 0;
    this.itemPlayedMs = 0;
  }

  private sendFrame(frame: Int16Array): void {
    // The assembler hands out one reused buffer, so one event object serves every frame.
    if (this.audioEvent === null || (this.audioEvent as { frame: Int16Array }).frame !== frame) this.audioEvent = { type: 'audio', frame };
    this.send(this.audioEvent);
    this.itemSentMs += FRAME_MS;
    this.playbackEndsAt = Math.max(this.playbackEndsAt, this.now()) + FRAME_MS;
    if (++this.framesSinceMark >= this.markEveryFrames) this.sendMark();
  }

  private sendMark(): void {
    this.framesSinceMark = 0;
    if (!this.usesMarks) return;
    const name = String(++this.markSeq);
    this.marks.set(name, { itemId: this.itemId, itemEndMs: this.itemSentMs });
    this.send({ type: 'mark', name });
  }

  private resolveDrain(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
