// Ended conversations as the store holds them, for the analysis tests: a record with stats and a transcript.
import type { ConversationRecord, TranscriptEntry } from '../../conversation/records.ts';
import type { ConversationStats } from '../analytics-types.ts';

/** 2026-03-14 23:59:00 UTC: late enough that a local day would differ from the UTC one in India. */
export const STARTED_AT = Date.UTC(2026, 2, 14, 23, 59, 0);

export function stats(overrides: Partial<ConversationStats> = {}): ConversationStats {
  return {
    turns: 3,
    timeToFirstAudioMs: 850,
    turnLatenciesMs: [700, 900, 1_100],
    bargeIns: 0,
    toolCalls: 0,
    toolErrors: 0,
    toolsSucceeded: [],
    handOffs: 0,
    transferred: false,
    usage: {},
    ...overrides,
  };
}

export function record(overrides: Partial<ConversationRecord> = {}): ConversationRecord {
  return {
    id: 'conv-1',
    channel: 'phone',
    locale: 'en-IN',
    status: 'ended',
    createdAt: STARTED_AT - 2_000,
    startedAt: STARTED_AT,
    endedAt: STARTED_AT + 95_000,
    endReason: 'hangup',
    model: 'openai',
    stats: stats(),
    ...overrides,
  };
}

let clock = STARTED_AT;

export function said(role: 'user' | 'assistant', text: string, kind: TranscriptEntry['kind'] = 'speech'): TranscriptEntry {
  clock += 1_000;
  return { at: clock, role, kind, text };
}

export function toolCall(name: string, args: Record<string, unknown> = {}): TranscriptEntry {
  clock += 1_000;
  return { at: clock, role: 'assistant', kind: 'tool_call', name, text: JSON.stringify(args) };
}

export function event(text: string): TranscriptEntry {
  clock += 1_000;
  return { at: clock, role: 'system', kind: 'event', text };
}
