// The Cloud API side of WhatsAppTransport: replies, voice notes, templates, read receipts and the typing indicator,
// all through POST /{phone-number-id}/messages (and /media for uploads). Free-form sends check the 24-hour window
// first; templates are the one thing allowed outside it.
import type { Logger } from '../../../src/core/channel.ts';
import { z } from 'zod';
import { SendError, type IncomingMessage, type OutgoingVoiceNote, type Presence, type WhatsAppTransport } from '../transport.ts';
import type { GraphClient } from './graph-client.ts';
import { downloadMedia } from './media-download.ts';
import type { ServiceWindow } from './service-window.ts';
import { mediaIdOf } from './webhook-messages.ts';

/** WhatsApp's limit on a text message body. */
export const MAX_TEXT_CHARS = 4096;
/** Meta's limit for audio media. */
export const MAX_AUDIO_UPLOAD_BYTES = 16 * 1024 * 1024;
/** Above this, the app shows a download arrow instead of a play button on a voice message. */
const PLAYABLE_VOICE_BYTES = 512 * 1024;
/** Chats whose last inbound message id is kept for the typing indicator; the oldest are forgotten first. */
const MAX_TRACKED_CHATS = 10_000;

const PHONE_DIGITS = /^\d{5,20}$/;
const USER_ID = /^[A-Za-z0-9._-]{1,160}$/;

const sendAnswerSchema = z.looseObject({ messages: z.array(z.looseObject({ id: z.string() })).min(1) });
const uploadAnswerSchema = z.looseObject({ id: z.string().min(1) });

export interface TemplateMessage {
  /** The approved template's name. */
  readonly name: string;
  /** The template's language as approved, such as en_US, hi or pt_BR (pt-BR is accepted too). */
  readonly language: string;
  /** Values for the body's {{1}}, {{2}}...: sent as text parameters, in order. */
  readonly parameters?: readonly string[];
}

export interface CloudTransportDeps {
  readonly graph: GraphClient;
  readonly phoneNumberId: string;
  readonly window: ServiceWindow;
  readonly log: Logger;
  readonly maxMediaBytes: number;
}

export class CloudTransport implements WhatsAppTransport {
  readonly name = 'cloud' as const;
  readonly #deps: CloudTransportDeps;
  // The typing indicator must name a message the customer sent; Meta has no indicator without one.
  readonly #lastInboundId = new Map<string, string>();

  constructor(deps: CloudTransportDeps) {
    this.#deps = deps;
  }

  /** Called for every inbound message before it is handed on. */
  noteInbound(message: IncomingMessage): void {
    this.#lastInboundId.delete(message.chat);
    this.#lastInboundId.set(message.chat, message.id);
    if (this.#lastInboundId.size > MAX_TRACKED_CHATS) {
      const oldest = this.#lastInboundId.keys().next().value;
      if (oldest !== undefined) this.#lastInboundId.delete(oldest);
    }
  }

