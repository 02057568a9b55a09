// Creates and tracks every live conversation: reserves ids for phone webhooks and warms the model up meanwhile,
// accepts connections from channels, and drains on shutdown.
import { randomUUID } from 'node:crypto';
import type { Connection, ConversationRequest, Logger } from '../core/channel.ts';
import type { ModelSession, RealtimeModel } from '../core/model.ts';
import type { Store } from '../core/store.ts';
import type { Agent } from '../agent/agent.ts';
import type { GatewayMetrics } from '../analytics/metrics.ts';
import { describeError } from '../errors.ts';
import { Conversation, type ConversationCompliance, type ConversationSettings } from './conversation.ts';
import { ConversationRecords } from './records.ts';

export interface ManagerDeps {
  readonly model: RealtimeModel;
  /** The local engine, when `model` is a cloud provider: takes over when the provider refuses or stays down. */
  readonly fallbackModel?: RealtimeModel;
  readonly agent: Agent;
  readonly store: Store;
  readonly log: Logger;
  readonly metrics: GatewayMetrics;
  readonly settings: ConversationSettings;
  readonly defaultLocale: string;
  readonly translate: (locale: string, key: string, vars?: Record<string, unknown>) => string;
  /** How long a session warmed up for a webhook waits for its stream. */
  readonly prewarmTtlMs?: number;
  /** Records with the gateway's retention, redaction and subject index; plain ones over `store` when unset. */
  readonly records?: ConversationRecords;
  readonly compliance?: ConversationCompliance;
  readonly enabledLocales?: readonly string[];
  readonly redactModelInput?: (text: string, locale: string) => string;
  readonly messaging?: (channel: string) => ((to: string, text: string) => Promise<void>) | undefined;
  /** Told once a conversation has ended and its record is final (post-conversation analytics queue it). */
  readonly onConversationEnded?: (conversationId: string) => void;
}

interface Prewarmed {
  readonly session: Promise<ModelSession>;
  readonly timer: NodeJS.Timeout;
}

export class ConversationManager {
  readonly records: ConversationRecords;
  private readonly live = new Map<string, Conversation>();
  /** Ids taken by accept() before their conversation exists (its record is still being read). */
  private readonly starting = new Set<string>();
  private readonly prewarmed = new Map<string, Prewarmed>();
  private accepting = true;

  constructor(private readonly deps: ManagerDeps) {
    this.records = deps.records ?? new ConversationRecords(deps.store);
  }

  /** Reserves a conversation (a phone webhook) and opens its model session while the stream connects. */
  async prepare(request: ConversationRequest): Promise<{ conversationId: string; locale: string }> {
    if (!this.accepting) throw Object.assign(new Error('the gateway is shutting down'), { status: 503, expose: true });
    const conversationId = randomUUID();
    const locale = request.locale ?? this.deps.defaultLocale;
    await this.records.create({ id: conversationId, channel: request.channel, locale, status: 'prepared', createdAt: Date.now(), ...pick(request) });
    const capabilities = request.capabilities;
    const session = this.openSession(this.deps.model, this.deps.agent, undefined, {
      conversationId,
      channel: request.channel,
      locale,
      audioOutput: true,
      // Without a keypad (the widget) there is no spoken language menu: the page has its own picker.
      ...(capabilities ? { liveAudio: capabilities.audio, languageChoice: capabilities.dtmf } : {}),
    });
    session.catch(() => undefined); // surfaced when the stream arrives
    const timer = setTimeout(() => this.discardPrewarmed(conversationId), this.deps.prewarmTtlMs ?? 30_000);
    timer.unref();
    this.prewarmed.set(conversationId, { session, timer });
    return { conversationId, locale };
  }

  /** Takes a new live connection from a channel and starts its conversation. */
  accept(connection: Connection): void {
    if (!this.accepting) {
      connection.close('the gateway is shutting down');
      return;
    }
    const { conversationId } = connection.info;
    if (this.live.has(conversationId) || this.starting.has(conversationId)) {
      this.deps.log.warn({ conversationId, channel: connection.channel }, 'a second connection for a live conversation was refused');
      connection.close('conversation already connected');
      return;
    }
    this.starting.add(conversationId);
    this.startConversation(connection)
      .catch((error: unknown) => {
        // A store outage at this moment costs this caller, never the process and the other calls.
        this.deps.log.error({ conversationId, channel: connection.channel, err: describeError(error) }, 'conversation could not start');
        connection.close('start_failed');
      })
      .finally(() => this.starting.delete(conversationId));
  }

  /** Live conversations per channel. */
  liveCount(channel?: string): number {
    if (!channel) return this.live.size;
    let count = 0;
    for (const conversation of this.live.values()) if (conversation.channel === channel) count++;
    return count;
  }

  get(conversationId: string): Conversation | undefined {
    return this.live.get(conversationId);
  }

