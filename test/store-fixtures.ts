// The two stores as tests of store-backed features see them: an isolated MemoryStore, and a RedisStore on a real
// Redis (REDIS_URL, or a private redis-server) under a random key prefix. `contents` lists everything a store holds,
// so a test can prove that personal data is gone (erasure) without trusting the code under test to say so.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Store } from '../src/core/store.ts';
import { MemoryStore } from '../src/store/memory-store.ts';
import { RedisStore } from '../src/store/redis-store.ts';
import { startRedis } from './redis-server.ts';

export interface StoreFixture {
  readonly name: 'MemoryStore' | 'RedisStore';
  /** A new, empty store of this kind. */
  open(): Promise<Store>;
  /** Every key the store holds and its content as text (string value, list items, stream ids, field names and values). */
  contents(store: Store): Promise<Array<{ readonly key: string; readonly text: string }>>;
}

export interface StoreFixtures {
  readonly all: readonly StoreFixture[];
  /** Stops the private Redis and removes the test keys from a shared one. */
  close(): Promise<void>;
}

export async function storeFixtures(): Promise<StoreFixtures> {
  const server = await startRedis();
  const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
  const prefixes = new Map<Store, string>();

  async function keysOf(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  }

  const memory: StoreFixture = {
    name: 'MemoryStore',
    open: async () => new MemoryStore(),
    contents: async (store) => (store as MemoryStore).contents(),
  };

  const redis: StoreFixture = {
    name: 'RedisStore',
    async open() {
      const keyPrefix = `test:${randomUUID()}:`;
      const store = new RedisStore({ url: server.url, keyPrefix });
      prefixes.set(store, keyPrefix);
      return store;
    },
    async contents(store) {
      const prefix = prefixes.get(store);
      if (prefix === undefined) throw new Error('not a store this fixture opened');
      const out: Array<{ key: string; text: string }> = [];
      for (const key of await keysOf(prefix)) {
        const type = await admin.type(key);
        let text: string;
        if (type === 'string') text = (await admin.get(key)) ?? '';
        else if (type === 'list') text = (await admin.lrange(key, 0, -1)).join('\n');
        else if (type === 'stream') text = (await admin.xrange(key, '-', '+')).map(([id, fields]) => `${id} ${fields.join(' ')}`).join('\n');
        else text = `(${type})`;
        // Store keys as callers name them (RedisStore files them under kv:); lease keys keep their own prefix.
        const local = key.slice(prefix.length);
        out.push({ key: local.startsWith('kv:') ? local.slice(3) : local, text });
      }
      return out;
    },
  };

  return {
    all: [memory, redis],
    async close() {
      for (const prefix of prefixes.values()) {
        const keys = await keysOf(prefix);
        if (keys.length > 0) await admin.del(...keys);
      }
      await admin.quit();
      await server.stop();
    },
  };
}
