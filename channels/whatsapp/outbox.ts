// Replies leave one chat in order and no faster than the pacing allows (WhatsApp flags numbers that burst). A failure
// that may pass is retried a little; a ban signal (463) is never retried, stops all sending and raises an alert; a
// closed 24-hour window is reported once per chat.
import type { Logger } from '../../src/core/channel.ts';
import { describeError } from '../../src/errors.ts';
import { SendError, type WhatsAppTransport } from './transport.ts';

export interface OutboxOptions {
  /** Shortest gap between two sends to one chat. */
  readonly intervalMs: number;
  /** Waits before the retries of a retryable failure. */
  readonly retryDelaysMs?: readonly number[];
  readonly alert: (kind: string, detail: Record<string, unknown>) => void;
  /** The template hook: what to send instead when a reply falls outside the 24-hour window (an approved template). */
  readonly onWindowClosed?: (transport: WhatsAppTransport, chat: string) => Promise<void>;
  readonly log: Logger;
}

type Send = (transport: WhatsAppTransport) => Promise<void>;

interface ChatLine {
  tail: Promise<unknown>;
  lastSentAt: number;
}

/** About two minutes in all: long enough to ride out a WhatsApp reconnect without dropping the answer. */
const DEFAULT_RETRY_DELAYS_MS = [1_000, 4_000, 15_000, 30_000, 60_000];

export class Outbox {
  private readonly lines = new Map<string, ChatLine>();
  /** Transports that got a ban signal: nothing more goes out through them until an operator restarts. */
  private readonly banned = new Set<string>();

  constructor(private readonly options: OutboxOptions) {}

  /** Stops every send through `transport` (a ban signal): never retried. */
  ban(transport: string): void {
    this.banned.add(transport);
  }

  isBanned(transport: string): boolean {
    return this.banned.has(transport);
  }

  /** Queues a send to `chat`; resolves when it went out (true) or was given up (false); never rejects. */
  send(transport: WhatsAppTransport, chat: string, what: string, action: Send): Promise<boolean> {
    const key = `${transport.name}:${chat}`;
    const line = this.lines.get(key) ?? { tail: Promise.resolve(), lastSentAt: 0 };
    this.lines.set(key, line);
    const done = line.tail.then(() => this.deliver(transport, chat, line, what, action));
    line.tail = done;
    void done.then(() => {
      if (this.lines.get(key)?.tail === done) this.lines.delete(key); // nothing queued behind it
    });
    return done;
  }

  private async deliver(transport: WhatsAppTransport, chat: string, line: ChatLine, what: string, action: Send): Promise<boolean> {
    const { log } = this.options;
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      if (this.banned.has(transport.name)) {
        log.warn({ what, transport: transport.name }, 'whatsapp: not sent, the number received a ban signal');
        return false;
      }
      const wait = line.lastSentAt + this.options.intervalMs - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        await action(transport);
        line.lastSentAt = Date.now();
        return true;
      } catch (error) {
        line.lastSentAt = Date.now();
        const kind = error instanceof SendError ? error.kind : 'retryable';
        if (kind === 'banned') {
          if (!this.banned.has(transport.name)) this.options.alert('banned', { transport: transport.name, status: error instanceof SendError ? error.status : undefined });
          this.ban(transport.name);
          log.error({ what, transport: transport.name, err: describeError(error) }, 'whatsapp: ban signal; sending stopped and never retried');
          return false;
        }
        if (kind === 'window') {
          log.warn({ what, err: describeError(error) }, 'whatsapp: outside the 24-hour window; a template is needed');
          const hook = this.options.onWindowClosed;
          if (!hook) this.options.alert('window_closed', { transport: transport.name });
          else await hook(transport, chat).catch((hookError: unknown) => log.error({ err: describeError(hookError) }, 'whatsapp: the template hook failed'));
          return false;
        }
        if (kind === 'rejected' || attempt >= delays.length) {
          log.error({ what, transport: transport.name, attempts: attempt + 1, err: describeError(error) }, 'whatsapp: send failed');
          return false;
        }
        await sleep(delays[attempt]!);
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
