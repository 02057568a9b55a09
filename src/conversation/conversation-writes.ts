// One conversation's writes to its record and transcript, in one queue: the transcript stays in order, a record
// update never lands after the final one, and whoever must see everything written so far (a new model session
// reading the history, the end) waits for the queue. A failed write is logged and the queue goes on.
import type { Logger } from '../core/channel.ts';
import { describeError } from '../errors.ts';
import type { ConversationRecord, ConversationRecords, TranscriptEntry } from './records.ts';

export class ConversationWrites {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly records: ConversationRecords,
    private readonly id: string,
    private readonly log: Logger,
    /** The conversation's language now: spoken digits are redacted per language. */
    private readonly locale: () => string,
  ) {}

  /** Appends to the transcript, stamped now. */
  record(entry: Omit<TranscriptEntry, 'at'>): void {
    const full: TranscriptEntry = { at: Date.now(), ...entry };
    const locale = this.locale();
    this.queue = this.queue
      .then(() => this.records.appendTranscript(this.id, full, locale))
      .catch((error: unknown) => this.log.error({ err: describeError(error) }, 'transcript write failed'));
  }

  update(patch: Partial<ConversationRecord>): void {
    this.queue = this.queue
      .then(() => this.records.update(this.id, patch))
      .then(
        () => undefined,
        (error: unknown) => this.log.error({ err: describeError(error) }, 'conversation record update failed'),
      );
  }

  /** Resolves once every write queued so far is done. */
  flushed(): Promise<void> {
    return this.queue;
  }
}
