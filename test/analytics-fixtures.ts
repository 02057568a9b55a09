// Analysed conversations for tests of aggregates, the analytics store, metrics and the admin API: every field set to
// something plausible, so a test names only what it is about.
import { randomUUID } from 'node:crypto';
import type { ConversationAnalytics } from '../src/analytics/analytics-types.ts';

export function analysed(fields: Partial<ConversationAnalytics> = {}): ConversationAnalytics {
  const day = fields.day ?? '2026-03-02';
  const startedAt = fields.startedAt ?? Date.parse(`${day}T10:00:00Z`);
  const durationMs = fields.durationMs ?? 60_000;
  return {
    conversationId: randomUUID(),
    channel: 'twilio',
    language: 'hi',
    day,
    startedAt,
    endedAt: startedAt + durationMs,
    durationMs,
    endReason: 'caller_hangup',
    intent: 'booking',
    intentSource: 'router',
    outcome: 'completed',
    summary: 'The caller booked an appointment.',
    sentiment: 0,
    sentimentLabel: 'neutral',
    analyzedBy: 'lexicon',
    turns: 4,
    timeToFirstAudioMs: 800,
    turnLatencyP50Ms: null,
    turnLatencyP95Ms: null,
    turnLatenciesMs: [],
    bargeIns: 0,
    toolCalls: 1,
    toolErrors: 0,
    handOffs: 1,
    modelAudioSeconds: 50,
    tokens: 1_000,
    costUsd: 0,
    models: ['openai'],
    analyzedAt: startedAt + durationMs + 5_000,
    ...fields,
  };
}
