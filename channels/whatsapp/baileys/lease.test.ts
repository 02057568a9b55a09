// One owner per number: two instances on one store run one socket between them; the other takes over after a
// release; a lost lease ends the socket at once and no auth state is written after it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BufferJSON } from '@whiskeysockets/baileys';
import type { Store } from '../../../src/core/store.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { storeFixtures, type StoreFixtures } from '../../../test/store-fixtures.ts';
import { eventually, waitUntil } from '../../../test/wait.ts';
import { PAIRED, startHarness } from './test-kit.ts';

const LEASE = 'whatsapp:shop';
const RENEWAL_MS = 10_000;
const RETRY_MS = 5_000;

/** Takes the lease from instance-a behind its back, as another instance would after instance-a stalled past its TTL. */
async function steal(store: Store): Promise<void> {
  const held = await store.acquireLease(LEASE, 'instance-a', 30_000);
  assert.ok(held, 'instance-a held the lease');
  await store.releaseLease(held);
  assert.ok(await store.acquireLease(LEASE, 'instance-b', 30_000), 'the other instance took it');
}

async function storedNoiseKey(store: Store): Promise<string | undefined> {
  const text = await store.get('whatsapp:shop:auth:creds');
  return text === null ? undefined : Buffer.from(JSON.parse(text, BufferJSON.reviver).noiseKey.private).toString('hex');
}

describe('the WhatsApp number lease', () => {
  let fixtures: StoreFixtures;
  before(async () => {
    fixtures = await storeFixtures();
  });
  after(async () => {
    await fixtures.close();
  });

  for (const kind of ['MemoryStore', 'RedisStore'] as const) {
    test(`${kind}: two instances, one socket; the second takes over with the same creds after the first stops`, async () => {
      const store = await fixtures.all.find((fixture) => fixture.name === kind)!.open();
      const a = await startHarness({ store, owner: 'instance-a', leaseRetryMs: RETRY_MS });
      assert.equal(a.sockets.all.length, 1);
      a.sockets.latest.credsUpdate(PAIRED);
      await eventually('creds saved', async () => (await storedNoiseKey(store)) !== undefined);
      const noiseKey = await storedNoiseKey(store);

      const b = await startHarness({ store, owner: 'instance-b', leaseRetryMs: RETRY_MS });
      assert.equal(b.handle.pairing().status, 'waiting_for_lease');
      assert.equal(b.sockets.all.length, 0);
      await waitUntil(b.changes, () => b.delays.waiting(RETRY_MS) === 1, 'instance-b waiting to retry');
      b.delays.release(RETRY_MS);
      await waitUntil(b.changes, () => b.delays.waiting(RETRY_MS) === 1, 'instance-b retrying again');
      assert.equal(b.sockets.all.length, 0, 'still no socket while instance-a owns the number');

      await a.handle.stop();
      assert.ok(a.sockets.latest.ended);
      b.delays.release(RETRY_MS);
      await waitUntil(b.changes, () => b.sockets.all.length === 1, 'instance-b opens a socket');
      const creds = b.sockets.latest.settings.auth.creds;
      assert.equal(Buffer.from(creds.noiseKey.private).toString('hex'), noiseKey, 'the same identity continues');
      assert.equal(creds.me?.id, '911234567890:7@s.whatsapp.net', 'including what instance-a saved last');
      await b.handle.stop();
      await store.close();
    });
  }

  test('a refused renewal ends the socket at once, stops creds writes, and the instance waits for the number again', async () => {
    const h = await startHarness({ owner: 'instance-a', leaseRetryMs: RETRY_MS });
    const socket = h.sockets.latest;
    socket.open();
    socket.credsUpdate(PAIRED);
    await eventually('creds saved', async () => (await storedNoiseKey(h.store)) !== undefined);
    const saved = await h.store.get('whatsapp:shop:auth:creds');

    await steal(h.store);
    assert.equal(h.delays.release(RENEWAL_MS), 1, 'one renewal was due');
    await waitUntil(h.changes, () => socket.ended !== undefined, 'the socket to be ended');
    assert.match(socket.ended!.error!.message, /lease was lost/);
    await waitUntil(h.changes, () => h.delays.waiting(RETRY_MS) === 1, 'waiting for the lease again');
    assert.equal(h.handle.pairing().status, 'waiting_for_lease');

    socket.credsUpdate({ nextPreKeyId: 4_242 });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await h.store.get('whatsapp:shop:auth:creds'), saved, 'nothing written after the loss');
    await assert.rejects(Promise.resolve(socket.settings.auth.keys.set({ session: { '919876543210.0': Buffer.alloc(4) } })), /no longer owns/);
    await h.handle.stop();
  });

  test('a write after the lease ran out checks with the store, and a lost lease refuses it and ends the socket', async () => {
    const h = await startHarness({ owner: 'instance-a', leaseRetryMs: RETRY_MS });
    const socket = h.sockets.latest;
    socket.credsUpdate(PAIRED);
    await eventually('creds saved', async () => (await storedNoiseKey(h.store)) !== undefined);
    await steal(h.store);
    // The process stalled past its lease: no renewal ran, and now Baileys writes a session key.
    h.clock.advance(20_000);
    await assert.rejects(Promise.resolve(socket.settings.auth.keys.set({ session: { '919876543210.0': Buffer.alloc(4) } })), /no longer owns/);
    await waitUntil(h.changes, () => socket.ended !== undefined, 'the socket to be ended');
    assert.equal(await h.store.get('whatsapp:shop:auth:key:session:919876543210.0'), null);
    await h.handle.stop();
  });

  test('an unreachable store is ridden out while the lease is still valid, and ends the socket once it is not', async () => {
    const memory = new MemoryStore();
    let reachable = true;
    const store = delegate(memory, {
      renewLease: async (lease, ttlMs) => {
        if (!reachable) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
        return memory.renewLease(lease, ttlMs);
      },
    });
    const h = await startHarness({ store, owner: 'instance-a', leaseRetryMs: RETRY_MS });
    const socket = h.sockets.latest;
    reachable = false;
    h.clock.advance(RENEWAL_MS);
    h.delays.release(RENEWAL_MS);
    await waitUntil(h.changes, () => h.delays.waiting(RENEWAL_MS) === 1, 'the next renewal');
    assert.equal(socket.ended, undefined, 'a failed renewal within the validity keeps the socket');

    h.clock.advance(RENEWAL_MS);
    h.delays.release(RENEWAL_MS);
    await waitUntil(h.changes, () => socket.ended !== undefined, 'the socket to be ended');
    await h.handle.stop();
  });
});

function delegate(store: Store, overrides: Partial<Store>): Store {
  const methods = ['get', 'set', 'delete', 'append', 'range', 'removeFromList', 'expire', 'appendEvent', 'readEvents', 'trimEventsBefore', 'acquireLease', 'renewLease', 'releaseLease', 'ping', 'close'] as const;
  const out: Record<string, unknown> = { kind: store.kind };
  for (const name of methods) out[name] = (store[name] as (...args: unknown[]) => unknown).bind(store);
  return { ...(out as unknown as Store), ...overrides };
}

