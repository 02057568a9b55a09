// The part of a Baileys socket this transport uses. Everything except real-socket.ts is written against this
// interface, so tests drive the transport with fakes that emit Baileys' own event shapes.
import type {
  AnyMessageContent,
  AuthenticationState,
  BaileysEventMap,
  Contact,
  WAMessage,
  WAMessageKey,
  WAPresence,
} from '@whiskeysockets/baileys';
import type { ILogger } from '@whiskeysockets/baileys/lib/Utils/logger.js';

/** The events listened to: connection state, credential changes, new messages, and send failures reported later. */
export type SocketEventMap = Pick<BaileysEventMap, 'connection.update' | 'creds.update' | 'messages.upsert' | 'messages.update'>;

export interface SocketEvents {
  on<T extends keyof SocketEventMap>(event: T, listener: (arg: SocketEventMap[T]) => void): void;
  off<T extends keyof SocketEventMap>(event: T, listener: (arg: SocketEventMap[T]) => void): void;
}

export interface BaileysSocketLike {
  readonly ev: SocketEvents;
  /** Our own account once logged in. */
  readonly user: Contact | undefined;
  sendMessage(jid: string, content: AnyMessageContent): Promise<WAMessage | undefined>;
  sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>;
  readMessages(keys: WAMessageKey[]): Promise<void>;
  /** Asks the sender's phone to upload expired media again; resolves with the message pointing at the new copy. */
  updateMediaMessage(message: WAMessage): Promise<WAMessage>;
  /** Digits with the country code, no plus sign. */
  requestPairingCode(phoneNumber: string): Promise<string>;
  /** Closes the connection; a `connection.update` with `connection: 'close'` follows. */
  end(error: Error | undefined): Promise<void>;
  logout(message?: string): Promise<void>;
}

export interface SocketSettings {
  readonly auth: AuthenticationState;
  readonly logger: ILogger;
}

/** Creates a connected-or-connecting socket. A closed socket is never reused: the transport asks for a new one. */
export type SocketFactory = (settings: SocketSettings) => BaileysSocketLike;

export type { ILogger };
