// Every inbound message is written to the store before anything is done with it: WhatsApp has been told it was
// received (Baileys acknowledges before our handler runs), so a crash after that must not lose it. The same key
// deduplicates redeliveries, and messages stored but never handled are picked up again at start.
import type { Store } from '../../src/core/store.ts';
import type { IncomingMessage } from './transport.ts';

export type MessageStatus = 'received' | 'pending' | 'handled' | 'rejected';

interface StoredMessage {
  readonly status: MessageStatus;
  readonly receivedAt: number;
  /** As the transport parsed it, with the vendor's raw message inside. */
  readonly message: IncomingMessage;
  readonly reason?: string;
}

const UNHANDLED_KEY = 'whatsapp:inbox:unhandled';

export const messageKey = (message: Pick<IncomingMessage, 'transport' | 'chat' | 'id'>): string =>
  `whatsapp:message:${message.transport}:${message.chat}:${message.id}`;

export interface InboxOptions {
  /** How long a message is kept (it is personal data: the transcript retention). */
  readonly retentionMs: number;
  readonly now?: () => number;
}

export class Inbox {
  private readonly now: () => number;

  constructor(
    private readonly store: Store,
    private readonly options: InboxOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Keeps the message. True when it is new and should be processed; false for a redelivery of one already taken,
   * and for a message that cannot be read yet (kept as `pending`: its resend under the same key gets through).
   */
  async accept(message: IncomingMessage): Promise<boolean> {
    const key = messageKey(message);
    const pending = message.content.kind === 'pending';
    const entry = this.entry(message, pending ? 'pending' : 'received');
    const ttlMs = this.options.retentionMs;
    if (!(await this.store.set(key, entry, { ttlMs, onlyIfAbsent: true }))) {
      const existing = await this.read(key);
      // Only a stub that could not be decrypted gives way to its resend; anything else is a duplicate.
      if (pending || (existing !== null && existing.status !== 'pending')) return false;
      await this.store.set(key, entry, { ttlMs });
    }
    if (pending) return false;
    await this.store.append(UNHANDLED_KEY, key, { maxLength: 10_000 });
    return true;
  }

  /** The message reached its conversation, or was answered with a refusal (`rejected`, with a reason for the log). */
  async settle(message: IncomingMessage, status: 'handled' | 'rejected', reason?: string): Promise<void> {
    const key = messageKey(message);
    const existing = await this.read(key);
    if (existing) await this.store.set(key, JSON.stringify({ ...existing, status, ...(reason ? { reason } : {}) }), { ttlMs: this.options.retentionMs });
    await this.store.removeFromList(UNHANDLED_KEY, key);
  }

  async status(message: Pick<IncomingMessage, 'transport' | 'chat' | 'id'>): Promise<MessageStatus | null> {
    return (await this.read(messageKey(message)))?.status ?? null;
  }

  /** Messages stored but never settled (the process stopped in between), older than `olderThanMs`. */
  async unhandled(olderThanMs: number): Promise<IncomingMessage[]> {
    const keys = await this.store.range(UNHANDLED_KEY, 0, -1);
    const found: IncomingMessage[] = [];
    for (const key of keys) {
      const stored = await this.read(key);
      if (stored === null || stored.status !== 'received') {
        await this.store.removeFromList(UNHANDLED_KEY, key); // expired or settled
        continue;
      }
      if (this.now() - stored.receivedAt >= olderThanMs) found.push(stored.message);
    }
    return found;
  }

  private entry(message: IncomingMessage, status: MessageStatus): string {
    const stored: StoredMessage = { status, receivedAt: this.now(), message };
    return JSON.stringify(stored);
  }

  private async read(key: string): Promise<StoredMessage | null> {
    const value = await this.store.get(key);
    return value === null ? null : (JSON.parse(value) as StoredMessage);
  }
}
