// The shapes post-conversation analytics share: what a conversation measures about itself while it runs (kept in
// its record), what the analytics job concludes from it, and the aggregate rows the admin API and dashboard show.
import type { Intent } from '../agent/intents.ts';

export type Outcome = 'completed' | 'escalated' | 'abandoned' | 'failed';
export const OUTCOMES: readonly Outcome[] = ['completed', 'escalated', 'abandoned', 'failed'];

/** Model usage summed over a conversation, per model name (a conversation may fall back from a cloud model). */
export interface UsageTotals {
  readonly inputAudioMs: number;
  readonly outputAudioMs: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** Measured by the conversation as it runs and written into its record when it ends. */
export interface ConversationStats {
  /** Customer turns: speech ended, text typed, keys pressed, voice notes sent. */
  readonly turns: number;
  /** From the start to the first audio out (audio channels and voice notes). */
  readonly timeToFirstAudioMs?: number;
  /** From the end of each customer turn to the first audio (or text) of the answer; the last 200 are kept. */
  readonly turnLatenciesMs: readonly number[];
  readonly bargeIns: number;
  readonly toolCalls: number;
  /** Calls that did not end `ok` (invalid input, timeout, error, refused by a ceiling). */
  readonly toolErrors: number;
  /** Names of tools that returned ok at least once. */
  readonly toolsSucceeded: readonly string[];
  /** Hand-offs between agents (router to specialist). */
  readonly handOffs: number;
  /** Handed to a person (phone transfer or staff hand-off). */
  readonly transferred: boolean;
  readonly usage: Readonly<Record<string, UsageTotals>>;
  /**
   * Time the conversation was under way: a call from start to end, a chat from its start to its last message (not
   * the idle wait before it closed), summed over the times a chat woke up again. Absent on older records.
   */
  readonly activeMs?: number;
}

export type Sentiment = 'negative' | 'neutral' | 'positive';

/** What the analytics job concludes about one ended conversation. */
export interface ConversationAnalytics {
  readonly conversationId: string;
  readonly channel: string;
  /** The conversation's last locale, such as hi-IN. */
  readonly language: string;
  /** UTC day of the start, YYYY-MM-DD: the day it is counted under. */
  readonly day: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly durationMs: number;
  readonly endReason: string;
  readonly intent: Intent;
  /** Where the intent came from: the router's hand-off (or the local menu's choice), or the job's classification. */
  readonly intentSource: 'router' | 'classifier';
  readonly outcome: Outcome;
  /** One or two sentences, written from the redacted transcript. */
  readonly summary: string;
  /** From -1 (angry) to 1 (delighted): the CSAT proxy. */
  readonly sentiment: number;
  readonly sentimentLabel: Sentiment;
  /** 'text_model' when a cloud text model wrote summary, sentiment (and intent if needed); else 'lexicon'. */
  readonly analyzedBy: 'text_model' | 'lexicon';
  readonly turns: number;
  readonly timeToFirstAudioMs: number | null;
  readonly turnLatencyP50Ms: number | null;
  readonly turnLatencyP95Ms: number | null;
  /** Kept so aggregates pool the samples instead of averaging percentiles. */
  readonly turnLatenciesMs: readonly number[];
  readonly bargeIns: number;
  readonly toolCalls: number;
  readonly toolErrors: number;
  readonly handOffs: number;
  readonly modelAudioSeconds: number;
  readonly tokens: number;
  /** Estimated from usage and the price table (src/analytics/cost.ts), in US dollars. */
  readonly costUsd: number;
  readonly models: readonly string[];
  readonly analyzedAt: number;
}

export type GroupBy = 'intent' | 'channel' | 'language' | 'day' | 'outcome';
export const GROUP_BYS: readonly GroupBy[] = ['intent', 'channel', 'language', 'day', 'outcome'];

/** Figures over a set of analysed conversations (one group, or the total). Rates are 0..1; null when undefined. */
export interface AggregateRow {
  /** The group's value (an intent, a channel, a locale, a day); 'all' for the total. */
  readonly key: string;
  readonly conversations: number;
  readonly completed: number;
  readonly escalated: number;
  readonly abandoned: number;
  readonly failed: number;
  readonly completionRate: number | null;
  /** Conversations the agent handled without a person: not escalated. */
  readonly containmentRate: number | null;
  readonly escalationRate: number | null;
  /** Mean duration of completed conversations. */
  readonly meanResolutionMs: number | null;
  readonly meanSentiment: number | null;
  readonly turnLatencyP50Ms: number | null;
  readonly turnLatencyP95Ms: number | null;
  readonly meanCostUsd: number | null;
  readonly totalCostUsd: number;
  /** Conversations per day over the range, oldest first, for trend lines (same days as the response's `days`). */
  readonly trend: readonly number[];
}

/** GET /admin/api/analytics?groupBy=&from=&to=&intent=&outcome=&channel=&language= */
export interface AnalyticsResponse {
  readonly groupBy: GroupBy;
  readonly from: string;
  readonly to: string;
  readonly days: readonly string[];
  readonly total: AggregateRow;
  readonly groups: readonly AggregateRow[];
}

/** Filters shared by the analytics and conversation list endpoints. */
export interface AnalyticsFilter {
  readonly intent?: string;
  readonly outcome?: string;
  readonly channel?: string;
  readonly language?: string;
}
