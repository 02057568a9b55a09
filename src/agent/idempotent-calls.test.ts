// Tools that act run once per request, on both stores: a duplicate call event, a copy arriving while the first still
// runs (on this instance or another sharing Redis), and a model re-asking under a new call id all get the first
// answer without a second booking; a call that failed leaves the way open for a retry; and when the store cannot be
// reached, a tool that acts is not run at all.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { z } from 'zod';
import { freePort, startRedis } from '../../test/redis-server.ts';
import { storeFixtures } from '../../test/store-fixtures.ts';
import { defineTool, type ToolContext, type ToolSpec } from '../core/tool.ts';
import type { Store } from '../core/store.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { RedisStore } from '../store/redis-store.ts';
import { conversationCallsKey, forgetToolCalls } from './idempotent-calls.ts';
import { runTool, type ToolResult } from './tool-runner.ts';

const fixtures = await storeFixtures();
after(() => fixtures.close());

let calls = 0;
function contextFor(store: Store, conversationId = 'conv-1', callId = `call-${++calls}`): Omit<ToolContext, 'signal'> {
  return { conversationId, channel: 'test', locale: 'en', callId, idempotencyKey: `${conversationId}:${callId}`, store };
}

const bookInput = z.object({ slotId: z.string(), phone: z.string().optional() });

/** A booking tool that counts its runs; `gate` (when given) holds every run until it resolves. */
function booking(options: { gate?: Promise<void>; fail?: () => boolean; timeoutMs?: number } = {}) {
  let runs = 0;
  const starts = [deferred(), deferred()];
  const tool = defineTool(
    'book',
    'Books a slot.',
    bookInput,
    async (input) => {
      runs++;
      starts[runs - 1]?.resolve();
      await options.gate;
      if (options.fail?.()) throw new Error('the diary service answered 502');
      return { bookingId: `B${runs}`, slotId: input.slotId };
    },
    { timeoutMs: options.timeoutMs ?? 5_000 },
  );
  // `secondRun` lets a test that waits for a copy to queue up stop waiting when the copy ran the tool instead.
  return { tool: tool as ToolSpec, running: starts[0]!.promise, secondRun: starts[1]!.promise, runs: () => runs };
}

function toolbox(...tools: ToolSpec[]): ReadonlyMap<string, ToolSpec> {
  return new Map(tools.map((tool) => [tool.name, tool]));
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** The real store, telling `onGet` about each read of a tool-call key (how a test knows a copy is waiting). */
function watchReads(store: Store, onGet: () => void): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'get' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
      return (key: string) => {
        if (key.startsWith('tool-call:')) onGet();
        return target.get(key);
      };
    },
  });
}

const SLOT = '{"slotId":"2026-11-25T10:00"}';

/** A model asking again while the first attempt still holds the request (its late end is a store write away). */
/**
 * Starts a booking on `store`, waits until the tool runs, then sends a copy of the same call through `copyStore`
 * (another instance, or the same store); `copyWaiting` resolves once the copy has looked at the store.
 */
async function callAndCopy(
  tool: ToolSpec,
  running: Promise<void>,
  store: Store,
  options: { copyStore?: Store; ids?: [string, string]; signal?: AbortSignal } = {},
): Promise<{ first: Promise<ToolResult>; copy: Promise<ToolResult>; copyWaiting: Promise<void> }> {
  let seen!: () => void;
  const copyWaiting = new Promise<void>((resolve) => (seen = resolve));
  const context = contextFor(store, ...(options.ids ?? []));
  const first = runTool(toolbox(tool), 'book', SLOT, context);
  await running;
  const copyContext = { ...context, store: watchReads(options.copyStore ?? store, seen) };
  const copy = runTool(toolbox(tool), 'book', SLOT, copyContext, options.signal ? { signal: options.signal } : {});
  return { first, copy, copyWaiting };
}

async function retryWhileInProgress(call: () => Promise<ToolResult>): Promise<ToolResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await call();
    if (result.outcome !== 'in_progress' || attempt === 20) return result;
  }
}

