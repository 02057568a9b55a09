// A phone call end to end through the channel, with the fake Twilio on one side and a fake conversation on the
// other: audio both ways, digits, playback marks, barge-in, hang-ups, transfer; then every kind of bad input, each
// shown to end only the offending call while a healthy call on the same server keeps streaming.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sine, toneDbfs } from '../../src/audio/pcm.ts';
import { connectStream, placeCall, sid, UpgradeRefused, type FakeTwilioCall } from '../../test/fakes/twilio-client.ts';
import { TWILIO_CAPABILITIES } from './index.ts';
import { startHarness, type FakeConversation, type Harness } from './test-harness.ts';

const AUTH_TOKEN = 'media-stream-test-token';
const TONE_8K = sine(1000, 8000, 1600, -6); // 200 ms
const FRAME_24K = sine(1000, 24_000, 480, -6); // one canonical frame; 1 kHz fits it exactly (20 cycles)

let harness: Harness;

async function call(): Promise<{ phone: FakeTwilioCall; conversation: FakeConversation }> {
  const index = harness.conversations.length;
  const phone = await placeCall({ baseUrl: harness.baseUrl, authToken: AUTH_TOKEN });
  return { phone, conversation: await harness.conversation(index) };
}

function play(conversation: FakeConversation, frames: number): void {
  for (let i = 0; i < frames; i++) conversation.connection.send({ type: 'audio', frame: FRAME_24K });
}

/** The call still carries audio both ways. */
async function assertStreaming(phone: FakeTwilioCall, conversation: FakeConversation): Promise<void> {
  const frames = conversation.audioFrames;
  phone.sendAudio(TONE_8K);
  await conversation.waitForFrames(frames + 9);
  const received = phone.receivedMs;
  play(conversation, 5);
  await phone.waitForAudio({ minMs: received + 90 });
  assert.ok(phone.isOpen);
  assert.equal(conversation.hangup, undefined);
}

before(async () => {
  harness = await startHarness({ authToken: AUTH_TOKEN, localeByNumber: { '+912240001234': 'hi' } });
});
after(() => harness.close());

