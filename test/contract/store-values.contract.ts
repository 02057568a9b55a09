// The Store contract for keys and values, onlyIfAbsent, expiry and lists (part of test/contract/store.contract.ts).
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../../src/core/store.ts';
import { PAST_SHORT_TTL_MS, SHORT_TTL_MS } from './store-contract-kit.ts';
import type { CurrentStore } from './store-contract-kit.ts';

/** Strings and lists: set and get, idempotency keys, TTLs, appending, ranges and removal. */
export function valuesContract(current: CurrentStore): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });

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
}
