// MemoryStore against the shared Store contract, plus the housekeeping only the in-process store has.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { storeContract } from '../../test/contract/store.contract.ts';
import { createStore } from './index.ts';
import { MemoryStore } from './memory-store.ts';

storeContract('MemoryStore', async () => new MemoryStore());

describe('MemoryStore', () => {
  it('drops expired keys and leases nobody reads again, so a long run does not grow without bound', async () => {
    const store = new MemoryStore({ sweepIntervalMs: 20 });
    try {
      for (let i = 0; i < 100; i++) await store.set(`idem:${i}`, 'done', { ttlMs: 30 });
      await store.append('recent', 'x', { ttlMs: 30 });
      await store.acquireLease('job', 'a', 30);
      await store.set('kept', 'forever');
      assert.equal(store.size, 103);
      await sleep(120);
      assert.equal(store.size, 1);
    } finally {
      await store.close();
    }
  });

  it('is what createStore returns when no Redis URL is configured', async () => {
    for (const redisUrl of [undefined, '']) {
      const store = await createStore({ redisUrl });
      assert.equal(store.kind, 'memory');
      await store.close();
    }
  });
});
