// Tool calls in a conversation, through the ConversationManager with a scripted model and a fake channel connection:
// a tool runs once with an idempotency key and the model gets its result, invalid arguments come back as an error
// the model can correct, and a tool past its timeout neither blocks the caller's audio nor the answer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { defineTool, type ToolContext, type ToolSpec } from '../core/tool.ts';
import { initI18n } from '../i18n/i18n.ts';
import { conversationControlTools } from '../agent/tools/conversation-control.ts';
import { closeStores, connect, endedRecord, eventually, setup, sleep, transcript } from './conversation-test-kit.ts';

before(() => initI18n());
after(closeStores);

describe('tool calls', () => {
  const slotsInput = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD') });

  /** check_slots that answers only when the test calls release(). */
  function gatedSlotsTool(): { tool: ToolSpec; release: () => void } {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tool = defineTool('check_slots', 'Lists free slots on a date.', slotsInput, async (input) => {
      await gate;
      return { date: input.date, slots: ['10:00'] };
    }) as ToolSpec;
    return { tool, release: () => release() };
  }

  function slotsTool(runs: ToolContext[]): ToolSpec {
    return defineTool('check_slots', 'Lists free slots on a date.', slotsInput, async (input, context) => {
      runs.push(context);
      return { date: input.date, slots: ['10:00', '11:00'] };
    }) as ToolSpec;
  }

  test('valid arguments: the tool runs once with the idempotency key conversationId:callId and the model gets its JSON', async () => {
    const runs: ToolContext[] = [];
    const h = setup({ tools: [slotsTool(runs)] });
    const { connection, session } = await connect(h);
    const id = connection.info.conversationId;
    session.emit({ type: 'tool_call', callId: 'call-7', name: 'check_slots', arguments: '{"date":"2026-11-25"}' });
    await session.waitForCall('sendToolResult');
    assert.equal(runs.length, 1);
    assert.equal(runs[0]!.idempotencyKey, `${id}:call-7`);
    assert.equal(runs[0]!.conversationId, id);
    assert.deepEqual(session.callsOf('sendToolResult'), [
      { method: 'sendToolResult', callId: 'call-7', output: '{"date":"2026-11-25","slots":["10:00","11:00"]}' },
    ]);
    connection.hangUp();
    await endedRecord(h, id);
    const kinds = (await transcript(h, id)).map((entry) => entry.kind);
    assert.deepEqual(kinds, ['disclosure', 'tool_call', 'tool_result', 'event']);
  });

  test('invalid arguments: the model gets an error it can correct, and the tool does not run', async () => {
    const runs: ToolContext[] = [];
    const h = setup({ tools: [slotsTool(runs)] });
    const { connection, session } = await connect(h);
    session.emit({ type: 'tool_call', callId: 'call-8', name: 'check_slots', arguments: '{"date":"next Tuesday"}' });
    await session.waitForCall('sendToolResult');
    const [result] = session.callsOf('sendToolResult');
    assert.equal(result?.callId, 'call-8');
    const output = JSON.parse(result!.output) as { error: string; issues: Array<{ path: string; message: string }> };
    assert.equal(output.error, 'invalid_arguments');
    assert.deepEqual(output.issues, [{ path: 'date', message: 'a date as YYYY-MM-DD' }]);
    assert.equal(runs.length, 0);
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
  });

  test('a tool past its timeout gives the model a timeout, and caller audio keeps flowing meanwhile', async () => {
    let signal: AbortSignal | undefined;
    const slow = defineTool(
      'slow_lookup',
      'Never answers in time.',
      z.object({}),
      (_input, context) => {
        signal = context.signal;
        return new Promise(() => undefined);
      },
      { timeoutMs: 200 },
    ) as ToolSpec;
    const h = setup({ tools: [slow] });
    const { connection, session } = await connect(h);
    session.emit({ type: 'tool_call', callId: 'call-9', name: 'slow_lookup', arguments: '{}' });
    await sleep(20);
    const before = session.count('sendAudio');
    connection.pushAudio(10);
    assert.equal(session.count('sendAudio'), before + 10, 'the caller is still heard while the tool runs');
    assert.equal(session.count('sendToolResult'), 0);

    await session.waitForCall('sendToolResult');
    const output = JSON.parse(session.callsOf('sendToolResult')[0]!.output) as { error: string };
    assert.equal(output.error, 'timeout');
    assert.equal(signal?.aborted, true, 'the tool was told to give up');
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
  });

  test('a result that arrives after the model reconnected reaches the new session, so the caller still gets an answer', async () => {
    const { tool: slow, release } = gatedSlotsTool();
    const h = setup({ tools: [slow] });
    const { connection, session } = await connect(h);
    session.emit({ type: 'tool_call', callId: 'call-9', name: 'check_slots', arguments: '{"date":"2026-11-25"}' });
    session.fail({ code: 'socket_closed', message: 'dropped', retryable: true, fallback: false });
    const next = await h.model.session(1);
    release();
    await next.waitForCall('sendText');
    assert.equal(session.count('sendToolResult'), 0, 'not sent to the dead session');
    const [note] = next.callsOf('sendText') as Array<{ text: string }>;
    assert.match(note!.text, /check_slots/);
    assert.match(note!.text, /10:00/);
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
  });

  describe('end_conversation and transfer_to_human, for models that cannot end or hand over by themselves', () => {
    test('the conversation ends after the goodbye that follows end_conversation has been heard', async () => {
      const h = setup({ tools: [...conversationControlTools] });
      const { connection, session } = await connect(h);
      session.emit({ type: 'tool_call', callId: 'call-1', name: 'end_conversation', arguments: '{"reason":"the customer said goodbye"}' });
      await session.waitForCall('sendToolResult');
      assert.match((session.callsOf('sendToolResult')[0] as { output: string }).output, /"ok":true/);
      session.emit({ type: 'response_done', responseId: 'resp-tool', status: 'completed' }); // the response that called the tool
      session.emit({ type: 'response_started', responseId: 'goodbye' });
      session.emitAudio({ responseId: 'goodbye', itemId: 'item-G', ms: 400 });
      session.emit({ type: 'response_done', responseId: 'goodbye', status: 'completed' });
      await sleep(50);
      assert.equal(connection.closed, false, 'not before the goodbye has been heard');
      connection.playAll();
      assert.equal(await connection.waitForClose(), 'agent_ended');
      const record = await endedRecord(h, connection.info.conversationId);
      assert.equal(record.endReason, 'agent_ended');
    });

    test('transfer_to_human hands the call over after "connecting you", or tells the model no one is available', async () => {
      const h = setup({ tools: [...conversationControlTools], settings: { transferNumber: '+919800000000' } });
      const { connection, session } = await connect(h);
      session.emit({ type: 'tool_call', callId: 'call-2', name: 'transfer_to_human', arguments: '{"reason":"asked for a person"}' });
      await session.waitForCall('sendToolResult');
      session.emit({ type: 'response_started', responseId: 'connecting' });
      session.emitAudio({ responseId: 'connecting', itemId: 'item-C', ms: 200 });
      session.emit({ type: 'response_done', responseId: 'connecting', status: 'completed' });
      connection.playAll();
      assert.equal(await connection.waitForClose(), 'transferred');
      assert.deepEqual(connection.sentOf('transfer'), [{ type: 'transfer', to: '+919800000000', reason: 'requested_by_agent' }]);

      const nobody = setup({ tools: [...conversationControlTools] });
      const other = await connect(nobody);
      other.session.emit({ type: 'tool_call', callId: 'call-3', name: 'transfer_to_human', arguments: '{"reason":"asked for a person"}' });
      await other.session.waitForCall('sendToolResult');
      assert.match((other.session.callsOf('sendToolResult')[0] as { output: string }).output, /No person can take this conversation/);
      await sleep(50);
      assert.equal(other.connection.closed, false);
      other.connection.hangUp();
      await endedRecord(nobody, other.connection.info.conversationId);
    });
  });

  test('a model that keeps calling tools is refused past the turn ceiling, and past the conversation ceiling the local engine takes over', async () => {
    const runs: ToolContext[] = [];
    const h = setup({ tools: [slotsTool(runs)], fallback: {}, settings: { toolCallsPerTurn: 2, toolCallsPerConversation: 3 } });
    const { connection, session } = await connect(h);
    const call = (id: string) => session.emit({ type: 'tool_call', callId: id, name: 'check_slots', arguments: '{"date":"2026-11-25"}' });
    call('loop-1');
    call('loop-2');
    call('loop-3');
    await session.waitForCall('sendToolResult', 3);
    const third = JSON.parse(session.callsOf('sendToolResult').find((c) => c.callId === 'loop-3')!.output) as { error: string; limit: string };
    assert.deepEqual([third.error, third.limit], ['limit_reached', 'turn']);
    assert.equal(runs.length, 2, 'the third call of the turn did not run');

    connection.pushText('any other day?'); // a new customer turn: one more call is allowed, then the conversation's ceiling
    await session.waitForCall('sendText');
    call('loop-4');
    call('loop-5');
    const local = await h.fallback!.session(0);
    assert.equal(runs.length, 3);
    assert.ok(local, 'the deterministic engine took over');
    const entries = await eventually(async () => {
      const all = await transcript(h, connection.info.conversationId);
      return all.some((entry) => entry.text === 'model fallback: tool_limit') ? all : undefined;
    }, 'the switch to the local engine in the transcript');
    assert.ok(entries.some((entry) => entry.text.startsWith('tool ceiling reached')));
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
  });

  test('a slow tool on a call gets a spoken filler in the caller\'s language while the caller\'s audio keeps flowing', async () => {
    const { tool: slow, release } = gatedSlotsTool();
    const h = setup({ tools: [slow], settings: { toolFillerMs: 50 } });
    const { connection, session } = await connect(h, { locale: 'pt-BR' });
    const saysBefore = session.count('say');
    session.emit({ type: 'tool_call', callId: 'slow-1', name: 'check_slots', arguments: '{"date":"2026-11-25"}' });
    await session.waitForCall('say', saysBefore + 1);
    assert.equal(session.callsOf('say').at(-1)!.text, 'Um momento, estou verificando.');
    const before = session.count('sendAudio');
    connection.pushAudio(5);
    assert.equal(session.count('sendAudio'), before + 5);
    release();
    await session.waitForCall('sendToolResult');
    assert.equal(session.count('say'), saysBefore + 1, 'one filler per slow call');

    // A quick tool gets none.
    session.emit({ type: 'tool_call', callId: 'quick-1', name: 'check_slots', arguments: '{"date":"2026-11-26"}' });
    await session.waitForCall('sendToolResult', 2);
    await sleep(80);
    assert.equal(session.count('say'), saysBefore + 1);
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
  });

  test('the caller talking over a running lookup stops it when its tool is cancellable; a booking runs to the end', async () => {
    const signals: Record<string, AbortSignal> = {};
    const lookup = defineTool('lookup', 'Looks something up.', z.object({}), (_input, context) => {
      signals['lookup'] = context.signal;
      return new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason)));
    }, { cancellable: true, idempotent: true }) as ToolSpec;
    let finishBooking: () => void = () => undefined;
    const booking = defineTool('book', 'Books.', z.object({}), async (_input, context) => {
      signals['book'] = context.signal;
      await new Promise<void>((resolve) => (finishBooking = resolve));
      return { booked: true };
    }) as ToolSpec;
    const h = setup({ tools: [lookup, booking], settings: { toolFillerMs: 0 } });
    const { connection, session } = await connect(h);
    session.emit({ type: 'tool_call', callId: 'c-lookup', name: 'lookup', arguments: '{}' });
    session.emit({ type: 'tool_call', callId: 'c-book', name: 'book', arguments: '{}' });
    await sleep(20);
    session.emit({ type: 'speech_started' });
    await session.waitForCall('sendToolResult');
    const cancelled = JSON.parse(session.callsOf('sendToolResult')[0]!.output) as { error: string };
    assert.deepEqual([session.callsOf('sendToolResult')[0]!.callId, cancelled.error], ['c-lookup', 'cancelled']);
    assert.equal(signals['book']?.aborted, false, 'the booking is not abandoned half-way');
    finishBooking();
    await session.waitForCall('sendToolResult', 2);
    assert.deepEqual(JSON.parse(session.callsOf('sendToolResult')[1]!.output), { booked: true });
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
  });
});
