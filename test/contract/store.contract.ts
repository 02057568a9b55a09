// The behaviour every Store must show, run against MemoryStore and RedisStore alike so that code tested on the
// in-memory store behaves the same on Redis in production. `open` must return an empty, isolated store each call.
// The topics live in store-values, store-streams, store-queue and store-leases.contract.ts; this file opens and
// closes the store.
import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import type { Store } from '../../src/core/store.ts';
import { leasesContract } from './store-leases.contract.ts';
import { queueContract } from './store-queue.contract.ts';
import { streamsContract } from './store-streams.contract.ts';
import { valuesContract } from './store-values.contract.ts';

export function storeContract(name: string, open: () => Promise<Store>, cleanup?: () => Promise<void>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });
    if (cleanup) after(cleanup);

    const current = (): Store => store;

    valuesContract(current);
    streamsContract(current);
    queueContract(current);
    leasesContract(current);

    describe('lifecycle', () => {
      it('answers ping while open', async () => {
        await store.ping();
      });

      it('rejects calls after close, and closing twice is harmless', async () => {
        await store.close();
        await store.close();
        await assert.rejects(store.get('anything'), /closed/i);
        await assert.rejects(store.ping(), /closed/i);
      });
    });
  });
}
