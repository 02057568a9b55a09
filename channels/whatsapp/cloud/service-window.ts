// The 24-hour customer service window: a business may send free-form messages to a customer only within 24 hours of
// that customer's last message; after that, only an approved template. The time of each chat's last inbound message
// lives in the store (every instance sees it, and it expires with the window), so a reply that can no longer be
// delivered fails at once with a clear reason instead of costing a request to Meta.
import type { Store } from '../../../src/core/store.ts';
import { SendError } from '../transport.ts';

export const WINDOW_MS = 24 * 60 * 60 * 1000;

export function windowKey(chat: string): string {
  return `whatsapp:cloud:window:${chat}`;
}

export class ServiceWindow {
  readonly #store: Store;
  readonly #now: () => number;

  constructor(store: Store, now: () => number = Date.now) {
    this.#store = store;
    this.#now = now;
  }

  /** Opens (or extends) the window from the moment the customer wrote. Redeliveries of older messages change nothing. */
  async recordInbound(chat: string, sentAtMs: number): Promise<void> {
    const now = this.#now();
    // A clock ahead of ours must not stretch the window past 24 hours.
    const at = Math.min(sentAtMs, now);
    const remaining = at + WINDOW_MS - now;
    if (remaining <= 0) return;
    const known = await this.lastInboundAt(chat);
    if (known !== undefined && known >= at) return;
    await this.#store.set(windowKey(chat), String(at), { ttlMs: remaining });
  }

  async lastInboundAt(chat: string): Promise<number | undefined> {
    const value = await this.#store.get(windowKey(chat));
    const at = value === null ? Number.NaN : Number(value);
    return Number.isFinite(at) ? at : undefined;
  }

  async isOpen(chat: string): Promise<boolean> {
    const at = await this.lastInboundAt(chat);
    return at !== undefined && this.#now() - at < WINDOW_MS;
  }

  /** Throws SendError 'window' when a free-form message can no longer reach this chat. */
  async assertOpen(chat: string, what: string): Promise<void> {
    if (await this.isOpen(chat)) return;
    throw new SendError(
      `${what} not sent: the customer has not written in the last 24 hours, so WhatsApp allows only an approved ` +
        'message template (sendTemplate) until they write again',
      'window',
    );
  }
}
