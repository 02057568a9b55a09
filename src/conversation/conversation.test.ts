// The conversation as a caller and an operator live it, through the ConversationManager with a scripted model and a
// fake channel connection: the AI disclosure first and in the caller's language, barge-in that stops the audio and
// tells the model what was heard, tool calls, ending and transfer after the last words have played, the time limit,
// hang-up, a model that cannot be reached, the drain at shutdown, and a second connection for a live conversation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { defineTool, type ToolContext, type ToolSpec } from '../core/tool.ts';
import type { Agent } from '../agent/agent.ts';
import { GatewayMetrics } from '../analytics/metrics.ts';
import { initI18n, t } from '../i18n/i18n.ts';
import { silentLogger } from '../log.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { FakeConnection, type FakeConnectionOptions } from '../../test/fakes/fake-connection.ts';
import { ScriptedModel, UNAVAILABLE, type ScriptedModelOptions, type ScriptedSession } from '../../test/fakes/scripted-model.ts';
import type { ConversationSettings } from './conversation.ts';
import { ConversationManager } from './manager.ts';
import type { ConversationRecord, TranscriptEntry } from './records.ts';

const DEVANAGARI = /[\u0900-\u097F]/;
const stores: MemoryStore[] = [];

before(() => initI18n());
after(() => Promise.all(stores.map((store) => store.close())));

interface Harness {
  readonly manager: ConversationManager;
  readonly model: ScriptedModel;
  readonly store: MemoryStore;
  readonly metrics: GatewayMetrics;
}

function setup(options: { settings?: Partial<ConversationSettings>; model?: ScriptedModelOptions; tools?: ToolSpec[] } = {}): Harness {
  const store = new MemoryStore();
  stores.push(store);
  const model = new ScriptedModel(options.model);
  const metrics = new GatewayMetrics();
  const agent: Agent = { instructions: (locale) => `You are a receptionist. Answer in ${locale}.`, tools: options.tools ?? [] };
  const manager = new ConversationManager({
    model,
    agent,
    store,
    log: silentLogger,
    metrics,
    defaultLocale: 'en',
    translate: t,
    settings: { businessName: 'Asha Clinic', maxDurationMs: 60_000, playoutWaitMs: 2000, modelRetryDelaysMs: [5, 5], ...options.settings },
  });
  return { manager, model, store, metrics };
}

/** A customer connects; resolves once the model session is open and the disclosure has been asked for. */
async function connect(h: Harness, options: FakeConnectionOptions = {}): Promise<{ connection: FakeConnection; session: ScriptedSession }> {
  const connection = new FakeConnection(options);
  const index = h.model.sessions.length;
  h.manager.accept(connection);
  const session = await h.model.session(index);
  await session.waitForCall('createResponse');
  return { connection, session };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

async function endedRecord(h: Harness, id: string, timeoutMs = 2000): Promise<ConversationRecord> {
  return eventually(async () => {
    const record = await h.manager.records.get(id);
    return record?.status === 'ended' ? record : undefined;
  }, `conversation ${id} to end`, timeoutMs);
}

function transcript(h: Harness, id: string): Promise<TranscriptEntry[]> {
  return h.manager.records.transcript(id);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the disclosure', () => {
  test('is the first thing said and written, in the language of the connection', async () => {
    const h = setup();
    const { connection, session } = await connect(h, { locale: 'hi' });
    const id = connection.info.conversationId;

    assert.equal(h.model.connects[0]?.locale, 'hi', 'the model is opened in Hindi');
    const spoken = session.methods.filter((method) => method !== 'listen');
    assert.deepEqual(spoken.slice(0, 2), ['say', 'createResponse'], 'nothing comes before the disclosure');
    const said = session.callsOf('say')[0]!.text;
    assert.match(said, DEVANAGARI, `Hindi text: ${said}`);
    assert.ok(said.includes('Asha Clinic'));
    assert.equal(said, t('hi', 'common:disclosure', { business: 'Asha Clinic' }));

    const record = await h.manager.records.get(id);
    assert.equal(record?.status, 'live');
    assert.equal(record?.locale, 'hi');
    connection.hangUp();
    await endedRecord(h, id);
    const entries = await transcript(h, id);
    assert.equal(entries[0]?.kind, 'disclosure');
    assert.equal(entries[0]?.text, said);
  });

  test('a message typed while the model connects is kept for after the disclosure, not lost', async () => {
    const h = setup();
    h.model.hold(); // a cloud model that takes a while to answer
    const connection = new FakeConnection({ channel: 'chat', capabilities: { audio: false, text: true, dtmf: false, playbackMarks: false, transfer: false } });
    h.manager.accept(connection);
    connection.pushText('Hello, are you open on Saturday?'); // the message that opened the chat
    await eventually(() => (h.model.connects.length > 0 ? true : undefined), 'the model to be asked for');
    h.model.release();
    const session = await h.model.session(0);
    await session.waitForCall('sendText');
    await sleep(20);

    const entries = await transcript(h, connection.info.conversationId);
    assert.equal(entries[0]?.kind, 'disclosure', `first entry: ${JSON.stringify(entries[0])}`);
    assert.equal(entries[1]?.text, 'Hello, are you open on Saturday?');
    assert.deepEqual(
      session.methods.filter((method) => method === 'say' || method === 'sendText'),
      ['say', 'sendText'],
      'the customer\u2019s message reaches the model, after the disclosure',
    );
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
  });
});

