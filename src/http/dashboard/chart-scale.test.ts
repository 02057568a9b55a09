// The arithmetic under the dashboard's charts, in Node: the same module the browser loads.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bands, linearScale, maxOf, niceStep, niceTicks, stack } from './public/chart-scale.js';

describe('chart scales', () => {
  test('axis ticks fall on round numbers and reach at least the largest value', () => {
    assert.deepEqual(niceTicks(0, 7), [0, 2, 4, 6, 8]);
    assert.deepEqual(niceTicks(0, 10), [0, 5, 10]);
    assert.deepEqual(niceTicks(0, 1840), [0, 500, 1000, 1500, 2000]);
    assert.deepEqual(niceTicks(0, 0.037), [0, 0.01, 0.02, 0.03, 0.04], 'no float noise such as 0.30000000000000004');
    assert.deepEqual(niceTicks(0, 3, 4), [0, 1, 2, 3]);
  });

  test('an axis with nothing on it still has a bottom and a top', () => {
    assert.deepEqual(niceTicks(0, 0), [0, 0.5, 1]);
    assert.deepEqual(niceTicks(0, 0, 5, true), [0, 1]);
  });

  test('an axis of counts never has a tick between two whole numbers', () => {
    assert.deepEqual(niceTicks(0, 1, 5, true), [0, 1]);
    assert.deepEqual(niceTicks(0, 3, 5, true), [0, 1, 2, 3]);
    assert.deepEqual(niceTicks(0, 1), [0, 0.5, 1], 'other figures may');
  });

  test('bad bounds are refused with a clear error instead of an endless loop', () => {
    assert.throws(() => niceTicks(0, Number.NaN), /finite bounds/);
    assert.throws(() => niceTicks(0, Number.POSITIVE_INFINITY), /finite bounds/);
  });

  test('steps are 1, 2 or 5 times a power of ten', () => {
    assert.deepEqual([0.3, 1, 1.5, 3, 7, 12, 0].map(niceStep), [0.5, 1, 2, 5, 10, 20, 1]);
  });

  test('a linear scale maps the domain onto the range, inverted for a y axis', () => {
    const y = linearScale([0, 8], [200, 0]);
    assert.equal(y(0), 200);
    assert.equal(y(8), 0);
    assert.equal(y(2), 150);
    assert.equal(linearScale([5, 5], [10, 20])(5), 10, 'a zero-width domain does not divide by zero');
  });

  test('bands share the width equally and keep their gaps', () => {
    const band = bands(4, 400, 0.2);
    assert.equal(band.size, 80);
    assert.deepEqual([0, 1, 2, 3].map(band.start), [10, 110, 210, 310]);
    assert.equal(band.centre(3), 350);
    assert.equal(bands(0, 400).size, 0);
  });

  test('stacked values start where the previous one ended', () => {
    assert.deepEqual(stack([2, 0, 3]), [{ from: 0, to: 2 }, { from: 2, to: 2 }, { from: 2, to: 5 }]);
  });

  test('the largest value skips missing figures', () => {
    assert.equal(maxOf([null, 3, undefined, 9, 4]), 9);
    assert.equal(maxOf([null, null]), 0);
    assert.equal(maxOf([], 1), 1);
  });
});
