// A fake Twilio that behaves like the real one on the wire: it POSTs the signed voice webhook, follows the TwiML
// to the stream URL over a real WebSocket (signed upgrade), sends connected/start/media/dtmf/stop as Twilio does,
// and plays what it receives in real time: a mark comes back only once the audio queued before it has played, and
// `clear` drops the queue and returns its marks at once. It signs with the twilio package, not with our code.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import twilio from 'twilio';
import { WebSocket } from 'ws';
import { decodeMulaw, encodeMulaw } from '../../src/audio/mulaw.ts';
import { rmsDbfs } from '../../src/audio/pcm.ts';

const CHUNK_BYTES = 160; // 20 ms of mu-law at 8 kHz
const BYTES_PER_MS = 8;

export const sid = (prefix: string): string => prefix + randomBytes(16).toString('hex');

export interface WebhookOptions {
  /** Where the gateway listens, such as http://127.0.0.1:4321. */
  readonly baseUrl: string;
  readonly path?: string;
  readonly query?: Readonly<Record<string, string>>;
  /** Signs the request like Twilio when given. */
  readonly authToken?: string;
  /** Overrides the header: null sends none, a string is sent as is. */
  readonly signature?: string | null;
  /** The URL Twilio believes it called, when a proxy sits in front (signed instead of the one requested). */
  readonly signedUrl?: string;
  /** Parameters changed after signing: an altered or forged request. */
  readonly tamper?: Readonly<Record<string, string>>;
  readonly callSid?: string;
  readonly accountSid?: string;
  readonly from?: string;
  readonly to?: string;
  /** Parameters to add, replace, or (with undefined) leave out. */
  readonly params?: Readonly<Record<string, string | undefined>>;
}

export interface WebhookResult {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly stream?: { readonly url: string; readonly parameters: Readonly<Record<string, string>> };
}

/** POSTs the form-encoded voice webhook Twilio sends when a call comes in. */
export async function postVoiceWebhook(options: WebhookOptions): Promise<WebhookResult> {
  const url = new URL(options.path ?? '/twilio/voice', options.baseUrl);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const accountSid = options.accountSid ?? sid('AC');
  const base: Record<string, string | undefined> = {
    AccountSid: accountSid,
    ApiVersion: '2010-04-01',
    CallSid: options.callSid ?? sid('CA'),
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: options.from ?? '+919812345678',
    To: options.to ?? '+912240001234',
    Caller: options.from ?? '+919812345678',
    Called: options.to ?? '+912240001234',
    ...options.params,
  };
  const params = Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
  const headers = { 'content-type': 'application/x-www-form-urlencoded', ...signed(options, options.signedUrl ?? url.href, params) };
  const body = new URLSearchParams({ ...params, ...options.tamper }).toString();
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: text, stream: parseStreamTwiml(text) };
}

/** Reads <Connect><Stream url><Parameter name value/></Stream> the way Twilio would (XML entities decoded). */
export function parseStreamTwiml(xml: string): WebhookResult['stream'] {
  const stream = /<Connect>\s*<Stream\s+([^>]*?)\/?>([\s\S]*?)(?:<\/Stream>)?\s*<\/Connect>/.exec(xml);
  if (!stream) return undefined;
  const url = attribute(stream[1]!, 'url');
  if (!url) return undefined;
  const parameters: Record<string, string> = {};
  for (const match of stream[2]!.matchAll(/<Parameter\s+([^>]*?)\/>/g)) {
    const name = attribute(match[1]!, 'name');
    const value = attribute(match[1]!, 'value');
    if (name !== undefined && value !== undefined) parameters[name] = value;
  }
  return { url, parameters };
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(attributes);
  return match?.[1]!.replace(/&(amp|lt|gt|quot|apos);/g, (_m, entity: string) => XML_ENTITIES[entity]!);
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The X-Twilio-Signature header Twilio would send, or the override a test asked for (null: none). */
function signed(options: { authToken?: string; signature?: string | null }, url: string, params: Record<string, string>): Record<string, string> {
  const signature =
    options.signature !== undefined ? options.signature : options.authToken ? twilio.getExpectedTwilioSignature(options.authToken, url, params) : null;
  return signature === null ? {} : { 'x-twilio-signature': signature };
}

export interface StreamOptions {
  readonly url: string;
  readonly authToken?: string;
  /** Overrides the upgrade's header: null sends none, a string is sent as is. */
  readonly signature?: string | null;
  /** The wss:// URL Twilio believes it opened, when a proxy sits in front. */
  readonly signedUrl?: string;
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
  const ws = new WebSocket(options.url, { headers: signed(options, options.signedUrl ?? options.url, {}) });
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

/** The whole inbound call: signed webhook, TwiML, signed stream upgrade, connected + start. */
export async function placeCall(options: WebhookOptions): Promise<FakeTwilioCall> {
  const callSid = options.callSid ?? sid('CA');
  const accountSid = options.accountSid ?? sid('AC');
  const answer = await postVoiceWebhook({ ...options, callSid, accountSid });
  if (answer.status !== 200 || !answer.stream) throw new Error(`voice webhook answered ${answer.status}: ${answer.body}`);
  return connectStream({ url: answer.stream.url, authToken: options.authToken, customParameters: answer.stream.parameters, callSid, accountSid });
}

type PlayItem = { kind: 'audio'; remaining: number } | { kind: 'mark'; name: string };

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
  #playedBytes = 0;
  #queue: PlayItem[] = [];
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
      this.#enqueue({ kind: 'audio', remaining: bytes.length });
    } else if (m.event === 'mark' && typeof m.mark?.name === 'string') {
      this.marksReceived.push(m.mark.name);
      this.#enqueue({ kind: 'mark', name: m.mark.name });
    } else if (m.event === 'clear') {
      this.clears++;
      const dropped = this.#queue;
      this.#queue = [];
      this.#stopClock();
      for (const item of dropped) if (item.kind === 'mark') this.#echoMark(item.name);
    } else {
      this.violations.push(`unsupported message ${data.toString('utf8').slice(0, 80)}`);
    }
    this.#events.emit('update');
  }

  #enqueue(item: PlayItem): void {
    this.#queue.push(item);
    if (!this.#clock) {
      this.#lastTick = performance.now();
      this.#clock = setInterval(() => this.#play(), 20);
    }
    this.#play(); // a mark with nothing before it comes back at once
  }

  /** Plays as many bytes as the wall clock allows since the last tick; echoes marks that reach the head. */
  #play(): void {
    const now = performance.now();
    let budget = Math.floor((now - this.#lastTick) * BYTES_PER_MS);
    this.#lastTick += budget / BYTES_PER_MS;
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (head.kind === 'mark') {
        this.#queue.shift();
        this.#echoMark(head.name);
        continue;
      }
      if (budget <= 0) break;
      const take = Math.min(head.remaining, budget);
      head.remaining -= take;
      budget -= take;
      this.#playedBytes += take;
      if (head.remaining === 0) this.#queue.shift();
    }
    if (this.#queue.length === 0) this.#stopClock();
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
    return this.#playedBytes / BYTES_PER_MS;
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
    return waitUntil(this.#events, predicate, options.what ?? 'a condition', options.timeoutMs);
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

/** Resolves when `predicate` holds, checking again on each 'update' the emitter sends. */
export function waitUntil(emitter: EventEmitter, predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (predicate()) settle(resolve);
    };
    const timer = setTimeout(() => settle(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
    const settle = (then: () => void): void => {
      clearTimeout(timer);
      emitter.off('update', check);
      then();
    };
    emitter.on('update', check);
  });
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
