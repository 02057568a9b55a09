// Exactly one process owns a WhatsApp number at a time, or the signal sessions of two sockets corrupt each other
// ("Bad MAC"). Ownership is a store lease with a fencing token: renewed in the background, checked before every write
// of auth state, and given up at once when a renewal fails.
import type { Logger } from '../../../src/core/channel.ts';
import type { Lease, Store } from '../../../src/core/store.ts';
import { describeError } from '../../../src/errors.ts';
import type { WriteGuard } from './auth-state.ts';
import type { Delay } from './timing.ts';

export class LeaseLostError extends Error {
  constructor(name: string) {
    super(`this process no longer owns the WhatsApp number (${name}): auth state writes are refused`);
    this.name = 'LeaseLostError';
  }
}

export interface NumberLeaseOptions {
  readonly store: Store;
  readonly name: string;
  readonly owner: string;
  readonly ttlMs: number;
  /** How long a process that found the number taken waits before trying again. */
  readonly retryMs: number;
  readonly now: () => number;
  readonly delay: Delay;
  readonly log: Logger;
}

/** One grant of the lease. Its guard refuses writes once this grant is lost, even if the process later wins again. */
export interface LeaseGrant {
  readonly token: number;
  readonly guard: WriteGuard;
  /** Resolves when the grant is lost (renewal refused or impossible past its validity); never when released. */
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

export class NumberLease {
  readonly #options: NumberLeaseOptions;

  constructor(options: NumberLeaseOptions) {
    this.#options = options;
  }

  /** Waits until the number is ours, retrying every retryMs; undefined when `signal` aborts first. */
  async acquire(signal: AbortSignal, onTaken?: () => void): Promise<LeaseGrant | undefined> {
    const { store, name, owner, ttlMs, retryMs, log } = this.#options;
    let warned = false;
    while (!signal.aborted) {
      const sentAt = this.#options.now();
      let lease: Lease | null = null;
      try {
        lease = await store.acquireLease(name, owner, ttlMs);
      } catch (error) {
        log.warn({ err: describeError(error) }, 'could not reach the store to take the WhatsApp number lease');
      }
      if (lease) {
        if (signal.aborted) {
          await store.releaseLease(lease).catch(() => undefined);
          return undefined;
        }
        return this.#grant(lease, sentAt);
      }
      if (!warned) {
        log.info({ lease: name }, 'another instance owns this WhatsApp number: waiting for it');
        warned = true;
        onTaken?.();
      }
      await this.#options.delay(retryMs, signal);
    }
    return undefined;
  }

  #grant(lease: Lease, sentAt: number): LeaseGrant {
    const { store, ttlMs, now, delay, log, name } = this.#options;
    // Writes are allowed until half the TTL after the last successful renewal was sent: the store keeps the lease
    // at least a full TTL from then, so nobody else can hold it while we write.
    let validUntil = sentAt + ttlMs / 2;
    let state: 'held' | 'lost' | 'released' = 'held';
    const stopRenewing = new AbortController();
    let markLost!: () => void;
    const lost = new Promise<void>((resolve) => (markLost = resolve));

    const lose = (reason: string): void => {
      if (state !== 'held') return;
      state = 'lost';
      stopRenewing.abort();
      log.error({ lease: name, token: lease.token, reason }, 'lost the WhatsApp number lease');
      markLost();
    };

    const renew = async (): Promise<void> => {
      const started = now();
      try {
        if (await store.renewLease(lease, ttlMs)) {
          if (state === 'held') validUntil = started + ttlMs / 2;
          return;
        }
        lose('renewal refused: another instance holds the number');
      } catch (error) {
        // The store is unreachable: keep owning the number only while the last renewal still covers us.
        if (now() >= validUntil) lose(`renewal failed past the lease's validity: ${describeError(error)}`);
        else log.warn({ lease: name, err: describeError(error) }, 'WhatsApp number lease renewal failed; retrying');
      }
    };

    void (async () => {
      while (!stopRenewing.signal.aborted) {
        await delay(ttlMs / 3, stopRenewing.signal);
        if (stopRenewing.signal.aborted) return;
        await renew();
      }
    })();

    return {
      token: lease.token,
      lost,
      guard: async () => {
        if (state === 'held' && now() < validUntil) return lease;
        if (state === 'held') await renew();
        if (state !== 'held' || now() >= validUntil) throw new LeaseLostError(name);
        return lease;
      },
      release: async () => {
        if (state === 'held') state = 'released';
        stopRenewing.abort();
        await store.releaseLease(lease).catch((error: unknown) => log.warn({ err: describeError(error) }, 'could not release the WhatsApp number lease'));
      },
    };
  }
}
