// Fakes for the transport's tests: sockets that behave like Baileys' at the interface (events in its own shapes,
// creds merged as makeWASocket does, `end` followed by a close event), delays released by hand, and a sink that
// records what reached it. Every fake emits 'update' when its state changes, for test/wait.ts.
import { EventEmitter } from 'node:events';
import type { AnyMessageContent, BaileysEventMap, Contact, WAMessage, WAMessageKey, WAPresence } from '@whiskeysockets/baileys';
import type { Store } from '../../../src/core/store.ts';
import { silentLogger } from '../../../src/log.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import type { IncomingMessage, TransportSink } from '../transport.ts';
import { createBaileysTransport, type BaileysTransport, type BaileysTransportOptions } from './index.ts';
import type { BaileysSocketLike, SocketEventMap, SocketEvents, SocketSettings } from './socket.ts';
import type { Delay } from './timing.ts';

class FakeEvents implements SocketEvents {
  readonly #emitter = new EventEmitter();
  on<T extends keyof SocketEventMap>(event: T, listener: (arg: SocketEventMap[T]) => void): void {
    this.#emitter.on(event, listener);
  }
  off<T extends keyof SocketEventMap>(event: T, listener: (arg: SocketEventMap[T]) => void): void {
    this.#emitter.off(event, listener);
  }
  emit<T extends keyof SocketEventMap>(event: T, arg: BaileysEventMap[T]): void {
    this.#emitter.emit(event, arg);
  }
}

export class FakeSocket implements BaileysSocketLike {
  readonly ev = new FakeEvents();
  user: Contact | undefined;
  readonly sent: Array<{ jid: string; content: AnyMessageContent }> = [];
  /** Every sendMessage call, failed ones included. */
  sendAttempts = 0;
  readonly presences: Array<{ type: WAPresence; jid?: string }> = [];
  readonly reads: WAMessageKey[][] = [];
  readonly pairingCodeRequests: string[] = [];
  readonly reuploads: WAMessage[] = [];
  /** Set once `end` was called, with the error it was given. */
  ended: { error: Error | undefined } | undefined;
  /** Thrown by the next sendMessage calls while set. */
  sendFailure: Error | undefined;
  presenceFailure: Error | undefined;
  /** What updateMediaMessage does with the message (throws, or points it at the new copy). */
  reupload: ((message: WAMessage) => WAMessage) | undefined;

  constructor(
    readonly settings: SocketSettings,
    private readonly changed: () => void,
  ) {
    // As makeWASocket does before the caller can subscribe: creds updates are merged into the auth state's creds.
    this.ev.on('creds.update', (update) => Object.assign(settings.auth.creds, update));
  }

  qr(text: string): void {
    this.ev.emit('connection.update', { qr: text });
  }

  open(id = '911234567890:7@s.whatsapp.net'): void {
    this.user = { id };
    this.ev.emit('connection.update', { connection: 'open' });
  }

  /** WhatsApp closing the connection with `error` (a Boom with the disconnect code). */
  close(error: Error | undefined): void {
    this.ev.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
    this.changed();
  }

  upsert(messages: WAMessage[], type: 'notify' | 'append' = 'notify'): void {
    this.ev.emit('messages.upsert', { messages, type });
  }

  credsUpdate(update: BaileysEventMap['creds.update']): void {
    this.ev.emit('creds.update', update);
  }

  async sendMessage(jid: string, content: AnyMessageContent): Promise<WAMessage | undefined> {
    this.sendAttempts++;
    if (this.sendFailure) throw this.sendFailure;
    this.sent.push({ jid, content });
    this.changed();
    return { key: { remoteJid: jid, fromMe: true, id: `SENT${this.sent.length}` } };
  }

  async sendPresenceUpdate(type: WAPresence, jid?: string): Promise<void> {
    if (this.presenceFailure) throw this.presenceFailure;
    this.presences.push({ type, jid });
  }

  async readMessages(keys: WAMessageKey[]): Promise<void> {
    this.reads.push(keys);
  }

  async updateMediaMessage(message: WAMessage): Promise<WAMessage> {
    this.reuploads.push(message);
    if (!this.reupload) throw new Error('no re-upload configured');
    return this.reupload(message);
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    this.pairingCodeRequests.push(phoneNumber);
    this.changed();
    return 'ABCD2345';
  }

