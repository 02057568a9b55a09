// The two webhook routes Meta calls. GET answers the subscription handshake. POST carries notifications: the
// signature is checked over the raw bytes before anything is parsed, each message is handed to the sink and awaited
// (it resolves once the message is stored), and only then does Meta get its 200. Anything else makes Meta retry
// later, which is what we want when the store is down; the sink deduplicates redeliveries by message id.
import type { HttpReply, HttpRequest, Logger } from '../../../src/core/channel.ts';
import type { IncomingMessage, TransportSink } from '../transport.ts';
import type { CloudTransport } from './cloud-transport.ts';
import type { ServiceWindow } from './service-window.ts';
import { toIncomingMessage } from './webhook-messages.ts';
import { describeIssues, messageSchema, messagesValueSchema, notificationSchema, type MessagesValue, type WebhookStatus } from './webhook-schema.ts';
import { sameSecret, SIGNATURE_HEADER, verifySignature } from './webhook-signature.ts';

export const WEBHOOK_PATH = '/whatsapp/webhook';

type Handler = (request: HttpRequest) => Promise<HttpReply>;

export function verificationRoute(verifyToken: string, log: Logger): Handler {
  return async (request) => {
    const { 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge } = request.query;
    if (mode !== 'subscribe' || token === undefined || !sameSecret(token, verifyToken)) {
      log.warn({ remoteAddress: request.remoteAddress, mode }, 'refused webhook verification: wrong mode or verify token');
      return text(403, 'verification refused');
    }
    if (!challenge) return text(400, 'hub.challenge is required');
    log.info({}, 'webhook subscription verified');
    return text(200, challenge);
  };
}

export interface NotificationDeps {
  readonly appSecret: string;
  readonly phoneNumberId: string;
  readonly log: Logger;
  readonly window: ServiceWindow;
  readonly transport: CloudTransport;
  readonly sink: TransportSink;
  /** False once the channel is stopping. */
  readonly isAccepting: () => boolean;
}

export function notificationRoute(deps: NotificationDeps): Handler {
  const { log } = deps;
  return async (request) => {
    const verdict = verifySignature(deps.appSecret, request.headers[SIGNATURE_HEADER], request.rawBody);
    if (verdict !== 'valid') {
      log.warn({ remoteAddress: request.remoteAddress, reason: `${verdict}-signature` }, 'refused webhook: X-Hub-Signature-256 does not prove it came from Meta');
      return text(403, 'invalid X-Hub-Signature-256');
    }

    // After the signature, so that strangers cannot tell a draining instance from a working one.
    if (!deps.isAccepting()) return text(503, 'not accepting notifications, retry later');

    const parsed = parseNotification(request.rawBody, deps.phoneNumberId, log);
    if ('problem' in parsed) {
      log.warn({ remoteAddress: request.remoteAddress, problem: parsed.problem }, 'refused malformed webhook');
      return text(400, parsed.problem);
    }

    try {
      for (const value of parsed.values) await deliver(value, deps);
    } catch (error) {
      // Meta redelivers on anything but 2xx; messages already handed on come again and are deduplicated by id.
      log.error({ err: error }, 'could not hand a WhatsApp message on: answering 500 so that Meta retries');
      return text(500, 'not stored, retry later');
    }
    return text(200, 'ok');
  };
}

type ParsedNotification = { readonly values: readonly MessagesValue[] } | { readonly problem: string };

/** Validates the whole notification before acting on any of it, so a bad change cannot leave half a batch done. */
function parseNotification(rawBody: Uint8Array, phoneNumberId: string, log: Logger): ParsedNotification {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8'));
  } catch {
    return { problem: 'the body is not JSON' };
  }
  const notification = notificationSchema.safeParse(json);
  if (!notification.success) return { problem: `the body is not a WhatsApp notification: ${describeIssues(notification.error, 'body')}` };
  if (notification.data.object !== 'whatsapp_business_account') {
    log.info({ object: notification.data.object }, 'ignored a webhook for another kind of object');
    return { values: [] };
  }
  const values: MessagesValue[] = [];
  for (const [i, entry] of notification.data.entry.entries()) {
    for (const [j, change] of entry.changes.entries()) {
      if (change.field !== 'messages') {
        log.debug({ field: change.field }, 'ignored a webhook field this gateway does not use');
        continue;
      }
      const value = messagesValueSchema.safeParse(change.value);
      if (!value.success) return { problem: describeIssues(value.error, `entry[${i}].changes[${j}].value`) };
      // One app can serve several numbers; another number's messages are not ours to answer.
      if (value.data.metadata.phone_number_id !== phoneNumberId) {
        log.warn({ phoneNumberId: value.data.metadata.phone_number_id }, 'ignored a webhook for another phone number id');
        continue;
      }
      values.push(value.data);
    }
  }
  return { values };
}

async function deliver(value: MessagesValue, deps: NotificationDeps): Promise<void> {
  for (const status of value.statuses ?? []) logStatus(status, deps.log);
  for (const error of value.errors ?? []) {
    deps.log.warn({ code: error.code, title: error.title, details: error.error_data?.details }, 'Meta reported an error for this number');
  }
  const contacts = value.contacts ?? [];
  for (const [index, rawMessage] of (value.messages ?? []).entries()) {
    const parsed = messageSchema.safeParse(rawMessage);
    if (!parsed.success) {
      const malformed = malformedMessage(rawMessage);
      deps.log.warn({ index, problem: describeIssues(parsed.error, `messages[${index}]`), kept: malformed !== undefined }, 'a malformed WhatsApp message in a notification');
      // Kept and answered like any message we cannot read, when it says who sent it; the others in the batch go on.
      if (malformed) await deps.sink.receive(malformed);
      continue;
    }
    const message = parsed.data;
    const incoming = toIncomingMessage(message, contacts);
    // System notices (a customer changed number) are not the customer writing: they open no window.
    if (message.type !== 'system') await deps.window.recordInbound(incoming.chat, incoming.timestamp * 1000);
    deps.transport.noteInbound(incoming);
    if (incoming.content.kind === 'unsupported') deps.log.info({ type: message.type, messageId: message.id }, 'unsupported WhatsApp message type');
    await deps.sink.receive(incoming);
  }
}

function logStatus(status: WebhookStatus, log: Logger): void {
  if (status.status !== 'failed') {
    log.debug({ messageId: status.id, status: status.status }, 'WhatsApp message status');
    return;
  }
  const error = status.errors?.[0];
  log.warn(
    { messageId: status.id, phone: status.recipient_id, code: error?.code, title: error?.title, details: error?.error_data?.details },
    'WhatsApp could not deliver a message',
  );
}

function text(status: number, body: string): HttpReply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

/** A message that fails the schema but names its id and sender, as an unsupported message to keep and answer. */
function malformedMessage(raw: unknown): IncomingMessage | undefined {
  const fields = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const { id, from, type } = fields;
  if (typeof id !== 'string' || typeof from !== 'string' || !/^\d{6,15}$/.test(from)) return undefined;
  return {
    transport: 'cloud',
    id,
    chat: from,
    phone: `+${from}`,
    timestamp: Math.floor(Date.now() / 1000),
    content: { kind: 'unsupported', type: `malformed_${typeof type === 'string' ? type : 'message'}` },
    raw: JSON.stringify({ message: raw }),
  };
}
