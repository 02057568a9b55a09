import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { clientKey, OfferLimiter } from './offer-limiter.ts';

describe('offers per client address per minute', () => {
  it('allows the limit within a minute, refuses more, and allows again as old attempts leave the window', () => {
    let now = 0;
    const limiter = new OfferLimiter(3, () => now);
    const taken = [0, 10_000, 20_000].map((at) => ((now = at), limiter.take('1.2.3.4')));
    assert.deepEqual(taken, [true, true, true]);
    now = 30_000;
    assert.equal(limiter.take('1.2.3.4'), false, 'a fourth offer within the minute');
    now = 59_999;
    assert.equal(limiter.take('1.2.3.4'), false);
    now = 60_000; // the first attempt (at 0) has left the window; refused attempts were not counted
    assert.equal(limiter.take('1.2.3.4'), true);
    assert.equal(limiter.take('1.2.3.4'), false);
  });

  it('counts each address separately', () => {
    const limiter = new OfferLimiter(1, () => 0);
    assert.equal(limiter.take('10.0.0.1'), true);
    assert.equal(limiter.take('10.0.0.1'), false);
    assert.equal(limiter.take('10.0.0.2'), true, 'another visitor is not punished');
  });

  it('forgets quiet addresses when it remembers many, so memory stays bounded', () => {
    let now = 0;
    const limiter = new OfferLimiter(5, () => now);
    for (let i = 0; i < 10_000; i++) limiter.take(`addr-${i}`);
    assert.equal(limiter.size, 10_000);
    now = 61_000;
    limiter.take('newcomer');
    assert.equal(limiter.size, 1);
  });

  it('refuses a nonsensical limit', () => {
    assert.throws(() => new OfferLimiter(0), /positive integer/);
  });
});

test('IPv6 clients are counted per /64, the block one subscriber gets; IPv4 per address', () => {
  assert.equal(clientKey('2001:db8:85a3::8a2e:370:7334'), clientKey('2001:0db8:85a3:0000:1111:2222:3333:4444'));
  assert.notEqual(clientKey('2001:db8:85a3:1::1'), clientKey('2001:db8:85a3:2::1'));
  assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
  const limiter = new OfferLimiter(2, () => 0);
  assert.equal(limiter.take('2001:db8::1'), true);
  assert.equal(limiter.take('2001:db8::2'), true);
  assert.equal(limiter.take('2001:db8::3'), false, 'a third address in the same /64 is the same client');
});
