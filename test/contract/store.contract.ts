// The behaviour every Store must show, run against MemoryStore and RedisStore alike so that code tested on the
// in-memory store behaves the same on Redis in production. `open` must return an empty, isolated store each call.
import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../../src/core/store.ts';

// Short TTLs keep the suite fast; the waits leave room for a busy CI machine.
const SHORT_TTL_MS = 80;
const PAST_SHORT_TTL_MS = 160;

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

    describe('keys and values', () => {
      it('returns null for a key never written, and the value once set', async () => {
        assert.equal(await store.get('greeting'), null);
        assert.equal(await store.set('greeting', 'hello'), true);
        assert.equal(await store.get('greeting'), 'hello');
      });

      it('overwrites on a plain set', async () => {
        await store.set('state', 'ringing');
        assert.equal(await store.set('state', 'answered'), true);
        assert.equal(await store.get('state'), 'answered');
      });

      it('keeps an empty string apart from a missing key', async () => {
        await store.set('empty', '');
        assert.equal(await store.get('empty'), '');
      });

      it('deletes a key, and deleting a missing key is not an error', async () => {
        await store.set('gone', 'soon');
        await store.delete('gone');
        assert.equal(await store.get('gone'), null);
        await store.delete('never-there');
      });

      it('round-trips Hindi, Tamil and emoji in keys and values', async () => {
        const hindi = 'नमस्ते, आपका ऑर्डर भेज दिया गया है।';
        const tamil = 'வணக்கம், உங்கள் ஆர்டர் அனுப்பப்பட்டது';
        await store.set('conv:हिंदी', hindi);
        await store.set('conv:தமிழ்', `${tamil} 📦`);
        assert.equal(await store.get('conv:हिंदी'), hindi);
        assert.equal(await store.get('conv:தமிழ்'), `${tamil} 📦`);
      });
    });

    describe('onlyIfAbsent (idempotency keys)', () => {
      it('writes a free key and refuses a taken one, keeping the first value', async () => {
        assert.equal(await store.set('idem:tool-1', 'first', { onlyIfAbsent: true }), true);
        assert.equal(await store.set('idem:tool-1', 'second', { onlyIfAbsent: true }), false);
        assert.equal(await store.get('idem:tool-1'), 'first');
      });

      it('lets exactly one of 20 parallel callers win, and keeps the winner’s value', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.set('idem:race', `caller-${i}`, { onlyIfAbsent: true })),
        );
        const winners = results.flatMap((won, i) => (won ? [i] : []));
        assert.equal(winners.length, 1);
        assert.equal(await store.get('idem:race'), `caller-${winners[0]}`);
      });

      it('can claim a key again once its TTL has passed', async () => {
        assert.equal(await store.set('idem:retry', 'a', { onlyIfAbsent: true, ttlMs: SHORT_TTL_MS }), true);
        assert.equal(await store.set('idem:retry', 'b', { onlyIfAbsent: true, ttlMs: SHORT_TTL_MS }), false);
        await sleep(PAST_SHORT_TTL_MS);
        assert.equal(await store.set('idem:retry', 'c', { onlyIfAbsent: true }), true);
        assert.equal(await store.get('idem:retry'), 'c');
      });
    });

    describe('expiry', () => {
      it('serves a key until its TTL and forgets it after', async () => {
        await store.set('otp', '4711', { ttlMs: SHORT_TTL_MS });
        assert.equal(await store.get('otp'), '4711');
        await sleep(PAST_SHORT_TTL_MS);
        assert.equal(await store.get('otp'), null);
      });

      it('drops an earlier TTL when a key is set again without one', async () => {
        await store.set('session', 'v1', { ttlMs: SHORT_TTL_MS });
        await store.set('session', 'v2');
        await sleep(PAST_SHORT_TTL_MS);
        assert.equal(await store.get('session'), 'v2');
      });

      it('rejects a TTL that is zero, negative or not a number, and writes nothing', async () => {
        for (const ttlMs of [0, -5, Number.NaN]) {
          await assert.rejects(store.set('bad-ttl', 'x', { ttlMs }), RangeError);
          await assert.rejects(store.append('bad-ttl-list', 'x', { ttlMs }), RangeError);
          await assert.rejects(store.acquireLease('bad-ttl', 'owner', ttlMs), RangeError);
        }
        assert.equal(await store.get('bad-ttl'), null);
        assert.deepEqual(await store.range('bad-ttl-list', 0, -1), []);
      });
    });

    describe('lists', () => {
      it('appends in order and returns the new length', async () => {
        assert.equal(await store.append('history', 'one'), 1);
        assert.equal(await store.append('history', 'two'), 2);
        assert.equal(await store.append('history', 'three'), 3);
        assert.deepEqual(await store.range('history', 0, -1), ['one', 'two', 'three']);
      });

      it('reads ranges with negative and out-of-bounds indexes the way LRANGE does', async () => {
        for (const item of ['a', 'b', 'c', 'd', 'e']) await store.append('letters', item);
        assert.deepEqual(await store.range('letters', -2, -1), ['d', 'e']);
        assert.deepEqual(await store.range('letters', 0, 0), ['a']);
        assert.deepEqual(await store.range('letters', 1, -2), ['b', 'c', 'd']);
        assert.deepEqual(await store.range('letters', -100, 100), ['a', 'b', 'c', 'd', 'e']);
        assert.deepEqual(await store.range('letters', 3, 1), []);
        assert.deepEqual(await store.range('letters', 5, 10), []);
        assert.deepEqual(await store.range('no-such-list', 0, -1), []);
      });

      it('keeps only the newest maxLength entries', async () => {
        let length = 0;
        for (let turn = 1; turn <= 6; turn++) length = await store.append('turns', `turn ${turn}`, { maxLength: 4 });
        assert.equal(length, 4);
        assert.deepEqual(await store.range('turns', 0, -1), ['turn 3', 'turn 4', 'turn 5', 'turn 6']);
      });

      it('rejects a maxLength below 1 instead of keeping everything', async () => {
        await assert.rejects(store.append('capped', 'x', { maxLength: 0 }), RangeError);
        await assert.rejects(store.append('capped', 'x', { maxLength: 1.5 }), RangeError);
      });

      it('expires a whole list after its TTL', async () => {
        await store.append('recent', 'x', { ttlMs: SHORT_TTL_MS });
        await store.append('recent', 'y', { ttlMs: SHORT_TTL_MS });
        assert.deepEqual(await store.range('recent', 0, -1), ['x', 'y']);
        await sleep(PAST_SHORT_TTL_MS);
        assert.deepEqual(await store.range('recent', 0, -1), []);
        assert.equal(await store.append('recent', 'z'), 1);
      });

      it('deletes a list like any key', async () => {
        await store.append('transcript', 'hello');
        await store.delete('transcript');
        assert.deepEqual(await store.range('transcript', 0, -1), []);
      });

      it('round-trips Hindi and Tamil entries', async () => {
        await store.append('lines', 'आप कैसे हैं?');
        await store.append('lines', 'நான் நலமாக இருக்கிறேன்');
        assert.deepEqual(await store.range('lines', 0, -1), ['आप कैसे हैं?', 'நான் நலமாக இருக்கிறேன்']);
      });

      it('refuses to treat a string as a list or a list as a string, leaving both untouched', async () => {
        await store.set('plain', 'text');
        await store.append('list', 'entry');
        await assert.rejects(store.append('plain', 'more', { maxLength: 5, ttlMs: SHORT_TTL_MS }), TypeError);
        await assert.rejects(store.range('plain', 0, -1), TypeError);
        await assert.rejects(store.get('list'), TypeError);
        // The refused append must not have left its TTL behind on the string.
        await sleep(PAST_SHORT_TTL_MS);
        assert.equal(await store.get('plain'), 'text');
        assert.deepEqual(await store.range('list', 0, -1), ['entry']);
      });
    });

    describe('removing from lists and setting expiry', () => {
      it('removes every copy of a value and keeps the rest in order', async () => {
        for (const id of ['c1', 'c2', 'c1', 'c3', 'c1']) await store.append('recent', id);
        assert.equal(await store.removeFromList('recent', 'c1'), 3);
        assert.deepEqual(await store.range('recent', 0, -1), ['c2', 'c3']);
        assert.equal(await store.removeFromList('recent', 'c9'), 0);
        assert.equal(await store.removeFromList('no-such-list', 'c1'), 0);
      });

      it('drops a list that becomes empty, so a later append starts a new one without the old TTL', async () => {
        await store.append('one', 'only', { ttlMs: SHORT_TTL_MS });
        assert.equal(await store.removeFromList('one', 'only'), 1);
        assert.equal(await store.append('one', 'again'), 1);
        await sleep(PAST_SHORT_TTL_MS);
        assert.deepEqual(await store.range('one', 0, -1), ['again']);
      });

      it('refuses to remove from a string', async () => {
        await store.set('plain', 'text');
        await assert.rejects(store.removeFromList('plain', 'text'), TypeError);
        assert.equal(await store.get('plain'), 'text');
      });

      it('expires strings, lists and streams, and answers false for a missing key', async () => {
        await store.set('s', 'v');
        await store.append('l', 'v');
        await store.appendEvent('e', { type: 'consent' });
        for (const key of ['s', 'l', 'e']) assert.equal(await store.expire(key, SHORT_TTL_MS), true);
        assert.equal(await store.expire('missing', SHORT_TTL_MS), false);
        assert.equal(await store.get('s'), 'v');
        await sleep(PAST_SHORT_TTL_MS);
        assert.equal(await store.get('s'), null);
        assert.deepEqual(await store.range('l', 0, -1), []);
        assert.deepEqual(await store.readEvents('e'), []);
      });

      it('rejects an expiry that is zero, negative or not a number', async () => {
        await store.set('s', 'v');
        for (const ttlMs of [0, -5, Number.NaN]) await assert.rejects(store.expire('s', ttlMs), RangeError);
        await sleep(PAST_SHORT_TTL_MS);
        assert.equal(await store.get('s'), 'v');
      });
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
    });

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
