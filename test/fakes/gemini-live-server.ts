// A protocol-level fake of the Gemini Live API (BidiGenerateContent over WebSocket) on 127.0.0.1, for the Gemini
// model's tests and the shared model contract suite. It checks the `key` query parameter (a wrong key is closed
// with 1008 after the setup, as the real service does; refuse() answers the upgrade with an HTTP status
// instead), expects `setup` first and answers setupComplete, validates every client message against strict
// schemas (tests assert that `violations` stays empty), records setups, history and audio, issues resumption
// handles and keeps a session's context for a client that resumes with one, and offers fault controls: goAway,
// dropAll, refuse, setupDelay, pongDelay, stopPonging, closeAll, cancelToolCalls.
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { clientMessageSchema } from './gemini-live-server-schemas.ts';
import type { Content } from './gemini-live-server-schemas.ts';
import { FakeLiveSession } from './gemini-live-server-session.ts';
import type { FakeConnection, FakeHost, FakeToolScript } from './gemini-live-server-session.ts';

export type { FakeConnection, FakeToolScript } from './gemini-live-server-session.ts';

export const FAKE_GEMINI_API_KEY = 'fake-gemini-key';
export const FAKE_GEMINI_PATH = '/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent';

export interface FakeGeminiLiveOptions {
  readonly apiKey?: string;
  /** Answer every upgrade with this HTTP status (401, 403, 429, ...) until refuse(undefined). */
  readonly refuseStatus?: number;
  /** A user text containing `trigger` makes the model call the tool and wait for its result. */
  readonly tool?: FakeToolScript;
  /** Audio per model chunk (default 100 ms) and the pause between chunks (default 5 ms: faster than real time). */
  readonly chunkMs?: number;
  readonly chunkIntervalMs?: number;
}

export interface FakeGeminiCounters {
  connections: number;
  refused: number;
  setups: number;
  audioMessages: number;
  textTurns: number;
  toolCalls: number;
  toolResponses: number;
  interruptions: number;
  replies: number;
  /** Replies that stopped generating, finished or interrupted: while fewer than `replies`, one can still be interrupted. */
  repliesEnded: number;
  goAways: number;
  pings: number;
  pongs: number;
}

/** Models that synthesise speech from text: they take TEXT replies and a speech language code. */
const HALF_CASCADE = /^models\/gemini-(2\.0-flash-live|live-2\.5-flash(-preview)?)(-\d+)?$/u;

const REFUSALS: Record<number, string> = {
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  429: 'RESOURCE_EXHAUSTED',
};

export class FakeGeminiLive {
  readonly connections: FakeConnection[] = [];
  readonly violations: string[] = [];
  readonly counters: FakeGeminiCounters = {
    connections: 0, refused: 0, setups: 0, audioMessages: 0, textTurns: 0, toolCalls: 0,
    toolResponses: 0, interruptions: 0, replies: 0, repliesEnded: 0, goAways: 0, pings: 0, pongs: 0,
  };
  #url = '';
  readonly #apiKey: string;
  readonly #http = createServer((_request, response) => response.writeHead(426).end());
  readonly #wss = new WebSocketServer({ noServer: true, autoPong: false });
  readonly #sessions = new Map<number, FakeLiveSession>();
  readonly #handles = new Map<string, { connection: FakeConnection; context: Content[] }>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Connections that were sent setupComplete: the client must wait for it before sending anything else. */
  readonly #ready = new Set<number>();
  #refuseStatus: number | undefined;
  #pongDelayMs = 0;
  #ponging = true;
  #setupDelayMs = 0;
  #seq = 0;
  readonly #host: FakeHost;

