// One socket's life as the session sees it: its events routed to handlers, a pairing code asked for once when the
// socket first offers pairing, and a promise that settles with the reason when the socket closes.
import type { BaileysEventMap, WAMessage, WAMessageUpdate } from '@whiskeysockets/baileys';
import type { Logger } from '../../../src/core/channel.ts';
import { describeError } from '../../../src/errors.ts';
import type { StoredAuthState } from './auth-state.ts';
import type { BaileysSocketLike } from './socket.ts';

export interface SocketHandlers {
  onQr(qr: string): void;
  onCode(code: string): void;
  onConnecting(): void;
  onOpen(user: string | undefined): void;
  onMessages(messages: WAMessage[]): void;
  onUpdates(updates: WAMessageUpdate[]): void;
}

export interface WatchedSocket {
  /** Settles with the error Baileys closed the socket with (undefined for a clean close). */
  readonly closed: Promise<{ readonly error: unknown }>;
  /** Stops routing this socket's events (it is being replaced or ended). */
  detach(): void;
}

export function watchSocket(socket: BaileysSocketLike, auth: StoredAuthState, pairingNumber: string | undefined, log: Logger, handlers: SocketHandlers): WatchedSocket {
  let attached = true;
  let codeAsked = false;
  let settle!: (outcome: { error: unknown }) => void;
  const closed = new Promise<{ error: unknown }>((resolve) => (settle = resolve));

  const onConnection = (update: BaileysEventMap['connection.update']): void => {
    if (!attached) return;
    if (update.qr) {
      handlers.onQr(update.qr);
      // The first QR means WhatsApp is ready to pair this device: the moment a pairing code may be asked for.
      if (pairingNumber && !codeAsked) {
        codeAsked = true;
        socket.requestPairingCode(pairingNumber).then(
          (code) => attached && handlers.onCode(code),
          (error: unknown) => log.warn({ err: describeError(error) }, 'pairing code request failed; the QR code still works'),
        );
      }
    }
    if (update.connection === 'connecting') handlers.onConnecting();
    if (update.connection === 'open') handlers.onOpen(socket.user?.id);
    if (update.connection === 'close') settle({ error: update.lastDisconnect?.error });
  };
  const onCreds = (): void => {
    // Written even after detach: Baileys keeps the same creds object, and its last changes must not be lost.
    auth.saveCreds().catch((error: unknown) => log.error({ err: describeError(error) }, 'WhatsApp creds not saved'));
  };
  const onUpsert = ({ messages }: BaileysEventMap['messages.upsert']): void => {
    // `notify` (live) and `append` (received while offline) alike: both are customers waiting for an answer.
    if (attached) handlers.onMessages(messages);
  };
  const onUpdate = (updates: BaileysEventMap['messages.update']): void => {
    if (attached) handlers.onUpdates(updates);
  };

  socket.ev.on('connection.update', onConnection);
  socket.ev.on('creds.update', onCreds);
  socket.ev.on('messages.upsert', onUpsert);
  socket.ev.on('messages.update', onUpdate);

  return {
    closed,
    detach() {
      attached = false;
      socket.ev.off('connection.update', onConnection);
      socket.ev.off('messages.upsert', onUpsert);
      socket.ev.off('messages.update', onUpdate);
    },
  };
}
