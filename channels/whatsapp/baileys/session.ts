// The life of one WhatsApp number in this process: take the number's lease, load its auth state, keep a socket
// open (a new one after every close, as the disconnect policy says), deliver inbound messages in order, and give
// everything up at once when the lease is lost.
import type { WAMessage, WAMessageUpdate } from '@whiskeysockets/baileys';
import type { Logger } from '../../../src/core/channel.ts';
import type { Store } from '../../../src/core/store.ts';
import { describeError } from '../../../src/errors.ts';
import type { TransportSink } from '../transport.ts';
import { AuthStateUnreadableError, loadAuthState, wipeAuthState, type StoredAuthState } from './auth-state.ts';
import { decideAfterDisconnect, LoopGuard, readDisconnect, type StopReason } from './disconnect-policy.ts';
import { toIncomingMessage } from './inbound.ts';
import { NumberLease, type LeaseGrant } from './number-lease.ts';
import { STOP_DETAILS, type PairingState, type PairingStatus } from './pairing.ts';
import type { BaileysSocketLike, ILogger, SocketFactory } from './socket.ts';
import { watchSocket } from './socket-watch.ts';
import { backoffDelay, type BackoffOptions, type Delay } from './timing.ts';

export interface SessionOptions {
  readonly store: Store;
  readonly log: Logger;
  readonly account: string;
  readonly owner: string;
  /** Digits with country code: pair by code instead of QR. */
  readonly pairingNumber?: string;
  readonly groups: boolean;
  readonly socketFactory: SocketFactory;
  readonly baileysLogger: ILogger;
  readonly backoff: BackoffOptions;
  readonly leaseTtlMs: number;
  readonly leaseRetryMs: number;
  /** Replaced sessions (440) allowed within `windowMs` before giving up. */
  readonly replacedLimit: { readonly count: number; readonly windowMs: number };
  readonly delay: Delay;
  readonly now: () => number;
  readonly random: () => number;
  readonly onPairing: (state: PairingState) => void;
  readonly onUpdates: (updates: WAMessageUpdate[]) => void;
}

type Outcome = 'aborted' | 'lost';

