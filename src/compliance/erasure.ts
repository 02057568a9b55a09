// Erasure on request (DPDP s.12, LGPD art. 18): everything the store holds about one customer, found through the
// subject index of ConversationRecords, is deleted, and one 'erasure' event records that it happened (the customer's
// pseudonym and counts, no conversation ids). What stays is the pseudonymous audit trail, which the law asks to keep
// as a processing log and which retention drops on its own schedule.
//
// Not covered here: a conversation still live while its customer is erased keeps writing (erase after it ends, or
// run the request again), and data outside the store (a provider's own logs, call recordings at Twilio, bookings a
// tool made for the business).
import { forgetToolCalls } from '../agent/idempotent-calls.ts';
import type { Store } from '../core/store.ts';
import type { ConversationRecords } from '../conversation/records.ts';
import type { AuditLog } from './audit.ts';
import type { ConsentStore } from './consent.ts';
import { AnalyticsStore } from '../analytics/analytics-store.ts';
import { customerBookingsKey } from '../agent/tools/booking-records.ts';

/**
 * Keys other parts of the gateway write per conversation, beside records, transcripts, consent and the audit copy.
 * A new writer of per-conversation state adds its key here; the Store has no key listing to find them otherwise.
 */
export const PER_CONVERSATION_KEYS: ReadonlyArray<(conversationId: string) => string> = [
  (id) => `model:${id}:gemini-handle`, // src/models/gemini/resumption.ts
  (id) => `model:${id}:openai-session`, // reserved: none written yet
  (id) => `recording:${id}`, // recording metadata, when recordings are kept
];

export interface ErasureDeps {
  readonly store: Store;
  readonly records: ConversationRecords;
  readonly consent: ConsentStore;
  readonly audit: AuditLog;
  /** Ends the customer's live conversations first, so none writes again after its data is gone. */
  readonly endLiveConversations?: (subject: string) => Promise<number>;
}

export interface ErasureReceipt {
  /** The customer's pseudonym, as the 'erasure' event and older events in the trail carry it. */
  readonly subject: string;
  /** Conversations the subject index listed (some may have expired already). */
  readonly conversations: number;
  readonly transcriptEntries: number;
  readonly consentRecords: number;
  /** Id of the 'erasure' event in the audit trail. */
  readonly auditEventId: string;
}

export class Erasure {
  constructor(private readonly deps: ErasureDeps) {}

  /**
   * Erases the customer with this phone number or WhatsApp id (any spelling of it). Safe to repeat: the subject index
   * goes last, so a run that failed half-way is finished by the next one; each request is audited, even one that
   * found nothing.
   */
  async eraseSubject(subject: string, options: { readonly channel?: string } = {}): Promise<ErasureReceipt> {
    const { records, consent, audit, store } = this.deps;
    await this.deps.endLiveConversations?.(subject);
    const ids = await records.conversationsOf(subject);
    let transcriptEntries = 0;
    let consentRecords = 0;
    for (const id of ids) {
      const hadConsent = (await consent.getConsent(id)) !== null;
      const [erased] = await Promise.all([
        records.erase(id),
        consent.delete(id),
        audit.forgetConversation(id),
        forgetToolCalls(store, id),
        ...PER_CONVERSATION_KEYS.map((key) => store.delete(key(id))),
      ]);
      // After the record: an analytics job running now either finds no record and drops its analysis, or saved it
      // before this line removes it.
      await new AnalyticsStore(store).erase(id);
      transcriptEntries += erased.transcriptEntries;
      if (hadConsent) consentRecords += 1;
    }
    // The demo diary's list of this customer's bookings, under each way their number reaches it (call or WhatsApp).
    const digits = subject.replace(/\D/gu, '');
    await Promise.all([subject, `+${digits}`, `${digits}@s.whatsapp.net`].map((form) => store.delete(customerBookingsKey(form))));
    await records.forgetSubject(subject);
    const conversations = ids.length;
    const event = await audit.record({
      type: 'erasure',
      subject,
      ...(options.channel !== undefined ? { channel: options.channel } : {}),
      detail: { conversations, transcriptEntries, consentRecords },
    });
    return { subject: audit.subjectPseudonym(subject), conversations, transcriptEntries, consentRecords, auditEventId: event.id };
  }
}
