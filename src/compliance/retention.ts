// Retention per data class. Records, transcripts, consent records and the per-conversation audit copies carry their
// own TTLs in the store (set where they are written, from RETENTION_*_DAYS). The audit trail is one stream that
// cannot expire entry by entry, so this sweeper trims it by age on a timer. Running it on several instances at once
// is harmless: trimming twice removes nothing more.
import type { Logger } from '../core/channel.ts';
import { describeError } from '../errors.ts';
import type { AuditLog } from './audit.ts';

export interface RetentionSweeperOptions {
  readonly audit: AuditLog;
  /** RETENTION_AUDIT_DAYS in milliseconds. */
  readonly auditRetentionMs: number;
  /** How often to trim. Default 6 hours; the first run is shortly after start(). */
  readonly intervalMs?: number;
  readonly log: Logger;
}

const DEFAULT_INTERVAL_MS = 6 * 3600 * 1000;
const FIRST_RUN_DELAY_MS = 60 * 1000;

export class RetentionSweeper {
  readonly #options: RetentionSweeperOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;

  constructor(options: RetentionSweeperOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#timer) return;
    const schedule = (delayMs: number): void => {
      this.#timer = setTimeout(() => {
        void this.runOnce()
          .catch(() => 0)
          .finally(() => {
            if (this.#timer) schedule(this.#options.intervalMs ?? DEFAULT_INTERVAL_MS);
          });
      }, delayMs);
      // Housekeeping must never keep the process alive.
      this.#timer.unref();
    };
    schedule(Math.min(FIRST_RUN_DELAY_MS, this.#options.intervalMs ?? DEFAULT_INTERVAL_MS));
  }

  /** Trims once; returns how many audit events went. Failures are logged and rethrown. */
  async runOnce(): Promise<number> {
    if (this.#running) return this.#running;
    const { audit, auditRetentionMs, log } = this.#options;
    this.#running = audit
      .trimOlderThan(auditRetentionMs)
      .then((removed) => {
        if (removed > 0) log.info({ removed, stream: audit.stream }, 'retention: trimmed old audit events');
        return removed;
      })
      .catch((error: unknown) => {
        log.warn({ reason: describeError(error) }, 'retention: trimming the audit trail failed; next attempt at the next interval');
        throw error;
      })
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  /** Stops the timer; a trim already running finishes on its own. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
