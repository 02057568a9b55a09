// Hand-offs between the agents of a team, through the ConversationManager with a scripted model: the model serves the
// new agent (in place, or through a new session when it cannot change agent), the context arrives intact, the
// record carries the intent, the transcript the hand-off, and a chat that wakes up again carries on with the agent.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { defineTool, type AnyToolSpec, type ToolSpec } from '../core/tool.ts';
import type { Agent } from '../agent/agent.ts';
import { initI18n } from '../i18n/i18n.ts';
import { closeStores, connect, endedRecord, eventually, setup, transcript } from './conversation-test-kit.ts';

before(() => initI18n());
after(closeStores);

const CHAT = { channel: 'whatsapp', capabilities: { audio: false, text: true, dtmf: false, playbackMarks: false, voiceNotes: true, transfer: true } } as const;

/** A minimal hand-off tool: passes the context on as it came (the real one validates it with zod first). */
const handOffTool = defineTool(
  'hand_off',
  'Hands the conversation to another agent.',
  z.object({ to: z.string(), context: z.record(z.string(), z.unknown()) }),
  async (input, context) => {
    if (!context.conversation?.handOff) return { ok: false, message: 'no team' };
    try {
      await context.conversation.handOff(input.to, input.context);
      return { ok: true, now: input.to };
    } catch (error) {
      return { ok: false, message: (error as Error).message };
    }
  },
  { idempotent: true },
);

const bookTool = defineTool('book_slot', 'Books a slot.', z.object({ slot: z.string() }), async (input) => ({ booked: input.slot }), { idempotent: true });

function team(): Agent {
  const members = new Map<string, Agent>();
  const describe = (handOff?: Readonly<Record<string, unknown>>) => (handOff ? ` Context: ${JSON.stringify(handOff)}` : '');
  const router: Agent = { name: 'router', instructions: (locale, handOff) => `Route the customer (${locale}).${describe(handOff)}`, tools: [handOffTool], team: members };
  const booking: Agent = {
    name: 'booking',
    intent: 'booking',
    instructions: (locale, handOff) => `Book appointments (${locale}).${describe(handOff)}`,
    tools: [bookTool, handOffTool] as AnyToolSpec[],
    team: members,
  };
  members.set('router', router).set('booking', booking);
  return router;
}

const CONTEXT = { intent: 'booking', summary: 'Wants a check-up on Friday morning', customerName: 'Priya', details: { preferredDay: 'Friday', returning: true } };