describe('a healthy call', () => {
  test('the connection says who is calling and what the channel can do', async () => {
    const { phone, conversation } = await call();
    const { connection } = conversation;
    assert.equal(connection.channel, 'twilio');
    assert.deepEqual(connection.capabilities, TWILIO_CAPABILITIES);
    assert.deepEqual({ ...connection.capabilities }, { audio: true, dtmf: true, playbackMarks: true, transfer: true, transferNeedsNumber: true, text: false, voiceNotes: false });
    assert.match(connection.info.conversationId, /^conv-\d+$/);
    assert.equal(connection.info.locale, 'hi');
    assert.equal(connection.info.providerId, phone.callSid);
    assert.equal(connection.info.from, '+919812345678');
    assert.equal(connection.info.to, '+912240001234');
    await phone.hangUp();
  });

  test('caller audio arrives as canonical frames carrying the tone; digits arrive as dtmf', async () => {
    const { phone, conversation } = await call();
    phone.sendAudio(sine(1000, 8000, 8000, -6));
    await conversation.waitForFrames(49);
    const level = toneDbfs(conversation.audio().subarray(480), 24_000, 1000);
    assert.ok(Math.abs(level - -6) < 0.5, `${level} dBFS`);
    phone.pressDigit('7');
    phone.pressDigit('#');
    await conversation.waitFor(() => conversation.events.filter((e) => e.type === 'dtmf').length === 2, 'two digits');
    assert.deepEqual(conversation.events.filter((e) => e.type === 'dtmf'), [{ type: 'dtmf', digit: '7' }, { type: 'dtmf', digit: '#' }]);
    await phone.hangUp();
  });

  test('audio streamed in real time arrives as it is spoken, not all at the end', async () => {
    const { phone, conversation } = await call();
    const startedAt = performance.now();
    const streaming = phone.streamAudio(sine(1000, 8000, 2400, -6)); // 300 ms
    await conversation.waitForFrames(5);
    assert.ok(performance.now() - startedAt < 250, 'the first frames came before the speech ended');
    await streaming;
    assert.ok(performance.now() - startedAt >= 270, 'the fake paced the chunks at 20 ms');
    await conversation.waitForFrames(14);
    await phone.hangUp();
  });

  test('agent audio plays on the phone at its level, and frames are counted both ways', async () => {
    const { phone, conversation } = await call();
    const counted = { ...harness.framesCounted };
    play(conversation, 25);
    await phone.waitForAudio({ minMs: 490 });
    assert.ok(Math.abs(toneDbfs(phone.receivedPcm().subarray(160), 8000, 1000) - -6) < 0.5);
    phone.sendAudio(TONE_8K);
    await conversation.waitForFrames(9);
    assert.equal(harness.framesCounted.out - counted.out, 25);
    assert.ok(harness.framesCounted.in - counted.in >= 9);
    assert.deepEqual(phone.violations, []);
    await phone.hangUp();
  });

  test('a mark comes back only after the audio sent before it has played', async () => {
    const { phone, conversation } = await call();
    play(conversation, 10); // 200 ms
    const sentAt = performance.now();
    conversation.connection.send({ type: 'mark', name: 'reply-1' });
    await conversation.waitFor(() => conversation.events.some((e) => e.type === 'mark' && e.name === 'reply-1'), 'mark reply-1');
    const elapsed = performance.now() - sentAt;
    assert.ok(elapsed >= 180, `mark came back after ${elapsed.toFixed(0)} ms, before 200 ms of audio played`);
    conversation.connection.send({ type: 'mark', name: 'nothing-queued' });
    await phone.waitForMarkEcho('nothing-queued', 100);
    assert.deepEqual(phone.marksEchoed, ['reply-1', 'nothing-queued']);
    await phone.hangUp();
  });

  test('clear (barge-in) stops playback at once and returns the queued marks as played', async () => {
    const { phone, conversation } = await call();
    play(conversation, 50); // one second
    conversation.connection.send({ type: 'mark', name: 'long-answer' });
    await phone.waitForAudio({ minMs: 990 });
    const clearedAt = performance.now();
    conversation.connection.send({ type: 'clear' });
    await phone.waitForClear();
    await conversation.waitFor(() => conversation.events.some((e) => e.type === 'mark' && e.name === 'long-answer'), 'the cleared mark');
    assert.ok(performance.now() - clearedAt < 300, 'the mark did not wait for the dropped audio');
    assert.ok(phone.playedMs < 900, `${phone.playedMs} ms played of a cleared second`);
    await assertStreaming(phone, conversation);
    await phone.hangUp();
  });

  test('listen() receives the events that arrived before it, in order', async () => {
    const held = await startHarness({ authToken: AUTH_TOKEN, autoListen: false });
    try {
      const phone = await placeCall({ baseUrl: held.baseUrl, authToken: AUTH_TOKEN });
      const conversation = await held.conversation(0);
      phone.sendAudio(TONE_8K);
      phone.pressDigit('5');
      await new Promise((resolve) => setTimeout(resolve, 100));
      conversation.listen();
      assert.ok(conversation.audioFrames >= 9, `${conversation.audioFrames} held frames`);
      assert.equal(conversation.events.at(-1)?.type, 'dtmf');
      assert.ok(toneDbfs(conversation.audio().subarray(480), 24_000, 1000) > -7, 'held frames were copied, not overwritten');
      await phone.hangUp();
    } finally {
      await held.close();
    }
  });
});

