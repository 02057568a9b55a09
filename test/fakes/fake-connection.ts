// A channel Connection driven by the test, at the src/core/channel.ts boundary: it records everything the
// conversation sends (audio frames and their level, marks, clears, text, transfer, end), lets the test play the
// customer's side (audio, text, digits, marks, hang-up), and simulates playback without timers: audio queues in
// order, playMs() plays some of it and echoes each mark the moment the audio before it has played, and clear drops
// the queue. Twilio echoes the marks of a cleared queue; echoClearedMarks() does that when a test wants it.
import { EventEmitter } from 'node:events';
import { FRAME_MS, FRAME_SAMPLES } from '../../src/core/audio.ts';
import type { ChannelCapabilities, Connection, ConnectionInfo, InboundEvent, InboundHandler, OutboundEvent } from '../../src/core/channel.ts';
import { rmsDbfs } from '../../src/audio/pcm.ts';
import { waitUntil } from '../wait.ts';
import { PlaybackQueue } from './playback-queue.ts';

/** A phone channel like Twilio: live audio, digits, playback marks, transfer. */
export const PHONE_CAPABILITIES: ChannelCapabilities = { audio: true, text: false, dtmf: true, playbackMarks: true, voiceNotes: false, transfer: true, transferNeedsNumber: true };

export interface FakeConnectionOptions {
  readonly conversationId?: string;
  readonly locale?: string;
  readonly channel?: string;
  readonly capabilities?: Partial<ChannelCapabilities>;
  readonly from?: string;
  readonly to?: string;
  readonly providerId?: string;
}

let sequence = 0;

export class FakeConnection implements Connection {
  readonly id: string;
  readonly channel: string;
  readonly capabilities: ChannelCapabilities;
  readonly info: ConnectionInfo;

  /** Every event sent while open, in order (audio frames copied, since the sender reuses its buffer). */
  readonly sent: OutboundEvent[] = [];
  /** Events sent after close or hang-up: the contract says they are dropped. */
  sentAfterClose = 0;
  /** Mark names sent, and those echoed back as played (by playMs, echoMarksUpTo or echoClearedMarks). */
  readonly marksSent: string[] = [];
  readonly marksEchoed: string[] = [];
  /** Marks that were still queued when a clear arrived. */
  clearedMarks: string[] = [];
  closeReason: string | undefined;

  readonly #events = new EventEmitter();
  #handler: InboundHandler | undefined;
  #held: InboundEvent[] = [];
  #hungUp = false;
  /** The simulated playback buffer, in milliseconds. */
  readonly #playback = new PlaybackQueue((name) => this.#echo(name));

  constructor(options: FakeConnectionOptions = {}) {
    this.id = `fake-${++sequence}`;
    this.channel = options.channel ?? 'fake';
    this.capabilities = { ...PHONE_CAPABILITIES, ...options.capabilities };
    this.info = {
      conversationId: options.conversationId ?? `conversation-${sequence}`,
      locale: options.locale ?? 'en',
      ...(options.from ? { from: options.from } : {}),
      ...(options.to ? { to: options.to } : {}),
      ...(options.providerId ? { providerId: options.providerId } : {}),
    };
    this.#events.setMaxListeners(100);
  }

  // --- the Connection contract ---

  listen(handler: InboundHandler): void {
    this.#handler = handler;
    const held = this.#held;
    this.#held = [];
    for (const event of held) handler(event);
  }

