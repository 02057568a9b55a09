// Composition: config -> store -> model -> agent -> conversations -> channels -> HTTP server. main.ts runs it;
// tests and benchmarks start it in-process with their own store or model.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Channel, Logger, Messenger } from './core/channel.ts';
import type { RealtimeModel } from './core/model.ts';
import type { Store } from './core/store.ts';
import type { Config } from './config.ts';
import { teamTools, type Agent } from './agent/agent.ts';
import { createLogger } from './log.ts';
import { describeError } from './errors.ts';
import { initAudio } from './audio/resampler.ts';
import { initI18n, t } from './i18n/i18n.ts';
import { initVad } from './audio/vad.ts';
import { createStore } from './store/index.ts';
import { createModels, type Models } from './models/index.ts';
import { defaultAgent } from './agent/default-agent.ts';
import { GatewayMetrics } from './analytics/metrics.ts';
import { AnalyticsStore } from './analytics/analytics-store.ts';
import { ANALYTICS_GROUP, ANALYTICS_QUEUE, AnalyticsJob, enqueueAnalytics } from './analytics/analytics-job.ts';
import { textModelFromConfig } from './analytics/analysis/text-model.ts';
import { JobWorker } from './analytics/job-worker.ts';
import { ConversationManager } from './conversation/manager.ts';
import { createHttpServer } from './http/server.ts';
import { registerHealthRoutes } from './http/health-routes.ts';
import { loadHttpTools } from './agent/http-tools/index.ts';
import { registerDemoBookingApi } from './demo/booking-api.ts';
import { registerAdminRoutes } from './http/admin-routes.ts';
import { registerDashboard } from './http/dashboard/dashboard-routes.ts';
import { ConversationRecords } from './conversation/records.ts';
import { AuditLog } from './compliance/audit.ts';
import { ConsentStore } from './compliance/consent.ts';
import { Erasure } from './compliance/erasure.ts';
import { Pseudonyms } from './compliance/pseudonyms.ts';
import { RetentionSweeper } from './compliance/retention.ts';
import { redactPii } from './compliance/redact.ts';
import { createChannels } from '../channels/index.ts';