describe('hand-offs between agents', () => {
  test('in place: the session gets the booking agent with the context, and the record, transcript and figures say so', async () => {
    const h = setup({ agent: team() });
    const { connection, session } = await connect(h);
    const id = connection.info.conversationId;
    assert.match(h.model.connects[0]!.instructions, /^Route the customer/);
    assert.deepEqual(h.model.connects[0]!.tools.map((tool) => tool.name), ['hand_off']);

    session.emit({ type: 'tool_call', callId: 'c1', name: 'hand_off', arguments: JSON.stringify({ to: 'booking', context: CONTEXT }) });
    await session.waitForCall('sendToolResult');
    const [update] = session.callsOf('updateAgent');
    assert.ok(update, 'the session was asked to serve the booking agent');
    assert.equal(update.instructions, `Book appointments (en). Context: ${JSON.stringify(CONTEXT)}`);
    assert.deepEqual(update.tools, ['book_slot', 'hand_off']);
    assert.deepEqual(JSON.parse(session.callsOf('sendToolResult')[0]!.output), { ok: true, now: 'booking' });
    assert.equal(h.model.sessions.length, 1, 'no second session');

    // A tool only the booking agent has now runs.
    session.emit({ type: 'tool_call', callId: 'c2', name: 'book_slot', arguments: '{"slot":"2026-11-27T10:00"}' });
    await eventually(() => (session.callsOf('sendToolResult').length === 2 ? true : undefined), 'the booking result');

    connection.hangUp();
    const record = await endedRecord(h, id);
    assert.equal(record.intent, 'booking');
    assert.equal(record.agent, 'booking');
    assert.deepEqual(record.handOff, CONTEXT);
    assert.equal(record.stats?.handOffs, 1);
    assert.equal(record.stats?.toolCalls, 2);
    assert.deepEqual(record.stats?.toolsSucceeded, ['hand_off', 'book_slot']);
    const handOffs = (await transcript(h, id)).filter((entry) => entry.text.startsWith('hand-off'));
    assert.equal(handOffs.length, 1);
    assert.equal(handOffs[0]!.text, `hand-off router -> booking: ${JSON.stringify(CONTEXT)}`);
  });

  test('a model that cannot change agent in place gets a new session with the new agent, and the result as a note', async () => {
    const h = setup({ agent: team(), model: { updatesAgent: false } });
    const { connection, session } = await connect(h);
    session.emit({ type: 'transcript', role: 'user', text: 'I would like a check-up on Friday' });
    session.emit({ type: 'tool_call', callId: 'c1', name: 'hand_off', arguments: JSON.stringify({ to: 'booking', context: CONTEXT }) });
    const next = await h.model.session(1);
    assert.equal(next.options.instructions, `Book appointments (en). Context: ${JSON.stringify(CONTEXT)}`);
    assert.deepEqual(next.options.tools.map((tool) => tool.name), ['book_slot', 'hand_off']);
    assert.ok(next.options.history.some((item) => item.role === 'user' && item.text === 'I would like a check-up on Friday'), 'the history came along');
    await next.waitForCall('sendText');
    assert.match(next.callsOf('sendText')[0]!.text, /^\[The hand_off tool called earlier in this conversation returned: \{"ok":true,"now":"booking"\}\]$/);
    await eventually(() => (session.calls.some((call) => call.method === 'close') ? true : undefined), 'the old session closed');
    assert.equal(session.callsOf('sendToolResult').length, 0, 'the old session gets nothing');
    assert.equal(await h.metrics.registry.getSingleMetricAsString('gateway_model_rotations_total').then((text) => /gateway_model_rotations_total\{/.test(text)), false, 'not counted as a rotation');
    connection.hangUp();
    assert.equal((await endedRecord(h, connection.info.conversationId)).intent, 'booking');
  });

  test('router and specialist passing the customer back and forth are stopped after two hand-offs in one turn', async () => {
    const h = setup({ agent: team() });
    const { connection, session } = await connect(h);
    const handOff = (callId: string, to: string) => session.emit({ type: 'tool_call', callId, name: 'hand_off', arguments: JSON.stringify({ to, context: { ...CONTEXT, intent: to === 'booking' ? 'booking' : 'faq' } }) });
    const results = async (count: number) => {
      await eventually(() => (session.callsOf('sendToolResult').length === count ? true : undefined), `${count} results`);
      return session.callsOf('sendToolResult').map((call) => JSON.parse(call.output) as { ok: boolean; message?: string });
    };
    handOff('c1', 'booking');
    await results(1);
    handOff('c2', 'router');
    await results(2);
    handOff('c3', 'booking');
    const third = (await results(3))[2]!;
    assert.equal(third.ok, false);
    assert.match(third.message!, /handed on twice since the customer last spoke/);
    assert.equal(session.callsOf('updateAgent').length, 2, 'the third switch did not happen');
    // The customer speaks: the next hand-off goes through.
    session.emit({ type: 'speech_stopped' });
    handOff('c4', 'booking');
    assert.equal((await results(4))[3]!.ok, true);
    connection.hangUp();
    const record = await endedRecord(h, connection.info.conversationId);
    assert.equal(record.intent, 'booking', 'a hand-back to the router kept the intent');
    assert.equal(record.stats?.handOffs, 3);
  });

  test('what the customer types while a new session opens for the new agent reaches that session, after its history', async () => {
    const h = setup({ agent: team(), model: { updatesAgent: false } });
    const { connection, session } = await connect(h, CHAT);
    h.model.hold();
    session.emit({ type: 'tool_call', callId: 'c1', name: 'hand_off', arguments: JSON.stringify({ to: 'booking', context: CONTEXT }) });
    await eventually(() => (h.model.connects.length === 2 ? true : undefined), 'the new session opening');
    connection.pushText('Friday at 10 please');
    h.model.release();
    const next = await h.model.session(1);
    await eventually(() => (next.callsOf('sendText').some((call) => call.text === 'Friday at 10 please') ? true : undefined), 'the text at the new session');
    assert.equal(session.callsOf('sendText').length, 0, 'nothing went to the session being replaced');
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
  });

  test('an unknown agent: the model is told which agents exist, and nothing changes', async () => {
    const h = setup({ agent: team() });
    const { connection, session } = await connect(h);
    session.emit({ type: 'tool_call', callId: 'c1', name: 'hand_off', arguments: JSON.stringify({ to: 'billing', context: CONTEXT }) });
    await session.waitForCall('sendToolResult');
    assert.deepEqual(JSON.parse(session.callsOf('sendToolResult')[0]!.output), { ok: false, message: 'There is no agent named "billing". Agents: router, booking.' });
    assert.equal(session.callsOf('updateAgent').length, 0);
    connection.hangUp();
    const record = await endedRecord(h, connection.info.conversationId);
    assert.equal(record.intent, undefined);
    assert.equal(record.agent, undefined);
  });

  test('a single agent has nobody to hand off to', async () => {
    const h = setup({ tools: [handOffTool as ToolSpec] });
    const { connection, session } = await connect(h);
    session.emit({ type: 'tool_call', callId: 'c1', name: 'hand_off', arguments: JSON.stringify({ to: 'booking', context: CONTEXT }) });
    await session.waitForCall('sendToolResult');
    assert.match(JSON.parse(session.callsOf('sendToolResult')[0]!.output).message, /works alone/);
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
  });

  test('a chat that wakes up again carries on with the booking agent, its context and its figures', async () => {
    const h = setup({ agent: team() });
    const first = await connect(h, CHAT);
    const id = first.connection.info.conversationId;
    first.session.emit({ type: 'tool_call', callId: 'c1', name: 'hand_off', arguments: JSON.stringify({ to: 'booking', context: CONTEXT }) });
    await first.session.waitForCall('sendToolResult');
    first.connection.hangUp();
    await endedRecord(h, id);

    const again = await connect(h, { ...CHAT, conversationId: id, skipDisclosure: false });
    assert.equal(again.session.options.instructions, `Book appointments (en). Context: ${JSON.stringify(CONTEXT)}`);
    again.connection.hangUp();
    await eventually(async () => ((await h.manager.records.get(id))?.status === 'ended' && !h.manager.get(id) ? true : undefined), 'the second end');
    const record = await endedRecord(h, id);
    assert.equal(record.agent, 'booking');
    assert.equal(record.stats?.handOffs, 1, 'figures carried on from the first part');
    assert.equal(record.stats?.toolCalls, 1);
  });
});
