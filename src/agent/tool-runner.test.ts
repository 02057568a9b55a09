// The tool runner as a model sees it: every outcome, good or bad, comes back as one compact JSON string the model
// can act on (fix its arguments, try another tool, tell the caller), and a tool that hangs or is cancelled is
// stopped through its signal.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { z } from 'zod';
import { defineTool, type ToolContext, type ToolSpec } from '../core/tool.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { ToolBudget } from './tool-budget.ts';
import { runTool } from './tool-runner.ts';

const store = new MemoryStore();
after(() => store.close());

// Every call gets its own call id, as a provider's calls do: two calls with one id are one request (replayed).
let calls = 0;
function newContext(): Omit<ToolContext, 'signal'> {
  const callId = `call-${++calls}`;
  return { conversationId: 'conv-1', channel: 'test', locale: 'en', callId, idempotencyKey: `conv-1:${callId}`, store };
}

function toolbox(...tools: ToolSpec[]): ReadonlyMap<string, ToolSpec> {
  return new Map(tools.map((tool) => [tool.name, tool]));
}

const bookInput = z.object({
  slotId: z.string().min(1),
  patient: z.object({ name: z.string(), age: z.number().int().min(0) }),
});

function bookTool(runs: Array<{ input: unknown; context: ToolContext }> = []): ToolSpec {
  return defineTool('book', 'Books a slot.', bookInput, async (input, ctx) => {
    runs.push({ input, context: ctx });
    return { booked: input.slotId, for: input.patient.name };
  }) as ToolSpec;
}

test('valid arguments: the tool runs with the context and its result comes back as compact JSON', async () => {
  const runs: Array<{ input: unknown; context: ToolContext }> = [];
  const context = newContext();
  const result = await runTool(toolbox(bookTool(runs)), 'book', '{ "slotId": "s-1", "patient": { "name": "Asha", "age": 30 } }', context);
  assert.equal(result.outcome, 'ok');
  assert.equal(result.output, '{"booked":"s-1","for":"Asha"}');
  assert.equal(runs.length, 1);
  assert.deepEqual(runs[0]!.input, { slotId: 's-1', patient: { name: 'Asha', age: 30 } });
  assert.equal(runs[0]!.context.idempotencyKey, context.idempotencyKey);
  assert.equal(runs[0]!.context.conversationId, 'conv-1');
  assert.equal(runs[0]!.context.signal.aborted, false);
  assert.ok(result.durationMs >= 0);
});

test('a tool that returns nothing reports plain success', async () => {
  const tool = defineTool('ping', 'Does nothing.', z.object({}), async () => undefined) as ToolSpec;
  const result = await runTool(toolbox(tool), 'ping', '', newContext());
  assert.equal(result.outcome, 'ok');
  assert.equal(result.output, '{"ok":true}');
});

test('an unknown tool is reported with the names the model may use', async () => {
  const result = await runTool(toolbox(bookTool()), 'cancel_booking', '{}', newContext());
  assert.equal(result.outcome, 'unknown_tool');
  const output = JSON.parse(result.output) as { error: string; message: string; available: string[] };
  assert.equal(output.error, 'unknown_tool');
  assert.match(output.message, /cancel_booking/);
  assert.deepEqual(output.available, ['book']);
});

test('malformed JSON arguments are refused without running the tool', async () => {
  const runs: Array<{ input: unknown; context: ToolContext }> = [];
  const result = await runTool(toolbox(bookTool(runs)), 'book', '{"slotId": "s-1",', newContext());
  assert.equal(result.outcome, 'invalid_arguments');
  assert.equal(JSON.parse(result.output).error, 'invalid_arguments');
  assert.equal(runs.length, 0);
});

test('schema errors name the path of every wrong field, so the model can correct its call', async () => {
  const runs: Array<{ input: unknown; context: ToolContext }> = [];
  const result = await runTool(toolbox(bookTool(runs)), 'book', '{"slotId": "", "patient": {"name": "Asha", "age": -1}}', newContext());
  assert.equal(result.outcome, 'invalid_arguments');
  const output = JSON.parse(result.output) as { error: string; message: string; issues: Array<{ path: string; message: string }> };
  assert.equal(output.error, 'invalid_arguments');
  assert.deepEqual(output.issues.map((issue) => issue.path).sort(), ['patient.age', 'slotId']);
  assert.ok(output.issues.every((issue) => issue.message.length > 0));
  assert.equal(runs.length, 0);
});

