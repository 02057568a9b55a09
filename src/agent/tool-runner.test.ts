// The tool runner as a model sees it: every outcome, good or bad, comes back as one compact JSON string the model
// can act on (fix its arguments, try another tool, tell the caller), and a tool that hangs or is cancelled is
// stopped through its signal.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { z } from 'zod';
import { defineTool, type ToolContext, type ToolSpec } from '../core/tool.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { runTool } from './tool-runner.ts';

const store = new MemoryStore();
after(() => store.close());

const context: Omit<ToolContext, 'signal'> = {
  conversationId: 'conv-1',
  channel: 'test',
  locale: 'en',
  callId: 'call-1',
  idempotencyKey: 'conv-1:call-1',
  store,
};

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
  const result = await runTool(toolbox(bookTool(runs)), 'book', '{ "slotId": "s-1", "patient": { "name": "Asha", "age": 30 } }', context);
  assert.equal(result.outcome, 'ok');
  assert.equal(result.output, '{"booked":"s-1","for":"Asha"}');
  assert.equal(runs.length, 1);
  assert.deepEqual(runs[0]!.input, { slotId: 's-1', patient: { name: 'Asha', age: 30 } });
  assert.equal(runs[0]!.context.idempotencyKey, 'conv-1:call-1');
  assert.equal(runs[0]!.context.conversationId, 'conv-1');
  assert.equal(runs[0]!.context.signal.aborted, false);
  assert.ok(result.durationMs >= 0);
});

test('a tool that returns nothing reports plain success', async () => {
  const tool = defineTool('ping', 'Does nothing.', z.object({}), async () => undefined) as ToolSpec;
  const result = await runTool(toolbox(tool), 'ping', '', context);
  assert.equal(result.outcome, 'ok');
  assert.equal(result.output, '{"ok":true}');
});

test('an unknown tool is reported with the names the model may use', async () => {
  const result = await runTool(toolbox(bookTool()), 'cancel_booking', '{}', context);
  assert.equal(result.outcome, 'unknown_tool');
  const output = JSON.parse(result.output) as { error: string; message: string; available: string[] };
  assert.equal(output.error, 'unknown_tool');
  assert.match(output.message, /cancel_booking/);
  assert.deepEqual(output.available, ['book']);
});

test('malformed JSON arguments are refused without running the tool', async () => {
  const runs: Array<{ input: unknown; context: ToolContext }> = [];
  const result = await runTool(toolbox(bookTool(runs)), 'book', '{"slotId": "s-1",', context);
  assert.equal(result.outcome, 'invalid_arguments');
  assert.equal(JSON.parse(result.output).error, 'invalid_arguments');
  assert.equal(runs.length, 0);
});

test('schema errors name the path of every wrong field, so the model can correct its call', async () => {
  const runs: Array<{ input: unknown; context: ToolContext }> = [];
  const result = await runTool(toolbox(bookTool(runs)), 'book', '{"slotId": "", "patient": {"name": "Asha", "age": -1}}', context);
  assert.equal(result.outcome, 'invalid_arguments');
  const output = JSON.parse(result.output) as { error: string; message: string; issues: Array<{ path: string; message: string }> };
  assert.equal(output.error, 'invalid_arguments');
  assert.deepEqual(output.issues.map((issue) => issue.path).sort(), ['patient.age', 'slotId']);
  assert.ok(output.issues.every((issue) => issue.message.length > 0));
  assert.equal(runs.length, 0);
});

test('arguments that are JSON but not an object are refused by the schema', async () => {
  const result = await runTool(toolbox(bookTool()), 'book', '42', context);
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
  const result = await runTool(toolbox(slow), 'slow', '{}', context);
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
  const result = await runTool(toolbox(slow), 'slow', '{}', context, { defaultTimeoutMs: 20 });
  assert.equal(result.outcome, 'timeout');
});

test('a tool that throws is reported as failed, and nothing is thrown at the caller', async () => {
  const broken = defineTool('broken', 'Fails.', z.object({}), async () => {
    throw new Error('the diary service answered 502');
  }) as ToolSpec;
  const result = await runTool(toolbox(broken), 'broken', '{}', context);
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
  const pending = runTool(toolbox(waits), 'waits', '{}', context, { signal: conversation.signal });
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
  const result = await runTool(toolbox(bookTool(runs)), 'book', '{"slotId": "s-1", "patient": {"name": "Asha", "age": 30}}', context, {
    signal: conversation.signal,
  });
  assert.equal(runs.length, 0, 'no booking made for a caller who is gone');
  assert.equal(result.outcome, 'cancelled');
});

test('output is compact JSON even for nested results', async () => {
  const nested = defineTool('nested', 'Returns a nested object.', z.object({}), async () => ({ slots: [{ id: 'a', at: '10:00' }], total: 1 })) as ToolSpec;
  const result = await runTool(toolbox(nested), 'nested', '{}', context);
  assert.equal(result.output, '{"slots":[{"id":"a","at":"10:00"}],"total":1}');
  assert.doesNotMatch(result.output, /\s/);
});
