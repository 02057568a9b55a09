// Inbound messages as a fake socket delivers them in Baileys' own shapes: what reaches the sink, in which order,
// and what is left out.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { waitUntil } from '../../../test/wait.ts';
import { parseRawMessage } from './inbound.ts';
import { CIPHERTEXT, CUSTOMER_LID, CUSTOMER_PN, ephemeral, extendedText, GROUP, received, text, voiceNote } from './message-fixtures.ts';
import { startHarness } from './test-kit.ts';

describe('Baileys inbound messages', () => {
  test('text, quoted text, a voice note and a disappearing-chat message reach the sink in order, as content', async () => {
    const { handle, sockets, sink } = await startHarness();
    sockets.latest.open();
    sockets.latest.upsert([
      received({ id: 'M1', message: text('namaste') }),
      received({ id: 'M2', message: extendedText('what are your hours?') }),
      received({ id: 'M3', message: voiceNote(7) }),
      received({ id: 'M4', message: ephemeral(text('this chat disappears')) }),
    ]);
    await waitUntil(sink, () => sink.received.length === 4, 'four messages');

    assert.deepEqual(
      sink.received.map((m) => [m.id, m.content]),
      [
        ['M1', { kind: 'text', text: 'namaste' }],
        ['M2', { kind: 'text', text: 'what are your hours?' }],
        ['M3', { kind: 'audio', mimeType: 'audio/ogg; codecs=opus', ptt: true, seconds: 7 }],
        ['M4', { kind: 'text', text: 'this chat disappears' }],
      ],
    );
    const first = sink.received[0]!;
    assert.equal(first.transport, 'baileys');
    assert.equal(first.chat, CUSTOMER_PN);
    assert.equal(first.phone, '+919876543210');
    assert.equal(first.pushName, 'Asha');
    assert.equal(first.timestamp, 1_750_000_000);
    await handle.stop();
  });

  test('raw keeps the message with its media key as bytes', async () => {
    const { handle, sockets, sink } = await startHarness();
    sockets.latest.upsert([received({ id: 'V1', message: voiceNote(3) })]);
    await waitUntil(sink, () => sink.received.length === 1, 'the voice note');
    const back = parseRawMessage(sink.received[0]!.raw);
    assert.equal(back.key.id, 'V1');
    assert.deepEqual(Buffer.from(back.message!.audioMessage!.mediaKey!), Buffer.alloc(32, 2));
    assert.equal(back.message!.audioMessage!.ptt, true);
    await handle.stop();
  });

  test('a LID-addressed sender is answered on its @lid JID and its phone number comes from remoteJidAlt', async () => {
    const { handle, sockets, sink } = await startHarness();
    sockets.latest.upsert([
      received({ id: 'L1', remoteJid: CUSTOMER_LID, remoteJidAlt: CUSTOMER_PN, message: text('hi from lid') }),
      received({ id: 'L2', remoteJid: CUSTOMER_LID, message: text('no phone number given') }),
    ]);
    await waitUntil(sink, () => sink.received.length === 2, 'two LID messages');
    assert.equal(sink.received[0]!.chat, CUSTOMER_LID);
    assert.equal(sink.received[0]!.phone, '+919876543210');
    assert.equal(sink.received[1]!.chat, CUSTOMER_LID);
    assert.equal(sink.received[1]!.phone, undefined);
    assert.equal(JSON.parse(sink.received[0]!.raw).key.remoteJidAlt, CUSTOMER_PN);
    await handle.stop();
  });

  test('a message that could not be decrypted arrives as pending, and its resend under the same key as text', async () => {
    const { handle, sockets, sink } = await startHarness();
    sockets.latest.upsert([received({ id: 'C1', stub: { type: CIPHERTEXT, parameters: ['Bad MAC'] } })]);
    sockets.latest.upsert([received({ id: 'C1', message: text('sent again') })]);
    await waitUntil(sink, () => sink.received.length === 2, 'the stub and its resend');
    assert.deepEqual(sink.received[0]!.content, { kind: 'pending', reason: 'Bad MAC' });
    assert.deepEqual(sink.received[1]!.content, { kind: 'text', text: 'sent again' });
    assert.equal(sink.received[0]!.id, sink.received[1]!.id);
    assert.equal(sink.received[0]!.chat, sink.received[1]!.chat);
    await handle.stop();
  });

  test('our own messages, status updates, groups, and WhatsApp bookkeeping are left out; images are unsupported', async () => {
    const { handle, sockets, sink } = await startHarness();
    sockets.latest.upsert([
      received({ id: 'S1', fromMe: true, message: text('our reply echoed back') }),
      received({ id: 'S2', remoteJid: 'status@broadcast', participant: CUSTOMER_PN, message: text('my story') }),
      received({ id: 'S3', remoteJid: GROUP, participant: CUSTOMER_LID, participantAlt: CUSTOMER_PN, message: text('hello group') }),
      received({ id: 'S4', message: { protocolMessage: { type: 0, key: { remoteJid: CUSTOMER_PN, id: 'M1' } } } }),
      received({ id: 'S5', message: { imageMessage: { mimetype: 'image/jpeg', caption: 'look' } } }),
      received({ id: 'S6', message: text('the only text that counts') }),
    ]);
    await waitUntil(sink, () => sink.received.length === 2, 'two messages');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      sink.received.map((m) => [m.id, m.content]),
      [
        ['S5', { kind: 'unsupported', type: 'imageMessage' }],
        ['S6', { kind: 'text', text: 'the only text that counts' }],
      ],
    );
    await handle.stop();
  });

  test('with groups enabled, a group message is answered in the group and names its sender', async () => {
    const { handle, sockets, sink } = await startHarness({ groups: true });
    sockets.latest.upsert([received({ id: 'G1', remoteJid: GROUP, participant: CUSTOMER_LID, participantAlt: CUSTOMER_PN, message: text('hello group') })]);
    await waitUntil(sink, () => sink.received.length === 1, 'the group message');
    assert.equal(sink.received[0]!.chat, GROUP);
    assert.equal(sink.received[0]!.phone, '+919876543210');
    await handle.stop();
  });

  test('messages received while offline (append) are delivered like live ones', async () => {
    const { handle, sockets, sink } = await startHarness();
    sockets.latest.upsert([received({ id: 'A1', message: text('while you were away') })], 'append');
    await waitUntil(sink, () => sink.received.length === 1, 'the offline message');
    assert.equal(sink.received[0]!.id, 'A1');
    await handle.stop();
  });

  test('each message waits for the previous one to be stored, and a failing store loses only that message', async () => {
    const { handle, sockets, sink } = await startHarness();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    sink.beforeReceive = async (message) => {
      if (message.id === 'O1') await held;
      if (message.id === 'O2') throw new Error('store down');
    };
    sockets.latest.upsert([received({ id: 'O1', message: text('first') })]);
    sockets.latest.upsert([received({ id: 'O2', message: text('second') }), received({ id: 'O3', message: text('third') })]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sink.received.length, 0, 'nothing overtakes a message still being stored');
    release();
    await waitUntil(sink, () => sink.received.length === 2, 'first and third');
    assert.deepEqual(sink.received.map((m) => m.id), ['O1', 'O3']);
    await handle.stop();
  });
});
