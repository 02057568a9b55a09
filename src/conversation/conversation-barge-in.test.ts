// Barge-in as a caller lives it, through the ConversationManager with a scripted model and a fake channel
// connection: speech or a key press over an answer stops the audio at once, cancels the answer and tells the model
// how much of it was heard; nothing is cleared when nothing is playing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { initI18n } from '../i18n/i18n.ts';
import { closeStores, connect, endedRecord, setup, transcript } from './conversation-test-kit.ts';

before(() => initI18n());
after(closeStores);

describe('barge-in', () => {
  test('a "hello?" never cuts the AI disclosure short, while it streams or while it still plays; a key press does', async () => {
    const h = setup();
    const { connection, session } = await connect(h, { skipDisclosure: false });
    session.emit({ type: 'response_started', responseId: 'disclosure' });
    session.emitAudio({ responseId: 'disclosure', itemId: 'item-D', ms: 1000 });
    session.emit({ type: 'speech_started' });
    assert.equal(connection.clears, 0, 'speech over the disclosure while it streams');
    session.emit({ type: 'response_done', responseId: 'disclosure', status: 'completed' });

    // The menu follows; the disclosure's audio is still being played to the caller.
    session.emit({ type: 'response_started', responseId: 'menu' });
    session.emitAudio({ responseId: 'menu', itemId: 'item-M', ms: 1000 });
    connection.playMs(600);
    session.emit({ type: 'speech_started' });
    assert.equal(connection.clears, 0, 'speech while the disclosure is still heard');
    assert.equal(session.count('cancelResponse'), 0);

    // Once the disclosure has been heard in full, speech interrupts the menu as usual.
    connection.playMs(500);
    session.emit({ type: 'speech_started' });
    assert.equal(connection.clears, 1);
    assert.equal(session.count('cancelResponse'), 1);
    connection.hangUp();
  });

  test('a key pressed during the disclosure skips it: the line is cleared and the digit reaches the model', async () => {
    const h = setup();
    const { connection, session } = await connect(h, { skipDisclosure: false });
    session.emit({ type: 'response_started', responseId: 'disclosure' });
    session.emitAudio({ responseId: 'disclosure', itemId: 'item-D', ms: 1000 });
    connection.pushDtmf('1');
    assert.equal(connection.clears, 1);
    assert.deepEqual(session.callsOf('sendDtmf').map((call) => call.digit), ['1']);
    connection.hangUp();
  });

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