describe('barge-in', () => {
  test('speech over an answer clears the line, cancels the answer and truncates it at what was heard', async () => {
    const h = setup();
    const { connection, session } = await connect(h);
    session.emit({ type: 'response_started', responseId: 'resp-1' });
    session.emitAudio({ responseId: 'resp-1', itemId: 'item-X', ms: 1000 });
    assert.equal(connection.audioFrames, 50);
    assert.ok(connection.receivedDbfs() > -20, 'the answer is audible');
    connection.playMs(300); // the marks at 100, 200 and 300 ms come back

    session.emit({ type: 'speech_started' });
    assert.equal(connection.clears, 1);
    assert.equal(session.count('cancelResponse'), 1);
    assert.deepEqual(session.callsOf('truncate'), [{ method: 'truncate', itemId: 'item-X', playedMs: 300 }]);

    // The cancelled answer keeps streaming for a moment: none of it reaches the caller.
    session.emitAudio({ responseId: 'resp-1', itemId: 'item-X', ms: 200 });
    assert.equal(connection.audioFrames, 50);
    session.emit({ type: 'response_done', responseId: 'resp-1', status: 'cancelled' });
    connection.echoClearedMarks();

    // The next answer is heard.
    session.emit({ type: 'response_started', responseId: 'resp-2' });
    session.emitAudio({ responseId: 'resp-2', itemId: 'item-Y', ms: 400 });
    assert.equal(connection.audioFrames, 70);
    assert.ok(connection.receivedDbfs(50) > -20);

    // A second barge-in is measured on the new answer only, whatever marks came back from the cleared one.
    connection.playMs(100);
    session.emit({ type: 'speech_started' });
    assert.equal(connection.clears, 2);
    assert.deepEqual(session.callsOf('truncate')[1], { method: 'truncate', itemId: 'item-Y', playedMs: 100 });

    connection.hangUp();
    assert.equal((await endedRecord(h, connection.info.conversationId)).bargeIns, 2);
    const entries = await transcript(h, connection.info.conversationId);
    assert.deepEqual(
      entries.filter((entry) => entry.text.startsWith('barge-in')).map((entry) => entry.text),
      ['barge-in (speech) after 300 ms', 'barge-in (speech) after 100 ms'],
    );
    assert.match(await h.metrics.registry.getSingleMetricAsString('gateway_barge_ins_total'), /gateway_barge_ins_total\{channel="fake"\} 2/);
  });

  test('speech while the answer is still streaming and every mark so far has come back still interrupts it', async () => {
    const h = setup();
    const { connection, session } = await connect(h);
    session.emit({ type: 'response_started', responseId: 'resp-1' });
    session.emitAudio({ responseId: 'resp-1', itemId: 'item-X', ms: 120 });
    connection.playMs(100); // 20 ms still queued, no mark after them yet
    session.emit({ type: 'speech_started' });
    assert.equal(connection.clears, 1, 'the queued audio is cleared');
    assert.equal(session.count('cancelResponse'), 1, 'the rest of the answer is cancelled');
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
  });

  test('a model without truncation still gets the cancel, and the line is still cleared', async () => {
    const h = setup({ model: { capabilities: { truncation: false } } });
    const { connection, session } = await connect(h);
    session.emit({ type: 'response_started', responseId: 'resp-1' });
    session.emitAudio({ responseId: 'resp-1', itemId: 'item-X', ms: 500 });
    connection.playMs(200);
    session.emit({ type: 'speech_started' });
    assert.equal(connection.clears, 1);
    assert.equal(session.count('cancelResponse'), 1);
    assert.equal(session.count('truncate'), 0);
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
  });

  test('no clear when nothing is playing', async () => {
    const h = setup();
    const { connection, session } = await connect(h);
    session.emit({ type: 'speech_started' });
    assert.equal(connection.clears, 0, 'before any answer');

    session.emit({ type: 'response_started', responseId: 'resp-1' });
    session.emitAudio({ responseId: 'resp-1', itemId: 'item-X', ms: 300 });
    session.emit({ type: 'response_done', responseId: 'resp-1', status: 'completed' });
    connection.playAll();
    session.emit({ type: 'speech_started' });
    assert.equal(connection.clears, 0, 'after the answer has played');
    assert.equal(session.count('truncate'), 0);
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
  });

  test('a key pressed over a prompt clears it too, and the digit reaches the model', async () => {
    const h = setup();
    const { connection, session } = await connect(h);
    session.emit({ type: 'response_started', responseId: 'resp-1' });
    session.emitAudio({ responseId: 'resp-1', itemId: 'item-menu', ms: 1000 });
    connection.playMs(200);
    connection.pushDtmf('1');
    assert.equal(connection.clears, 1);
    assert.equal(session.count('cancelResponse'), 1);
    assert.deepEqual(session.callsOf('truncate'), [{ method: 'truncate', itemId: 'item-menu', playedMs: 200 }]);
    assert.deepEqual(session.callsOf('sendDtmf'), [{ method: 'sendDtmf', digit: '1' }]);
    const methods = session.methods;
    assert.ok(methods.indexOf('cancelResponse') < methods.indexOf('sendDtmf'), 'the prompt is cancelled before the digit is handled');

    // With nothing playing, a digit is just a digit.
    connection.playAll();
    connection.pushDtmf('#');
    assert.equal(connection.clears, 1);
    assert.deepEqual(session.callsOf('sendDtmf')[1], { method: 'sendDtmf', digit: '#' });
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
    const entries = await transcript(h, connection.info.conversationId);
    assert.deepEqual(entries.filter((entry) => entry.kind === 'dtmf').map((entry) => entry.text), ['1', '#']);
    assert.equal(entries.filter((entry) => entry.text.startsWith('barge-in (dtmf)')).length, 1);
  });
});

