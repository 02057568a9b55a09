// The audit trail: an append-only stream in the store (a Redis Stream in production) of what the gateway did that a
// regulator or the customer may ask about: disclosures, consents, recordings, redactions, tool calls, hand-offs,
// exports and erasures. DPDP Rules ask for processing logs kept at least a year (RETENTION_AUDIT_DAYS).
//
// Layout in the store:
//   audit                          every event, oldest first; trimmed by age with trimOlderThan (XTRIM MINID)
//   audit:conversation:<id>        a copy of the events of one conversation, so the admin view of a conversation
//                                  reads a few entries instead of scanning the whole trail; expires `retentionMs`
//                                  after its last event, and erasure deletes it
//
// No event holds personal data in clear. The customer's address and the conversation id are stored as keyed
// pseudonyms (HMAC with the server secret): after an erasure the trail still shows that things happened, and when, but
// names nobody unless someone holding the secret already knows the number. `detail` is for facts about the event
// (counts, versions, a tool's name, a reason code); never put what the customer said or typed there.
import type { Store, StreamEvent } from '../core/store.ts';
import type { Pseudonyms } from './pseudonyms.ts';

export const AUDIT_EVENT_TYPES = [
  'disclosure',
  'consent',
  'recording',
  'recording_opt_out',
  'redaction',
  'tool_call',
  'handoff',
  'agent_handoff',
  'export',
  'erasure',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export type AuditDetail = Readonly<Record<string, string | number | boolean>>;

export interface AuditInput {
  readonly type: AuditEventType;
  /** Stored as a pseudonym; also files the event under the conversation for `forConversation`. */
  readonly conversationId?: string;
  /** The customer's phone number or WhatsApp id; stored only as its pseudonym. */
  readonly subject?: string;
  readonly channel?: string;
  /** Facts about the event, never personal data: counts, versions, a tool's name, a reason code. */
  readonly detail?: AuditDetail;
}

export interface AuditEvent {
  readonly id: string;
  /** When the store added it (the time part of the id), epoch milliseconds. */
  readonly at: number;
  readonly type: AuditEventType;
  /** Pseudonym of the conversation id. */
  readonly conversation?: string;
  /** Pseudonym of the customer's address. */
  readonly subject?: string;
  readonly channel?: string;
  readonly detail: AuditDetail;
}

export interface AuditLogOptions {
  readonly pseudonyms: Pseudonyms;
  /** RETENTION_AUDIT_DAYS in milliseconds: how long a conversation's copy of its events lives after the last one. */
  readonly retentionMs?: number;
  /** The stream's name; tests and tenants may pick another. */
  readonly stream?: string;
}

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_RETENTION_MS = 400 * DAY_MS;

export const conversationAuditKey = (conversationId: string): string => `audit:conversation:${conversationId}`;

export class AuditLog {
  readonly stream: string;
  readonly #store: Store;
  readonly #pseudonyms: Pseudonyms;
  readonly #retentionMs: number;

  constructor(store: Store, options: AuditLogOptions) {
    this.#store = store;
    this.#pseudonyms = options.pseudonyms;
    this.#retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.stream = options.stream ?? 'audit';
  }

  /**
   * Appends one event. Callers on a live conversation should not let a failed audit write end the call: catch and
   * log it (the event is lost, which the log then shows).
   */
  async record(input: AuditInput): Promise<AuditEvent> {
    if (!AUDIT_EVENT_TYPES.includes(input.type)) throw new RangeError(`unknown audit event type ${JSON.stringify(input.type)}`);
    const fields: Record<string, string> = { type: input.type };
    if (input.conversationId !== undefined) fields.conversation = this.#pseudonyms.conversation(input.conversationId);
    if (input.subject !== undefined) fields.subject = this.#pseudonyms.subject(input.subject);
    if (input.channel !== undefined) fields.channel = input.channel;
    if (input.detail && Object.keys(input.detail).length > 0) fields.detail = JSON.stringify(input.detail);
    // Both appends are issued together, so two events of one conversation keep the same order in both streams.
    const [id] = await Promise.all([
      this.#store.appendEvent(this.stream, fields),
      input.conversationId === undefined ? undefined : this.#fileUnder(input.conversationId, fields),
    ]);
    return toEvent({ id, fields });
  }

  /** The whole trail, oldest first, a page at a time: pass the last id of a page as `after` for the next. */
  async list(options: { readonly after?: string; readonly count?: number } = {}): Promise<AuditEvent[]> {
    return (await this.#store.readEvents(this.stream, options)).map(toEvent);
  }

  /** The events of one conversation, oldest first. The ids are those of the conversation's copy, not of the trail. */
  async forConversation(conversationId: string, options: { readonly after?: string; readonly count?: number } = {}): Promise<AuditEvent[]> {
    return (await this.#store.readEvents(conversationAuditKey(conversationId), options)).map(toEvent);
  }

  /** Retention: drops the events older than `ageMs` from the trail; returns how many went. */
  async trimOlderThan(ageMs: number): Promise<number> {
    if (!Number.isFinite(ageMs) || ageMs < 0) throw new RangeError(`ageMs must be a positive number of milliseconds, got ${ageMs}`);
    return this.#store.trimEventsBefore(this.stream, Math.max(0, Math.floor(Date.now() - ageMs)));
  }

  /** Erasure: deletes the conversation's copy. The pseudonymous events in the trail stay until retention drops them. */
  async forgetConversation(conversationId: string): Promise<void> {
    await this.#store.delete(conversationAuditKey(conversationId));
  }

  /** The pseudonym events carry for this address, to find them in the trail or to show in an erasure receipt. */
  subjectPseudonym(subject: string): string {
    return this.#pseudonyms.subject(subject);
  }

  async #fileUnder(conversationId: string, fields: Record<string, string>): Promise<void> {
    const key = conversationAuditKey(conversationId);
    await this.#store.appendEvent(key, fields);
    await this.#store.expire(key, this.#retentionMs);
  }
}

function toEvent(event: StreamEvent): AuditEvent {
  const { type, conversation, subject, channel, detail } = event.fields;
  return {
    id: event.id,
    at: Number(event.id.split('-')[0]),
    type: type as AuditEventType,
    ...(conversation !== undefined ? { conversation } : {}),
    ...(subject !== undefined ? { subject } : {}),
    ...(channel !== undefined ? { channel } : {}),
    detail: detail === undefined ? {} : (JSON.parse(detail) as AuditDetail),
  };
}