  async end(error: Error | undefined): Promise<void> {
    if (this.ended) return;
    this.ended = { error };
    // Baileys reports its own end as a close, then drops the listeners.
    this.close(error);
  }

  async logout(): Promise<void> {
    await this.end(new Error('Intentional Logout'));
  }
}

/** Makes FakeSockets and keeps them in order of creation. */
export class FakeSockets extends EventEmitter {
  readonly all: FakeSocket[] = [];

  readonly factory = (settings: SocketSettings): BaileysSocketLike => {
    const socket = new FakeSocket(settings, () => this.emit('update'));
    this.all.push(socket);
    this.emit('update');
    return socket;
  };

  get latest(): FakeSocket {
    const socket = this.all.at(-1);
    if (!socket) throw new Error('no socket was created');
    return socket;
  }
}

/** Delays that resolve only when the test releases them, so retries and renewals happen when the test says. */
export class ManualDelays extends EventEmitter {
  readonly requested: number[] = [];
  readonly #waiting = new Set<{ ms: number; resolve: () => void }>();

  readonly delay: Delay = (ms, signal) =>
    new Promise<void>((resolve) => {
      this.requested.push(ms);
      const entry = {
        ms,
        resolve: () => {
          this.#waiting.delete(entry);
          resolve();
        },
      };
      this.#waiting.add(entry);
      signal?.addEventListener('abort', entry.resolve, { once: true });
      this.emit('update');
    });

  /** How many delays of exactly `ms` are waiting. */
  waiting(ms: number): number {
    return [...this.#waiting].filter((entry) => entry.ms === ms).length;
  }

  /** Ends every waiting delay of exactly `ms`; returns how many. */
  release(ms: number): number {
    const due = [...this.#waiting].filter((entry) => entry.ms === ms);
    for (const entry of due) entry.resolve();
    return due.length;
  }
}

export class RecordingSink extends EventEmitter implements TransportSink {
  readonly received: IncomingMessage[] = [];
  readonly alerts: Array<{ kind: string; detail: Record<string, unknown> }> = [];
  /** Called before a message is recorded; may wait or throw. */
  beforeReceive: ((message: IncomingMessage) => Promise<void>) | undefined;

  async receive(message: IncomingMessage): Promise<void> {
    await this.beforeReceive?.(message);
    this.received.push(message);
    this.emit('update');
  }

  alert(kind: string, detail: Record<string, unknown>): void {
    this.alerts.push({ kind, detail });
    this.emit('update');
  }
}

/** A clock tests move by hand. */
export class ManualClock {
  constructor(public nowMs = 1_700_000_000_000) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

export interface Harness {
  readonly handle: BaileysTransport;
  readonly sockets: FakeSockets;
  readonly delays: ManualDelays;
  readonly sink: RecordingSink;
  readonly clock: ManualClock;
  readonly store: Store;
  readonly printed: string[];
  /** Says 'update' whenever sockets, delays or the sink change, or pairing instructions are printed. */
  readonly changes: EventEmitter;
}

/** A started transport on fakes: sockets, delays and clock in the test's hands, a MemoryStore unless given. */
export async function startHarness(options: Partial<BaileysTransportOptions> = {}, sink = new RecordingSink()): Promise<Harness> {
  const sockets = new FakeSockets();
  const delays = new ManualDelays();
  const clock = new ManualClock();
  const store = options.store ?? new MemoryStore();
  const printed: string[] = [];
  const changes = new EventEmitter();
  const handle = createBaileysTransport({
    store,
    log: silentLogger,
    account: 'shop',
    groups: false,
    owner: 'instance-a',
    socketFactory: sockets.factory,
    delay: delays.delay,
    now: clock.now,
    random: () => 1,
    print: (text) => {
      printed.push(text);
      changes.emit('update');
    },
    ...options,
  });
  for (const source of [sockets, delays, sink]) source.on('update', () => changes.emit('update'));
  await handle.start(sink);
  return { handle, sockets, delays, sink, clock, store, printed, changes };
}

/** What pairing adds to the creds (Baileys' configureSuccessfulPairing): our id and the phone's signed account. */
export const PAIRED = {
  me: { id: '911234567890:7@s.whatsapp.net', name: 'Asha Clinic', lid: '204863570126999:7@lid' },
  account: { details: Buffer.alloc(40, 1), accountSignatureKey: Buffer.alloc(32, 2), accountSignature: Buffer.alloc(64, 3), deviceSignature: Buffer.alloc(64, 4) },
};
