// Waiting in tests for a condition to hold before a deadline: re-checked whenever an emitter says 'update' (fakes
// that know when their state changes), or polled (anything else, such as a store or a server's counters). A timeout
// fails with an AssertionError that names what was awaited, so the test report says what never happened.
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/** What was awaited, for the timeout message; a function is only called on timeout, to show the last state seen. */
export type What = string | (() => string);

export interface PollOptions {
  /** 5000 unless given. */
  readonly timeoutMs?: number;
  /** The pause between two checks; 20 unless given. */
  readonly intervalMs?: number;
}

function timedOut(what: What, timeoutMs: number): assert.AssertionError {
  return new assert.AssertionError({ message: `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}` });
}

/** Resolves once `predicate` holds: checked at once, then on each 'update' `emitter` sends. */
export function waitUntil(emitter: EventEmitter, predicate: () => boolean, what: What, timeoutMs = 5000): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (predicate()) settle(resolve);
    };
    const timer = setTimeout(() => settle(() => reject(timedOut(what, timeoutMs))), timeoutMs);
    const settle = (then: () => void): void => {
      clearTimeout(timer);
      emitter.off('update', check);
      then();
    };
    emitter.on('update', check);
  });
}

/** Polls `check` until it returns something other than undefined, and resolves with that. */
export async function pollFor<T>(what: What, check: () => T | undefined | Promise<T | undefined>, options: PollOptions = {}): Promise<T> {
  const { timeoutMs = 5000, intervalMs = 20 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw timedOut(what, timeoutMs);
    await sleep(intervalMs);
  }
}

/** Polls `check` every 20 ms until it holds. */
export async function eventually(what: What, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  await pollFor(what, async () => ((await check()) ? true : undefined), { timeoutMs });
}
