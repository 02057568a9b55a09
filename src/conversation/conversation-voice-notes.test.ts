// Chat channels that carry voice notes (WhatsApp): a note is one turn, answered with one recorded note; typed text
// is answered in text; a chat that wakes up after its idle time carries on without a second disclosure.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { initI18n } from '../i18n/i18n.ts';
import { closeStores, connect, endedRecord, eventually, setup, transcript } from './conversation-test-kit.ts';

before(() => initI18n());
after(closeStores);

const CHAT = { audio: false, text: true, dtmf: false, playbackMarks: false, voiceNotes: true, transfer: false };

test('a voice note goes to the model as whole frames and one turn, and the spoken answer comes back as one voice note with its transcript', async () => {
  const h = setup();
  const { connection, session } = await connect(h, { capabilities: CHAT });
  assert.equal(session.options.audioOutput, true);
  assert.equal(session.options.liveAudio, false, 'the model must not split a note at its pauses');
  connection.pushVoiceNote(1010); // 50.5 frames: the tail is padded to a whole frame
  await session.waitForCall('commitAudio');
  const frames = session.callsOf('sendAudio');
  assert.equal(frames.length, 51);
  assert.ok(frames.every((call) => call.samples === 480));
  assert.deepEqual(session.callsOf('replyWith').at(-1), { method: 'replyWith', modality: 'audio' });

  session.emit({ type: 'response_started', responseId: 'r1' });
  session.emitAudio({ responseId: 'r1', itemId: 'i1', ms: 1500 });
  session.emit({ type: 'transcript', role: 'assistant', text: 'We are open nine to six.' });
  assert.equal(connection.sentOf('voice_note').length, 0, 'nothing is sent before the answer is complete');
  session.emit({ type: 'response_done', responseId: 'r1', status: 'completed' });
  const [note] = connection.sentOf('voice_note');
  assert.ok(note);
  assert.equal(note.pcm.length, 1.5 * 24_000);
  assert.equal(note.transcript, 'We are open nine to six.');
  assert.equal(connection.sentOf('text').length, 0, 'the transcript travels with the note, not as a second answer');
  assert.equal(connection.sentOf('audio').length, 0);
});

test('typed text is answered in text, and the audio of a model that spoke anyway is dropped', async () => {
  const h = setup();
  const { connection, session } = await connect(h, { capabilities: CHAT });
  connection.pushText('what are your hours?');
  await session.waitForCall('sendText');
  assert.deepEqual(session.callsOf('replyWith').at(-1), { method: 'replyWith', modality: 'text' });
  session.emit({ type: 'response_started', responseId: 'r2' });
  session.emitAudio({ responseId: 'r2', itemId: 'i2', ms: 400 });
  session.emit({ type: 'transcript', role: 'assistant', text: 'Nine to six.' });
  session.emit({ type: 'response_done', responseId: 'r2', status: 'completed' });
  assert.deepEqual(connection.sentOf('text').map((event) => event.text).slice(-1), ['Nine to six.']);
  assert.equal(connection.sentOf('voice_note').length, 0);
});

test('a chat that comes back after its idle time keeps its conversation and is not told the disclosure again', async () => {
  const h = setup();
  const first = await connect(h, { capabilities: CHAT, conversationId: 'chat-1' });
  assert.equal(first.session.callsOf('say').length, 1, 'the disclosure, once');
  first.connection.pushText('hello');
  await first.session.waitForCall('sendText');
  first.connection.hangUp('idle');
  await endedRecord(h, 'chat-1');

  const index = h.model.sessions.length;
  const { FakeConnection } = await import('../../test/fakes/fake-connection.ts');
  const again = new FakeConnection({ capabilities: CHAT, conversationId: 'chat-1' });
  again.pushText('and on Sunday?'); // the message that woke the chat, held until the model is open
  h.manager.accept(again);
  const session = await h.model.session(index);
  await session.waitForCall('sendText');
  assert.equal(session.callsOf('say').length, 0, 'no second disclosure');
  assert.ok(session.options.history.some((item) => item.text === 'hello'), 'the earlier messages are in the new session');
  const record = await eventually(async () => ((await h.manager.records.get('chat-1'))?.status === 'live' ? true : undefined), 'the record to be live again');
  assert.ok(record);
  const entries = await transcript(h, 'chat-1');
  assert.equal(entries.filter((entry) => entry.kind === 'disclosure').length, 1);
});

test('a channel that shows a live transcript gets both sides as transcript events, and no separate text', async () => {
  const h = setup();
  const { connection, session } = await connect(h, { capabilities: { audio: true, text: true, transcripts: true, dtmf: false, transfer: false } });
  session.emit({ type: 'transcript', role: 'user', text: 'do you open on Sunday?' });
  session.emit({ type: 'transcript', role: 'assistant', text: 'No, Monday to Saturday.' });
  assert.deepEqual(connection.sentOf('transcript').map((event) => [event.role, event.text]), [
    ['user', 'do you open on Sunday?'],
    ['assistant', 'No, Monday to Saturday.'],
  ]);
  assert.equal(connection.sentOf('text').length, 0);
});
