// The WhatsApp channel: chat and voice notes through Baileys (a number linked like WhatsApp Web) and/or the official
// Cloud API (webhooks and the Graph API). Both feed the same inbox and per-chat conversations; each chat is answered
// through the transport it came from. Only the transport folders know their vendor.
import type { Channel, ChannelContext } from '../../src/core/channel.ts';
import type { Store } from '../../src/core/store.ts';
import { VoiceNoteCodec } from '../../src/audio/voice-note-codec.ts';
import { createHandoffWebhook } from '../handoff-webhook.ts';
import { createAlerts } from './alerts.ts';
import { createBaileysTransport, type BaileysTransport, type SocketFactory } from './baileys/index.ts';
import { WHATSAPP_CAPABILITIES } from './chat-connection.ts';
import { Chats, type ChatSettings } from './chats.ts';
import { createCloudTransport, type CloudTransportHandle } from './cloud/index.ts';
import { Inbox } from './inbox.ts';
import { Outbox } from './outbox.ts';
import { registerPairingRoutes } from './pairing-routes.ts';
import type { WhatsAppTransport } from './transport.ts';

export interface WhatsAppChannelOptions {
  readonly chats: Omit<ChatSettings, 'conversationTtlMs'> & { readonly conversationTtlMs?: number };
  /** Shortest gap between two messages to one chat. */
  readonly sendIntervalMs: number;
  /** How long inbound messages are kept (personal data). */
  readonly retentionMs: number;
  readonly alertWebhookUrl?: string;
  /** HUMAN_HANDOFF_WEBHOOK_URL: chats handed to a person are announced there, and their later messages forwarded. */
  readonly handoffWebhookUrl?: string;
  readonly adminToken?: string;
  readonly baileys?: {
    /** Names the auth state and lease in the store. */
    readonly account: string;
    readonly number?: string;
    readonly groups: boolean;
    readonly socketFactory?: SocketFactory;
    readonly print?: ((text: string) => void) | null;
  };
  readonly cloud?: {
    readonly token: string;
    readonly appSecret: string;
    readonly verifyToken: string;
    readonly phoneNumberId: string;
    readonly apiUrl?: string;
    /** Sent when a reply falls outside the 24-hour window. */
    readonly template?: { readonly name: string; readonly language: string };
  };
  /** Messages a stopped instance stored but did not handle are taken up once they are this old. */
  readonly recoverAfterMs?: number;
}

/** WhatsApp's customer service window: a chat keeps its conversation this long after its last message. */
const SERVICE_WINDOW_MS = 24 * 3600 * 1000;
/** How long stopping waits for answers still being prepared. */
const STOP_WAIT_MS = 15_000;

export function createWhatsAppChannel(options: WhatsAppChannelOptions): Channel {
  let baileys: BaileysTransport | undefined;
  let cloud: CloudTransportHandle | undefined;
  let codec: VoiceNoteCodec | undefined;
  let recovery: NodeJS.Timeout | undefined;
  let chats: Chats | undefined;

  return {
    name: 'whatsapp',
    capabilities: WHATSAPP_CAPABILITIES,
    async start(context: ChannelContext) {
      const log = context.log.child({ channel: 'whatsapp' });
      const alert = createAlerts({ log, ...(options.alertWebhookUrl ? { webhookUrl: options.alertWebhookUrl } : {}) });
      codec = new VoiceNoteCodec();
      const template = options.cloud?.template;
      const outbox = new Outbox({
        intervalMs: options.sendIntervalMs,
        alert,
        log,
        ...(template ? { onWindowClosed: (transport, chat) => sendTemplateOnce(context.store, cloud, transport, chat, template) } : {}),
      });
      const router = new Chats({
        context,
        inbox: new Inbox(context.store, { retentionMs: options.retentionMs }),
        outbox,
        codec,
        settings: { conversationTtlMs: SERVICE_WINDOW_MS, ...options.chats },
        log,
        alert,
        ...(options.handoffWebhookUrl ? { handoff: createHandoffWebhook(options.handoffWebhookUrl, log) } : {}),
      });

      chats = router;
      context.registerMessenger?.('whatsapp', (to, text) => router.sendTo(to, text));
      if (options.cloud) {
        cloud = createCloudTransport({ ...options.cloud, store: context.store, log });
        cloud.register(context.http, router.sink(cloud.transport));
        log.info({ phoneNumberId: options.cloud.phoneNumberId }, 'WhatsApp Cloud API webhook at /whatsapp/webhook');
      }
      if (options.baileys) {
        const { socketFactory, print, ...settings } = options.baileys;
        baileys = createBaileysTransport({
          ...settings,
          store: context.store,
          log,
          ...(socketFactory ? { socketFactory } : {}),
          ...(print !== undefined ? { print } : {}),
        });
        registerPairingRoutes(context.http, baileys, options.adminToken);
        // Not awaited past the lease: another instance may own the number, and this one waits its turn.
        // Only the instance linked to the number may answer its stored messages.
        const linked = baileys;
        await baileys.start(router.sink(baileys.transport, () => linked.pairing().status === 'connected'));
      }
      const recoverAfterMs = options.recoverAfterMs ?? 60_000;
      // Every so often, not only at start: a message can also be left behind by a conversation that would not take it.
      recovery = setInterval(() => {
        router.recover(recoverAfterMs).then(
          (count) => count > 0 && log.warn({ count }, 'whatsapp: messages stored but never handled were taken up again'),
          (error: unknown) => log.error({ err: String(error) }, 'whatsapp: recovery of unhandled messages failed'),
        );
      }, recoverAfterMs);
      recovery.unref();
    },
    async stop() {
      clearInterval(recovery);
      // Two steps: quiet chats close now and busy ones after their answer, which still needs the socket and the
      // codec; only then do the transports stop.
      chats?.closeAll();
      await chats?.whenClosed(STOP_WAIT_MS);
      await Promise.all([baileys?.stop(), cloud?.stop()]);
      await codec?.close();
    },
  };
}

/** One template per chat and window, however many replies missed it (a voice note and its text are two). */
async function sendTemplateOnce(store: Store, cloud: CloudTransportHandle | undefined, transport: WhatsAppTransport, chat: string, template: { name: string; language: string }): Promise<void> {
  if (!cloud || transport !== cloud.transport) return;
  if (!(await store.set(`whatsapp:cloud:template-sent:${chat}`, '1', { onlyIfAbsent: true, ttlMs: SERVICE_WINDOW_MS }))) return;
  await cloud.sendTemplate(chat, template);
}
