// The provider setups evals run against: one real gateway each, on 127.0.0.1, with all three channels (phone,
// WhatsApp Cloud, widget) and the fakes of everything outside it: Twilio's REST API, Meta's Graph API, a help desk,
// and for the cloud setup the OpenAI Realtime fake behind a relay that makes it think for REPLY_DELAY_MS.
import { loadConfig } from '../src/config.ts';
import { startGateway, type Gateway } from '../src/gateway.ts';
import { silentLogger } from '../src/log.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import { createTwilioChannel } from '../channels/twilio/index.ts';
import { createWhatsAppChannel } from '../channels/whatsapp/index.ts';
import { whatsAppOptions } from '../channels/whatsapp/options-from-config.ts';
import { createWebChannel } from '../channels/web/index.ts';
import { webOptions } from '../channels/web/options-from-config.ts';
import { startFakeGraph, type FakeGraph } from '../test/fakes/whatsapp-graph-server.ts';
import { startHelpDesk, type FakeHelpDesk } from '../test/fakes/help-desk.ts';
import { startFakeOpenAIRealtime, type FakeOpenAIRealtime } from '../test/fakes/openai-realtime-server.ts';
import { startFakeTwilioRest, type FakeTwilioRest } from './fakes/twilio-rest.ts';
import { startReplyDelay, type ReplyDelay } from './fakes/reply-delay.ts';
import type { ProviderScript, SetupName } from './scenario.ts';

/** How long the cloud fake thinks before each answer: the figure turn latency is built on. */
export const REPLY_DELAY_MS = 300;
/** A WhatsApp chat with nothing new for this long ends (production: WHATSAPP_IDLE_S, at least 10 s). */
export const CHAT_IDLE_MS = 1500;

export const TWILIO_AUTH_TOKEN = 'eval-twilio-auth-token-0123456789';
export const TRANSFER_NUMBER = '+912240009999';
export const WHATSAPP = { token: 'EAAGevaltoken0123456789abcdef', appSecret: 'eval-app-secret-0123456789abcdef', phoneNumberId: '106540352200001' } as const;

/** A slot the OpenAI fake books: 11:00 on a business day two to three days ahead (the clinic is closed on Sundays). */
export function futureSlot(daysAhead = 2): string {
  const day = new Date(Date.now() + daysAhead * 86_400_000);
  if (day.getUTCDay() === 0) day.setUTCDate(day.getUTCDate() + 1);
  return `${day.toISOString().slice(0, 10)}T11:00`;
}

/** The cloud fake sends 10 chunks of 100 ms per answer, 5 ms apart: faster than real time, as a provider does. */
const FAKE_PACE = { chunks: 10, chunkMs: 100, chunkIntervalMs: 5 } as const;
const OPENAI_KEY = 'sk-fake-eval-0123456789abcdef';

export interface RunningSetup {
  readonly name: SetupName;
  readonly gateway: Gateway;
  readonly twilioRest: FakeTwilioRest;
  readonly graph: FakeGraph;
  readonly helpDesk: FakeHelpDesk;
  /** The cloud fake the current scenario talks to (cloud setups only). */
  readonly openai: FakeOpenAIRealtime | undefined;
  /** Starts a fresh cloud fake with a scenario's script and sends new sessions to it; nothing for the local setup. */
  script(options: ProviderScript): Promise<void>;
  /** What the table shows in its model column. */
  readonly model: string;
  stop(): Promise<void>;
}

export async function startSetup(name: SetupName): Promise<RunningSetup> {
  const [twilioRest, graph, helpDesk] = await Promise.all([
    startFakeTwilioRest(),
    startFakeGraph({ token: WHATSAPP.token, phoneNumberId: WHATSAPP.phoneNumberId }),
    startHelpDesk(),
  ]);
  // The gateway keeps one provider URL (the relay); each scenario gets a fresh fake with its own script behind it.
  let openai: FakeOpenAIRealtime | undefined;
  let relay: ReplyDelay | undefined;
  const provider: Record<string, string> = {};
  if (name === 'openai') {
    openai = await startFakeOpenAIRealtime({ ...FAKE_PACE, apiKey: OPENAI_KEY });
    relay = await startReplyDelay({ upstream: openai.url, delayMs: REPLY_DELAY_MS, startsAnswer: (message) => message.type === 'response.created' });
    Object.assign(provider, { OPENAI_API_KEY: OPENAI_KEY, OPENAI_REALTIME_URL: relay.url });
  }
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DRAIN_TIMEOUT_MS: '0',
    PHONE_LANGUAGE_MENU: 'false',
    // Analytics by the lexicons: no transcript leaves the machine, and a run never waits on a network.
    ANALYTICS_API_KEY: 'none',
    TWILIO_AUTH_TOKEN,
    HUMAN_TRANSFER_NUMBER: TRANSFER_NUMBER,
    HUMAN_HANDOFF_WEBHOOK_URL: helpDesk.url,
    WHATSAPP_CLOUD_TOKEN: WHATSAPP.token,
    WHATSAPP_CLOUD_APP_SECRET: WHATSAPP.appSecret,
    WHATSAPP_CLOUD_VERIFY_TOKEN: 'eval-verify-token',
    WHATSAPP_CLOUD_PHONE_NUMBER_ID: WHATSAPP.phoneNumberId,
    WHATSAPP_CLOUD_API_URL: graph.apiUrl,
    WHATSAPP_SEND_INTERVAL_MS: '0',
    ...provider,
  });
  const whatsapp = whatsAppOptions(config)!;
  const channels = [
    createTwilioChannel({ authToken: TWILIO_AUTH_TOKEN, accountSid: twilioRest.accountSid, defaultLocale: config.DEFAULT_LOCALE, transfer: twilioRest.transfer }),
    createWhatsAppChannel({ ...whatsapp, chats: { ...whatsapp.chats, idleMs: CHAT_IDLE_MS } }),
    createWebChannel(webOptions(config)),
  ];
  const gateway = await startGateway(config, { log: silentLogger, store: new MemoryStore(), channels });
  return {
    name,
    gateway,
    twilioRest,
    graph,
    helpDesk,
    get openai() {
      return openai;
    },
    async script(options) {
      if (!relay) return;
      const previous = openai;
      openai = await startFakeOpenAIRealtime({ ...FAKE_PACE, ...options, apiKey: OPENAI_KEY });
      relay.setUpstream(openai.url);
      await previous?.close();
    },
    model: name === 'openai' ? `openai fake +${REPLY_DELAY_MS}ms` : 'local',
    async stop() {
      await gateway.shutdown(0);
      await Promise.all([twilioRest.close(), graph.close(), helpDesk.close(), relay?.close(), openai?.close()]);
    },
  };
}
