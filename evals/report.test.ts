// The baseline rule CI applies to `npm run evals`: what counts as a regression and what is noise.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { regressions, type Figures } from './report.ts';

const BASELINE: Figures = { completionRate: 1, p95TurnLatencyMs: 600, meanCostUsd: 0.001 };

test('the same figures, or better ones, are no regression', () => {
  assert.deepEqual(regressions(BASELINE, BASELINE), []);
  assert.deepEqual(regressions({ completionRate: 1, p95TurnLatencyMs: 540, meanCostUsd: 0.0009 }, BASELINE), []);
});

test('a lower completion rate fails, however small the drop', () => {
  const problems = regressions({ ...BASELINE, completionRate: 10 / 11 }, BASELINE);
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^completion rate 90\.9% < baseline 100\.0%/);
});

test('latency and cost fail only past 10%', () => {
  assert.deepEqual(regressions({ ...BASELINE, p95TurnLatencyMs: 659, meanCostUsd: 0.00109 }, BASELINE), []);
  const problems = regressions({ ...BASELINE, p95TurnLatencyMs: 661, meanCostUsd: 0.00111 }, BASELINE);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^p95 turn latency 661 ms > 660 ms/);
  assert.match(problems[1]!, /^mean cost/);
});

test('a small latency gets 50 ms of slack, so noise on a few dozen milliseconds is not a regression', () => {
  const small: Figures = { ...BASELINE, p95TurnLatencyMs: 40 };
  assert.deepEqual(regressions({ ...small, p95TurnLatencyMs: 90 }, small), []);
  assert.equal(regressions({ ...small, p95TurnLatencyMs: 91 }, small).length, 1);
});
