// The conversation from its first words to its last, as a caller and an operator live it, through the
// ConversationManager with a scripted model and a fake channel connection: the AI disclosure first and in the
// caller's language, ending and transfer after the last words have played, the time limit, hang-up, a model that
// cannot be reached, the drain at shutdown, and a second connection for a live conversation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { initI18n, t } from '../i18n/i18n.ts';
import { FakeConnection } from '../../test/fakes/fake-connection.ts';
import { UNAVAILABLE } from '../../test/fakes/scripted-model.ts';
import { closeStores, connect, endedRecord, eventually, setup, sleep, transcript } from './conversation-test-kit.ts';

const DEVANAGARI = /[\u0900-\u097F]/;

before(() => initI18n());
after(closeStores);

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