  constructor(options: FakeGeminiLiveOptions = {}) {
    this.#apiKey = options.apiKey ?? FAKE_GEMINI_API_KEY;
    this.#refuseStatus = options.refuseStatus;
    this.#host = {
      chunkMs: options.chunkMs ?? 100,
      chunkIntervalMs: options.chunkIntervalMs ?? 5,
      tool: options.tool ?? { trigger: 'book', name: 'book_appointment', args: { slotId: '2026-11-25T10:00' } },
      violation: (connection, message) => this.violations.push(`connection ${connection}: ${message}`),
      issueHandle: (connection) => {
        const handle = `handle-${connection.id}-${connection.issuedHandles.length + 1}`;
        connection.issuedHandles.push(handle);
        this.#handles.set(handle, { connection, context: [...connection.context] });
        return handle;
      },
      count: (counter, by = 1) => {
        this.counters[counter] += by;
      },
    };
    this.#http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#upgrade(request, socket, head));
  }

  /** ws://127.0.0.1:PORT/ws/...BidiGenerateContent (GEMINI_LIVE_URL); the client adds ?key=. */
  get url(): string {
    return this.#url;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#http.listen(0, '127.0.0.1', resolve));
    this.#url = `ws://127.0.0.1:${(this.#http.address() as AddressInfo).port}${FAKE_GEMINI_PATH}`;
    return this;
  }

  /** Tells every open connection it ends in `timeLeftMs`, and closes those still open then. */
  goAway(timeLeftMs: number): void {
    for (const session of this.#sessions.values()) {
      this.counters.goAways++;
      session.send({ goAway: { timeLeft: `${timeLeftMs / 1000}s` } });
      this.#later(timeLeftMs, () => session.socket.close(1001, 'The session time limit has been reached.'));
    }
  }

  /** Cuts every connection without a close frame (the client sees 1006). */
  dropAll(): void {
    for (const session of this.#sessions.values()) session.socket.terminate();
  }

  /** Closes every connection with a close frame, as the service reports errors (1008 bad key, 1011 quota...). */
  closeAll(code: number, reason: string): void {
    for (const session of this.#sessions.values()) session.socket.close(code, reason);
  }

  /** Refuses new upgrades with `status`; undefined accepts them again. */
  refuse(status: number | undefined): void {
    this.#refuseStatus = status;
  }

  /** Answers later setups after `ms` (a slow setup, so tests can act during a connection change). */
  setupDelay(ms: number): void {
    this.#setupDelayMs = ms;
  }

  pongDelay(ms: number): void {
    this.#ponging = true;
    this.#pongDelayMs = ms;
  }

  stopPonging(): void {
    this.#ponging = false;
  }

  /** Sends toolCallCancellation for every call awaiting a result; returns their ids. */
  cancelToolCalls(): string[] {
    return [...this.#sessions.values()].flatMap((session) => session.cancelToolCalls());
  }

  /** Connections still open. */
  get open(): FakeConnection[] {
    return [...this.#sessions.values()].map((session) => session.record);
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    for (const session of this.#sessions.values()) {
      session.stop();
      session.socket.terminate();
    }
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (url.pathname !== FAKE_GEMINI_PATH) this.violations.push(`upgrade to unexpected path ${url.pathname}`);
    const status = this.#refuseStatus;
    if (status !== undefined) {
      this.counters.refused++;
      const body = JSON.stringify({ error: { code: status, message: 'Refused by the fake Gemini Live server.', status: REFUSALS[status] ?? 'UNAVAILABLE' } });
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    this.#wss.handleUpgrade(request, socket, head, (ws) => this.#connected(ws, url.searchParams.get('key')));
  }

  #connected(ws: WebSocket, key: string | null): void {
    this.counters.connections++;
    const record: FakeConnection = {
      id: this.counters.connections, key, openedSeq: ++this.#seq, closedSeq: undefined, setup: undefined, resumedFrom: undefined,
      historyTurns: [], context: [], issuedHandles: [], audioSamples: 0, audioMimeTypes: new Set(), pendingCalls: new Map(),
    };
    this.connections.push(record);
    const session = new FakeLiveSession(record, ws, this.#host);
    this.#sessions.set(record.id, session);
    ws.on('ping', (data) => {
      this.counters.pings++;
      if (!this.#ponging) return;
      this.#later(this.#pongDelayMs, () => {
        if (ws.readyState !== ws.OPEN) return;
        this.counters.pongs++;
        ws.pong(data);
      });
    });
    ws.on('message', (data, isBinary) => this.#message(session, data.toString(), isBinary));
    ws.on('close', () => {
      record.closedSeq = ++this.#seq;
      session.stop();
      this.#sessions.delete(record.id);
    });
    ws.on('error', () => undefined);
  }

  #message(session: FakeLiveSession, text: string, isBinary: boolean): void {
    const record = session.record;
    const fault = (message: string): void => void this.violations.push(`connection ${record.id}: ${message}`);
    if (isBinary) fault('binary frame; the Live API takes JSON text frames');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fault(`not JSON: ${text.slice(0, 80)}`);
    }
    const kind = typeof json === 'object' && json !== null ? Object.keys(json).join(',') : typeof json;
    const parsed = clientMessageSchema.safeParse(json);
    if (!parsed.success) {
      return fault(`invalid ${kind}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ').slice(0, 500)}`);
    }
    const message = parsed.data;
    if (!('setup' in message)) {
      if (!record.setup) return fault(`${kind} before setup`);
      if (!this.#ready.has(record.id)) return fault(`${kind} before setupComplete`);
      return session.handle(message);
    }
    if (record.setup) return fault('a second setup on one connection');
    this.counters.setups++;
    record.setup = message.setup;
    if (record.key !== this.#apiKey) return session.socket.close(1008, 'API key not valid. Please pass a valid API key.');
    const { responseModalities, speechConfig } = message.setup.generationConfig;
    if (!HALF_CASCADE.test(message.setup.model)) {
      // Native-audio models only speak, and pick their language themselves.
      if (responseModalities[0] === 'TEXT') return session.socket.close(1007, 'Cannot extract voices from a non-audio request.');
      if (speechConfig?.languageCode) fault(`languageCode ${speechConfig.languageCode} sent to the native-audio model ${message.setup.model}`);
    }
    const handle = message.setup.sessionResumption?.handle;
    if (handle !== undefined) {
      const resumed = this.#handles.get(handle);
      if (!resumed) return session.socket.close(1007, 'Request contains an invalid argument: unknown session resumption handle.');
      if (resumed.connection.closedSeq === undefined) fault(`resumed ${handle} while the connection that issued it (${resumed.connection.id}) is still open`);
      record.resumedFrom = handle;
      record.context = [...resumed.context];
    }
    const complete = (): void => {
      this.#ready.add(record.id);
      session.send({ setupComplete: {} });
      if (message.setup.sessionResumption) session.send({ sessionResumptionUpdate: { newHandle: this.#host.issueHandle(record), resumable: true } });
    };
    if (this.#setupDelayMs > 0) this.#later(this.#setupDelayMs, complete);
    else complete();
  }
}

/** Starts a fake Gemini Live server on 127.0.0.1 and a free port. */
export function startFakeGeminiLive(options: FakeGeminiLiveOptions = {}): Promise<FakeGeminiLive> {
  return new FakeGeminiLive(options).listen();
}