for (const fixture of fixtures.all) {
  describe(`once-only tool calls on ${fixture.name}`, () => {
    const withStore = async (run: (store: Store) => Promise<void>) => {
      const store = await fixture.open();
      try {
        await run(store);
      } finally {
        await store.close();
      }
    };

    it('a duplicate call event runs the tool once and gets the same answer, marked as a replay', () =>
      withStore(async (store) => {
        const { tool, runs } = booking();
        const context = contextFor(store);
        const first = await runTool(toolbox(tool), 'book', SLOT, context);
        // The same call again, its arguments spelled differently: the same request.
        const second = await runTool(toolbox(tool), 'book', '{ "slotId" : "2026-11-25T10:00" }', context);
        assert.equal(runs(), 1, 'one booking');
        assert.equal(first.outcome, 'ok');
        assert.equal(first.replayed, false);
        assert.equal(second.outcome, 'ok');
        assert.equal(second.replayed, true);
        assert.equal(second.output, first.output);
        assert.equal(first.output, '{"bookingId":"B1","slotId":"2026-11-25T10:00"}');
      }));

    it('a copy that arrives while the first call still runs waits for it, and the tool runs once', () =>
      withStore(async (store) => {
        const gate = deferred();
        const { tool, running, secondRun, runs } = booking({ gate: gate.promise });
        const { first, copy, copyWaiting: waiting } = await callAndCopy(tool, running, store);
        await Promise.race([waiting, secondRun]); // the copy found the first call's claim
        gate.resolve();
        const [a, b] = await Promise.all([first, copy]);
        assert.equal(runs(), 1);
        assert.equal(a.outcome, 'ok');
        assert.equal(b.outcome, 'ok');
        assert.equal(b.output, a.output);
        assert.deepEqual([a.replayed, b.replayed], [false, true]);
      }));

    it('after a failed call a retry runs, and nothing is kept for the failure', () =>
      withStore(async (store) => {
        let failing = true;
        const { tool, runs } = booking({ fail: () => failing });
        const context = contextFor(store);
        const failed = await runTool(toolbox(tool), 'book', SLOT, context);
        assert.equal(failed.outcome, 'failed');
        assert.deepEqual(await fixture.contents(store), [], 'no answer or lock left behind');
        failing = false;
        const retry = await runTool(toolbox(tool), 'book', SLOT, context);
        assert.equal(retry.outcome, 'ok');
        assert.equal(retry.replayed, false);
        assert.equal(runs(), 2);
      }));

    it('a copy waiting on a call that fails gets to run it itself', () =>
      withStore(async (store) => {
        const gate = deferred();
        let failures = 1;
        const { tool, running, secondRun, runs } = booking({ gate: gate.promise, fail: () => failures-- > 0 });
        const { first, copy, copyWaiting: waiting } = await callAndCopy(tool, running, store);
        await Promise.race([waiting, secondRun]);
        gate.resolve();
        const [a, b] = await Promise.all([first, copy]);
        assert.equal(a.outcome, 'failed');
        assert.equal(b.outcome, 'ok');
        assert.equal(b.replayed, false);
        assert.equal(runs(), 2);
      }));

    it('a call that timed out keeps its claim until the tool really ends: a late success is what the retry gets', () =>
      withStore(async (store) => {
        const gate = deferred();
        const { tool, runs } = booking({ gate: gate.promise, timeoutMs: 40 });
        const context = contextFor(store);
        const timedOut = await runTool(toolbox(tool), 'book', SLOT, context);
        assert.equal(timedOut.outcome, 'timeout');
        // The diary answers after all (the tool ignored its signal): the booking exists.
        gate.resolve();
        const retry = await retryWhileInProgress(() => runTool(toolbox(tool), 'book', SLOT, context));
        assert.equal(retry.outcome, 'ok');
        assert.equal(retry.replayed, true, 'the retry learns the booking was made');
        assert.equal(runs(), 1, 'and does not make a second one');
      }));

    it('a call that timed out and then failed lets a retry run', () =>
      withStore(async (store) => {
        const gate = deferred();
        let failures = 1; // only the late first run fails
        const { tool, runs } = booking({ gate: gate.promise, fail: () => failures-- > 0, timeoutMs: 40 });
        const context = contextFor(store);
        assert.equal((await runTool(toolbox(tool), 'book', SLOT, context)).outcome, 'timeout');
        gate.resolve();
        const retry = await retryWhileInProgress(() => runTool(toolbox(tool), 'book', SLOT, context));
        assert.equal(retry.outcome, 'ok');
        assert.equal(retry.replayed, false);
        assert.equal(runs(), 2);
      }));

    it('a copy still waiting when its time is up is told the request is in progress; the tool ran once', () =>
      withStore(async (store) => {
        const gate = deferred();
        const { tool, running, runs } = booking({ gate: gate.promise, timeoutMs: 60 });
        const context = contextFor(store);
        const first = runTool(toolbox(tool), 'book', SLOT, context);
        await running;
        const copy = await runTool(toolbox(tool), 'book', SLOT, context);
        assert.equal(copy.outcome, 'in_progress');
        assert.match(JSON.parse(copy.output).message, /still being carried out/);
        assert.equal((await first).outcome, 'timeout');
        gate.resolve();
        assert.equal(runs(), 1);
      }));

    it('a key derived from the inputs makes the same request under new call ids run once', () =>
      withStore(async (store) => {
        const { tool: plain, runs } = booking();
        const tool = ({ ...plain, idempotencyKey: (input: unknown, context: ToolContext) => `${context.conversationId}:${(input as { slotId: string }).slotId}` });
        const tools = toolbox(tool);
        const first = await runTool(tools, 'book', SLOT, contextFor(store));
        const again = await runTool(tools, 'book', SLOT, contextFor(store)); // the model re-asked after a reconnect
        const other = await runTool(tools, 'book', '{"slotId":"2026-11-25T11:00"}', contextFor(store));
        const elsewhere = await runTool(tools, 'book', SLOT, contextFor(store, 'conv-2'));
        assert.equal(again.output, first.output);
        assert.equal(again.replayed, true);
        assert.equal(other.replayed, false);
        assert.equal(elsewhere.replayed, false);
        assert.equal(runs(), 3, 'one booking per slot and conversation');
      }));

    it('without a derived key, new call ids are new requests, and a reused call id with other arguments is too', () =>
      withStore(async (store) => {
        const { tool, runs } = booking();
        const context = contextFor(store);
        await runTool(toolbox(tool), 'book', SLOT, context);
        const otherSlot = await runTool(toolbox(tool), 'book', '{"slotId":"2026-11-25T11:00"}', context);
        const newCall = await runTool(toolbox(tool), 'book', SLOT, contextFor(store));
        assert.equal(otherSlot.replayed, false);
        assert.match(otherSlot.output, /11:00/, 'not the answer of the other request');
        assert.equal(newCall.replayed, false);
        assert.equal(runs(), 3);
      }));

    it('keys do not show personal data, and erasure removes every kept answer of the conversation', () =>
      withStore(async (store) => {
        const { tool: plain } = booking();
        const tool = ({ ...plain, idempotencyKey: (input: unknown) => `phone:${(input as { phone?: string }).phone}` });
        const context = contextFor(store, 'conv-erase');
        await runTool(toolbox(tool), 'book', '{"slotId":"2026-11-25T10:00","phone":"+919876543210"}', context);
        await runTool(toolbox(tool), 'book', '{"slotId":"2026-11-25T10:00","phone":"+919812345678"}', contextFor(store, 'conv-erase'));
        const keys = (await fixture.contents(store)).map((entry) => entry.key);
        assert.equal(keys.filter((key) => key.startsWith('tool-call:')).length, 2);
        assert.ok(keys.includes(conversationCallsKey('conv-erase')));
        assert.ok(keys.every((key) => !key.includes('98765')), `keys: ${keys.join(', ')}`);
        assert.equal(await forgetToolCalls(store, 'conv-erase'), 2);
        assert.deepEqual(await fixture.contents(store), []);
      }));

    it('a conversation that ends while a copy waits cancels the copy', () =>
      withStore(async (store) => {
        const gate = deferred();
        const { tool, running, secondRun, runs } = booking({ gate: gate.promise });
        const ended = new AbortController();
        const { first, copy, copyWaiting: waiting } = await callAndCopy(tool, running, store, { signal: ended.signal });
        await Promise.race([waiting, secondRun]);
        ended.abort(new Error('caller hung up'));
        assert.equal((await copy).outcome, 'cancelled');
        gate.resolve();
        assert.equal((await first).outcome, 'ok');
        assert.equal(runs(), 1);
      }));

    it('a tool that is harmless to repeat runs every time and keeps nothing in the store', () =>
      withStore(async (store) => {
        const { tool: plain, runs } = booking();
        const tool = ({ ...plain, idempotent: true });
        const context = contextFor(store);
        await runTool(toolbox(tool), 'book', SLOT, context);
        const again = await runTool(toolbox(tool), 'book', SLOT, context);
        assert.equal(again.replayed, false);
        assert.equal(runs(), 2);
        assert.deepEqual(await fixture.contents(store), []);
      }));
  });
}

