// Nearest-rank percentiles as every figure reports them: a latency someone actually waited, never an interpolation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatencyRecorder } from './latency-recorder.ts';
import { nearestRank } from './percentile.ts';

test('the smallest sample with at least p% at or below it, whatever the order', () => {
  const twenty = Array.from({ length: 20 }, (_, i) => 20 - i); // 20 down to 1
  assert.equal(nearestRank(twenty, 50), 10);
  assert.equal(nearestRank(twenty, 95), 19);
  assert.equal(nearestRank(twenty, 100), 20);
  assert.equal(nearestRank([700, 90, 1000], 95), 1000, 'three turns: the slowest is the p95');
  assert.equal(nearestRank([5], 0), 5);
  assert.equal(nearestRank([], 50), null);
});

test('numbers sort as numbers, not as text', () => {
  assert.equal(nearestRank([100, 9, 20], 50), 20);
});

test('the recorder of recent samples reports the same figure, and NaN when empty', () => {
  const recorder = new LatencyRecorder(8);
  assert.ok(Number.isNaN(recorder.percentile(50)));
  for (const ms of [30, 10, 20, 40]) recorder.record(ms);
  assert.equal(recorder.percentile(50), nearestRank([30, 10, 20, 40], 50));
  assert.equal(recorder.percentile(99), 40);
});