test('arguments that are JSON but not an object are refused by the schema', async () => {
  const result = await runTool(toolbox(bookTool()), 'book', '42', newContext());
  assert.equal(result.outcome, 'invalid_arguments');
});

test('a tool past its timeout is reported as timed out and its signal is aborted', async () => {
  let signal: AbortSignal | undefined;
  const slow = defineTool(
    'slow',
    'Never answers.',
    z.object({}),
    (_input, ctx) => {
      signal = ctx.signal;
      return new Promise(() => undefined);
    },
    { timeoutMs: 30 },
  ) as ToolSpec;
  const started = performance.now();
  const result = await runTool(toolbox(slow), 'slow', '{}', newContext());
  const elapsed = performance.now() - started;
  assert.equal(result.outcome, 'timeout');
  const output = JSON.parse(result.output) as { error: string; message: string };
  assert.equal(output.error, 'timeout');
  assert.match(output.message, /30 ms/);
  assert.ok(elapsed >= 25 && elapsed < 1000, `answered after ${elapsed.toFixed(0)} ms`);
  assert.equal(signal?.aborted, true, 'the tool is told to stop');
});

test('the default timeout applies to tools without their own', async () => {
  const slow = defineTool('slow', 'Never answers.', z.object({}), () => new Promise(() => undefined)) as ToolSpec;
  const result = await runTool(toolbox(slow), 'slow', '{}', newContext(), { defaultTimeoutMs: 20 });
  assert.equal(result.outcome, 'timeout');
});

test('a tool that throws is reported as failed, and nothing is thrown at the caller', async () => {
  const broken = defineTool('broken', 'Fails.', z.object({}), async () => {
    throw new Error('the diary service answered 502');
  }) as ToolSpec;
  const result = await runTool(toolbox(broken), 'broken', '{}', newContext());
  assert.equal(result.outcome, 'failed');
  const output = JSON.parse(result.output) as { error: string; message: string };
  assert.equal(output.error, 'failed');
  assert.match(output.message, /502/);
});

test('aborting the conversation signal cancels a running tool through its own signal', async () => {
  const conversation = new AbortController();
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const waits = defineTool(
    'waits',
    'Waits for its signal.',
    z.object({}),
    (_input, ctx) =>
      new Promise((_resolve, reject) => {
        started();
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
      }),
    { timeoutMs: 10_000 },
  ) as ToolSpec;
  const pending = runTool(toolbox(waits), 'waits', '{}', newContext(), { signal: conversation.signal });
  await running;
  conversation.abort(new Error('caller hung up'));
  const result = await pending;
  assert.equal(result.outcome, 'cancelled');
  assert.equal(JSON.parse(result.output).error, 'cancelled');
  assert.ok(result.durationMs < 1000);
});

test('a call whose conversation is already over does not run the tool', async () => {
  // The conversation can end while the arguments are being validated (an async schema): no side effect after that.
  const conversation = new AbortController();
  conversation.abort(new Error('conversation ended'));
  const runs: Array<{ input: unknown; context: ToolContext }> = [];
  const result = await runTool(toolbox(bookTool(runs)), 'book', '{"slotId": "s-1", "patient": {"name": "Asha", "age": 30}}', newContext(), {
    signal: conversation.signal,
  });
  assert.equal(runs.length, 0, 'no booking made for a caller who is gone');
  assert.equal(result.outcome, 'cancelled');
});

test('output is compact JSON even for nested results', async () => {
  const nested = defineTool('nested', 'Returns a nested object.', z.object({}), async () => ({ slots: [{ id: 'a', at: '10:00' }], total: 1 })) as ToolSpec;
  const result = await runTool(toolbox(nested), 'nested', '{}', newContext());
  assert.equal(result.output, '{"slots":[{"id":"a","at":"10:00"}],"total":1}');
  assert.doesNotMatch(result.output, /\s/);
});