describe('once-only tool calls when the store cannot be reached', () => {
  const outages: Array<{ name: string; open: () => Promise<Store> }> = [
    {
      name: 'a closed MemoryStore',
      open: async () => {
        const store = new MemoryStore();
        await store.close();
        return store;
      },
    },
    { name: 'a Redis that refuses connections', open: async () => new RedisStore({ url: `redis://127.0.0.1:${await freePort()}`, keyPrefix: 'down:' }) },
  ];

  for (const outage of outages) {
    it(`${outage.name}: a tool that acts is not run, and the model is told plainly why`, async () => {
      const store = await outage.open();
      try {
        const { tool, runs } = booking();
        const result = await runTool(toolbox(tool), 'book', SLOT, contextFor(store));
        assert.equal(result.outcome, 'store_unavailable');
        assert.equal(runs(), 0, 'no booking that could be made twice');
        const output = JSON.parse(result.output) as { error: string; message: string };
        assert.equal(output.error, 'unavailable');
        assert.match(output.message, /was not carried out/);
        assert.match(output.message, /person/);
        assert.doesNotMatch(result.output, /redis|127\.0\.0\.1|closed/i, 'no internals for the model to read out');
        assert.ok(result.cause && result.cause.length > 0, 'the reason is there for the logs');
      } finally {
        await store.close();
      }
    });

    it(`${outage.name}: a tool that is harmless to repeat still runs`, async () => {
      const store = await outage.open();
      try {
        const { tool: plain, runs } = booking();
        const result = await runTool(toolbox(({ ...plain, idempotent: true })), 'book', SLOT, contextFor(store));
        assert.equal(result.outcome, 'ok');
        assert.equal(runs(), 1);
      } finally {
        await store.close();
      }
    });
  }
});

describe('once-only tool calls across two gateway instances sharing one Redis', () => {
  it('a copy handled by the other instance waits for the first and the tool runs once', async () => {
    const redis = await startRedis();
    const keyPrefix = `test:${randomUUID()}:`;
    const instanceA = new RedisStore({ url: redis.url, keyPrefix });
    const instanceB = new RedisStore({ url: redis.url, keyPrefix });
    try {
      const gate = deferred();
      const { tool, running, secondRun, runs } = booking({ gate: gate.promise });
      const { first, copy, copyWaiting: waiting } = await callAndCopy(tool, running, instanceA, { copyStore: instanceB, ids: ['conv-shared', 'call-x'] });
      await Promise.race([waiting, secondRun]);
      gate.resolve();
      const [a, b] = await Promise.all([first, copy]);
      assert.equal(runs(), 1);
      assert.equal(b.output, a.output);
      assert.deepEqual([a.replayed, b.replayed], [false, true]);
      await forgetToolCalls(instanceA, 'conv-shared');
    } finally {
      await instanceA.close();
      await instanceB.close();
      await redis.stop();
    }
  });
});
