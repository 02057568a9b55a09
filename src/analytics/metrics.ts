// Prometheus metrics for the gateway, on one registry per gateway instance so tests can run several side by side.
// Labels stay low-cardinality: channel, direction, provider, reason codes, tool names, and for analysed conversations
// intent, outcome and a served language (anything else is 'other'), never ids.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConversationAnalytics } from './analytics-types.ts';
import { channelLabel, intentLabel, languageLabel, outcomeLabel } from './labels.ts';
import { LatencyRecorder } from './latency-recorder.ts';

export type Direction = 'in' | 'out';

const SECONDS = [0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];
const CONVERSATION_SECONDS = [15, 30, 60, 120, 180, 300, 600, 900, 1800, 3600];
const SENTIMENT = [-0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1];

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly liveConversations: Gauge<'channel'>;
  readonly conversationsTotal: Counter<'channel' | 'outcome'>;
  readonly frames: Counter<'channel' | 'direction'>;
  readonly addedLatency: Histogram<'direction'>;
  readonly bargeIns: Counter<'channel'>;
  readonly toolCalls: Counter<'tool' | 'result'>;
  readonly timeToFirstAudio: Histogram<'provider'>;
  readonly turnLatency: Histogram<'provider'>;
  readonly modelReconnects: Counter<'provider' | 'reason'>;
  readonly modelRotations: Counter<'provider'>;
  readonly modelFallbacks: Counter<'provider' | 'reason'>;
  // Fed once per analysed conversation (conversationAnalysed), by whichever instance ran its analytics job.
  readonly conversationOutcomes: Counter<'channel' | 'intent' | 'outcome' | 'language'>;
  readonly conversationDuration: Histogram<'channel' | 'intent'>;
  readonly conversationSentiment: Histogram<'intent'>;
  readonly conversationTurnLatency: Histogram<'channel'>;
  readonly conversationCost: Counter<'channel' | 'intent'>;
  readonly conversationToolErrors: Counter<'channel' | 'intent'>;
  /** Exact recent samples behind the added-latency histogram, per direction. */
  readonly latencySamples: Record<Direction, LatencyRecorder> = { in: new LatencyRecorder(), out: new LatencyRecorder() };

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    this.liveConversations = new Gauge({ name: 'gateway_live_conversations', help: 'Conversations in progress', labelNames: ['channel'], registers });
    this.conversationsTotal = new Counter({ name: 'gateway_conversations_total', help: 'Conversations ended, by how they ended', labelNames: ['channel', 'outcome'], registers });
    this.frames = new Counter({ name: 'gateway_audio_frames_total', help: '20 ms audio frames through the gateway', labelNames: ['channel', 'direction'], registers });
    this.addedLatency = new Histogram({
      name: 'gateway_added_latency_seconds',
      help: 'Time the gateway spends on one audio frame or inbound message (decode, resample, hand-over), per direction',
      labelNames: ['direction'],
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
      registers,
    });
    this.bargeIns = new Counter({ name: 'gateway_barge_ins_total', help: 'Times a caller interrupted playback', labelNames: ['channel'], registers });
    this.toolCalls = new Counter({ name: 'gateway_tool_calls_total', help: 'Tool calls by result', labelNames: ['tool', 'result'], registers });
    this.timeToFirstAudio = new Histogram({ name: 'gateway_model_time_to_first_audio_seconds', help: 'From the start of a conversation to its first audio out', labelNames: ['provider'], buckets: SECONDS, registers });
    this.turnLatency = new Histogram({ name: 'gateway_model_turn_latency_seconds', help: "From the end of the customer's turn to the first audio of the answer (its text on chats)", labelNames: ['provider'], buckets: SECONDS, registers });
    this.modelReconnects = new Counter({ name: 'gateway_model_reconnects_total', help: 'Model sessions reopened after a failure', labelNames: ['provider', 'reason'], registers });
    this.modelRotations = new Counter({ name: 'gateway_model_rotations_total', help: 'Model sessions replaced before the provider cap', labelNames: ['provider'], registers });
    this.modelFallbacks = new Counter({ name: 'gateway_model_fallbacks_total', help: 'Conversations moved to the local engine', labelNames: ['provider', 'reason'], registers });
    this.conversationOutcomes = new Counter({
      name: 'gateway_conversation_outcomes_total',
      help: 'Analysed conversations by channel, intent, outcome and language',
      labelNames: ['channel', 'intent', 'outcome', 'language'],
      registers,
    });
    this.conversationDuration = new Histogram({ name: 'gateway_conversation_duration_seconds', help: 'Length of analysed conversations', labelNames: ['channel', 'intent'], buckets: CONVERSATION_SECONDS, registers });
    this.conversationSentiment = new Histogram({ name: 'gateway_conversation_sentiment', help: 'Customer sentiment of analysed conversations, -1 to 1', labelNames: ['intent'], buckets: SENTIMENT, registers });
    this.conversationTurnLatency = new Histogram({
      name: 'gateway_conversation_turn_latency_seconds',
      help: "From the end of the customer's turn to the first answer, every turn of analysed conversations",
      labelNames: ['channel'],
      buckets: SECONDS,
      registers,
    });
    this.conversationCost = new Counter({ name: 'gateway_conversation_cost_usd_total', help: 'Estimated model cost of analysed conversations, US dollars', labelNames: ['channel', 'intent'], registers });
    this.conversationToolErrors = new Counter({ name: 'gateway_tool_errors_total', help: 'Tool calls that did not end ok, in analysed conversations', labelNames: ['channel', 'intent'], registers });
  }

  /** One conversation's analytics were kept (once per conversation, however often its job ran). */
  conversationAnalysed(analytics: ConversationAnalytics): void {
    const channel = channelLabel(analytics.channel);
    const intent = intentLabel(analytics.intent);
    this.conversationOutcomes.labels(channel, intent, outcomeLabel(analytics.outcome), languageLabel(analytics.language)).inc();
    this.conversationDuration.labels(channel, intent).observe(analytics.durationMs / 1000);
    this.conversationSentiment.labels(intent).observe(analytics.sentiment);
    const latency = this.conversationTurnLatency.labels(channel);
    for (const ms of analytics.turnLatenciesMs) latency.observe(ms / 1000);
    // inc() refuses negative amounts; a zero still creates the series, so a free conversation shows as 0, not missing.
    this.conversationCost.labels(channel, intent).inc(Math.max(0, analytics.costUsd));
    this.conversationToolErrors.labels(channel, intent).inc(Math.max(0, analytics.toolErrors));
  }

  /** A conversation's model session was replaced: reconnected after a failure, rotated, or handed to the local engine. */
  modelSwitched(kind: 'reconnected' | 'rotated' | 'fallback', provider: string, reason: string): void {
    if (kind === 'fallback') this.modelFallbacks.labels(provider, reason).inc();
    else if (kind === 'rotated') this.modelRotations.labels(provider).inc();
    else this.modelReconnects.labels(provider, reason).inc();
  }

  observeLatency(direction: Direction, ms: number): void {
    this.addedLatency.labels(direction).observe(ms / 1000);
    this.latencySamples[direction].record(ms);
  }
}
