import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBucket } from './token-bucket.ts';

describe('data channel flood control', () => {
  it('allows a burst, then the average rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 20, () => now);
    let allowed = 0;
    for (let i = 0; i < 50; i++) if (bucket.take()) allowed++;
    assert.equal(allowed, 20, 'the burst');
    now = 500; // half a second refills 5
    allowed = 0;
    for (let i = 0; i < 50; i++) if (bucket.take()) allowed++;
    assert.equal(allowed, 5);
    now = 100_000; // a long pause refills to the burst, no more
    allowed = 0;
    for (let i = 0; i < 50; i++) if (bucket.take()) allowed++;
    assert.equal(allowed, 20);
  });
});
