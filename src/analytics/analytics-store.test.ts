// The analytics store on both stores: a conversation analysed twice is counted once, the day index finds it again
// (also after a worker died between writing and indexing), filters and range limits, retention and erasure.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { storeFixtures } from '../../test/store-fixtures.ts';
import { analysed } from '../../test/analytics-fixtures.ts';
import type { Store } from '../core/store.ts';
import { AnalyticsStore, analyticsKey } from './analytics-store.ts';

const fixtures = await storeFixtures();
after(() => fixtures.close());

for (const fixture of fixtures.all) {
  describe(`AnalyticsStore on ${fixture.name}`, () => {
    const stores: Store[] = [];
    after(() => Promise.all(stores.map((store) => store.close())));
    const open = async () => {
      const store = await fixture.open();
      stores.push(store);
      return { store, analytics: new AnalyticsStore(store) };
    };

    it('keeps a conversation once: a second save (the job delivered again) is refused and not counted again', async () => {
      const { analytics } = await open();
      const first = analysed({ day: '2026-03-02', summary: 'first run' });
      assert.equal(await analytics.save(first), true);
      assert.equal(await analytics.save({ ...first, summary: 'second run' }), false);
      assert.equal((await analytics.get(first.conversationId))?.summary, 'first run');
      const found = await analytics.inRange('2026-03-01', '2026-03-03');
      assert.deepEqual(
        found.map((a) => a.conversationId),
        [first.conversationId],
      );
    });

    it('a chat that woke up and ended again replaces its analytics with the later ones, still counted once on its first day', async () => {
      const { analytics } = await open();
      const first = analysed({ day: '2026-03-02', endedAt: Date.UTC(2026, 2, 2, 10), outcome: 'abandoned' });
      assert.equal(await analytics.save(first), true);
      const later = { ...first, day: '2026-03-03', endedAt: Date.UTC(2026, 2, 3, 9), outcome: 'completed' as const };
      assert.equal(await analytics.save(later), false, 'not counted again');
      const kept = await analytics.get(first.conversationId);
      assert.equal(kept?.outcome, 'completed');
      assert.equal(kept?.day, '2026-03-02');
      assert.deepEqual((await analytics.inRange('2026-03-01', '2026-03-04')).map((a) => a.outcome), ['completed']);
      // The first end's job delivered again afterwards changes nothing.
      await analytics.save(first);
      assert.equal((await analytics.get(first.conversationId))?.outcome, 'completed');
    });

    it('still counts a conversation whose worker died after writing its analytics and before indexing them', async () => {
      const { store, analytics } = await open();
      const orphan = analysed({ day: '2026-03-02' });
      await store.set(analyticsKey(orphan.conversationId), JSON.stringify(orphan));
      assert.equal((await analytics.inRange('2026-03-02', '2026-03-02')).length, 0);
      assert.equal(await analytics.save(orphan), false, 'the redelivered job does not count it in the metrics again');
      assert.equal(await analytics.save(orphan), false);
      assert.equal((await analytics.inRange('2026-03-02', '2026-03-02')).length, 1, 'indexed once, however often the job ran');
    });

    it('reads the days asked for only, across many conversations, and applies filters on label values', async () => {
      const { analytics } = await open();
      const inside = [
        ...Array.from({ length: 250 }, () => analysed({ day: '2026-03-01', intent: 'booking', language: 'hi' })),
        analysed({ day: '2026-03-03', intent: 'status', outcome: 'escalated', language: 'xx-YY', channel: 'whatsapp' }),
      ];
      const outside = [analysed({ day: '2026-02-28' }), analysed({ day: '2026-03-04' })];
      for (const item of [...inside, ...outside]) assert.equal(await analytics.save(item), true);
      assert.equal((await analytics.inRange('2026-03-01', '2026-03-03')).length, 251);
      assert.equal((await analytics.inRange('2026-03-01', '2026-03-03', { intent: 'booking' })).length, 250);
      const other = await analytics.inRange('2026-03-01', '2026-03-03', { language: 'other' });
      assert.deepEqual(
        other.map((a) => a.conversationId),
        [inside[250]!.conversationId],
      );
      assert.equal((await analytics.inRange('2026-03-01', '2026-03-03', { outcome: 'escalated', channel: 'whatsapp' })).length, 1);
      assert.equal((await analytics.inRange('2026-03-01', '2026-03-03', { outcome: 'escalated', channel: 'twilio' })).length, 0);
      assert.deepEqual(
        (await analytics.getMany([outside[0]!.conversationId, 'no-such-id'])).map((a) => a?.day ?? null),
        ['2026-02-28', null],
      );
    });

    it('refuses a range wider than 366 days, and a malformed day', async () => {
      const { analytics } = await open();
      assert.equal((await analytics.inRange('2024-01-01', '2024-12-31')).length, 0); // 366 days: a leap year
      await assert.rejects(analytics.inRange('2025-01-01', '2026-01-02'), /367 days is wider than 366/);
      await assert.rejects(analytics.inRange('2025-1-1', '2025-01-02'), /YYYY-MM-DD/);
    });

    it('lets analytics expire after the retention period', async () => {
      const { store } = await open();
      const analytics = new AnalyticsStore(store, { ttlMs: 40 });
      const item = analysed({ day: '2026-03-02' });
      assert.equal(await analytics.save(item), true);
      assert.equal((await analytics.inRange('2026-03-02', '2026-03-02')).length, 1);
      await sleep(150);
      assert.equal(await analytics.get(item.conversationId), null);
      assert.deepEqual(await analytics.inRange('2026-03-02', '2026-03-02'), []);
      assert.deepEqual(await fixture.contents(store), [], 'the day index expired too');
    });

    it('erases one conversation from the analytics and the day index, leaving no trace of its id', async () => {
      const { store, analytics } = await open();
      const gone = analysed({ day: '2026-03-02' });
      const kept = analysed({ day: '2026-03-02' });
      await analytics.save(gone);
      await analytics.save(kept);
      assert.equal(await analytics.erase(gone.conversationId), true);
      assert.equal(await analytics.erase(gone.conversationId), false);
      assert.deepEqual(
        (await analytics.inRange('2026-03-02', '2026-03-02')).map((a) => a.conversationId),
        [kept.conversationId],
      );
      const everything = (await fixture.contents(store)).map((entry) => `${entry.key} ${entry.text}`).join('\n');
      assert.ok(!everything.includes(gone.conversationId));
      assert.ok(everything.includes(kept.conversationId));
    });
  });
}
