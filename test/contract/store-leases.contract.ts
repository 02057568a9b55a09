// The Store contract for leases with fencing tokens (part of test/contract/store.contract.ts).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../../src/core/store.ts';
import { PAST_SHORT_TTL_MS, SHORT_TTL_MS } from './store-contract-kit.ts';
import type { CurrentStore } from './store-contract-kit.ts';

/** Leases: one holder at a time, renewal, expiry and release, and tokens that only grow. */
export function leasesContract(current: CurrentStore): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('leases', () => {
    it('grants a free lease with a positive token and a future expiry', async () => {
      const before = Date.now();
      const lease = await store.acquireLease('wa:number', 'instance-a', 1_000);
      assert.ok(lease);
      assert.equal(lease.name, 'wa:number');
      assert.equal(lease.owner, 'instance-a');
      assert.ok(lease.token > 0);
      assert.ok(lease.expiresAt >= before + 1_000 && lease.expiresAt <= Date.now() + 1_000);
    });

    it('refuses a second owner while the lease is held', async () => {
      assert.ok(await store.acquireLease('job', 'a', 1_000));
      assert.equal(await store.acquireLease('job', 'b', 1_000), null);
    });

    it('lets the holder acquire again as a renewal that keeps its token', async () => {
      const first = await store.acquireLease('job', 'a', 1_000);
      const again = await store.acquireLease('job', 'a', 5_000);
      assert.ok(first && again);
      assert.equal(again.token, first.token);
      assert.ok(again.expiresAt > first.expiresAt);
    });

    it('keeps a renewed lease past its first expiry', async () => {
      const lease = await store.acquireLease('job', 'a', 100);
      assert.ok(lease);
      await sleep(30);
      assert.equal(await store.renewLease(lease, 500), true);
      await sleep(120);
      assert.equal(await store.acquireLease('job', 'b', 1_000), null);
    });

    it('hands an expired lease to another owner with a larger token; the old holder cannot renew', async () => {
      const old = await store.acquireLease('job', 'a', SHORT_TTL_MS);
      assert.ok(old);
      await sleep(PAST_SHORT_TTL_MS);
      const taken = await store.acquireLease('job', 'b', 1_000);
      assert.ok(taken);
      assert.ok(taken.token > old.token);
      assert.equal(await store.renewLease(old, 1_000), false);
      assert.equal(await store.acquireLease('job', 'a', 1_000), null);
    });

    it('does not renew an expired lease even when nobody took it', async () => {
      const lease = await store.acquireLease('job', 'a', SHORT_TTL_MS);
      assert.ok(lease);
      await sleep(PAST_SHORT_TTL_MS);
      assert.equal(await store.renewLease(lease, 1_000), false);
      const again = await store.acquireLease('job', 'a', 1_000);
      assert.ok(again);
      assert.ok(again.token > lease.token, 'someone may have held it in between, so the token must move on');
    });

    it('frees a released lease for another owner, with a larger token', async () => {
      const first = await store.acquireLease('job', 'a', 5_000);
      assert.ok(first);
      await store.releaseLease(first);
      const second = await store.acquireLease('job', 'b', 5_000);
      assert.ok(second);
      assert.ok(second.token > first.token);
    });

    it('ignores a release with a stale token, leaving the new holder in place', async () => {
      const old = await store.acquireLease('job', 'a', SHORT_TTL_MS);
      assert.ok(old);
      await sleep(PAST_SHORT_TTL_MS);
      const current = await store.acquireLease('job', 'b', 5_000);
      assert.ok(current);
      await store.releaseLease(old);
      assert.equal(await store.acquireLease('job', 'c', 5_000), null);
      assert.equal(await store.renewLease(current, 5_000), true);
    });

    it('keeps leases on different names apart', async () => {
      assert.ok(await store.acquireLease('number-1', 'a', 1_000));
      assert.ok(await store.acquireLease('number-2', 'b', 1_000));
    });

    it('keeps lease names apart from keys of the same name', async () => {
      await store.set('shared-name', 'value');
      assert.ok(await store.acquireLease('shared-name', 'a', 1_000));
      assert.equal(await store.get('shared-name'), 'value');
    });

    it('grants a lease to exactly one of 20 parallel owners', async () => {
      const leases = await Promise.all(Array.from({ length: 20 }, (_, i) => store.acquireLease('contended', `owner-${i}`, 1_000)));
      assert.equal(leases.filter((lease) => lease !== null).length, 1);
    });

    it('handles owners with colons, newlines and Tamil script', async () => {
      const lease = await store.acquireLease('job', 'pod:7\nவேலை:१', 1_000);
      assert.ok(lease);
      assert.equal(lease.owner, 'pod:7\nவேலை:१');
      assert.equal(await store.acquireLease('job', 'pod:7', 1_000), null);
      assert.equal(await store.renewLease(lease, 1_000), true);
      await store.releaseLease(lease);
      assert.ok(await store.acquireLease('job', 'pod:7', 1_000));
    });

    it('fenced writes land while the lease is held, and are refused once another owner has it', async () => {
      const first = await store.acquireLease('wa:fenced', 'instance-a', SHORT_TTL_MS);
      assert.ok(first);
      assert.equal(await store.set('wa:creds', 'from-a', { fence: first }), true);
      assert.equal(await store.set('wa:creds', 'ignored', { fence: first, onlyIfAbsent: true }), false, 'onlyIfAbsent still applies');
      await sleep(PAST_SHORT_TTL_MS);
      const second = await store.acquireLease('wa:fenced', 'instance-b', 1_000);
      assert.ok(second && second.token > first.token);
      assert.equal(await store.set('wa:creds', 'from-b', { fence: second }), true);
      // Instance A wakes from a pause and writes with its old grant: refused, and B's value stands.
      await assert.rejects(store.set('wa:creds', 'stale-a', { fence: first }), (error: Error) => error.name === 'FenceError');
      await assert.rejects(store.delete('wa:creds', { fence: first }), (error: Error) => error.name === 'FenceError');
      assert.equal(await store.get('wa:creds'), 'from-b');
      await store.delete('wa:creds', { fence: second });
      assert.equal(await store.get('wa:creds'), null);
      await store.releaseLease(second);
      await assert.rejects(store.set('wa:creds', 'after-release', { fence: second }), (error: Error) => error.name === 'FenceError');
    });
  });
}
