// Sending through the transport: what reaches the socket for texts and voice notes, bad input refused before it,
// and WhatsApp's failures as the SendError kinds the shared layer acts on (463 never retried, and alerted).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Boom } from '@hapi/boom';
import { proto } from '@whiskeysockets/baileys';
import { waitUntil } from '../../../test/wait.ts';
import { SendError, type OutgoingVoiceNote } from '../transport.ts';
import { CUSTOMER_LID, CUSTOMER_PN, GROUP, received, text } from './message-fixtures.ts';
import { startHarness } from './test-kit.ts';

const OGG_HEADER = Buffer.from('OggS\0\x02', 'latin1');
const note = (overrides: Partial<OutgoingVoiceNote> = {}): OutgoingVoiceNote => ({
  ogg: Buffer.concat([OGG_HEADER, Buffer.alloc(200, 1)]),
  seconds: 2.6,
  waveform: Uint8Array.from({ length: 64 }, (_, i) => (i * 7) % 101),
  ...overrides,
});
const isSendError = (kind: SendError['kind']) => (error: unknown) => error instanceof SendError && error.kind === kind;

async function connected() {
  const h = await startHarness();
  h.sockets.latest.open();
  return h;
}

describe('Baileys sending', () => {
  test('a text and a voice note reach the socket as Baileys expects them', async () => {
    const h = await connected();
    await h.handle.transport.sendText(CUSTOMER_LID, 'namaste');
    await h.handle.transport.sendVoiceNote(CUSTOMER_PN, note());
    const [textSent, noteSent] = h.sockets.latest.sent;
    assert.deepEqual(textSent, { jid: CUSTOMER_LID, content: { text: 'namaste' } });
    assert.equal(noteSent!.jid, CUSTOMER_PN);
    const content = noteSent!.content as { audio: Buffer; ptt: boolean; mimetype: string; seconds: number; waveform: Uint8Array };
    assert.ok(Buffer.isBuffer(content.audio) && content.audio.equals(Buffer.from(note().ogg)));
    assert.equal(content.ptt, true);
    assert.equal(content.mimetype, 'audio/ogg; codecs=opus');
    assert.equal(content.seconds, 3);
    assert.deepEqual([...content.waveform], [...note().waveform]);
    await h.handle.stop();
  });

  test('bad input is refused before anything is sent', async () => {
    const h = await connected();
    await assert.rejects(h.handle.transport.sendText('+919876543210', 'hi'), (e: unknown) => isSendError('rejected')(e) && /not a WhatsApp chat address/.test((e as Error).message));
    await assert.rejects(h.handle.transport.sendText(CUSTOMER_PN, ''), isSendError('rejected'));
    await assert.rejects(h.handle.transport.sendVoiceNote(CUSTOMER_PN, note({ ogg: Buffer.from('RIFF....WAVE') })), /must be an Ogg\/Opus file/);
    await assert.rejects(h.handle.transport.sendVoiceNote(CUSTOMER_PN, note({ waveform: new Uint8Array(10) })), /64 values, not 10/);
    await assert.rejects(h.handle.transport.sendVoiceNote(CUSTOMER_PN, note({ seconds: Number.NaN })), /length in seconds/);
    assert.deepEqual(h.sockets.latest.sent, []);
    await h.handle.transport.sendText(CUSTOMER_PN, 'the next good message still goes');
    assert.equal(h.sockets.latest.sent.length, 1);
    await h.handle.stop();
  });

  test('463 is a ban signal: SendError banned, one alert, and nothing retried', async () => {
    const h = await connected();
    h.sockets.latest.sendFailure = new Boom('Stanza Error', { statusCode: 463 });
    await assert.rejects(h.handle.transport.sendText(CUSTOMER_PN, 'hello'), (e: unknown) => isSendError('banned')(e) && (e as SendError).status === 463);
    assert.deepEqual(h.sink.alerts.map((a) => a.kind), ['banned']);
    assert.equal(h.sink.alerts[0]!.detail.status, 463);
    assert.equal(h.sockets.latest.sendAttempts, 1, 'tried once, never again');
    await h.handle.stop();
  });

  test('a 463 reported later, in the message ack, raises the same alert', async () => {
    const h = await connected();
    h.sockets.latest.ev.emit('messages.update', [
      { key: { remoteJid: CUSTOMER_PN, fromMe: true, id: 'SENT1' }, update: { status: proto.WebMessageInfo.Status.ERROR, messageStubParameters: ['463'] } },
      { key: { remoteJid: CUSTOMER_PN, fromMe: true, id: 'SENT2' }, update: { status: proto.WebMessageInfo.Status.ERROR, messageStubParameters: ['479'] } },
      { key: { remoteJid: CUSTOMER_PN, fromMe: true, id: 'SENT3' }, update: { status: proto.WebMessageInfo.Status.READ } },
    ]);
    await waitUntil(h.changes, () => h.sink.alerts.length > 0, 'an alert');
    assert.deepEqual(h.sink.alerts.map((a) => [a.kind, a.detail.messageId]), [['banned', 'SENT1']]);
    await h.handle.stop();
  });

  test('other failures: server and connection errors may be retried, refusals may not', async () => {
    const h = await connected();
    const cases: Array<[Error, SendError['kind']]> = [
      [new Boom('Connection Closed', { statusCode: 428 }), 'retryable'],
      [new Boom('Internal Server Error', { statusCode: 500 }), 'retryable'],
      [new Boom('Timed Out', { statusCode: 408 }), 'retryable'],
      [new Error('socket hang up'), 'retryable'],
      [new Boom('bad-request', { statusCode: 400 }), 'rejected'],
      [new Boom('not-acceptable', { statusCode: 406 }), 'rejected'],
    ];
    for (const [failure, kind] of cases) {
      h.sockets.latest.sendFailure = failure;
      await assert.rejects(h.handle.transport.sendText(CUSTOMER_PN, 'hello'), isSendError(kind), failure.message);
    }
    assert.deepEqual(h.sink.alerts, []);
    await h.handle.stop();
  });

  test('sending while WhatsApp is not connected is a retryable failure', async () => {
    const h = await startHarness();
    await assert.rejects(h.handle.transport.sendText(CUSTOMER_PN, 'hello'), (e: unknown) => isSendError('retryable')(e) && /not connected/.test((e as Error).message));
    await h.handle.stop();
  });

  test('presence and read receipts are best effort, and a group receipt names the sender', async () => {
    const h = await startHarness({ groups: true });
    const socket = h.sockets.latest;
    socket.open();
    await h.handle.transport.setPresence(CUSTOMER_PN, 'recording');
    socket.presenceFailure = new Boom('Connection Closed', { statusCode: 428 });
    await h.handle.transport.setPresence(CUSTOMER_PN, 'paused');
    assert.deepEqual(socket.presences, [{ type: 'recording', jid: CUSTOMER_PN }]);

    socket.upsert([received({ id: 'R1', remoteJid: GROUP, participant: CUSTOMER_LID, participantAlt: CUSTOMER_PN, message: text('hi all') })]);
    await waitUntil(h.changes, () => h.sink.received.length === 1, 'the group message');
    await h.handle.transport.markRead(h.sink.received[0]!);
    assert.equal(socket.reads.length, 1);
    assert.deepEqual({ ...socket.reads[0]![0] }, { remoteJid: GROUP, fromMe: false, id: 'R1', participant: CUSTOMER_LID, participantAlt: CUSTOMER_PN, addressingMode: 'lid' });
    await h.handle.stop();
  });
});
