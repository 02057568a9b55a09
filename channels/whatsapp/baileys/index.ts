// The Baileys transport of the WhatsApp channel: a WhatsApp number linked like WhatsApp Web (QR or pairing code),
// its auth state in the Store, one owner process at a time, and sockets replaced as WhatsApp's disconnect codes say.
// Only this folder imports Baileys.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../../src/core/channel.ts';
import type { Store } from '../../../src/core/store.ts';
import { GatewayError } from '../../../src/errors.ts';
import type { TransportSink, WhatsAppTransport } from '../transport.ts';
import { baileysLogger, type BaileysLogLevel } from './baileys-logger.ts';
import { qrForTerminal } from '../qr.ts';
import { downloadAudio } from './media-download.ts';
import { Outbound } from './outbound.ts';
import { pairingText, type PairingState } from './pairing.ts';
import { createRealSocket } from './real-socket.ts';
import { BaileysSession } from './session.ts';
import type { ILogger, SocketFactory } from './socket.ts';
import { DEFAULT_BACKOFF, realDelay, type BackoffOptions, type Delay } from './timing.ts';

export type { PairingState, PairingStatus } from './pairing.ts';
export type { BaileysSocketLike, SocketFactory, SocketSettings } from './socket.ts';

export interface BaileysTransportOptions {
  readonly store: Store;
  readonly log: Logger;
  /** Names the number's auth state and lease in the store (`whatsapp:<account>:...`): letters, digits, . _ + -. */
  readonly account: string;
  /** Pair by an 8-character code sent to this number (with country code, + optional) instead of scanning a QR. */
  readonly number?: string;
  /** Answer group chats too. */
  readonly groups: boolean;
  /** This process as the lease owner; hostname, pid and a random part by default. */
  readonly owner?: string;
  /** Makes sockets; the real WhatsApp Web socket by default. */
  readonly socketFactory?: SocketFactory;
  /** Backoff after a dropped connection: about baseMs first, doubling to maxMs. */
  readonly retryDelays?: Partial<BackoffOptions>;
  readonly leaseTtlMs?: number;
  /** How often a process waiting for the number tries to take it. */
  readonly leaseRetryMs?: number;
  /** Replaced sessions (440) allowed within the window before the transport stops; 3 in 5 minutes by default. */
  readonly replacedLimit?: { readonly count: number; readonly windowMs: number };
  readonly baileysLogLevel?: BaileysLogLevel;
  readonly baileysLogger?: ILogger;
  /** Where pairing instructions are printed; standard error by default, nothing when null. */
  readonly print?: ((text: string) => void) | null;
  /** Turns the QR text into a picture for the terminal; half-block characters by default. */
  readonly renderQr?: (text: string) => string;
  readonly delay?: Delay;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface BaileysTransport {
  readonly transport: WhatsAppTransport;
  /** Takes the number's lease (or starts waiting for it) and opens the first socket. */
  start(sink: TransportSink): Promise<void>;
  /** Ends the socket, saves the last creds and gives the number back. */
  stop(): Promise<void>;
  /** The link's state, for an admin page: QR text, pairing code, connected, logged out... */
  pairing(): PairingState;
  /** Opens a new socket to pair again after a stop that needed an operator (logged out, QR expired, replaced). */
  pair(): PairingState;
}

const ACCOUNT = /^[\w.+-]{1,64}$/;
const NUMBER = /^\+?([1-9]\d{6,14})$/;

export function createBaileysTransport(options: BaileysTransportOptions): BaileysTransport {
  if (!ACCOUNT.test(options.account)) {
    throw new GatewayError('config_invalid', `WhatsApp account name "${options.account}" must be 1-64 letters, digits, dots, underscores, plus or minus signs`);
  }
  const digits = options.number === undefined ? undefined : NUMBER.exec(options.number.replace(/[\s-]/g, ''))?.[1];
  if (options.number !== undefined && digits === undefined) {
    throw new GatewayError('config_invalid', `WhatsApp pairing number "${options.number}" must be a phone number with its country code, such as +919876543210`);
  }
  const log = options.log.child({ channel: 'whatsapp', transport: 'baileys', account: options.account });
  const print = options.print === undefined ? (text: string) => void process.stderr.write(text) : options.print;
  const renderQr = options.renderQr ?? qrForTerminal;

  let sink: TransportSink | undefined;
  const outbound = new Outbound({
    socket: () => session.openSocket,
    log,
    onRestricted: (detail) => sink?.alert('banned', { account: options.account, ...detail }),
  });
  const session: BaileysSession = new BaileysSession({
    store: options.store,
    log,
    account: options.account,
    owner: options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    pairingNumber: digits,
    groups: options.groups,
    socketFactory: options.socketFactory ?? createRealSocket,
    baileysLogger: options.baileysLogger ?? baileysLogger(log, options.baileysLogLevel),
    backoff: { ...DEFAULT_BACKOFF, ...options.retryDelays },
    leaseTtlMs: options.leaseTtlMs ?? 30_000,
    leaseRetryMs: options.leaseRetryMs ?? 10_000,
    replacedLimit: options.replacedLimit ?? { count: 3, windowMs: 5 * 60_000 },
    delay: options.delay ?? realDelay,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    onPairing: (state) => {
      log.info({ status: state.status }, 'WhatsApp link state');
      const text = pairingText(state, renderQr);
      if (text && print) print(text);
    },
    onUpdates: (updates) => outbound.noticeUpdates(updates),
  });

  const transport: WhatsAppTransport = {
    name: 'baileys',
    downloadAudio: (message) => downloadAudio(message, session.openSocket),
    sendText: (chat, text) => outbound.sendText(chat, text),
    sendVoiceNote: (chat, note) => outbound.sendVoiceNote(chat, note),
    setPresence: (chat, presence) => outbound.setPresence(chat, presence),
    markRead: (message) => outbound.markRead(message),
  };

  return {
    transport,
    start: (next) => {
      sink = next;
      return session.start(next);
    },
    stop: () => session.stop(),
    pairing: () => session.pairing,
    pair: () => session.pair(),
  };
}
