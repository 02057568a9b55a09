// The fake Twilio's media stream: it opens the stream URL over a real WebSocket (the upgrade signed as Twilio signs
// it), sends connected/start/media/dtmf/stop as Twilio does, and plays what it receives in real time: a mark comes
// back only once the audio queued before it has played, and `clear` drops the queue and returns its marks at once.
// Anything the real Twilio would reject is recorded as a violation.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { decodeMulaw, encodeMulaw } from '../../src/audio/mulaw.ts';
import { rmsDbfs } from '../../src/audio/pcm.ts';
import { waitUntil } from '../wait.ts';
import { PlaybackQueue } from './playback-queue.ts';
import { signatureHeader, sid, type TwilioSigning } from './twilio-webhook.ts';

const CHUNK_BYTES = 160; // 20 ms of mu-law at 8 kHz
const BYTES_PER_MS = 8;
/** How long the waits below wait unless told. */
const WAIT_TIMEOUT_MS = 3000;

/** `signedUrl`, when given, is the wss:// URL Twilio believes it opened. */
export interface StreamOptions extends TwilioSigning {
  readonly url: string;
  readonly customParameters?: Readonly<Record<string, string>>;
  readonly callSid?: string;
  readonly accountSid?: string;
  /** False opens the socket and sends `connected` only, for tests of what comes before `start`. */
  readonly sendStart?: boolean;
}

/** Error thrown when the server refuses the WebSocket upgrade; `status` is its HTTP status. */
export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`WebSocket upgrade refused with HTTP ${status}`);
  }
}