  send(event: OutboundEvent): void {
    if (this.closed || this.#hungUp) {
      this.sentAfterClose++;
      return;
    }
    if (event.type === 'audio') {
      this.sent.push({ type: 'audio', frame: event.frame.slice() });
      this.#playback.pushAudio((event.frame.length * FRAME_MS) / FRAME_SAMPLES);
    } else {
      this.sent.push(event);
    }
    if (event.type === 'mark') {
      this.marksSent.push(event.name);
      this.#playback.pushMark(event.name);
    } else if (event.type === 'clear') {
      this.clearedMarks.push(...this.#playback.clear());
    }
    this.#events.emit('update');
  }

  close(reason: string): void {
    if (this.closeReason !== undefined) return;
    this.closeReason = reason;
    this.#deliver({ type: 'hangup', reason: `closed: ${reason}` });
    this.#events.emit('update');
  }

  // --- what the conversation sent ---

  get closed(): boolean {
    return this.closeReason !== undefined;
  }

  /** Outbound events of one type, in order. */
  sentOf<T extends OutboundEvent['type']>(type: T): Extract<OutboundEvent, { type: T }>[] {
    return this.sent.filter((event): event is Extract<OutboundEvent, { type: T }> => event.type === type);
  }

  get audioFrames(): number {
    return this.sentOf('audio').length;
  }

  /** Milliseconds of audio sent. */
  get audioMs(): number {
    return this.sentOf('audio').reduce((ms, event) => ms + (event.frame.length * FRAME_MS) / FRAME_SAMPLES, 0);
  }

  get clears(): number {
    return this.sentOf('clear').length;
  }

  /** RMS level, in dBFS, of the audio frames sent from frame `fromFrame` on (-Infinity for none or silence). */
  receivedDbfs(fromFrame = 0): number {
    const frames = this.sentOf('audio').slice(fromFrame);
    const all = new Int16Array(frames.length * FRAME_SAMPLES);
    frames.forEach((event, i) => all.set(event.frame, i * FRAME_SAMPLES));
    return frames.length === 0 ? Number.NEGATIVE_INFINITY : rmsDbfs(all);
  }

  /** Audio queued and not yet played (the simulated playback buffer), in milliseconds. */
  get queuedMs(): number {
    return this.#playback.queued;
  }

  /** Milliseconds played in all (across clears). */
  get playedMs(): number {
    return this.#playback.played;
  }

  // --- simulated playback ---

  /** Plays `ms` of queued audio and echoes every mark reached, as the channel would when the audio before it played. */
  playMs(ms: number): void {
    this.#playback.play(ms);
  }

  /** Plays everything queued. */
  playAll(): void {
    this.playMs(Number.POSITIVE_INFINITY);
  }

  /** Plays up to and including mark `name`. */
  echoMarksUpTo(name: string): void {
    this.#playback.playThrough(name);
  }

  /** Echoes the marks dropped by the last clears, as Twilio does once it has emptied its buffer. */
  echoClearedMarks(): void {
    const cleared = this.clearedMarks;
    this.clearedMarks = [];
    for (const name of cleared) this.#echo(name);
  }

  // --- the customer's side ---

  /** `frames` canonical 20 ms frames of the caller speaking (a constant level) or of silence (level 0). */
  pushAudio(frames = 1, level = 4000): void {
    for (let i = 0; i < frames; i++) {
      const frame = new Int16Array(FRAME_SAMPLES);
      for (let s = 0; s < FRAME_SAMPLES; s++) frame[s] = s % 2 === 0 ? level : -level;
      this.#deliver({ type: 'audio', frame });
    }
  }

  pushText(text: string): void {
    this.#deliver({ type: 'text', text });
  }

  /** A whole recorded message of `ms` milliseconds at a constant level. */
  pushVoiceNote(ms: number, level = 4000): void {
    const pcm = new Int16Array(Math.round((ms * 24_000) / 1000));
    for (let s = 0; s < pcm.length; s++) pcm[s] = s % 2 === 0 ? level : -level;
    this.#deliver({ type: 'voice_note', pcm });
  }

  pushDtmf(digit: string): void {
    this.#deliver({ type: 'dtmf', digit });
  }

  pushMark(name: string): void {
    this.#deliver({ type: 'mark', name });
  }

  /** The customer hangs up: the last inbound event. */
  hangUp(reason = 'caller hung up'): void {
    this.#deliver({ type: 'hangup', reason });
  }

  /** The hangup was delivered (the customer left, or close() reported it). */
  get hungUp(): boolean {
    return this.#hungUp;
  }

  // --- waiting ---

  /** Resolves once `predicate` holds, re-checked after every event either way. */
  waitFor(predicate: () => boolean, what = 'a condition', timeoutMs = 2000): Promise<void> {
    return waitUntil(this.#events, predicate, what, timeoutMs);
  }

  waitForClose(timeoutMs = 2000): Promise<string> {
    return this.waitFor(() => this.closed, 'the connection to close', timeoutMs).then(() => this.closeReason!);
  }

  #echo(name: string): void {
    this.marksEchoed.push(name);
    this.#deliver({ type: 'mark', name });
  }

  #deliver(event: InboundEvent): void {
    if (this.#hungUp) return;
    if (event.type === 'hangup') this.#hungUp = true;
    if (this.#handler) this.#handler(event);
    else this.#held.push(event);
    this.#events.emit('update');
  }
}
