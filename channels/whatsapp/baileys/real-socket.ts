// The one place a real WhatsApp Web socket is made.
import { makeWASocket } from '@whiskeysockets/baileys';
import type { BaileysSocketLike, SocketSettings } from './socket.ts';

export function createRealSocket(settings: SocketSettings): BaileysSocketLike {
  return makeWASocket({
    auth: settings.auth,
    logger: settings.logger,
    // The phone keeps notifying its owner, and the gateway does not need the chat history of the number.
    markOnlineOnConnect: false,
    syncFullHistory: false,
  });
}
