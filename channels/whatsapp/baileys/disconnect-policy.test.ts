import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideAfterDisconnect, LoopGuard } from './disconnect-policy.ts';

test('515 restarts at once twice a minute; a number that keeps asking backs off instead of looping', () => {
  const replaced = new LoopGuard(3, 300_000);
  const restarts = new LoopGuard(2, 60_000);
  const restart = { status: 515, message: 'Stream Errored (restart required)' };
  assert.deepEqual(decideAfterDisconnect(restart, replaced, 0, restarts), { action: 'reconnect' });
  assert.deepEqual(decideAfterDisconnect(restart, replaced, 1_000, restarts), { action: 'reconnect' });
  assert.deepEqual(decideAfterDisconnect(restart, replaced, 2_000, restarts), { action: 'backoff' });
  assert.deepEqual(decideAfterDisconnect(restart, replaced, 70_000, restarts), { action: 'reconnect' }, 'a minute later it may restart at once again');
});
