// Sending through the socket: text, voice notes, presence and read receipts, with Baileys' failures turned into the
// SendError kinds the shared layer acts on. A 463 means WhatsApp restricted the account: never retried, alerted.
import { proto } from '@whiskeysockets/baileys';
import type { AnyMessageContent, WAMessageKey, WAMessageUpdate } from '@whiskeysockets/baileys';
import type { Logger } from '../../../src/core/channel.ts';
import { describeError } from '../../../src/errors.ts';
import { SendError, type IncomingMessage, type OutgoingVoiceNote, type Presence } from '../transport.ts';
import { parseRawMessage } from './inbound.ts';
import type { BaileysSocketLike } from './socket.ts';

export const VOICE_NOTE_MIME = 'audio/ogg; codecs=opus';
const RESTRICTED = 463;
const CHAT_JID = /^[^@\s]+@(s\.whatsapp\.net|lid|g\.us|hosted|hosted\.lid)$/;

export interface OutboundDeps {
  /** The open socket, or undefined while connecting, reconnecting or stopped. */
  readonly socket: () => BaileysSocketLike | undefined;
  readonly log: Logger;
  /** WhatsApp answered 463: the account may not start or continue this chat. */
  readonly onRestricted: (detail: Record<string, unknown>) => void;
}

export class Outbound {
  constructor(private readonly deps: OutboundDeps) {}

  async sendText(chat: string, text: string): Promise<void> {
    if (typeof text !== 'string' || text.length === 0) throw new SendError('a WhatsApp text must not be empty', 'rejected');
    return this.#send(chat, 'text', { text });
  }

  async sendVoiceNote(chat: string, note: OutgoingVoiceNote): Promise<void> {
    if (!(note.ogg instanceof Uint8Array) || note.ogg.byteLength < 4 || Buffer.from(note.ogg.subarray(0, 4)).toString('latin1') !== 'OggS') {
      throw new SendError('a voice note must be an Ogg/Opus file', 'rejected');
    }
    if (!Number.isFinite(note.seconds) || note.seconds <= 0) throw new SendError('a voice note needs its length in seconds', 'rejected');
    if (note.waveform.length !== 64) throw new SendError(`a voice note waveform has 64 values, not ${note.waveform.length}`, 'rejected');
    // Baileys takes `waveform` with the upload data although its type does not list it; without it, it would decode
    // the note again to draw one.
    const content = {
      audio: Buffer.from(note.ogg.buffer, note.ogg.byteOffset, note.ogg.byteLength),
      ptt: true,
      mimetype: VOICE_NOTE_MIME,
      seconds: Math.max(1, Math.round(note.seconds)),
      waveform: Uint8Array.from(note.waveform, (value) => Math.max(0, Math.min(100, value))),
    };
    return this.#send(chat, 'voice note', content);
  }

  async setPresence(chat: string, presence: Presence): Promise<void> {
    const socket = this.deps.socket();
    if (!socket || !CHAT_JID.test(chat)) return;
    await socket.sendPresenceUpdate(presence, chat).catch((error: unknown) => this.deps.log.debug({ err: describeError(error), presence }, 'presence not sent'));
  }

  async markRead(message: IncomingMessage): Promise<void> {
    const socket = this.deps.socket();
    if (!socket) return;
    let key: WAMessageKey = { remoteJid: message.chat, id: message.id, fromMe: false };
    try {
      key = parseRawMessage(message.raw).key;
    } catch {
      // The key rebuilt from the message is enough outside groups.
    }
    await socket.readMessages([key]).catch((error: unknown) => this.deps.log.debug({ err: describeError(error) }, 'read receipt not sent'));
  }

  /** Checks a later send failure (the server's ack arrives after sendMessage returned) for the 463 signal. */
  noticeUpdates(updates: readonly WAMessageUpdate[]): void {
    for (const { key, update } of updates) {
      if (!key.fromMe || update.status !== proto.WebMessageInfo.Status.ERROR) continue;
      if (String(update.messageStubParameters?.[0]) !== String(RESTRICTED)) continue;
      this.deps.log.error({ messageId: key.id, jid: key.remoteJid }, 'WhatsApp refused a sent message: account restricted (463)');
      this.deps.onRestricted({ status: RESTRICTED, messageId: key.id });
    }
  }

  async #send(chat: string, what: string, content: AnyMessageContent): Promise<void> {
    if (typeof chat !== 'string' || !CHAT_JID.test(chat)) throw new SendError(`"${String(chat)}" is not a WhatsApp chat address (a JID such as 919876543210@s.whatsapp.net)`, 'rejected');
    const socket = this.deps.socket();
    if (!socket) throw new SendError(`WhatsApp is not connected: the ${what} was not sent`, 'retryable');
    try {
      await socket.sendMessage(chat, content);
    } catch (error) {
      const failure = toSendError(error, what);
      if (failure.kind === 'banned') {
        this.deps.log.error({ jid: chat }, 'WhatsApp refused a send: account restricted (463)');
        this.deps.onRestricted({ status: RESTRICTED });
      }
      throw failure;
    }
  }
}

export function toSendError(error: unknown, what: string): SendError {
  const boom = (error as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode;
  const plain = (error as { status?: unknown } | undefined)?.status;
  const status = typeof boom === 'number' ? boom : typeof plain === 'number' ? plain : undefined;
  const reason = describeError(error);
  if (status === RESTRICTED) return new SendError(`WhatsApp refused the ${what}: the account is restricted (463)`, 'banned', status);
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 428 && status !== 429) {
    return new SendError(`WhatsApp refused the ${what} (${status}): ${reason}`, 'rejected', status);
  }
  return new SendError(`the ${what} could not be sent${status ? ` (${status})` : ''}: ${reason}`, 'retryable', status);
}