describe('tool calls', () => {
  const slotsInput = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD') });

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
});

describe('ending and handing over', () => {
  test('end_requested ends the call only after the goodbye has played', async () => {
    const h = setup();
    const { connection, session } = await connect(h);
    session.emit({ type: 'response_started', responseId: 'resp-bye' });
    session.emitAudio({ responseId: 'resp-bye', itemId: 'item-bye', ms: 300 });
    session.emit({ type: 'response_done', responseId: 'resp-bye', status: 'completed' });
    session.emit({ type: 'end_requested', reason: 'goodbye' });
    await sleep(50);
    assert.equal(connection.closed, false, 'still playing the goodbye');
    connection.playMs(200);
    await sleep(20);
    assert.equal(connection.closed, false, '100 ms still to play');
    connection.playAll();
    assert.equal(await connection.waitForClose(), 'goodbye');
    assert.deepEqual(connection.sentOf('end'), [{ type: 'end', reason: 'goodbye' }]);
    assert.equal(connection.sent.at(-1)?.type, 'end', 'nothing after the end');
    const record = await endedRecord(h, connection.info.conversationId);
    assert.equal(record.endReason, 'goodbye');
    assert.equal(session.closed, true);
  });

  test('end_requested still ends when the channel never confirms playback', async () => {
    const h = setup({ settings: { playoutWaitMs: 150 } });
    const { connection, session } = await connect(h);
    session.emit({ type: 'response_started', responseId: 'resp-bye' });
    session.emitAudio({ responseId: 'resp-bye', itemId: 'item-bye', ms: 300 });
    session.emit({ type: 'response_done', responseId: 'resp-bye', status: 'completed' });
    const started = Date.now();
    session.emit({ type: 'end_requested', reason: 'goodbye' });
    assert.equal(await connection.waitForClose(), 'goodbye');
    assert.ok(Date.now() - started >= 140, 'it waited for the playout limit');
  });

  test('transfer_requested with a transfer number hands the call over, then ends it as transferred', async () => {
    const h = setup({ settings: { transferNumber: '+919800000000' } });
    const { connection, session } = await connect(h);
    session.emit({ type: 'transfer_requested', reason: 'caller asked for a person' });
    assert.equal(await connection.waitForClose(), 'transferred');
    assert.deepEqual(connection.sentOf('transfer'), [{ type: 'transfer', to: '+919800000000', reason: 'caller asked for a person' }]);
    const types = connection.sent.map((event) => event.type);
    assert.ok(types.indexOf('transfer') < types.indexOf('end'), types.join(','));
    const record = await endedRecord(h, connection.info.conversationId);
    assert.equal(record.endReason, 'transferred');
  });

  test('transfer_requested without a number, or on a channel that cannot transfer, keeps the conversation going', async () => {
    for (const [settings, capabilities] of [
      [{}, {}],
      [{ transferNumber: '+919800000000' }, { transfer: false }],
    ] as const) {
      const h = setup({ settings });
      const { connection, session } = await connect(h, { capabilities });
      session.emit({ type: 'transfer_requested', reason: 'caller asked for a person' });
      await sleep(50);
      assert.equal(connection.closed, false);
      assert.deepEqual(connection.sentOf('transfer'), []);
      assert.ok(h.manager.get(connection.info.conversationId), 'still live');
      session.emit({ type: 'response_started', responseId: 'resp-2' });
      session.emitAudio({ responseId: 'resp-2', itemId: 'item-2', ms: 200 });
      assert.equal(connection.audioFrames, 10, 'the agent keeps talking');
      const entries = await transcript(h, connection.info.conversationId);
      assert.ok(entries.some((entry) => entry.text === 'transfer unavailable'));
      connection.hangUp();
      await endedRecord(h, connection.info.conversationId);
    }
  });

  test('the maximum duration ends the conversation with max_duration', async () => {
    const h = setup({ settings: { maxDurationMs: 200 } });
    const started = Date.now();
    const { connection } = await connect(h);
    assert.equal(await connection.waitForClose(), 'max_duration');
    assert.ok(Date.now() - started >= 190, `ended after ${Date.now() - started} ms`);
    assert.deepEqual(connection.sentOf('end'), [{ type: 'end', reason: 'max_duration' }]);
    assert.equal((await endedRecord(h, connection.info.conversationId)).endReason, 'max_duration');
  });

  test('a hang-up closes the model session and leaves the record ended with the transcript in the store', async () => {
    const h = setup();
    const { connection, session } = await connect(h);
    const id = connection.info.conversationId;
    session.emit({ type: 'transcript', role: 'assistant', text: 'How can I help?' });
    session.emit({ type: 'transcript', role: 'user', text: 'What time do you open?' });
    connection.hangUp();
    const record = await endedRecord(h, id);
    assert.equal(record.endReason, 'hangup');
    assert.ok(record.endedAt && record.startedAt && record.endedAt >= record.startedAt);
    assert.equal(session.closed, true, 'the model session is closed');
    assert.deepEqual(connection.sentOf('end'), [], 'nobody to say goodbye to');
    assert.equal(connection.sentAfterClose, 0);
    assert.equal(h.manager.liveCount(), 0);
    const entries = await transcript(h, id);
    assert.deepEqual(
      entries.map((entry) => [entry.kind, entry.text]),
      [
        ['disclosure', t('en', 'common:disclosure', { business: 'Asha Clinic' })],
        ['speech', 'How can I help?'],
        ['speech', 'What time do you open?'],
        ['event', 'ended: hangup'],
      ],
    );
  });

  test('a model session that opens only after the caller hung up is closed', async () => {
    const h = setup();
    h.model.hold();
    const connection = new FakeConnection();
    h.manager.accept(connection);
    await eventually(() => (h.model.connects.length > 0 ? true : undefined), 'the model to be asked for');
    connection.hangUp();
    await endedRecord(h, connection.info.conversationId);
    h.model.release();
    const session = await h.model.session(0);
    await eventually(() => (session.closed ? true : undefined), 'the late session to be closed', 500);
    assert.equal(session.count('say'), 0, 'nobody is greeted');
  });

  test('a model that cannot be opened ends the conversation with a clear reason and closes the connection', async () => {
    const h = setup({ model: { failWith: UNAVAILABLE } });
    const connection = new FakeConnection();
    h.manager.accept(connection);
    assert.equal(await connection.waitForClose(), 'model_unavailable');
    assert.deepEqual(connection.sentOf('end'), [{ type: 'end', reason: 'model_unavailable' }]);
    const record = await endedRecord(h, connection.info.conversationId);
    assert.equal(record.endReason, 'model_unavailable');
    assert.equal(h.manager.liveCount(), 0);
  });
});