/** Opens the media stream as Twilio does after <Connect><Stream>. */
export async function connectStream(options: StreamOptions): Promise<FakeTwilioCall> {
  // Twilio signs the upgrade like a webhook: the stream URL as it requested it, and no parameters.
  const ws = new WebSocket(options.url, { headers: signatureHeader(options, options.signedUrl ?? options.url, {}) });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_request, response) => {
      reject(new UpgradeRefused(response.statusCode ?? 0));
      response.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
  const call = new FakeTwilioCall(ws, options);
  call.sendJson({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  if (options.sendStart !== false) call.sendStart();
  return call;
}

export class FakeTwilioCall {
  readonly callSid: string;
  readonly accountSid: string;
  readonly streamSid = sid('MZ');
  readonly customParameters: Readonly<Record<string, string>>;
  /** Mark names in the order the server sent them, and in the order we echoed them. */
  readonly marksReceived: string[] = [];
  readonly marksEchoed: string[] = [];
  clears = 0;
  /** Anything the real Twilio would reject (error 31924): unknown events, bad JSON, wrong streamSid, bad payloads. */
  readonly violations: string[] = [];
  closeInfo: { code: number; reason: string } | undefined;

  readonly #ws: WebSocket;
  readonly #events = new EventEmitter();
  #received: Uint8Array[] = [];
  #receivedBytes = 0;
  /** Twilio's playout buffer, in bytes of mu-law. */
  readonly #playback = new PlaybackQueue((name) => this.#echoMark(name));
  #clock: NodeJS.Timeout | undefined;
  #lastTick = 0;
  #sequence = 0;
  #chunk = 0;

  constructor(ws: WebSocket, options: StreamOptions) {
    this.#ws = ws;
    this.callSid = options.callSid ?? sid('CA');
    this.accountSid = options.accountSid ?? sid('AC');
    this.customParameters = options.customParameters ?? {};
    this.#events.setMaxListeners(100);
    ws.on('message', (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString('utf8') };
      this.#stopClock();
      this.#events.emit('update');
    });
    ws.on('error', () => undefined); // a refused or reset socket shows up as a close
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  sendJson(message: object): void {
    this.sendRaw(JSON.stringify(message));
  }

  sendRaw(data: string | Uint8Array): void {
    if (this.isOpen) this.#ws.send(data);
  }

  #seq(): string {
    return String(++this.#sequence);
  }

  sendStart(): void {
    this.sendJson({
      event: 'start',
      sequenceNumber: this.#seq(),
      start: {
        accountSid: this.accountSid,
        streamSid: this.streamSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        customParameters: this.customParameters,
      },
      streamSid: this.streamSid,
    });
  }

  /** Sends mu-law audio as Twilio does: 160-byte media messages (the last one padded with silence). */
  sendMulaw(mulaw: Uint8Array): void {
    for (let offset = 0; offset < mulaw.length; offset += CHUNK_BYTES) {
      const chunk = new Uint8Array(CHUNK_BYTES).fill(0xff);
      chunk.set(mulaw.subarray(offset, offset + CHUNK_BYTES));
      this.#sendChunk(chunk);
    }
  }

  #sendChunk(chunk: Uint8Array): void {
    const number = ++this.#chunk;
    this.sendJson({
      event: 'media',
      sequenceNumber: this.#seq(),
      media: { track: 'inbound', chunk: String(number), timestamp: String((number - 1) * 20), payload: Buffer.from(chunk).toString('base64') },
      streamSid: this.streamSid,
    });
  }

  /** PCM16 at 8 kHz, sent at once. */
  sendAudio(pcm8k: Int16Array): void {
    this.sendMulaw(toMulaw(pcm8k));
  }

  /** PCM16 at 8 kHz, sent in real time (one 20 ms chunk per 20 ms, without drift) until done or closed. */
  async streamAudio(pcm8k: Int16Array): Promise<void> {
    const mulaw = toMulaw(pcm8k);
    const start = performance.now();
    for (let i = 0; i * CHUNK_BYTES < mulaw.length && this.isOpen; i++) {
      const due = start + i * 20 - performance.now();
      if (due > 0) await sleep(due);
      this.sendMulaw(mulaw.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
    }
  }

  pressDigit(digit: string): void {
    this.sendJson({ event: 'dtmf', streamSid: this.streamSid, sequenceNumber: this.#seq(), dtmf: { track: 'inbound_track', digit } });
  }

  /** The caller hangs up: Twilio sends stop and closes the socket. */
  async hangUp(): Promise<void> {
    this.sendJson({ event: 'stop', sequenceNumber: this.#seq(), streamSid: this.streamSid, stop: { accountSid: this.accountSid, callSid: this.callSid } });
    this.#ws.close(1000);
    await this.waitForClose();
  }

  /** The network drops: the socket goes away without stop (no closing handshake). */
  async drop(): Promise<void> {
    this.#ws.terminate();
    await this.waitForClose();
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    const message = isBinary ? undefined : safeJson(data.toString('utf8'));
    if (!message || typeof message !== 'object') return void this.violations.push('not a JSON text message');
    const m = message as { event?: unknown; streamSid?: unknown; media?: { payload?: unknown }; mark?: { name?: unknown } };
    if (m.streamSid !== this.streamSid) this.violations.push(`${String(m.event)} with streamSid ${String(m.streamSid)}`);
    if (m.event === 'media' && typeof m.media?.payload === 'string' && isBase64(m.media.payload)) {
      const bytes = Buffer.from(m.media.payload, 'base64');
      this.#received.push(bytes);
      this.#receivedBytes += bytes.length;
      this.#playback.pushAudio(bytes.length);
      this.#startPlaying();
    } else if (m.event === 'mark' && typeof m.mark?.name === 'string') {
      this.marksReceived.push(m.mark.name);
      this.#playback.pushMark(m.mark.name);
      this.#startPlaying();
    } else if (m.event === 'clear') {
      this.clears++;
      const dropped = this.#playback.clear();
      this.#stopClock();
      for (const name of dropped) this.#echoMark(name);
    } else {
      this.violations.push(`unsupported message ${data.toString('utf8').slice(0, 80)}`);
    }
    this.#events.emit('update');
  }

  /** Starts the playback clock unless it runs, and plays what is due. */
  #startPlaying(): void {
    if (!this.#clock) {
      this.#lastTick = performance.now();
      this.#clock = setInterval(() => this.#play(), 20);
    }
    this.#play(); // a mark with nothing before it comes back at once
  }

  /** Plays as many bytes as the wall clock allows since the last tick; echoes marks that reach the head. */
  #play(): void {
    const now = performance.now();
    const budget = Math.floor((now - this.#lastTick) * BYTES_PER_MS);
    this.#lastTick += budget / BYTES_PER_MS;
    this.#playback.play(budget);
    if (this.#playback.isEmpty) this.#stopClock();
    this.#events.emit('update');
  }

  #stopClock(): void {
    if (this.#clock) clearInterval(this.#clock);
    this.#clock = undefined;
  }

  #echoMark(name: string): void {
    this.marksEchoed.push(name);
    this.sendJson({ event: 'mark', sequenceNumber: this.#seq(), streamSid: this.streamSid, mark: { name } });
  }

  /** Milliseconds of audio received, and of audio played so far. */
  get receivedMs(): number {
    return this.#receivedBytes / BYTES_PER_MS;
  }

  get playedMs(): number {
    return this.#playback.played / BYTES_PER_MS;
  }

  /** Everything received, as mu-law bytes. */
  receivedMulaw(): Uint8Array {
    const all = Buffer.concat(this.#received);
    this.#received = [all];
    return all;
  }

  /** Everything received, decoded to PCM16 at 8 kHz. */
  receivedPcm(): Int16Array {
    const mulaw = this.receivedMulaw();
    const pcm = new Int16Array(mulaw.length);
    decodeMulaw(mulaw, pcm);
    return pcm;
  }

  /** RMS level of the received audio from `fromMs` on, in dBFS. */
  receivedDbfs(fromMs = 0): number {
    return rmsDbfs(this.receivedPcm().subarray(fromMs * BYTES_PER_MS));
  }

  /** Resolves once `predicate` holds (checked on every message, echo and close). */
  waitFor(predicate: () => boolean, options: { timeoutMs?: number; what?: string } = {}): Promise<void> {
    return waitUntil(this.#events, predicate, options.what ?? 'a condition', options.timeoutMs ?? WAIT_TIMEOUT_MS);
  }

  waitForAudio(options: { minMs: number; timeoutMs?: number }): Promise<void> {
    return this.waitFor(() => this.receivedMs >= options.minMs, { timeoutMs: options.timeoutMs, what: `${options.minMs} ms of audio` });
  }

  /** Resolves once `count` clears in all have arrived. */
  waitForClear(count = 1, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.clears >= count, { timeoutMs, what: `${count} clear(s)` });
  }

  waitForMarkEcho(name: string, timeoutMs?: number): Promise<void> {
    return this.waitFor(() => this.marksEchoed.includes(name), { timeoutMs, what: `mark ${name} to be played` });
  }

  waitForClose(timeoutMs?: number): Promise<{ code: number; reason: string }> {
    return this.waitFor(() => this.closeInfo !== undefined, { timeoutMs, what: 'the socket to close' }).then(() => this.closeInfo!);
  }
}

/** PCM16 (8 kHz) to mu-law bytes. */
export function toMulaw(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  encodeMulaw(pcm, out);
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const isBase64 = (text: string): boolean => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
