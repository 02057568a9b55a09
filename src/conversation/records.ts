// Conversation state and transcript in the Store, so they outlive sockets, processes and model sessions. Also the
// indexes compliance needs: the conversations of one customer (for erasure) and the most recent ones (for the admin
// list), and redaction of transcript text before it is written.
//
// Keys:
//   conversation:<id>                    the record (JSON); kept `recordTtlMs` after its last update
//   conversation:<id>:transcript         list of entries (JSON); kept `transcriptTtlMs` after its last entry
//   conversations:recent                 list of ids, oldest first, capped; ids of expired records are skipped
//   subject:<pseudonym>:conversations    list of ids of one customer; the key holds the keyed pseudonym of the
//                                        address, never the number; outlives the records it points to
import type { HistoryItem } from '../core/model.ts';
import type { Store } from '../core/store.ts';
import type { AuditLog } from '../compliance/audit.ts';
import type { Pseudonyms } from '../compliance/pseudonyms.ts';
import type { Intent } from '../agent/intents.ts';
import type { ConversationStats } from '../analytics/analytics-types.ts';

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
  /** What the conversation is about, set by the router's hand-off or the local menu's choice. */
  readonly intent?: Intent;
  /** The agent serving the conversation (a resumed chat carries on with it). */
  readonly agent?: string;
  /** The hand-off context the current agent was given (typed in src/agent/hand-off.ts). */
  readonly handOff?: Readonly<Record<string, unknown>>;
  /** Measured while it ran; written when it ends, for the analytics job. */
  readonly stats?: ConversationStats;
}

export type TranscriptKind = 'speech' | 'text' | 'dtmf' | 'disclosure' | 'tool_call' | 'tool_result' | 'event';

export interface TranscriptEntry {
  readonly at: number;
  readonly role: 'user' | 'assistant' | 'tool' | 'system';
  readonly kind: TranscriptKind;
  readonly text: string;
  readonly name?: string;
}

/**
 * Takes out personal identifiers. Returning the findings (as redactPii in src/compliance/redact.ts does) lets the
 * audit event say how many were found; a plain string is enough to redact.
 */
export type Redactor = (
  text: string,
  locale?: string,
) => string | { readonly text: string; readonly findings: ReadonlyArray<unknown> };

export interface ConversationRecordsOptions {
  /** How long a record (which holds the customer's address) is kept after its last update. Default 30 days. */
  readonly recordTtlMs?: number;
  /** RETENTION_TRANSCRIPT_DAYS: how long a transcript is kept after its last entry. Default 30 days. */
  readonly transcriptTtlMs?: number;
  /** Keyed pseudonyms for the subject index. Without them no index is kept, and erasure cannot find conversations. */
  readonly pseudonyms?: Pseudonyms;
  /** Applied to every transcript entry's text before it is stored. */
  readonly redact?: Redactor;
  /** Told of each redaction (how many findings, never what they were). */
  readonly audit?: AuditLog;
  /**
   * How long other data about a conversation is kept (its analytics): the subject index must outlive it, or an
   * erasure could no longer find it.
   */
  readonly otherDataTtlMs?: number;
}

const DEFAULT_RETENTION_MS = 30 * 24 * 3600 * 1000;
const MAX_TRANSCRIPT = 5_000;
const MAX_RECENT = 10_000;
const INDEX_KEY = 'conversations:recent';

export const recordKey = (id: string): string => `conversation:${id}`;
export const transcriptKey = (id: string): string => `conversation:${id}:transcript`;
export const subjectIndexKey = (pseudonym: string): string => `subject:${pseudonym}:conversations`;

export class ConversationRecords {
  private readonly recordTtlMs: number;
  private readonly transcriptTtlMs: number;

  constructor(
    private readonly store: Store,
    private readonly options: ConversationRecordsOptions = {},
  ) {
    this.recordTtlMs = options.recordTtlMs ?? DEFAULT_RETENTION_MS;
    this.transcriptTtlMs = options.transcriptTtlMs ?? DEFAULT_RETENTION_MS;
  }

  async create(record: ConversationRecord): Promise<void> {
    await this.store.set(recordKey(record.id), JSON.stringify(record), { ttlMs: this.recordTtlMs });
    await Promise.all([this.store.append(INDEX_KEY, record.id, { maxLength: MAX_RECENT }), record.from ? this.index(record.from, record.id) : undefined]);
  }

  async get(id: string): Promise<ConversationRecord | null> {
    const raw = await this.store.get(recordKey(id));
    return raw === null ? null : (JSON.parse(raw) as ConversationRecord);
  }

  async update(id: string, patch: Partial<ConversationRecord>): Promise<ConversationRecord | null> {
    const current = await this.get(id);
    if (!current) return null;
    // A hand-off context is the model's words about the customer: redacted like the transcript it also goes to.
    const redact = this.options.redact;
    const handOff = patch.handOff && redact ? redactStrings(patch.handOff, (text) => textOf(redact(text, patch.locale ?? current.locale))) : patch.handOff;
    const next = { ...current, ...patch, ...(handOff ? { handOff } : {}), id };
    await this.store.set(recordKey(id), JSON.stringify(next), { ttlMs: this.recordTtlMs });
    if (next.from && next.from !== current.from) await this.index(next.from, id);
    return next;
  }

