// The Store contract for event streams (part of test/contract/store.contract.ts).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../../src/core/store.ts';
import type { CurrentStore } from './store-contract-kit.ts';

/** Event streams: ids, paging, trimming, and keeping streams apart from strings and lists. */
export function streamsContract(current: CurrentStore): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

  describe('event streams', () => {
    const ID = /^\d+-\d+$/;
    const parts = (id: string) => id.split('-').map(Number) as [number, number];
    const increasing = (a: string, b: string) => {
      const [am, as] = parts(a);
      const [bm, bs] = parts(b);
      return bm > am || (bm === am && bs > as);
    };

    it('gives increasing ms-seq ids whose time part is now, and reads the events back in order', async () => {
      const before = Date.now();
      const ids: string[] = [];
      // Many in one millisecond: the sequence part must keep them apart and in order.
      for (let i = 0; i < 50; i++) ids.push(await store.appendEvent('audit', { type: 'tool_call', n: String(i) }));
      const afterMs = Date.now();
      for (const id of ids) assert.match(id, ID);
      for (let i = 1; i < ids.length; i++) assert.ok(increasing(ids[i - 1]!, ids[i]!), `${ids[i]} after ${ids[i - 1]}`);
      // Redis uses its own clock; a second of skew between the test and the server is tolerated.
      assert.ok(parts(ids[0]!)[0] >= before - 1_000 && parts(ids.at(-1)!)[0] <= afterMs + 1_000);
      const events = await store.readEvents('audit');
      assert.deepEqual(
        events.map((event) => event.id),
        ids,
      );
      assert.deepEqual(events[7]?.fields, { type: 'tool_call', n: '7' });
    });

    it('keeps the order of parallel appends in the ids it returns', async () => {
      const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => store.appendEvent('parallel', { n: String(i) })));
      const events = await store.readEvents('parallel');
      assert.equal(events.length, 20);
      assert.deepEqual(new Set(events.map((event) => event.id)), new Set(ids));
      for (let i = 1; i < events.length; i++) assert.ok(increasing(events[i - 1]!.id, events[i]!.id));
    });

    it('pages with `after` (exclusive) and `count` without skipping or repeating an event', async () => {
      for (let i = 0; i < 10; i++) await store.appendEvent('paged', { n: String(i) });
      const seen: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await store.readEvents('paged', { count: 3, ...(after ? { after } : {}) });
        if (page.length === 0) break;
        assert.ok(page.length <= 3);
        seen.push(...page.map((event) => event.fields.n!));
        after = page.at(-1)!.id;
      }
      assert.deepEqual(seen, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      assert.deepEqual(await store.readEvents('paged', { after: '0-0', count: 1 }).then((page) => page.map((e) => e.fields.n)), ['0']);
    });

    it('reads an empty list from a stream never written', async () => {
      assert.deepEqual(await store.readEvents('nothing'), []);
      assert.deepEqual(await store.readEvents('nothing', { after: '1-0', count: 5 }), []);
    });

    it('round-trips Hindi, Tamil, Portuguese and emoji in field names and values, empty values and newlines', async () => {
      const fields = {
        type: 'consent',
        'भाषा': 'हिंदी',
        detail: 'நான் ஒப்புக்கொள்கிறேன் 👍',
        nota: 'Concordo com o aviso de privacidade.\nVersão 2026-11',
        empty: '',
      };
      await store.appendEvent('unicode', fields);
      const [event] = await store.readEvents('unicode');
      assert.deepEqual(event?.fields, fields);
    });

    it('refuses an event without fields, a malformed `after` and a bad count', async () => {
      await assert.rejects(store.appendEvent('bad', {}), RangeError);
      await assert.rejects(store.readEvents('bad', { after: 'yesterday' }), RangeError);
      await assert.rejects(store.readEvents('bad', { count: 0 }), RangeError);
      await assert.rejects(store.appendEvent('bad', { a: 'b' }, { maxLength: 0 }), RangeError);
      assert.deepEqual(await store.readEvents('bad'), []);
    });

    it('trims approximately to maxLength: the newest are always kept and the stream stays bounded', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 400; i++) ids.push(await store.appendEvent('capped', { n: String(i) }, { maxLength: 10 }));
      const events = await store.readEvents('capped');
      assert.ok(events.length >= 10 && events.length <= 10 + 200, `${events.length} events kept`);
      assert.deepEqual(
        events.slice(-10).map((event) => event.id),
        ids.slice(-10),
      );
    });

    it('trims events older than a time and keeps giving larger ids afterwards', async () => {
      const old = await store.appendEvent('aged', { n: 'old' });
      await sleep(30);
      const cut = Date.now();
      await sleep(5);
      await store.appendEvent('aged', { n: 'new-1' });
      const last = await store.appendEvent('aged', { n: 'new-2' });
      assert.equal(await store.trimEventsBefore('aged', cut), 1);
      assert.deepEqual(
        (await store.readEvents('aged')).map((event) => event.fields.n),
        ['new-1', 'new-2'],
      );
      assert.equal(await store.trimEventsBefore('aged', Date.now() + 1_000), 2);
      assert.deepEqual(await store.readEvents('aged'), []);
      const next = await store.appendEvent('aged', { n: 'after-trim' });
      assert.ok(increasing(last, next) && increasing(old, next));
      assert.equal(await store.trimEventsBefore('never-written', cut), 0);
      await assert.rejects(store.trimEventsBefore('aged', -1), RangeError);
    });

    it('deletes a stream like any key', async () => {
      await store.appendEvent('gone', { a: '1' });
      await store.delete('gone');
      assert.deepEqual(await store.readEvents('gone'), []);
    });

    it('keeps streams apart from strings and lists', async () => {
      await store.set('plain', 'text');
      await store.append('list', 'entry');
      await store.appendEvent('stream', { a: '1' });
      await assert.rejects(store.appendEvent('plain', { a: '1' }), TypeError);
      await assert.rejects(store.readEvents('list'), TypeError);
      await assert.rejects(store.trimEventsBefore('plain', 0), TypeError);
      await assert.rejects(store.get('stream'), TypeError);
      await assert.rejects(store.range('stream', 0, -1), TypeError);
      await assert.rejects(store.append('stream', 'x'), TypeError);
      assert.equal(await store.get('plain'), 'text');
      assert.deepEqual(await store.range('list', 0, -1), ['entry']);
      assert.equal((await store.readEvents('stream')).length, 1);
    });
  });
}
