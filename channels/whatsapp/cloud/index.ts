// The official WhatsApp Cloud API transport: Meta calls our webhook with customers' messages, and we answer through
// the Graph API. Only this folder knows the Cloud API; the shared WhatsApp layer sees a WhatsAppTransport.
import type { ChannelHttp, Logger } from '../../../src/core/channel.ts';
import type { Store } from '../../../src/core/store.ts';
import type { TransportSink, WhatsAppTransport } from '../transport.ts';
import { CloudTransport, type TemplateMessage } from './cloud-transport.ts';
import { GraphClient, normaliseApiUrl } from './graph-client.ts';
import { ServiceWindow } from './service-window.ts';
import { notificationRoute, verificationRoute, WEBHOOK_PATH } from './webhook-routes.ts';

export { WEBHOOK_PATH } from './webhook-routes.ts';
export { windowKey, WINDOW_MS } from './service-window.ts';
export { MAX_TEXT_CHARS } from './cloud-transport.ts';
export type { TemplateMessage } from './cloud-transport.ts';
export type { CloudRawMessage } from './webhook-messages.ts';

export const DEFAULT_API_URL = 'https://graph.facebook.com/v23.0';
/** Voice notes are small; this leaves room for long ones and nothing silly (WhatsApp's own audio limit is 16 MB). */
export const DEFAULT_MAX_MEDIA_BYTES = 16 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 15_000;
const TOKEN_ALERT_INTERVAL_MS = 15 * 60 * 1000;

export interface CloudTransportOptions {
  /** A system-user access token with whatsapp_business_messaging. Never logged. */
  readonly token: string;
  /** The Meta app's secret, which signs webhooks (X-Hub-Signature-256). */
  readonly appSecret: string;
  /** The string typed into the app dashboard's webhook settings, echoed in the subscription handshake. */
  readonly verifyToken: string;
  /** The business number's id (digits), from the app dashboard; not the phone number itself. */
  readonly phoneNumberId: string;
  /** Graph API base, such as https://graph.facebook.com/v23.0; a path prefix (a proxy) is kept. */
  readonly apiUrl?: string;
  readonly store: Store;
  readonly log: Logger;
  /** Largest inbound media downloaded. */
  readonly maxMediaBytes?: number;
  /** Per request to Meta, including reading the body. */
  readonly timeoutMs?: number;
}

export interface CloudTransportHandle {
  readonly transport: WhatsAppTransport;
  /** Registers GET and POST /whatsapp/webhook; inbound messages go to `sink`. Call once. */
  register(http: ChannelHttp, sink: TransportSink): void;
  /** Sends an approved template, the one kind of message allowed outside the 24-hour window. Returns Meta's message id. */
  sendTemplate(chat: string, template: TemplateMessage): Promise<string>;
  /** Whether free-form messages can reach this chat now (the customer wrote within 24 hours). */
  isWindowOpen(chat: string): Promise<boolean>;
  /** Stops taking notifications (a drain): Meta gets 503 and redelivers later, to whichever instance answers. */
  stop(): void;
}

export function createCloudTransport(options: CloudTransportOptions): CloudTransportHandle {
  for (const name of ['token', 'appSecret', 'verifyToken', 'phoneNumberId'] as const) {
    if (!options[name]?.trim()) throw new Error(`the WhatsApp Cloud transport needs ${name}`);
  }
  if (!/^\d+$/.test(options.phoneNumberId)) throw new Error('the WhatsApp Cloud phoneNumberId is the numeric id from the app dashboard');
  const apiUrl = normaliseApiUrl(options.apiUrl ?? DEFAULT_API_URL);
  const log = options.log.child({ transport: 'whatsapp-cloud' });
  let sink: TransportSink | undefined;
  let accepting = true;
  let lastTokenAlertAt = Number.NEGATIVE_INFINITY;

  const graph = new GraphClient({
    token: options.token,
    apiUrl,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    onAuthFailure(detail) {
      log.error(detail, 'Meta refused the WhatsApp Cloud access token: renew it or check its permissions');
      // Every request fails the same way until someone acts: one alert per quarter hour is enough to wake them.
      if (Date.now() - lastTokenAlertAt < TOKEN_ALERT_INTERVAL_MS) return;
      lastTokenAlertAt = Date.now();
      sink?.alert('cloud_token_refused', { ...detail });
    },
  });
  const window = new ServiceWindow(options.store);
  const transport = new CloudTransport({
    graph,
    phoneNumberId: options.phoneNumberId,
    window,
    log,
    maxMediaBytes: options.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES,
  });

  return {
    transport,
    register(http, givenSink) {
      if (sink) throw new Error('the WhatsApp Cloud webhook is already registered');
      sink = givenSink;
      http.route('GET', WEBHOOK_PATH, verificationRoute(options.verifyToken, log));
      http.route('POST', WEBHOOK_PATH, notificationRoute({ appSecret: options.appSecret, phoneNumberId: options.phoneNumberId, log, window, transport, sink: givenSink, isAccepting: () => accepting }));
    },
    sendTemplate: (chat, template) => transport.sendTemplate(chat, template),
    isWindowOpen: (chat) => window.isOpen(chat),
    stop() {
      accepting = false;
    },
  };
}