export class BaileysSession {
  readonly #options: SessionOptions;
  readonly #lease: NumberLease;
  #sink: TransportSink | undefined;
  #socket: BaileysSocketLike | undefined;
  #open = false;
  #state: PairingState;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #inbound: Promise<void> = Promise.resolve();
  #pairRequest: (() => void) | undefined;
  /** What the socket factory threw, handled as the reason that socket closed. */
  #factoryError: unknown;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#state = { status: 'idle', updatedAt: options.now() };
    this.#lease = new NumberLease({
      store: options.store,
      name: `whatsapp:${options.account}`,
      owner: options.owner,
      ttlMs: options.leaseTtlMs,
      retryMs: options.leaseRetryMs,
      now: options.now,
      delay: options.delay,
      log: options.log,
    });
  }

  get pairing(): PairingState {
    return this.#state;
  }

  /** The socket messages can be sent on: only while WhatsApp says the connection is open. */
  get openSocket(): BaileysSocketLike | undefined {
    return this.#open ? this.#socket : undefined;
  }

  /** Resolves once the first socket exists, or the number turned out to be owned elsewhere, or the session stopped. */
  start(sink: TransportSink): Promise<void> {
    if (this.#loop) throw new Error('the Baileys transport is already started');
    this.#sink = sink;
    const abort = (this.#abort = new AbortController());
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    this.#loop = this.#run(abort.signal, ready).then(ready, (error: unknown) => {
      this.#options.log.error({ err: describeError(error) }, 'the WhatsApp session stopped on an unexpected error');
      this.#setState('stopped', { detail: describeError(error) });
      ready();
    });
    return started;
  }

  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#loop;
    this.#loop = undefined;
    await this.#inbound;
  }

  /** After a stop that needs an operator (logged out, QR expired...), opens a new socket to pair the number. */
  pair(): PairingState {
    this.#pairRequest?.();
    return this.#state;
  }

  async #run(signal: AbortSignal, ready: () => void): Promise<void> {
    while (!signal.aborted) {
      const grant = await this.#lease.acquire(signal, () => {
        this.#setState('waiting_for_lease', { detail: 'Another gateway instance owns this WhatsApp number.' });
        ready();
      });
      if (!grant) break;
      this.#options.log.info({ token: grant.token }, 'took the WhatsApp number lease');
      try {
        const outcome = await this.#own(grant, signal, ready);
        if (outcome === 'aborted') break;
      } finally {
        await grant.release();
      }
    }
    this.#setState('stopped');
  }

  /** Runs sockets while this process owns the number; returns when it stops owning it or is asked to stop. */
  async #own(grant: LeaseGrant, signal: AbortSignal, ready: () => void): Promise<Outcome> {
    const options = this.#options;
    const lost = grant.lost.then(() => 'lost' as const);
    const aborted = new Promise<'aborted'>((resolve) => (signal.aborted ? resolve('aborted') : signal.addEventListener('abort', () => resolve('aborted'), { once: true })));
    // Whichever comes first ends this ownership: the lease lost, or the transport stopped.
    const ends = Promise.race([lost, aborted]);
    const replaced = new LoopGuard(options.replacedLimit.count, options.replacedLimit.windowMs);
    const restarts = new LoopGuard(2, 60_000); // two immediate restarts a minute; more back off
    let attempt = 0;
    let auth: StoredAuthState | undefined;

    for (;;) {
      if (!auth) {
        try {
          auth = await loadAuthState({ store: options.store, account: options.account, guard: grant.guard, log: options.log, baileysLogger: options.baileysLogger });
        } catch (error) {
          if (!(error instanceof AuthStateUnreadableError)) {
            // The store did not answer: try again later, as with a dropped connection.
            const waitMs = backoffDelay(attempt++, options.backoff, options.random);
            options.log.warn({ err: describeError(error), waitMs }, 'WhatsApp auth state could not be loaded; retrying');
            this.#setState('reconnecting', { detail: `The store did not answer (${describeError(error)}).` });
            ready();
            const woke = await Promise.race([options.delay(waitMs, signal).then(() => 'waited' as const), ends]);
            if (woke !== 'waited') return woke;
            continue;
          }
          options.log.error({ err: error.message }, 'WhatsApp auth state unreadable');
          this.#halt('auth_unreadable', { message: error.message });
          ready();
          const next = await Promise.race([ends, this.#pairRequested()]);
          if (next !== 'pair') return next;
          await wipeAuthState(options.store, options.account, grant.guard).catch((wipeError: unknown) => options.log.error({ err: describeError(wipeError) }, 'WhatsApp auth state not wiped'));
          continue;
        }
      }

      const socket = this.#openSocket(auth);
      ready();
      const watched = socket
        ? watchSocket(socket, auth, options.pairingNumber, options.log, {
            onQr: (qr) => this.#setState(this.#state.status === 'code' ? 'code' : 'qr', { qr, code: this.#state.code }),
            onCode: (code) => this.#setState('code', { code, qr: this.#state.qr }),
            onConnecting: () => {
              if (this.#state.status !== 'qr' && this.#state.status !== 'code') this.#setState('connecting');
            },
            onOpen: (user) => {
              this.#open = true;
              attempt = 0;
              this.#setState('connected', { user });
            },
            onMessages: (messages) => this.#deliver(messages),
            onUpdates: (updates) => options.onUpdates(updates),
          })
        : undefined;
      const closed = watched ? watched.closed : Promise.resolve({ error: this.#factoryError });
      const next = await Promise.race([closed, ends]);
      this.#open = false;
      watched?.detach();
      this.#socket = undefined;

      if (next === 'lost' || next === 'aborted') {
        // Lost: another instance may already be talking to WhatsApp with these keys; end at once, write nothing more.
        await socket?.end(next === 'lost' ? new Error('the WhatsApp number lease was lost') : undefined).catch(() => undefined);
        if (next === 'aborted') await auth.flush();
        return next;
      }

      const disconnect = readDisconnect(next.error);
      const decision = decideAfterDisconnect(disconnect, replaced, options.now(), restarts);
      options.log.warn({ status: disconnect.status, reason: disconnect.message, action: decision.action }, 'WhatsApp connection closed');
      if (decision.action === 'reconnect') continue;
      if (decision.action === 'backoff') {
        const waitMs = backoffDelay(attempt++, options.backoff, options.random);
        this.#setState('reconnecting', { detail: `WhatsApp connection closed (${disconnect.status ?? disconnect.message}); retrying in ${Math.round(waitMs / 1000)} s` });
        const woke = await Promise.race([options.delay(waitMs, signal).then(() => 'waited' as const), ends]);
        if (woke !== 'waited') return woke;
        continue;
      }

      await auth.flush();
      if (decision.wipe) {
        auth.retire();
        const removed = await wipeAuthState(options.store, options.account, grant.guard).catch((error: unknown) => {
          options.log.error({ err: describeError(error) }, 'WhatsApp auth state not wiped');
          return 0;
        });
        options.log.warn({ keys: removed }, 'WhatsApp logged out: auth state wiped');
        auth = undefined;
      }
      this.#halt(decision.alert, { status: disconnect.status, message: disconnect.message });
      const resume = await Promise.race([ends, this.#pairRequested()]);
      if (resume !== 'pair') return resume;
      replaced.reset();
      attempt = 0;
    }
  }

  #openSocket(auth: StoredAuthState): BaileysSocketLike | undefined {
    this.#factoryError = undefined;
    try {
      this.#socket = this.#options.socketFactory({ auth: auth.state, logger: this.#options.baileysLogger });
      // A QR or code belongs to the socket that showed it: the new one offers its own if still unpaired.
      this.#setState('connecting');
      return this.#socket;
    } catch (error) {
      this.#factoryError = error;
      return undefined;
    }
  }

  #pairRequested(): Promise<'pair'> {
    return new Promise((resolve) => {
      this.#pairRequest = () => {
        this.#pairRequest = undefined;
        resolve('pair');
      };
    });
  }

  #halt(reason: StopReason | 'auth_unreadable', detail: Record<string, unknown>): void {
    this.#setState(reason, { detail: STOP_DETAILS[reason] });
    this.#options.log.error({ reason, ...detail }, 'WhatsApp needs an operator');
    try {
      this.#sink?.alert(reason, { account: this.#options.account, ...detail });
    } catch (error) {
      this.#options.log.error({ err: describeError(error) }, 'WhatsApp alert failed');
    }
  }

  #deliver(messages: readonly WAMessage[]): void {
    // One chain for the whole number: messages reach the sink in the order WhatsApp gave them, each stored before
    // the next is looked at.
    this.#inbound = this.#inbound.then(async () => {
      for (const raw of messages) {
        const result = toIncomingMessage(raw, { groups: this.#options.groups }, this.#options.now);
        if (!result.accepted) {
          this.#options.log.debug({ messageId: raw.key?.id, reason: result.reason }, 'WhatsApp message skipped');
          continue;
        }
        try {
          await this.#sink?.receive(result.message);
        } catch (error) {
          this.#options.log.error({ err: describeError(error), messageId: result.message.id }, 'inbound WhatsApp message not taken');
        }
      }
    });
  }

  #setState(status: PairingStatus, fields: Omit<PairingState, 'status' | 'updatedAt'> = {}): void {
    const next: PairingState = { status, ...stripUndefined(fields), updatedAt: this.#options.now() };
    const changed = next.status !== this.#state.status || next.qr !== this.#state.qr || next.code !== this.#state.code;
    this.#state = next;
    if (changed) this.#options.onPairing(next);
  }
}

function stripUndefined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
}