  /** Ends the live conversations of one customer (before an erasure); `sameSubject` compares addresses. */
  async endConversationsOf(subject: string, sameSubject: (a: string, b: string) => boolean, reason: string): Promise<number> {
    const mine = [...this.live.values()].filter((conversation) => conversation.subject !== undefined && sameSubject(conversation.subject, subject));
    await Promise.all(mine.map((conversation) => conversation.end(reason)));
    return mine.length;
  }

  /** Stops accepting, lets live conversations finish for up to `timeoutMs`, then ends the rest cleanly. */
  async drain(timeoutMs: number): Promise<void> {
    this.accepting = false;
    for (const id of [...this.prewarmed.keys()]) this.discardPrewarmed(id);
    const deadline = Date.now() + timeoutMs;
    while (this.live.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await Promise.all([...this.live.values()].map((conversation) => conversation.end('shutdown')));
  }

  private async startConversation(connection: Connection): Promise<void> {
    const { conversationId } = connection.info;
    const record = await this.records.get(conversationId).catch(() => null);
    const locale = connection.info.locale || record?.locale || this.deps.defaultLocale;
    if (!record) {
      await this.records.create({ id: conversationId, channel: connection.channel, locale, status: 'prepared', createdAt: Date.now(), ...pick(connection.info) });
    }
    const prewarmed = this.prewarmed.get(conversationId);
    if (prewarmed) {
      clearTimeout(prewarmed.timer);
      this.prewarmed.delete(conversationId);
    }
    const audioOutput = connection.capabilities.audio || connection.capabilities.voiceNotes;
    const liveAudio = connection.capabilities.audio;
    // The spoken language menu is answered on a keypad; the widget has its own language picker.
    const languageChoice = connection.capabilities.dtmf;
    const conversation = new Conversation({
      connection,
      model: this.deps.model,
      ...(this.deps.fallbackModel ? { fallbackModel: this.deps.fallbackModel } : {}),
      ...(prewarmed ? { prewarmed: prewarmed.session } : {}),
      openSession: (model, currentLocale, agent, handOff) =>
        this.openSession(model, agent, handOff, { conversationId, channel: connection.channel, locale: currentLocale, audioOutput, liveAudio, languageChoice }),
      ...(record?.status === 'ended' ? { resumed: true, previous: record } : {}),
      locale,
      agent: this.deps.agent,
      records: this.records,
      store: this.deps.store,
      log: this.deps.log,
      metrics: this.deps.metrics,
      settings: this.deps.settings,
      translate: this.deps.translate,
      ...(this.deps.compliance ? { compliance: this.deps.compliance } : {}),
      ...(this.deps.enabledLocales ? { enabledLocales: this.deps.enabledLocales } : {}),
      ...(this.deps.redactModelInput ? { redactModelInput: this.deps.redactModelInput } : {}),
      ...(this.deps.messaging ? { messaging: this.deps.messaging } : {}),
      onEnded: (ended) => {
        this.live.delete(ended.id);
        this.deps.metrics.liveConversations.labels(ended.channel).dec();
        this.deps.onConversationEnded?.(ended.id);
      },
    });
    this.live.set(conversationId, conversation);
    this.deps.metrics.liveConversations.labels(connection.channel).inc();
    try {
      await conversation.start();
    } catch (error) {
      this.deps.log.error({ conversationId, err: describeError(error) }, 'conversation failed to start');
      await conversation.end('start_failed');
    }
  }

  private async openSession(
    model: RealtimeModel,
    agent: Agent,
    handOff: Readonly<Record<string, unknown>> | undefined,
    target: { conversationId: string; channel: string; locale: string; audioOutput: boolean; liveAudio?: boolean; languageChoice?: boolean },
  ): Promise<ModelSession> {
    const { log, store } = this.deps;
    return model.connect({
      ...target,
      instructions: agent.instructions(target.locale, handOff),
      tools: agent.tools,
      history: await this.records.history(target.conversationId),
      log: log.child({ conversationId: target.conversationId, model: model.name }),
      store,
    });
  }

  private discardPrewarmed(conversationId: string): void {
    const prewarmed = this.prewarmed.get(conversationId);
    if (!prewarmed) return;
    this.prewarmed.delete(conversationId);
    clearTimeout(prewarmed.timer);
    prewarmed.session.then((session) => session.close()).catch(() => undefined);
    // A webhook whose stream never came: the record would otherwise say 'prepared' for good.
    void this.records.get(conversationId).then(
      (record) => (record?.status === 'prepared' ? this.records.update(conversationId, { status: 'ended', endedAt: Date.now(), endReason: 'stream_never_connected' }) : undefined),
      () => undefined,
    );
  }
}

function pick(source: { from?: string; to?: string; providerId?: string }): { from?: string; to?: string; providerId?: string } {
  return {
    ...(source.from ? { from: source.from } : {}),
    ...(source.to ? { to: source.to } : {}),
    ...(source.providerId ? { providerId: source.providerId } : {}),
  };
}
