// One webhook message, as the shared layer sees it. `raw` keeps Meta's message and the sender's contact entry as
// received: it is stored before anything else happens, and the media id of a voice note is read back from it, so a
// download still works after a restart.
import type { IncomingMessage, MessageContent } from '../transport.ts';
import type { WebhookContact, WebhookMessage } from './webhook-schema.ts';

/** What `raw` holds for a Cloud API message. */
export interface CloudRawMessage {
  readonly message: WebhookMessage;
  readonly contact?: WebhookContact;
}

export function toIncomingMessage(message: WebhookMessage, contacts: readonly WebhookContact[]): IncomingMessage {
  const contact = contactOf(message, contacts);
  // A customer who adopted a username may come without a phone number: their business-scoped id is the address then.
  const chat = message.from ?? message.from_user_id!;
  const raw: CloudRawMessage = contact ? { message, contact } : { message };
  return {
    transport: 'cloud',
    id: message.id,
    chat,
    phone: message.from === undefined ? undefined : `+${message.from}`,
    pushName: contact?.profile?.name || undefined,
    timestamp: message.timestamp,
    content: contentOf(message),
    raw: JSON.stringify(raw),
  };
}

function contentOf(message: WebhookMessage): MessageContent {
  if (message.type === 'text' && message.text) return { kind: 'text', text: message.text.body };
  if (message.type === 'audio' && message.audio) {
    return { kind: 'audio', mimeType: message.audio.mime_type, ptt: message.audio.voice === true };
  }
  return { kind: 'unsupported', type: message.type };
}

function contactOf(message: WebhookMessage, contacts: readonly WebhookContact[]): WebhookContact | undefined {
  const matching = contacts.find(
    (contact) =>
      (message.from !== undefined && contact.wa_id === message.from) ||
      (message.from_user_id !== undefined && contact.user_id === message.from_user_id),
  );
  // Meta sends one contact per notification in practice; take it when ids are missing rather than lose the name.
  return matching ?? (contacts.length === 1 ? contacts[0] : undefined);
}

/** The media id of an audio message, from its stored `raw`. */
export function mediaIdOf(message: IncomingMessage): string {
  if (message.transport !== 'cloud') throw new Error(`message ${message.id} came through ${message.transport}, not the Cloud API`);
  if (message.content.kind !== 'audio') throw new Error(`message ${message.id} is ${message.content.kind}, not audio`);
  let parsed: Partial<CloudRawMessage>;
  try {
    parsed = JSON.parse(message.raw) as Partial<CloudRawMessage>;
  } catch {
    throw new Error(`message ${message.id}: its raw JSON does not parse, so its media id is unknown`);
  }
  const id = parsed.message?.audio?.id;
  if (typeof id !== 'string' || id === '') throw new Error(`message ${message.id}: its raw JSON has no audio.id`);
  return id;
}