describe('how a call ends', () => {
  test('the caller hangs up: stop gives one hangup and the socket closes', async () => {
    const { phone, conversation } = await call();
    await phone.hangUp();
    assert.equal(await conversation.waitForHangup(), 'stop');
  });

  test('the conversation ends the call: the socket closes normally and a hangup follows', async () => {
    const { phone, conversation } = await call();
    conversation.connection.send({ type: 'end', reason: 'goodbye' });
    assert.equal((await phone.waitForClose()).code, 1000);
    assert.equal(await conversation.waitForHangup(), 'goodbye');
    conversation.connection.send({ type: 'audio', frame: FRAME_24K }); // late events are dropped, not thrown
  });

  test('close() from the conversation does the same', async () => {
    const { phone, conversation } = await call();
    conversation.connection.close('model unavailable');
    assert.equal((await phone.waitForClose()).code, 1000);
    assert.equal(await conversation.waitForHangup(), 'model unavailable');
  });

  test('transfer hands the call sid and number to the transfer hook', async () => {
    const { phone, conversation } = await call();
    conversation.connection.send({ type: 'transfer', to: '+912240009999', reason: 'caller asked for a person' });
    await conversation.waitFor(() => harness.transfers.some((t) => t.callSid === phone.callSid), 'the transfer');
    assert.deepEqual(harness.transfers.find((t) => t.callSid === phone.callSid), { callSid: phone.callSid, to: '+912240009999' });
    await phone.hangUp();
  });

  test('the socket drops without stop: the conversation still gets its hangup', async () => {
    const { phone, conversation } = await call();
    await phone.drop();
    assert.match(await conversation.waitForHangup(), /^socket closed \(\d+\)$/);
  });
});

describe('bad input ends only the offending call', () => {
  let healthy: { phone: FakeTwilioCall; conversation: FakeConversation };
  before(async () => {
    healthy = await call();
  });
  after(() => healthy.phone.hangUp());

  async function expectClosed(phone: FakeTwilioCall, code: number): Promise<void> {
    assert.equal((await phone.waitForClose()).code, code);
    await assertStreaming(healthy.phone, healthy.conversation);
  }

  test('malformed JSON', async () => {
    const { phone, conversation } = await call();
    phone.sendRaw('{"event":"media","media":');
    await expectClosed(phone, 1007);
    assert.equal(await conversation.waitForHangup(), 'protocol-error: malformed-json');
  });

  test('an unknown event is ignored and the call goes on', async () => {
    const { phone, conversation } = await call();
    phone.sendJson({ event: 'transcription', streamSid: phone.streamSid, sequenceNumber: '9' });
    await assertStreaming(phone, conversation);
    await assertStreaming(healthy.phone, healthy.conversation);
    await phone.hangUp();
  });

  test('media before start', async () => {
    const url = `${harness.baseUrl.replace('http://', 'ws://')}/twilio/media`;
    const accepted = harness.conversations.length;
    const phone = await connectStream({ url, authToken: AUTH_TOKEN, sendStart: false });
    phone.sendAudio(TONE_8K);
    await expectClosed(phone, 1008);
    assert.equal(harness.conversations.length, accepted, 'no connection was handed to a conversation');
  });

  test('invalid base64', async () => {
    const { phone, conversation } = await call();
    phone.sendJson({ event: 'media', sequenceNumber: '3', streamSid: phone.streamSid, media: { track: 'inbound', chunk: '1', timestamp: '0', payload: '%%%%'.repeat(54) } });
    await expectClosed(phone, 1007);
    assert.equal(await conversation.waitForHangup(), 'protocol-error: invalid-base64');
  });

  test('a payload that is not whole 20 ms chunks', async () => {
    const { phone, conversation } = await call();
    phone.sendJson({ event: 'media', sequenceNumber: '3', streamSid: phone.streamSid, media: { payload: Buffer.alloc(100, 0xff).toString('base64') } });
    await expectClosed(phone, 1007);
    assert.equal(await conversation.waitForHangup(), 'protocol-error: bad-payload-size');
  });

  test('a second start', async () => {
    const { phone, conversation } = await call();
    phone.sendStart();
    await expectClosed(phone, 1008);
    assert.equal(await conversation.waitForHangup(), 'protocol-error: second start');
    assert.equal(harness.conversations.filter((c) => c.connection.info.providerId === phone.callSid).length, 1);
  });

  test('frames after stop are ignored: the hangup stays the last event', async () => {
    const { phone, conversation } = await call();
    phone.sendJson({ event: 'stop', sequenceNumber: '2', streamSid: phone.streamSid, stop: { accountSid: phone.accountSid, callSid: phone.callSid } });
    phone.sendAudio(TONE_8K);
    phone.pressDigit('1');
    await expectClosed(phone, 1000);
    assert.equal(conversation.events.at(-1)?.type, 'hangup');
    assert.equal(conversation.events.filter((e) => e.type === 'hangup').length, 1);
    assert.equal(conversation.events.filter((e) => e.type === 'dtmf').length, 0);
  });

  test('a binary frame', async () => {
    const { phone, conversation } = await call();
    phone.sendRaw(new Uint8Array([1, 2, 3]));
    await expectClosed(phone, 1003);
    assert.equal(await conversation.waitForHangup(), 'protocol-error: binary frame');
  });

  test('an oversized message', async () => {
    const { phone, conversation } = await call();
    phone.sendJson({ event: 'media', streamSid: phone.streamSid, media: { payload: 'A'.repeat(70 * 1024) } });
    await expectClosed(phone, 1009);
    assert.equal(await conversation.waitForHangup(), 'protocol-error: message too big');
  });

  test('a client that is not Twilio (no signature) never gets a socket', async () => {
    const url = `${harness.baseUrl.replace('http://', 'ws://')}/twilio/media`;
    const stranger = connectStream({ url, signature: null, callSid: sid('CA'), customParameters: { conversationId: 'conv-1' } });
    await assert.rejects(stranger, (error: unknown) => error instanceof UpgradeRefused && error.status === 403);
    await assertStreaming(healthy.phone, healthy.conversation);
  });

  test('a start that was not set up by our webhook (no conversationId)', async () => {
    const url = `${harness.baseUrl.replace('http://', 'ws://')}/twilio/media`;
    const accepted = harness.conversations.length;
    const phone = await connectStream({ url, authToken: AUTH_TOKEN, customParameters: { locale: 'hi' } });
    await expectClosed(phone, 1008);
    assert.equal(harness.conversations.length, accepted);
  });
});

