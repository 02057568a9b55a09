// The hand_off tool as a model meets it through the tool runner: a valid call moves the conversation to the named
// agent with the context and says what to do next; a bad intent, a missing summary or an unknown agent comes back as
// invalid_arguments naming the field, so the model can correct it; a conversation that refuses, or cannot hand off,
// becomes an answer the model can act on rather than an error.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { AnyToolSpec, ConversationControl, ToolContext } from '../core/tool.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { handOffTool } from './hand-off.ts';
import { runTool } from './tool-runner.ts';

const store = new MemoryStore();
after(() => store.close());

const tool = handOffTool({ router: 'Ask what else you can do.', booking: 'Check availability now.', status: 'Look the booking up now.' });
const tools = new Map<string, AnyToolSpec>([[tool.name, tool]]);
const VALID = { intent: 'booking', summary: 'Wants a check-up on Thursday morning.', customerName: 'Asha', language: 'hi-IN', details: { day: 'Thursday', morning: true } };

/** What the conversation was asked to do, and how it answers. */
function conversation(answer: (agent: string) => Promise<void> = async () => undefined) {
  const handOffs: Array<{ agent: string; context: Readonly<Record<string, unknown>> }> = [];
  const control: ConversationControl = {
    endAfterReply: () => undefined,
    transferAfterReply: () => false,
    handOff: async (agent, context) => {
      handOffs.push({ agent, context });
      await answer(agent);
    },
  };
  return { control, handOffs };
}

let calls = 0;
async function call(args: unknown, control?: ConversationControl) {
  calls += 1;
  const context: Omit<ToolContext, 'signal'> = { conversationId: 'conv-1', channel: 'test', locale: 'hi', callId: `c${calls}`, idempotencyKey: `conv-1:c${calls}`, store, ...(control ? { conversation: control } : {}) };
  const result = await runTool(tools, 'hand_off', JSON.stringify(args), context);
  return { outcome: result.outcome, body: JSON.parse(result.output) as Record<string, unknown> };
}

test('a valid hand-off moves the conversation with the context, and tells the new agent what to do now', async () => {
  const { control, handOffs } = conversation();
  const result = await call({ to: 'booking', context: VALID }, control);
  assert.equal(result.outcome, 'ok');
  assert.deepEqual(result.body, { ok: true, now: 'booking', next: 'Check availability now.' });
  assert.deepEqual(handOffs, [{ agent: 'booking', context: VALID }]);
  // Only what is needed: intent and summary.
  assert.equal((await call({ to: 'status', context: { intent: 'status', summary: 'Is my booking paid?' } }, control)).body.ok, true);
  assert.equal(handOffs[1]?.agent, 'status');
});

test('bad arguments come back as invalid_arguments naming the field, and nothing moves', async () => {
  const { control, handOffs } = conversation();
  const cases: Array<[unknown, string]> = [
    [{ to: 'booking', context: { ...VALID, intent: 'refund' } }, 'context.intent'],
    [{ to: 'booking', context: { intent: 'booking' } }, 'context.summary'],
    [{ to: 'booking', context: { ...VALID, summary: '   ' } }, 'context.summary'],
    [{ to: 'booking', context: { ...VALID, summary: 'x'.repeat(401) } }, 'context.summary'],
    [{ to: 'billing', context: VALID }, 'to'],
    [{ context: VALID }, 'to'],
    [{ to: 'booking', context: { ...VALID, language: 'not a language' } }, 'context.language'],
    [{ to: 'booking', context: { ...VALID, customerName: 'n'.repeat(81) } }, 'context.customerName'],
    [{ to: 'booking', context: { ...VALID, details: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i])) } }, 'context.details'],
    [{ to: 'booking', context: { ...VALID, details: { notes: { nested: true } } } }, 'context.details.notes'],
  ];
  for (const [args, path] of cases) {
    const result = await call(args, control);
    assert.equal(result.outcome, 'invalid_arguments', JSON.stringify(args));
    const issues = result.body.issues as Array<{ path: string; message: string }>;
    assert.ok(issues.some((issue) => issue.path === path), `${JSON.stringify(args).slice(0, 80)}: ${JSON.stringify(issues)}`);
    assert.equal(result.body.message, 'Fix the arguments and call again.');
  }
  assert.deepEqual(handOffs, []);
});

test('a conversation that refuses passes its reason to the model; one without hand-offs says so', async () => {
  const { control } = conversation(async (agent) => {
    throw new Error(`There is no agent named ${agent} in this team.`);
  });
  assert.deepEqual((await call({ to: 'router', context: VALID }, control)).body, { ok: false, message: 'There is no agent named router in this team.' });

  const { control: single } = conversation();
  const { handOff: _none, ...withoutHandOff } = single;
  const refused = await call({ to: 'booking', context: VALID }, withoutHandOff);
  assert.equal(refused.outcome, 'ok');
  assert.equal(refused.body.ok, false);
  assert.match(String(refused.body.message), /cannot be passed to another agent/u);
  assert.equal((await call({ to: 'booking', context: VALID })).body.ok, false, 'outside a conversation');
});

test('the same hand-off twice is harmless: it runs each time, with no once-only guard in the way', async () => {
  const { control, handOffs } = conversation();
  const args = JSON.stringify({ to: 'booking', context: VALID });
  const context = { conversationId: 'conv-2', channel: 'test', locale: 'hi', callId: 'same', idempotencyKey: 'conv-2:same', store, conversation: control };
  const first = await runTool(tools, 'hand_off', args, context);
  const again = await runTool(tools, 'hand_off', args, context);
  assert.equal(tool.idempotent, true);
  assert.deepEqual([first.outcome, again.outcome, again.replayed], ['ok', 'ok', false]);
  assert.equal(handOffs.length, 2);
});