test('past the per-turn ceiling the tool does not run and the model is told to stop and answer, until the customer speaks', async () => {
  const runs: Array<{ input: unknown; context: ToolContext }> = [];
  const tools = toolbox(bookTool(runs));
  const budget = new ToolBudget({ perTurn: 2, perConversation: 5 });
  const call = () => runTool(tools, 'book', '{"slotId": "s-1", "patient": {"name": "Asha", "age": 30}}', newContext(), { budget });
  assert.equal((await call()).outcome, 'ok');
  assert.equal((await runTool(tools, 'book', 'not json', newContext(), { budget })).outcome, 'invalid_arguments', 'bad calls count too');
  const refused = await call();
  assert.equal(refused.outcome, 'limit_reached');
  assert.equal(refused.limit, 'turn_limit');
  const output = JSON.parse(refused.output) as { error: string; limit: string; message: string };
  assert.deepEqual([output.error, output.limit], ['limit_reached', 'turn']);
  assert.match(output.message, /Stop calling tools/);
  assert.match(output.message, /person/);
  assert.equal(runs.length, 1, 'the refused call did not run');
  budget.turnEnded();
  assert.equal((await call()).outcome, 'ok');
  assert.equal(runs.length, 2);
});

test('at the conversation ceiling every call is refused for good, and the result says which ceiling it was', async () => {
  const tools = toolbox(bookTool());
  const budget = new ToolBudget({ perTurn: 5, perConversation: 2 });
  const call = () => runTool(tools, 'book', '{"slotId": "s-1", "patient": {"name": "Asha", "age": 30}}', newContext(), { budget });
  await call();
  budget.turnEnded();
  await call();
  budget.turnEnded();
  const refused = await call();
  assert.equal(refused.outcome, 'limit_reached');
  assert.equal(refused.limit, 'conversation_limit');
  assert.equal(JSON.parse(refused.output).limit, 'conversation');
  assert.match(JSON.parse(refused.output).message, /No more tool calls/);
});

test('a chatty tool answer is cut to the cap, as valid JSON that says so', async () => {
  const chatty = defineTool('history', 'Returns a long history.', z.object({}), async () => ({
    visits: Array.from({ length: 400 }, (_, i) => ({ at: `2026-01-${(i % 28) + 1}`, note: 'routine check-up, all fine' })),
  })) as ToolSpec;
  const result = await runTool(toolbox(chatty), 'history', '{}', newContext());
  assert.equal(result.outcome, 'ok');
  assert.ok(Buffer.byteLength(result.output) <= 4_096);
  const output = JSON.parse(result.output) as { truncated: boolean; fullBytes: number; partial: string };
  assert.equal(output.truncated, true);
  assert.ok(output.fullBytes > 20_000);
  assert.match(output.partial, /^\{"visits":\[/);
  const small = await runTool(toolbox(chatty), 'history', '{}', newContext(), { maxOutputBytes: 256 });
  assert.ok(Buffer.byteLength(small.output) <= 256);
});

test('an error message as long as an HTML error page is cut to the cap too', async () => {
  const broken = defineTool('broken', 'Fails.', z.object({}), async () => {
    throw new Error(`upstream said: <html>${'<div>Bad gateway</div>'.repeat(1_000)}</html>`);
  }) as ToolSpec;
  const result = await runTool(toolbox(broken), 'broken', '{}', newContext());
  assert.equal(result.outcome, 'failed');
  assert.ok(Buffer.byteLength(result.output) <= 4_096);
  assert.match(JSON.parse(result.output).partial, /upstream said/);
});

test('a tool that returns something JSON cannot hold, or throws before its first await, fails without throwing', async () => {
  const bigint = defineTool('amount', 'Returns a bigint.', z.object({}), async () => ({ paise: 10n })) as ToolSpec;
  const sync = { ...defineTool('sync', 'Throws at once.', z.object({}), async () => undefined), run: () => { throw new Error('not configured'); } } as ToolSpec;
  const a = await runTool(toolbox(bigint), 'amount', '{}', newContext());
  assert.equal(a.outcome, 'failed');
  assert.match(JSON.parse(a.output).message, /not JSON/);
  const b = await runTool(toolbox(sync), 'sync', '{}', newContext());
  assert.equal(b.outcome, 'failed');
  assert.match(JSON.parse(b.output).message, /not configured/);
});