describe('a transfer to a person', () => {
  // Ending the stream ends <Connect> and with it the call: the socket must outlive the REST call that redirects it.
  let slow: Harness;
  let outcome: 'succeed' | 'fail' = 'succeed';
  const started: string[] = [];
  before(async () => {
    slow = await startHarness({
      transfer: async (callSid) => {
        started.push(callSid);
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (outcome === 'fail') throw new Error('Twilio answered 404: call not in progress');
      },
    });
  });
  after(() => slow.close());

  async function transferAndEnd(): Promise<{ phone: FakeTwilioCall; sentAt: number }> {
    const index = slow.conversations.length;
    const phone = await placeCall({ baseUrl: slow.baseUrl });
    const conversation = await slow.conversation(index);
    conversation.connection.send({ type: 'transfer', to: '+912240009999', reason: 'caller asked for a person' });
    conversation.connection.send({ type: 'end', reason: 'transferred' });
    conversation.connection.close('transferred'); // as the conversation does when it ends
    return { phone, sentAt: performance.now() };
  }

  test('keeps the stream open while the redirect is made, so Twilio can end it itself', async () => {
    outcome = 'succeed';
    const { phone } = await transferAndEnd();
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.ok(phone.isOpen, 'the stream is still open after the conversation ended: the call is being redirected');
    assert.ok(started.includes(phone.callSid));
    await phone.hangUp(); // Twilio's stop once the call has its new TwiML
    assert.equal((await phone.waitForClose()).code, 1000);
  });

  test('closes the stream when the redirect fails', async () => {
    outcome = 'fail';
    const { phone, sentAt } = await transferAndEnd();
    await phone.waitForClose();
    assert.ok(performance.now() - sentAt >= 250, 'closed only after the failed attempt');
  });
});