  /**
   * Appends to the transcript, redacted first when a redactor is configured. Pass the conversation's current `locale`
   * (spoken digits are normalised per language); without it the record is read to learn it. If redaction throws,
   * nothing is written: an entry is better lost than stored with an Aadhaar number in it.
   */
  async appendTranscript(id: string, entry: TranscriptEntry, locale?: string): Promise<void> {
    const redacted = this.options.redact && entry.text ? await this.redacted(id, entry, locale) : undefined;
    const stored = redacted ? { ...entry, text: redacted.text } : entry;
    await this.store.append(transcriptKey(id), JSON.stringify(stored), { maxLength: MAX_TRANSCRIPT, ttlMs: this.transcriptTtlMs });
    if (redacted && this.options.audit) {
      await this.options.audit.record({
        type: 'redaction',
        conversationId: id,
        detail: { entry: entry.kind, ...(redacted.findings === undefined ? {} : { findings: redacted.findings }), ...(redacted.kinds ? { kinds: redacted.kinds } : {}) },
      });
    }
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

  /**
   * The records of the most recent conversations, newest first. Ids whose record has expired are skipped, so fewer
   * than `limit` may come back near the end of the index.
   */
  async recent(limit: number): Promise<ConversationRecord[]> {
    const records = await Promise.all((await this.recentIds(limit)).map((id) => this.get(id)));
    return records.filter((record): record is ConversationRecord => record !== null);
  }

  /** Ids of every conversation of one customer (phone number or WhatsApp id, any spelling), oldest first. */
  async conversationsOf(subject: string): Promise<string[]> {
    const pseudonyms = this.requirePseudonyms();
    return [...new Set(await this.store.range(subjectIndexKey(pseudonyms.subject(subject)), 0, -1))];
  }

  /** Erasure of one conversation: its record, its transcript and its place in the recent index. */
  async erase(id: string): Promise<{ readonly record: boolean; readonly transcriptEntries: number }> {
    const [record, entries] = await Promise.all([this.store.get(recordKey(id)), this.store.range(transcriptKey(id), 0, -1)]);
    await Promise.all([this.store.delete(recordKey(id)), this.store.delete(transcriptKey(id)), this.store.removeFromList(INDEX_KEY, id)]);
    return { record: record !== null, transcriptEntries: entries.length };
  }

  /** Erasure: drops the customer's index (after their conversations are erased). */
  async forgetSubject(subject: string): Promise<void> {
    await this.store.delete(subjectIndexKey(this.requirePseudonyms().subject(subject)));
  }

  private async index(subject: string, id: string): Promise<void> {
    const pseudonyms = this.options.pseudonyms;
    if (!pseudonyms) return;
    const key = subjectIndexKey(pseudonyms.subject(subject));
    // The index lives as long as the longest-kept data it points to, counted from the newest conversation.
    await this.store.append(key, id, { ttlMs: Math.max(this.recordTtlMs, this.transcriptTtlMs, this.options.otherDataTtlMs ?? 0) });
  }

  private async redacted(
    id: string,
    entry: TranscriptEntry,
    locale: string | undefined,
  ): Promise<{ readonly text: string; readonly findings?: number; readonly kinds?: string } | undefined> {
    const redact = this.options.redact!;
    const result = redact(entry.text, locale ?? (await this.get(id))?.locale);
    const text = textOf(result);
    if (text === entry.text) return undefined;
    if (typeof result === 'string') return { text };
    const kinds = [...new Set(result.findings.map(kindOf).filter((kind): kind is string => kind !== undefined))].sort().join(',');
    return { text, findings: result.findings.length, ...(kinds ? { kinds } : {}) };
  }

  private requirePseudonyms(): Pseudonyms {
    if (!this.options.pseudonyms) throw new Error('ConversationRecords was built without pseudonyms: no subject index is kept');
    return this.options.pseudonyms;
  }
}

function textOf(result: ReturnType<Redactor>): string {
  return typeof result === 'string' ? result : result.text;
}

/** Every string value of a small JSON object, redacted, at any depth. */
function redactStrings<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactStrings(item, redact)) as T;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactStrings(item, redact)])) as T;
  return value;
}

/** The kind of a redaction finding ("aadhaar", "pan", ...), never its value. */
function kindOf(finding: unknown): string | undefined {
  if (typeof finding !== 'object' || finding === null) return undefined;
  const { kind, type } = finding as { kind?: unknown; type?: unknown };
  const value = typeof kind === 'string' ? kind : typeof type === 'string' ? type : undefined;
  // Only a short identifier-like label: a finding shaped unexpectedly must not smuggle the matched text into the trail.
  return value !== undefined && /^[a-z][a-z0-9_-]{0,31}$/i.test(value) ? value : undefined;
}
