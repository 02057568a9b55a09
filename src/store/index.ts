// Picks the store at startup: Redis when REDIS_URL is configured (production, several instances), otherwise the
// in-process MemoryStore (the embedded default, one instance).
import type { Logger } from '../core/channel.ts';
import type { Store } from '../core/store.ts';
import { describeError, GatewayError } from '../errors.ts';
import { MemoryStore } from './memory-store.ts';
import { RedisStore } from './redis-store.ts';

export { MemoryStore } from './memory-store.ts';
export type { MemoryStoreOptions } from './memory-store.ts';
export { RedisStore } from './redis-store.ts';
export type { RedisStoreOptions } from './redis-store.ts';

export interface CreateStoreOptions {
  /** The value of REDIS_URL; empty or missing means the in-memory store. */
  readonly redisUrl?: string;
  readonly keyPrefix?: string;
  readonly logger?: Logger;
}

export async function createStore(options: CreateStoreOptions): Promise<Store> {
  if (!options.redisUrl) return new MemoryStore();
  let store: RedisStore;
  try {
    store = new RedisStore({ url: options.redisUrl, keyPrefix: options.keyPrefix, logger: options.logger });
  } catch (error) {
    throw new GatewayError('config_invalid', `REDIS_URL is not usable: ${describeError(error)}`, { cause: error });
  }
  // Fail at startup rather than on the first call: a gateway that cannot keep state should not take traffic.
  try {
    await store.ping();
  } catch (error) {
    // Without this the client would keep reconnecting in the background and hold the process open.
    await store.close();
    throw new GatewayError(
      'store_unavailable',
      `REDIS_URL points at a Redis that does not answer. ${describeError(error)}. ` +
        'Start Redis, correct REDIS_URL, or unset it to use the in-memory store (one instance only).',
      { retryable: true, cause: error },
    );
  }
  return store;
}
