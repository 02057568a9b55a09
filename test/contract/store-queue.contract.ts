// The Store contract for durable job queues (part of test/contract/store.contract.ts): delivery to one consumer per
// group, take-over of jobs whose worker went quiet, acknowledgement, waiting for work, trimming, bad arguments.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClaimOptions, QueuedJob, Store } from '../../src/core/store.ts';
import { PAST_SHORT_TTL_MS, SHORT_TTL_MS, type CurrentStore } from './store-contract-kit.ts';

// Long enough that nothing is taken over while a test runs, however slow the machine.
const NEVER = 600_000;
const NOW: ClaimOptions = { count: 10, blockMs: 0, reclaimAfterMs: NEVER };

const ids = (jobs: readonly QueuedJob[]): string[] => jobs.map((job) => job.id);

/** Job queues over consumer groups. */
export function queueContract(current: CurrentStore): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('job queues', () => {
    it('delivers each job to exactly one consumer of a group, and every job to each group', async () => {
      const enqueued: string[] = [];
      for (let i = 0; i < 5; i++) enqueued.push(await store.enqueueJob('analytics', { conversationId: `c${i}` }));
      const first = await store.claimJobs('analytics', 'workers', 'a', { ...NOW, count: 2 });
      assert.equal(first.length, 2);
      assert.deepEqual(first[0], { id: enqueued[0], fields: { conversationId: 'c0' }, deliveries: 1 });
      const rest = await store.claimJobs('analytics', 'workers', 'b', NOW);
      assert.deepEqual([...ids(first), ...ids(rest)], enqueued);
      assert.deepEqual(await store.claimJobs('analytics', 'workers', 'a', NOW), []);
      assert.deepEqual(await store.claimJobs('analytics', 'workers', 'c', NOW), []);

      const other = await store.claimJobs('analytics', 'exporters', 'x', NOW);
      assert.deepEqual(ids(other), enqueued);
      assert.deepEqual(
        other.map((job) => job.fields.conversationId),
        ['c0', 'c1', 'c2', 'c3', 'c4'],
      );
    });

    it('never gives one job to two consumers claiming at the same time', async () => {
      const enqueued = await Promise.all(Array.from({ length: 20 }, (_, i) => store.enqueueJob('busy', { n: String(i) })));
      const claims = await Promise.all(['a', 'b', 'c', 'd'].map((consumer) => store.claimJobs('busy', 'workers', consumer, { ...NOW, count: 6 })));
      const taken = claims.flatMap(ids);
      assert.equal(new Set(taken).size, taken.length, 'no job was delivered twice');
      const left = await store.claimJobs('busy', 'workers', 'e', { ...NOW, count: 20 });
      assert.deepEqual(new Set([...taken, ...ids(left)]), new Set(enqueued));
    });

    it('gives a job left unacknowledged past reclaimAfterMs to another consumer, counting the delivery', async () => {
      const id = await store.enqueueJob('analytics', { conversationId: 'c1' });
      const [taken] = await store.claimJobs('analytics', 'workers', 'crashed', NOW);
      assert.equal(taken?.id, id);
      // Not idle for long enough yet: still the first consumer's.
      assert.deepEqual(await store.claimJobs('analytics', 'workers', 'b', NOW), []);
      await sleep(PAST_SHORT_TTL_MS);
      const [again] = await store.claimJobs('analytics', 'workers', 'b', { ...NOW, reclaimAfterMs: SHORT_TTL_MS });
      assert.deepEqual(again, { id, fields: { conversationId: 'c1' }, deliveries: 2 });
      await sleep(PAST_SHORT_TTL_MS);
      const [third] = await store.claimJobs('analytics', 'workers', 'c', { ...NOW, reclaimAfterMs: SHORT_TTL_MS });
      assert.equal(third?.deliveries, 3);
    });

    it('takes over idle jobs before new ones', async () => {
      const old = await store.enqueueJob('analytics', { n: 'old' });
      await store.claimJobs('analytics', 'workers', 'crashed', NOW);
      const fresh = await store.enqueueJob('analytics', { n: 'new' });
      await sleep(PAST_SHORT_TTL_MS);
      const options = { count: 10, blockMs: 0, reclaimAfterMs: SHORT_TTL_MS };
      const [first] = await store.claimJobs('analytics', 'workers', 'b', options);
      assert.deepEqual(first, { id: old, fields: { n: 'old' }, deliveries: 2 });
      assert.deepEqual(ids(await store.claimJobs('analytics', 'workers', 'b', { ...options, reclaimAfterMs: NEVER })), [fresh]);
    });

    it('never delivers an acknowledged job again to that group', async () => {
      const id = await store.enqueueJob('analytics', { conversationId: 'c1' });
      await store.claimJobs('analytics', 'workers', 'a', NOW);
      await store.ackJob('analytics', 'workers', id);
      await sleep(PAST_SHORT_TTL_MS);
      const options = { count: 10, blockMs: 0, reclaimAfterMs: SHORT_TTL_MS };
      assert.deepEqual(await store.claimJobs('analytics', 'workers', 'b', options), []);
      assert.deepEqual(await store.claimJobs('analytics', 'workers', 'a', options), []);
      // Acknowledging twice, or a job of a group that never saw it, is harmless.
      await store.ackJob('analytics', 'workers', id);
      await store.ackJob('analytics', 'someone-else', id);
      assert.equal((await store.claimJobs('analytics', 'others', 'x', NOW))[0]?.id, id);
    });

    it('removes an acknowledged job from the queue when asked, so its fields do not linger', async () => {
      const done = await store.enqueueJob('analytics', { conversationId: 'c1' });
      const kept = await store.enqueueJob('analytics', { conversationId: 'c2' });
      await store.claimJobs('analytics', 'workers', 'a', NOW);
      await store.ackJob('analytics', 'workers', done, { remove: true });
      assert.deepEqual((await store.readEvents('analytics')).map((event) => event.id), [kept]);
      // The other job is still pending and is taken over as usual.
      const options = { count: 10, blockMs: 0, reclaimAfterMs: SHORT_TTL_MS };
      await sleep(PAST_SHORT_TTL_MS);
      assert.deepEqual(ids(await store.claimJobs('analytics', 'workers', 'b', options)), [kept]);
      await store.ackJob('analytics', 'workers', done, { remove: true }); // again: harmless
    });

    it('hands a job enqueued while a consumer waits to that consumer', async () => {
      const waiting = store.claimJobs('analytics', 'workers', 'a', { count: 1, blockMs: 30_000, reclaimAfterMs: NEVER });
      // The store keeps answering other calls while a claim waits.
      await store.set('other-work', 'done');
      assert.equal(await store.get('other-work'), 'done');
      const id = await store.enqueueJob('analytics', { conversationId: 'c1' });
      assert.deepEqual(await waiting, [{ id, fields: { conversationId: 'c1' }, deliveries: 1 }]);
    });

    it('returns nothing once blockMs is over with no job', async () => {
      assert.deepEqual(await store.claimJobs('empty', 'workers', 'a', { count: 1, blockMs: SHORT_TTL_MS, reclaimAfterMs: NEVER }), []);
    });

    it('releases a waiting claim with nothing when the store closes', async () => {
      const waiting = store.claimJobs('analytics', 'workers', 'a', { count: 1, blockMs: 60_000, reclaimAfterMs: NEVER });
      // Let the claim reach its wait first.
      await sleep(SHORT_TTL_MS);
      await store.close();
      assert.deepEqual(await waiting, []);
    });

    it('trims the oldest jobs approximately to maxLength', async () => {
      const enqueued: string[] = [];
      for (let i = 0; i < 400; i++) enqueued.push(await store.enqueueJob('capped', { n: String(i) }, { maxLength: 10 }));
      const jobs = await store.claimJobs('capped', 'workers', 'a', { ...NOW, count: 1_000 });
      assert.ok(jobs.length >= 10 && jobs.length <= 10 + 200, `${jobs.length} jobs kept`);
      assert.deepEqual(ids(jobs).slice(-10), enqueued.slice(-10));
    });

    it('starts over when the queue is deleted under its group', async () => {
      await store.enqueueJob('analytics', { n: '1' });
      await store.claimJobs('analytics', 'workers', 'a', NOW);
      await store.delete('analytics');
      const id = await store.enqueueJob('analytics', { n: '2' });
      assert.deepEqual(ids(await store.claimJobs('analytics', 'workers', 'a', NOW)), [id]);
    });

    it('refuses empty fields and names, a count below 1, negative waits and malformed ids', async () => {
      await assert.rejects(store.enqueueJob('analytics', {}), /at least one field/);
      await assert.rejects(store.enqueueJob('', { a: '1' }), /queue name/);
      await assert.rejects(store.enqueueJob('analytics', { a: '1' }, { maxLength: 0 }), RangeError);
      await assert.rejects(store.claimJobs('analytics', 'workers', 'a', { ...NOW, count: 0 }), /count must be a whole number of at least 1/);
      await assert.rejects(store.claimJobs('analytics', 'workers', 'a', { ...NOW, count: 1.5 }), RangeError);
      await assert.rejects(store.claimJobs('analytics', '', 'a', NOW), /group name/);
      await assert.rejects(store.claimJobs('analytics', 'workers', '', NOW), /consumer name/);
      await assert.rejects(store.claimJobs('analytics', 'workers', 'a', { ...NOW, blockMs: -1 }), /blockMs/);
      await assert.rejects(store.claimJobs('analytics', 'workers', 'a', { ...NOW, reclaimAfterMs: Number.NaN }), /reclaimAfterMs/);
      await assert.rejects(store.ackJob('analytics', 'workers', 'done'), RangeError);
      // Nothing was enqueued by the refused calls.
      assert.deepEqual(await store.readEvents('analytics'), []);
    });

    it('keeps queues apart from strings and lists', async () => {
      await store.set('plain', 'text');
      await store.append('list', 'entry');
      await assert.rejects(store.enqueueJob('plain', { a: '1' }), TypeError);
      await assert.rejects(store.claimJobs('list', 'workers', 'a', NOW), TypeError);
      await assert.rejects(store.ackJob('plain', 'workers', '1-0'), TypeError);
      assert.equal(await store.get('plain'), 'text');
      assert.deepEqual(await store.range('list', 0, -1), ['entry']);
    });
  });
}
