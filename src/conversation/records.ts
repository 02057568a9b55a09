// Conversation state and transcript in the Store, so they outlive sockets, processes and model sessions.
import type { HistoryItem } from '../core/model.ts';
import type { Store } from '../core/store.ts';

export type ConversationStatus = 'prepared' | 'live' | 'ended';

export interface ConversationRecord {
  readonly id: string;
  readonly channel: string;
  readonly locale: string;
  readonly status: ConversationStatus;
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly endReason?: string;
  /** Personal data: kept for follow-ups, never logged unredacted. */
  readonly from?: string;
  readonly to?: string;
  readonly providerId?: string;
  readonly model?: string;
  /** Why the local engine took over from the configured provider, if it did. */
  readonly fallbackReason?: string;
  readonly bargeIns?: number;
}

export type TranscriptKind = 'speech' | 'text' | 'dtmf' | 'disclosure' | 'tool_call' | 'tool_result' | 'event';

export interface TranscriptEntry {
  readonly at: number;
  readonly role: 'user' | 'assistant' | 'tool' | 'system';
  readonly kind: TranscriptKind;
  readonly text: string;
  readonly name?: string;
}

const RETENTION_MS = 30 * 24 * 3600 * 1000;
const MAX_TRANSCRIPT = 5_000;
const INDEX_KEY = 'conversations:recent';

const recordKey = (id: string) => `conversation:${id}`;
const transcriptKey = (id: string) => `conversation:${id}:transcript`;

export class ConversationRecords {
  constructor(private readonly store: Store) {}

  async create(record: ConversationRecord): Promise<void> {
    await this.store.set(recordKey(record.id), JSON.stringify(record), { ttlMs: RETENTION_MS });
    await this.store.append(INDEX_KEY, record.id, { maxLength: 10_000 });
  }

  async get(id: string): Promise<ConversationRecord | null> {
    const raw = await this.store.get(recordKey(id));
    return raw === null ? null : (JSON.parse(raw) as ConversationRecord);
  }

  async update(id: string, patch: Partial<ConversationRecord>): Promise<ConversationRecord | null> {
    const current = await this.get(id);
    if (!current) return null;
    const next = { ...current, ...patch, id };
    await this.store.set(recordKey(id), JSON.stringify(next), { ttlMs: RETENTION_MS });
    return next;
  }

  async appendTranscript(id: string, entry: TranscriptEntry): Promise<void> {
    await this.store.append(transcriptKey(id), JSON.stringify(entry), { maxLength: MAX_TRANSCRIPT, ttlMs: RETENTION_MS });
  }

  async transcript(id: string): Promise<TranscriptEntry[]> {
    return (await this.store.range(transcriptKey(id), 0, -1)).map((raw) => JSON.parse(raw) as TranscriptEntry);
  }

  /** What a new model session needs to carry on: what was said and done, oldest first. */
  async history(id: string): Promise<HistoryItem[]> {
    const items: HistoryItem[] = [];
    for (const entry of await this.transcript(id)) {
      if (entry.kind === 'event' || entry.role === 'system') continue;
      const role = entry.role === 'tool' ? 'tool' : entry.role;
      // A bare digit means nothing to a model reading the history back.
      const text = entry.kind === 'dtmf' ? `[The caller pressed key ${entry.text}]` : entry.text;
      items.push({ role, text, at: entry.at, ...(entry.name ? { toolName: entry.name } : {}) });
    }
    return items;
  }

  /** Ids of the most recent conversations, newest first. */
  async recentIds(limit: number): Promise<string[]> {
    return (await this.store.range(INDEX_KEY, -limit, -1)).reverse();
  }
}
