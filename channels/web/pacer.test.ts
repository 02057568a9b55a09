import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { silentLogger } from '../../src/log.ts';
import { Pacer } from './pacer.ts';

describe('the shared 20 ms clock', () => {
  let now = 0;
  beforeEach(() => {
    now = 0;
    mock.timers.enable({ apis: ['setTimeout'] });
  });
  afterEach(() => mock.timers.reset());

  /** Advances the clock and the timers together. */
  function advance(ms: number): void {
    for (let step = 0; step < ms; step++) {
      now++;
      mock.timers.tick(1);
    }
  }

  it('ticks every member once per 20 ms, and stops when the last one leaves', () => {
    const pacer = new Pacer(silentLogger, () => now);
    const counts = [0, 0];
    const members = counts.map((_, i) => ({ tick: () => void counts[i]!++ }));
    pacer.add(members[0]!);
    advance(100);
    pacer.add(members[1]!);
    advance(100);
    assert.deepEqual(counts, [10, 5]);
    pacer.remove(members[0]!);
    pacer.remove(members[1]!);
    advance(100);
    assert.deepEqual(counts, [10, 5], 'no ticks without members');
    assert.equal(pacer.size, 0);
  });

  it('catches up after a late wake-up, and skips ahead when it is too late to be worth it', () => {
    const pacer = new Pacer(silentLogger, () => now);
    let count = 0;
    pacer.add({ tick: () => void count++ });
    advance(20);
    assert.equal(count, 1);
    now += 60; // the event loop was blocked for 60 ms: three ticks are due at the next wake-up
    advance(20);
    assert.equal(count, 5);
    now += 1000; // a one-second stall: old audio is not burst out
    advance(20);
    assert.equal(count, 6);
    assert.ok(pacer.skipped >= 49);
  });

  it('a member that throws is removed; the others keep their clock', () => {
    const pacer = new Pacer(silentLogger, () => now);
    let good = 0;
    let bad = 0;
    pacer.add({
      tick: () => {
        bad++;
        throw new Error('broken');
      },
    });
    pacer.add({ tick: () => void good++ });
    advance(100);
    assert.equal(bad, 1);
    assert.equal(good, 5);
  });
});
