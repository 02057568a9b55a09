// Consent records, one per conversation (DPDP: purpose, notice version, language, channel, time), and the recording
// opt-out. Each change is also an audit event, so the trail proves consent even after the record has expired or been
// erased. The record holds no address of the customer; erasure finds it through the conversation id.
import type { Store } from '../core/store.ts';
import type { AuditLog } from './audit.ts';

export interface ConsentRecord {
  readonly conversationId: string;
  /** What the data is processed for, as the notice states it (e.g. "appointment booking"). */
  readonly purpose: string;
  /** CONSENT_NOTICE_VERSION of the notice the customer was given. */
  readonly noticeVersion: string;
  /** The language the notice was given in (BCP 47). */
  readonly language: string;
  readonly channel: string;
  /** When consent was given, epoch milliseconds. */
  readonly at: number;
  /** Whether the customer agreed to be recorded; false after an opt-out. */
  readonly recording: boolean;
  /** When the customer opted out of recording. */
  readonly recordingWithdrawnAt?: number;
  /** When the customer withdrew consent to processing altogether. */
  readonly withdrawnAt?: number;
}

export interface ConsentInput extends Omit<ConsentRecord, 'at' | 'recordingWithdrawnAt' | 'withdrawnAt'> {
  readonly at?: number;
  /** The customer's address, for the audit event only (stored there as a pseudonym, never in the record). */
  readonly subject?: string;
}

export interface ConsentStoreOptions {
  readonly audit: AuditLog;
  /** How long a record is kept; the audit events outlive it anyway. Default 400 days (RETENTION_AUDIT_DAYS). */
  readonly ttlMs?: number;
}

const DEFAULT_TTL_MS = 400 * 24 * 3600 * 1000;

export const consentKey = (conversationId: string): string => `consent:${conversationId}`;

export class ConsentStore {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly #ttlMs: number;

  constructor(store: Store, options: ConsentStoreOptions) {
    this.#store = store;
    this.#audit = options.audit;
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  }

  /** Records consent given in this conversation; a later call (the notice given again in another language) replaces it. */
  async recordConsent(input: ConsentInput): Promise<ConsentRecord> {
    const { subject, ...fields } = input;
    const record: ConsentRecord = { ...fields, at: input.at ?? Date.now() };
    await this.#store.set(consentKey(record.conversationId), JSON.stringify(record), { ttlMs: this.#ttlMs });
    await this.#audit.record({
      type: 'consent',
      conversationId: record.conversationId,
      channel: record.channel,
      ...(subject !== undefined ? { subject } : {}),
      detail: { purpose: record.purpose, noticeVersion: record.noticeVersion, language: record.language, recording: record.recording },
    });
    return record;
  }

  async getConsent(conversationId: string): Promise<ConsentRecord | null> {
    const raw = await this.#store.get(consentKey(conversationId));
    return raw === null ? null : (JSON.parse(raw) as ConsentRecord);
  }

  /**
   * The recording opt-out: the record says recording is off from now on. Audited even when there was no consent
   * record (the customer said no before the notice finished), so the opt-out is never lost; returns the record if any.
   */
  async withdrawRecording(conversationId: string, options: { readonly subject?: string; readonly channel?: string } = {}): Promise<ConsentRecord | null> {
    return this.#change(conversationId, 'recording_opt_out', options, (record, now) => ({ ...record, recording: false, recordingWithdrawnAt: now }));
  }

  /** Withdrawal of consent to processing (as easy as giving it, DPDP s.6(4)). */
  async withdrawConsent(conversationId: string, options: { readonly subject?: string; readonly channel?: string } = {}): Promise<ConsentRecord | null> {
    return this.#change(conversationId, 'consent', options, (record, now) => ({ ...record, recording: false, withdrawnAt: now }), { withdrawn: true });
  }

  /** Erasure. */
  async delete(conversationId: string): Promise<void> {
    await this.#store.delete(consentKey(conversationId));
  }

  async #change(
    conversationId: string,
    type: 'consent' | 'recording_opt_out',
    options: { readonly subject?: string; readonly channel?: string },
    apply: (record: ConsentRecord, now: number) => ConsentRecord,
    detail: Readonly<Record<string, boolean>> = {},
  ): Promise<ConsentRecord | null> {
    const now = Date.now();
    const current = await this.getConsent(conversationId);
    const next = current ? apply(current, now) : null;
    // KEEPTTL is not in the Store contract; the record's retention restarts, which only errs on keeping proof longer.
    if (next) await this.#store.set(consentKey(conversationId), JSON.stringify(next), { ttlMs: this.#ttlMs });
    const channel = options.channel ?? current?.channel;
    await this.#audit.record({
      type,
      conversationId,
      ...(options.subject !== undefined ? { subject: options.subject } : {}),
      ...(channel !== undefined ? { channel } : {}),
      detail: { ...detail, ...(next ? {} : { withoutRecord: true }) },
    });
    return next;
  }
}