export interface GatewayOverrides {
  readonly log?: Logger;
  readonly store?: Store;
  readonly model?: RealtimeModel;
  /** The local fallback for an injected cloud `model` (tests of fallback). */
  readonly fallbackModel?: RealtimeModel;
  /** Replaces the default agent (tests of slow tools). */
  readonly agent?: Agent;
  /** Replaces the configured channels (tests inject fakes of vendor REST calls this way). */
  readonly channels?: readonly Channel[];
  /** What `${NAME}` in TOOLS_FILE refers to (main.ts passes the process environment). */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

export interface Gateway {
  readonly port: number;
  readonly url: string;
  readonly store: Store;
  readonly metrics: GatewayMetrics;
  readonly conversations: ConversationManager;
  /** Stops accepting, lets live conversations finish for up to `drainMs`, ends the rest, closes everything. */
  shutdown(drainMs?: number): Promise<void>;
}

export async function startGateway(config: Config, overrides: GatewayOverrides = {}): Promise<Gateway> {
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  await Promise.all([initAudio(), initI18n(), initVad()]);
  const store = overrides.store ?? (await createStore({ redisUrl: config.REDIS_URL, logger: log }));
  const models: Models = overrides.model
    ? { primary: overrides.model, ...(overrides.fallbackModel ? { fallback: overrides.fallbackModel } : {}) }
    : await createModels(config, log);
  const model = models.primary;
  const metrics = new GatewayMetrics({ defaultMetrics: true });
  const compliance = createCompliance(config, store, log);
  // Tools declared in TOOLS_FILE; paths in it resolve against this gateway's own URL, known once it listens.
  let selfUrl = '';
  const builtInTools = teamTools(defaultAgent()).map((tool) => tool.name);
  const httpTools = config.TOOLS_FILE
    ? await loadHttpTools(config.TOOLS_FILE, overrides.environment ?? {}, { reservedNames: builtInTools, baseUrl: () => selfUrl, log })
    : [];
  // Channels that can message a customer outside a conversation register here (a WhatsApp follow-up after a call).
  const messengers = new Map<string, Messenger>();
  const conversations = new ConversationManager({
    messaging: (channel) => messengers.get(channel),
    // Analysed by whichever instance's worker takes the job: the record and transcript are final by now.
    onConversationEnded: (conversationId) =>
      void enqueueAnalytics(store, conversationId).catch((error: unknown) => log.error({ conversationId, err: describeError(error) }, 'analytics job could not be queued')),
    records: compliance.records,
    compliance: {
      audit: compliance.audit,
      consent: compliance.consent,
      recording: config.RECORDING_ENABLED,
      noticeVersion: config.CONSENT_NOTICE_VERSION,
      purpose: `customer service for ${config.BUSINESS_NAME} by an AI assistant`,
    },
    enabledLocales: config.LOCALES,
    ...(config.REDACT_MODEL_INPUT ? { redactModelInput: (text: string, locale: string) => redactPii(text, { locale }).text } : {}),
    model,
    ...(models.fallback ? { fallbackModel: models.fallback } : {}),
    agent: overrides.agent ?? defaultAgent({ businessName: config.BUSINESS_NAME, extraTools: httpTools }),
    store,
    log,
    metrics,
    defaultLocale: config.DEFAULT_LOCALE,
    translate: t,
    settings: {
      businessName: config.BUSINESS_NAME,
      maxDurationMs: config.MAX_CONVERSATION_S * 1000,
      maxModelSessionMs: config.MODEL_SESSION_MAX_S * 1000,
      toolCallsPerTurn: config.TOOL_CALLS_PER_TURN,
      toolCallsPerConversation: config.TOOL_CALLS_PER_CONVERSATION,
      toolFillerMs: config.TOOL_FILLER_MS,
      ...(config.HUMAN_TRANSFER_NUMBER ? { transferNumber: config.HUMAN_TRANSFER_NUMBER } : {}),
    },
  });

  let draining = false;
  const server = createHttpServer({
    log,
    ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
    trustedProxies: config.TRUSTED_PROXIES,
    observeInbound: (ms) => metrics.observeLatency('in', ms),
  });
  registerHealthRoutes(server.http, { store, metrics, draining: () => draining, log });
  if (config.DEMO_BOOKING_API) registerDemoBookingApi(server.http, { store, log });
  const erasure = new Erasure({
    store,
    records: compliance.records,
    consent: compliance.consent,
    audit: compliance.audit,
    endLiveConversations: (subject) =>
      conversations.endConversationsOf(subject, (a, b) => compliance.pseudonyms.subject(a) === compliance.pseudonyms.subject(b), 'erased'),
  });
  registerAdminRoutes(server.http, {
    adminToken: config.ADMIN_TOKEN,
    records: compliance.records,
    consent: compliance.consent,
    audit: compliance.audit,
    erasure,
    analytics: compliance.analytics,
    // A record still 'live' long after any conversation could last belongs to an instance that died mid-call.
    liveMaxAgeMs: config.MAX_CONVERSATION_S * 1000 + 60_000,
    log,
  });
  registerDashboard(server.http, { adminToken: config.ADMIN_TOKEN });
  const analyticsWorker = startAnalyticsWorker(config, store, compliance, metrics, log);
  compliance.retention.start();

  const channels = overrides.channels ?? createChannels(config);
  for (const channel of channels) {
    await channel.start({
      http: server.http,
      store,
      log,
      prepareConversation: (request) => conversations.prepare(request),
      accept: (connection) => conversations.accept(connection),
      translate: t,
      registerMessenger: (name, messenger) => void messengers.set(name, messenger),
      countFrames: (name, direction, frames) => metrics.frames.labels(name, direction).inc(frames),
    });
  }

  const port = await server.listen(config.PORT, config.HOST);
  const host = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;
  selfUrl = `http://${host}:${port}`;
  log.info({ port, model: model.name, store: store.kind, channels: channels.map((channel) => channel.name) }, 'gateway listening');

  return {
    port,
    url: `http://${host}:${port}`,
    store,
    metrics,
    conversations,
    async shutdown(drainMs = config.DRAIN_TIMEOUT_MS) {
      if (draining) return;
      draining = true;
      await server.stopAccepting();
      await Promise.all(channels.map((channel) => channel.stop()));
      await conversations.drain(drainMs);
      await analyticsWorker?.stop(); // jobs still queued are taken by another instance, or this one's next start
      compliance.retention.stop();
      await server.close();
      if (!overrides.model) await Promise.all([model.close?.(), models.fallback?.close?.()]);
      if (!overrides.store) await store.close();
      log.info({}, 'gateway stopped');
    },
  };
}

const DAY_MS = 86_400_000;

/** The audit trail, consent records, redacting records with a subject index, and retention. */
function createCompliance(config: Config, store: Store, log: Logger) {
  const secret = config.AUDIT_SECRET ?? config.ADMIN_TOKEN;
  if (!secret && store.kind === 'redis') {
    log.warn({}, 'AUDIT_SECRET is not set: customer pseudonyms change at every restart, so erasure cannot find older conversations');
  }
  const pseudonyms = new Pseudonyms(secret ?? randomBytes(32).toString('hex'));
  const audit = new AuditLog(store, { pseudonyms, retentionMs: config.RETENTION_AUDIT_DAYS * DAY_MS });
  const consent = new ConsentStore(store, { audit, ttlMs: config.RETENTION_AUDIT_DAYS * DAY_MS });
  const records = new ConversationRecords(store, {
    pseudonyms,
    audit,
    redact: (text, locale) => redactPii(text, locale ? { locale } : {}),
    transcriptTtlMs: config.RETENTION_TRANSCRIPT_DAYS * DAY_MS,
    recordTtlMs: config.RETENTION_TRANSCRIPT_DAYS * DAY_MS,
    otherDataTtlMs: config.RETENTION_ANALYTICS_DAYS * DAY_MS,
  });
  const retention = new RetentionSweeper({ audit, auditRetentionMs: config.RETENTION_AUDIT_DAYS * DAY_MS, log });
  const analytics = new AnalyticsStore(store, { ttlMs: config.RETENTION_ANALYTICS_DAYS * DAY_MS });
  return { pseudonyms, audit, consent, records, retention, analytics };
}

/** The worker that analyses ended conversations, unless ANALYTICS_WORKERS=0 leaves that to other instances. */
function startAnalyticsWorker(config: Config, store: Store, compliance: ReturnType<typeof createCompliance>, metrics: GatewayMetrics, log: Logger): JobWorker | undefined {
  if (config.ANALYTICS_WORKERS === 0) {
    if (store.kind === 'memory') log.warn({}, 'ANALYTICS_WORKERS=0 with the memory store: nothing will analyse ended conversations (another instance can only help through Redis)');
    return undefined;
  }
  const textModel = textModelFromConfig(config, log);
  const redact = (text: string, locale: string) => redactPii(text, { locale }).text;
  const job = new AnalyticsJob({ records: compliance.records, analytics: compliance.analytics, metrics, log, analysis: textModel ? { textModel, redact } : {} });
  const worker = new JobWorker({
    store,
    queue: ANALYTICS_QUEUE,
    group: ANALYTICS_GROUP,
    consumer: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    handle: job.handle,
    concurrency: config.ANALYTICS_WORKERS,
    // A queued job names a conversation: once analysed it leaves the queue, so erasure leaves no id behind.
    removeWhenDone: true,
    // Short waits for work: shutdown waits for the claim under way, and an idle poll twice a second costs nothing.
    blockMs: 500,
    log,
  });
  worker.start();
  return worker;
}
