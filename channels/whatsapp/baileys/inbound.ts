// Baileys' messages turned into the transport's IncomingMessage: who wrote (chat JID for replies, phone number when
// WhatsApp tells it), what kind of content, and the original message as JSON to keep in the store.
import {
  BufferJSON,
  getContentType,
  isHostedPnUser,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isPnUser,
  jidDecode,
  normalizeMessageContent,
  proto,
  toNumber,
} from '@whiskeysockets/baileys';
import type { WAMessage } from '@whiskeysockets/baileys';
import type { IncomingMessage, MessageContent } from '../transport.ts';

export interface InboundOptions {
  /** Answer group chats too; off by default. */
  readonly groups: boolean;
}

export type InboundResult =
  | { readonly accepted: true; readonly message: IncomingMessage }
  | { readonly accepted: false; readonly reason: string };

const CIPHERTEXT = proto.WebMessageInfo.StubType.CIPHERTEXT;

/** Message types that carry no customer content: WhatsApp's own bookkeeping (deletes, edits, key shares, history). */
const SYSTEM_TYPES = new Set(['protocolMessage', 'senderKeyDistributionMessage', 'messageContextInfo']);

export function toIncomingMessage(msg: WAMessage, options: InboundOptions, now: () => number = Date.now): InboundResult {
  const key = msg.key;
  const chat = key?.remoteJid;
  if (!chat || !key.id) return { accepted: false, reason: 'no message key' };
  if (key.fromMe) return { accepted: false, reason: 'sent by this account' };
  // status@broadcast (stories), broadcast lists and channels are not conversations with a customer.
  if (isJidBroadcast(chat)) return { accepted: false, reason: 'broadcast' };
  if (isJidNewsletter(chat)) return { accepted: false, reason: 'newsletter' };
  const group = isJidGroup(chat) === true;
  if (group && !options.groups) return { accepted: false, reason: 'group chat' };

  const content = contentOf(msg);
  if (content === undefined) return { accepted: false, reason: 'no customer content' };

  const seconds = msg.messageTimestamp === null || msg.messageTimestamp === undefined ? 0 : toNumber(msg.messageTimestamp);
  const phone = group ? phoneOf(key.participant, key.participantAlt) : phoneOf(chat, key.remoteJidAlt);
  return {
    accepted: true,
    message: {
      transport: 'baileys',
      id: key.id,
      chat,
      ...(phone ? { phone } : {}),
      ...(msg.pushName ? { pushName: msg.pushName } : {}),
      timestamp: seconds > 0 ? seconds : Math.floor(now() / 1000),
      content,
      raw: JSON.stringify(msg, BufferJSON.replacer),
    },
  };
}

function contentOf(msg: WAMessage): MessageContent | undefined {
  if (!msg.message) {
    // Baileys could not decrypt it yet; the sender's phone resends it under the same key.
    if (msg.messageStubType === CIPHERTEXT) return { kind: 'pending', reason: String(msg.messageStubParameters?.[0] ?? 'not decrypted yet') };
    return undefined; // other stubs are chat events (group changes, calls), not messages
  }
  const inner = normalizeMessageContent(msg.message);
  const type = getContentType(inner);
  if (!inner || !type || SYSTEM_TYPES.has(type)) return undefined;
  switch (type) {
    case 'conversation':
      return { kind: 'text', text: inner.conversation ?? '' };
    case 'extendedTextMessage':
      return { kind: 'text', text: inner.extendedTextMessage?.text ?? '' };
    case 'audioMessage': {
      const audio = inner.audioMessage!;
      return {
        kind: 'audio',
        mimeType: audio.mimetype || 'audio/ogg; codecs=opus',
        ptt: audio.ptt === true,
        ...(typeof audio.seconds === 'number' && audio.seconds > 0 ? { seconds: audio.seconds } : {}),
      };
    }
    default:
      return { kind: 'unsupported', type };
  }
}

/** E.164 from whichever of the two addresses is a phone-number JID; LID-only senders have none. */
function phoneOf(...jids: Array<string | null | undefined>): string | undefined {
  for (const jid of jids) {
    if (!jid || !(isPnUser(jid) || isHostedPnUser(jid))) continue;
    const user = jidDecode(jid)?.user;
    if (user && /^\d{6,15}$/.test(user)) return `+${user}`;
  }
  return undefined;
}

/** The Baileys message kept in `raw`, with its binary fields as bytes again. */
export function parseRawMessage(raw: string): WAMessage {
  const parsed = JSON.parse(raw, BufferJSON.reviver) as WAMessage;
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.key !== 'object' || parsed.key === null) {
    throw new Error('not a Baileys message: it has no key');
  }
  // Protobuf's JSON form carries bytes as base64 and enums as names: fromObject turns them back.
  return parsed.message ? { ...parsed, message: proto.Message.fromObject(parsed.message) } : parsed;
}