  async downloadAudio(message: IncomingMessage): Promise<Uint8Array> {
    const media = await downloadMedia(this.#deps.graph, mediaIdOf(message), this.#deps.maxMediaBytes);
    return media.bytes;
  }

  async sendText(chat: string, text: string): Promise<void> {
    if (text.trim() === '') throw new SendError('an empty text message cannot be sent', 'rejected');
    if (text.length > MAX_TEXT_CHARS) {
      throw new SendError(`a text of ${text.length} characters is over WhatsApp's ${MAX_TEXT_CHARS}-character limit`, 'rejected');
    }
    const recipient = recipientOf(chat);
    await this.#deps.window.assertOpen(chat, 'text reply');
    await this.#send({ ...recipient, type: 'text', text: { body: text, preview_url: false } }, 'text reply', chat);
  }

  async sendVoiceNote(chat: string, note: OutgoingVoiceNote): Promise<void> {
    const recipient = recipientOf(chat);
    checkOgg(note.ogg);
    await this.#deps.window.assertOpen(chat, 'voice note');
    if (note.ogg.byteLength > PLAYABLE_VOICE_BYTES) {
      this.#deps.log.warn({ bytes: note.ogg.byteLength }, 'voice note over 512 KB: WhatsApp shows a download arrow, not a play button');
    }
    const mediaId = await this.#upload(note.ogg);
    // `voice: true` makes it a voice message (play button, voice icon, transcript) rather than an audio file.
    await this.#send({ ...recipient, type: 'audio', audio: { id: mediaId, voice: true } }, 'voice note', chat);
  }

  /** Sends an approved template: the one kind of message allowed outside the 24-hour window. Returns Meta's message id. */
  async sendTemplate(chat: string, template: TemplateMessage): Promise<string> {
    const recipient = recipientOf(chat);
    if (!/^[a-z0-9_]{1,512}$/.test(template.name)) {
      throw new SendError(`"${template.name}" is not a template name (lower-case letters, digits and underscores)`, 'rejected');
    }
    if (!/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/.test(template.language)) {
      throw new SendError(`"${template.language}" is not a template language code such as en_US or hi`, 'rejected');
    }
    const parameters = template.parameters ?? [];
    const body = {
      ...recipient,
      type: 'template',
      template: {
        name: template.name,
        language: { code: template.language.replace(/-/g, '_') },
        ...(parameters.length > 0 ? { components: [{ type: 'body', parameters: parameters.map((text) => ({ type: 'text', text })) }] } : {}),
      },
    };
    return this.#send(body, `template ${template.name}`, chat);
  }

  /**
   * 'composing' is the typing indicator, which Meta ties to a read receipt of the customer's last message and shows
   * for up to 25 seconds. The Cloud API has no recording indicator and no way to withdraw one, so 'recording' and
   * 'paused' do nothing.
   */
  async setPresence(chat: string, presence: Presence): Promise<void> {
    if (presence !== 'composing') return;
    const messageId = this.#lastInboundId.get(chat);
    if (messageId === undefined) {
      this.#deps.log.debug({ phone: chat }, 'no inbound message known for this chat: no typing indicator');
      return;
    }
    await this.#bestEffort('typing indicator', chat, { messaging_product: 'whatsapp', status: 'read', message_id: messageId, typing_indicator: { type: 'text' } });
  }

  async markRead(message: IncomingMessage): Promise<void> {
    await this.#bestEffort('read receipt', message.chat, { messaging_product: 'whatsapp', status: 'read', message_id: message.id });
  }

  async #bestEffort(what: string, chat: string, body: object): Promise<void> {
    try {
      await this.#deps.graph.postJson([this.#deps.phoneNumberId, 'messages'], body, what);
    } catch (error) {
      this.#deps.log.warn({ phone: chat, err: (error as Error).message }, `${what} failed`);
    }
  }

  async #send(message: object, what: string, chat: string): Promise<string> {
    const body = { messaging_product: 'whatsapp', recipient_type: 'individual', ...message };
    const answer = sendAnswerSchema.safeParse(await this.#deps.graph.postJson([this.#deps.phoneNumberId, 'messages'], body, what));
    const messageId = answer.success ? answer.data.messages[0]!.id : '';
    this.#deps.log.debug({ phone: chat, messageId }, `${what} accepted by Meta`);
    return messageId;
  }

  async #upload(ogg: Uint8Array): Promise<string> {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', 'audio/ogg');
    // A copy into a plain ArrayBuffer: Blob refuses views over a SharedArrayBuffer, and the caller keeps its array.
    form.set('file', new Blob([new Uint8Array(ogg)], { type: 'audio/ogg' }), 'voice-note.ogg');
    const answer = uploadAnswerSchema.safeParse(await this.#deps.graph.postForm([this.#deps.phoneNumberId, 'media'], form, 'voice note upload'));
    if (!answer.success) throw new SendError('voice note upload: Meta answered without a media id', 'retryable');
    return answer.data.id;
  }
}

/** Phone numbers go in `to`; customers known only by their business-scoped user id (usernames, 2026) in `recipient`. */
function recipientOf(chat: string): { to: string } | { recipient: string } {
  if (PHONE_DIGITS.test(chat)) return { to: chat };
  if (USER_ID.test(chat) && /[A-Za-z]/.test(chat)) return { recipient: chat };
  throw new SendError(`"${chat.slice(0, 40)}" is not a WhatsApp Cloud API chat (a phone number in digits or a user id)`, 'rejected');
}

function checkOgg(ogg: Uint8Array): void {
  const isOgg = ogg.byteLength > 4 && ogg[0] === 0x4f && ogg[1] === 0x67 && ogg[2] === 0x67 && ogg[3] === 0x53;
  if (!isOgg) throw new SendError('a voice note must be an Ogg/Opus file (it does not start with OggS)', 'rejected');
  if (ogg.byteLength > MAX_AUDIO_UPLOAD_BYTES) {
    throw new SendError(`a voice note of ${ogg.byteLength} bytes is over WhatsApp's 16 MB audio limit`, 'rejected');
  }
}
