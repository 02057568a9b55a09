// Waiting and backing off, injectable so tests drive retries without waiting for real time.
import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects). */
export type Delay = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realDelay: Delay = async (ms, signal) => {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    // Aborted: the caller checks its own signal.
  }
};

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 2_000, maxMs: 5 * 60_000 };

/**
 * Exponential backoff with jitter: attempt 0 waits about baseMs, each failure doubles it up to maxMs, and the delay
 * is drawn from the upper half of that window so that instances that lost WhatsApp together do not return together.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
