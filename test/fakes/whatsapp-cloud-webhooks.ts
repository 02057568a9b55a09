// Webhooks as Meta sends them to a WhatsApp Cloud API app: the `messages` field payloads from Meta's webhook
// reference (text, voice note, image, status updates), and the POST itself, signed with X-Hub-Signature-256 over the
// exact bytes sent. Signing here uses node:crypto directly, not the gateway's code.
import { createHmac, randomBytes } from 'node:crypto';

export const BUSINESS_DISPLAY_NUMBER = '15550783881';

export interface Sender {
  /** The customer's number in digits, as `from` and `wa_id`; omitted for a customer known only by user id. */
  readonly phone?: string;
  /** The business-scoped user id Meta adds since April 2026, such as IN.1410018717833190. */
  readonly userId?: string;
  readonly name?: string;
}

export interface MessageBase {
  readonly phoneNumberId: string;
  readonly sender?: Sender;
  readonly id?: string;
  /** Seconds since the epoch; now unless given. */
  readonly timestamp?: number;
}

const DEFAULT_SENDER: Sender = { phone: '919812345678', name: 'Asha' };

export const wamid = (): string => `wamid.${randomBytes(24).toString('base64url')}`;

/** The envelope every `messages` notification shares. */
export function notification(phoneNumberId: string, value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: BUSINESS_DISPLAY_NUMBER, phone_number_id: phoneNumberId }, ...value },
            field: 'messages',
          },
        ],
      },
    ],
  };
}

/** A customer's message of any type: `payload` is the type's object, such as {text: {body}}. */
export function messageWebhook(base: MessageBase, type: string, payload: Record<string, unknown>): Record<string, unknown> {
  const sender = base.sender ?? DEFAULT_SENDER;
  const contact: Record<string, unknown> = { profile: { name: sender.name ?? '' } };
  if (sender.phone) contact.wa_id = sender.phone;
  if (sender.userId) contact.user_id = sender.userId;
  const message: Record<string, unknown> = {
    ...(sender.phone ? { from: sender.phone } : {}),
    ...(sender.userId ? { from_user_id: sender.userId } : {}),
    id: base.id ?? wamid(),
    timestamp: String(base.timestamp ?? Math.floor(Date.now() / 1000)),
    type,
    ...payload,
  };
  return notification(base.phoneNumberId, { contacts: [contact], messages: [message] });
}

export function textWebhook(base: MessageBase & { readonly body: string }): Record<string, unknown> {
  return messageWebhook(base, 'text', { text: { body: base.body } });
}

/** A voice note recorded in the app (`voice: true`), or an audio file sent as an attachment (`voice: false`). */
export function audioWebhook(base: MessageBase & { readonly mediaId: string; readonly voice?: boolean; readonly mimeType?: string }): Record<string, unknown> {
  return messageWebhook(base, 'audio', {
    audio: { mime_type: base.mimeType ?? 'audio/ogg; codecs=opus', sha256: randomBytes(32).toString('base64'), id: base.mediaId, voice: base.voice ?? true },
  });
}

export function imageWebhook(base: MessageBase & { readonly mediaId?: string; readonly caption?: string }): Record<string, unknown> {
  return messageWebhook(base, 'image', {
    image: { caption: base.caption ?? 'my bill', mime_type: 'image/jpeg', sha256: randomBytes(32).toString('base64'), id: base.mediaId ?? '1003383421387256' },
  });
}

/** A status update for a message the business sent; `failed` carries an error with a code. */
export function statusWebhook(options: {
  readonly phoneNumberId: string;
  readonly messageId?: string;
  readonly status: 'sent' | 'delivered' | 'read' | 'failed' | 'played';
  readonly recipient?: string;
  readonly errorCode?: number;
}): Record<string, unknown> {
  const recipient = options.recipient ?? DEFAULT_SENDER.phone!;
  const status: Record<string, unknown> = {
    id: options.messageId ?? wamid(),
    status: options.status,
    timestamp: String(Math.floor(Date.now() / 1000)),
    recipient_id: recipient,
  };
  if (options.status === 'failed') {
    const code = options.errorCode ?? 131047;
    status.errors = [{ code, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' }, href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/' }];
  } else {
    status.conversation = { id: randomBytes(16).toString('hex'), origin: { type: 'service' } };
    status.pricing = { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' };
  }
  return notification(options.phoneNumberId, { statuses: [status] });
}

/** The X-Hub-Signature-256 value Meta would send for these bytes. */
export function signBody(appSecret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

export interface PostWebhookOptions {
  /** Where the gateway listens, such as http://127.0.0.1:4321. */
  readonly baseUrl: string;
  readonly path?: string;
  /** An object is serialised; a string is sent byte for byte (malformed bodies). */
  readonly body: Record<string, unknown> | string;
  /** Signs like Meta when given. */
  readonly appSecret?: string;
  /** Overrides the header: null sends none, a string is sent as is. */
  readonly signature?: string | null;
}

export interface WebhookAnswer {
  readonly status: number;
  readonly body: string;
}

export async function postWebhook(options: PostWebhookOptions): Promise<WebhookAnswer> {
  const body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const signature = options.signature !== undefined ? options.signature : options.appSecret ? signBody(options.appSecret, body) : null;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const response = await fetch(new URL(options.path ?? '/whatsapp/webhook', options.baseUrl), { method: 'POST', headers, body });
  return { status: response.status, body: await response.text() };
}

/** The subscription handshake Meta performs when the webhook URL is saved in the app dashboard. */
export async function verifyWebhook(options: { readonly baseUrl: string; readonly mode?: string; readonly verifyToken?: string; readonly challenge?: string; readonly path?: string }): Promise<WebhookAnswer> {
  const url = new URL(options.path ?? '/whatsapp/webhook', options.baseUrl);
  if (options.mode !== undefined) url.searchParams.set('hub.mode', options.mode);
  if (options.verifyToken !== undefined) url.searchParams.set('hub.verify_token', options.verifyToken);
  if (options.challenge !== undefined) url.searchParams.set('hub.challenge', options.challenge);
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}