describe('the manager', () => {
  test('drain gives live conversations the drain time, then ends them with shutdown, and refuses new ones', async () => {
    const h = setup();
    const { connection, session } = await connect(h);
    const started = Date.now();
    const draining = h.manager.drain(300);

    const late = new FakeConnection();
    h.manager.accept(late);
    assert.equal(late.closed, true, 'a new connection is refused during the drain');
    await assert.rejects(h.manager.prepare({ channel: 'fake' }), (error: Error & { status?: number }) => error.status === 503);

    await sleep(150);
    assert.equal(connection.closed, false, 'the live call goes on during the drain');
    await draining;
    assert.ok(Date.now() - started >= 290, `drain returned after ${Date.now() - started} ms`);
    assert.equal(connection.closeReason, 'shutdown');
    assert.deepEqual(connection.sentOf('end'), [{ type: 'end', reason: 'shutdown' }]);
    assert.equal(session.closed, true);
    assert.equal((await endedRecord(h, connection.info.conversationId)).endReason, 'shutdown');
    assert.equal(h.model.connects.length, 1, 'no model session for the refused connection');
  });

  test('drain returns early when the last conversation ends on its own', async () => {
    const h = setup();
    const { connection } = await connect(h);
    const started = Date.now();
    const draining = h.manager.drain(10_000);
    await sleep(50);
    connection.hangUp();
    await draining;
    assert.ok(Date.now() - started < 1000, `drain returned after ${Date.now() - started} ms`);
    assert.equal((await endedRecord(h, connection.info.conversationId)).endReason, 'hangup');
  });

  test('a second connection for a conversation that is already live is refused', async () => {
    const h = setup();
    const { connection, session } = await connect(h, { conversationId: 'conv-dup' });
    const second = new FakeConnection({ conversationId: 'conv-dup' });
    h.manager.accept(second);
    assert.equal(second.closed, true);
    assert.equal(connection.closed, false, 'the first caller is not affected');
    assert.equal(h.model.connects.length, 1);
    const before = session.count('sendAudio');
    connection.pushAudio(3);
    assert.equal(session.count('sendAudio'), before + 3);
    connection.hangUp();
    await endedRecord(h, 'conv-dup');
  });

  test('two connections for one conversation arriving together: only one is served', async () => {
    const h = setup();
    const first = new FakeConnection({ conversationId: 'conv-race' });
    const second = new FakeConnection({ conversationId: 'conv-race' });
    h.manager.accept(first);
    h.manager.accept(second);
    await h.model.session(0);
    await sleep(50);
    assert.equal([first, second].filter((connection) => connection.closed).length, 1, 'exactly one of them is refused');
    assert.equal(h.model.connects.length, 1, 'one model session for one conversation');
    first.hangUp();
    second.hangUp();
    await endedRecord(h, 'conv-race');
  });
});
