// Calls through the web channel with a real WebRTC peer (werift, in-process) playing the browser, and a fake
// conversation on the other side: audio both ways, marks, clear, the chat channel, the states the widget shows,
// every way a call ends, and abuse that must cost only the abuser.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it, test } from 'node:test';
import { FRAME_SAMPLES } from '../../src/core/audio.ts';
import type { InboundEvent } from '../../src/core/channel.ts';
import { rmsDbfs, sine } from '../../src/audio/pcm.ts';
import { WebRtcClient } from '../../test/fakes/webrtc-client.ts';
import { startHelpDesk } from '../../test/fakes/help-desk.ts';
import { pollFor } from '../../test/wait.ts';
import { startWebHarness, type FakeConversation, type WebHarness } from './test-harness.ts';
import { WEB_CAPABILITIES } from './index.ts';

const tone = sine(440, 24_000, 24_000 * 6, -10); // 6 s
const frameOf = (i: number): Int16Array => tone.subarray(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES);

/** What the conversation would send for `frames` frames of an answer: audio with a mark every 5 frames. */
function speak(conversation: FakeConversation, frames: number, prefix = 'm'): string[] {
  const marks: string[] = [];
  for (let i = 0; i < frames; i++) {
    conversation.connection.send({ type: 'audio', frame: frameOf(i) });
    if (i % 5 === 4) {
      marks.push(`${prefix}${i}`);
      conversation.connection.send({ type: 'mark', name: `${prefix}${i}` });
    }
  }
  return marks;
}

const marksOf = (conversation: FakeConversation): string[] =>
  conversation.events.filter((event): event is Extract<InboundEvent, { type: 'mark' }> => event.type === 'mark').map((event) => event.name);

describe('a widget call through the web channel', () => {
  let harness: WebHarness;
  const clients: WebRtcClient[] = [];

  before(async () => {
    harness = await startWebHarness({ timings: { closeGraceMs: 50 } });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  after(() => harness.close());

  /** A connected browser and the fake conversation the channel gave its call. */
  async function call(locale?: string): Promise<{ client: WebRtcClient; conversation: FakeConversation }> {
    const client = new WebRtcClient();
    clients.push(client);
    const index = harness.conversations.length;
    await client.connect(harness.baseUrl, locale ? { locale } : {});
    const conversation = await harness.conversation(index);
    assert.equal(conversation.connection.info.conversationId, client.conversationId);
    return { client, conversation };
  }

  it('presents the call to the conversation as a web connection with the page\'s language and site', async () => {
    const { client, conversation } = await call('pt-BR');
    const { connection } = conversation;
    assert.equal(connection.channel, 'web');
    assert.deepEqual(connection.capabilities, WEB_CAPABILITIES);
    assert.equal(connection.capabilities.transcripts, true);
    assert.equal(connection.info.locale, 'pt-BR');
    assert.equal(connection.info.to, harness.baseUrl);
    await client.waitFor(() => client.states.includes('listening'), 'the page to be told the call is up');
    assert.deepEqual(client.states, ['connecting', 'listening'], 'connecting, then listening as soon as the peer connects');
  });

  it('plays the conversation\'s audio to the browser as paced Opus RTP on one SSRC, and echoes marks as it goes', async () => {
    const { client, conversation } = await call();
    const marks = speak(conversation, 50); // one second
    await client.waitForAudio(1000);
    await conversation.waitFor(() => marksOf(conversation).length === marks.length, 'every mark to be echoed');
    assert.deepEqual(marksOf(conversation), marks, 'in order');
    assert.ok(Math.abs(client.receivedDbfs(100) - -13) < 2, `the browser hears the tone at ${client.receivedDbfs(100).toFixed(1)} dBFS`);
    assert.equal(new Set(client.rtp.map((packet) => packet.ssrc)).size, 1);
    const { rtp } = client;
    assert.equal(rtp[0]!.marker, true, 'a talk spurt starts with the marker bit');
    for (let i = 1; i < rtp.length; i++) {
      assert.equal((rtp[i]!.timestamp - rtp[i - 1]!.timestamp) >>> 0, 960, `timestamp step at packet ${i}`);
      assert.equal(rtp[i]!.marker, false);
    }
    assert.equal(harness.framesCounted.out >= 50, true);
    await client.waitFor(() => client.states.at(-1) === 'listening' && client.states.includes('speaking'), 'the page to be told we listen again');
    assert.deepEqual(client.states, ['connecting', 'listening', 'speaking', 'listening']);
  });

  it('a clear stops the audio at once and gives back the marks that were waiting (barge-in)', async () => {
    const { client, conversation } = await call();
    const marks = speak(conversation, 250); // five seconds queued
    await client.waitForAudio(300);
    conversation.connection.send({ type: 'clear' });
    await conversation.waitFor(() => marksOf(conversation).length === marks.length, 'the cleared marks to come back');
    await client.waitFor(() => client.states.at(-1) === 'listening', 'listening after the clear');
    const heardMs = client.receivedMs;
    assert.ok(heardMs < 2000, `the browser got ${heardMs.toFixed(0)} ms of a 5000 ms answer`);
    // The next answer plays from its start, as a new talk spurt.
    const spurtStart = client.rtp.length;
    speak(conversation, 10, 'n');
    await client.waitFor(() => client.rtp.length >= spurtStart + 10, 'the next answer');
    assert.equal(client.rtp[spurtStart]!.marker, true);
  });

  it('hears the browser\'s microphone as canonical 20 ms frames', async () => {
    const { client, conversation } = await call();
    await client.streamAudio(sine(300, 24_000, 24_000, -10)); // one second
    await conversation.waitForFrames(48);
    const audio = conversation.audio();
    assert.ok(rmsDbfs(audio.subarray(5 * FRAME_SAMPLES)) > -16, `level ${rmsDbfs(audio).toFixed(1)} dBFS`);
    assert.ok(harness.framesCounted.in >= 48);
  });

  it('carries typed text to the conversation and transcripts back to the page, with the states the widget shows', async () => {
    const { client, conversation } = await call();
    client.sendText('  When are you open?  ');
    await conversation.waitFor(() => conversation.events.some((event) => event.type === 'text'), 'the typed text');
    assert.deepEqual(conversation.events.find((event) => event.type === 'text'), { type: 'text', text: 'When are you open?' });
    await client.waitFor(() => client.states.includes('thinking'), 'thinking');
    conversation.connection.send({ type: 'transcript', role: 'assistant', text: 'We are open from 9 to 5.' });
    conversation.connection.send({ type: 'text', text: 'A conversation without transcripts shows its answer too.' });
    await client.waitFor(() => client.messagesOf('transcript').length === 2, 'two transcripts');
    assert.deepEqual(client.messagesOf('transcript'), [
      { type: 'transcript', role: 'assistant', text: 'We are open from 9 to 5.' },
      { type: 'transcript', role: 'assistant', text: 'A conversation without transcripts shows its answer too.' },
    ]);
    conversation.connection.send({ type: 'transcript', role: 'user', text: 'what time do you close' });
    await client.waitForMessage((message) => message.type === 'transcript' && message.role === 'user', 'the user transcript');
  });

  it('a hang-up from the page ends the call on both sides', async () => {
    const { client, conversation } = await call();
    client.hangUp();
    assert.equal(await conversation.waitForHangup(), 'hangup');
    await client.waitForMessage((message) => message.type === 'ended', 'the end');
    await client.waitForClosed();
    assert.equal(client.states.at(-1), 'ended');
  });

  it('the page closing its chat channel ends the call', async () => {
    const { client, conversation } = await call();
    client.closeChannel();
    assert.equal(await conversation.waitForHangup(), 'page closed the chat channel');
  });

  it('the conversation ending tells the page why and closes the call', async () => {
    const { client, conversation } = await call();
    conversation.connection.send({ type: 'end', reason: 'max_duration' });
    await client.waitForMessage((message) => message.type === 'ended', 'the end message');
    assert.deepEqual(client.messagesOf('ended'), [{ type: 'ended', reason: 'max_duration' }]);
    assert.equal(client.states.at(-1), 'ended');
    await client.waitForClosed();
    await conversation.waitForHangup();
    const before = conversation.events.length;
    conversation.connection.send({ type: 'audio', frame: frameOf(0) }); // late events are dropped, not thrown
    assert.equal(conversation.events.length, before);
  });

  it('answers a message that is not JSON, or of an unknown type, with an error and keeps the call', async () => {
    const { client, conversation } = await call();
    client.send('this is not json');
    client.send({ type: 'dance' });
    client.send({ type: 'text', text: 'x'.repeat(1001) });
    await client.waitFor(() => client.messagesOf('error').length === 3, 'three errors');
    assert.deepEqual(client.messagesOf('error').map((message) => message.code), ['bad_json', 'unknown_type', 'text_too_long']);
    client.sendText('still here');
    await conversation.waitFor(() => conversation.events.some((event) => event.type === 'text'), 'the next text');
    assert.equal(conversation.hangup, undefined);
  });

  it('ignores a forged data-channel control message (an ack for a channel that was never opened)', async () => {
    const { client, conversation } = await call();
    // DATA_CHANNEL_ACK (0x02) on stream 99 with the DCEP payload protocol id (50), straight onto the association.
    const sctp = client.pc.sctpTransport!.sctp as unknown as { send(streamId: number, ppId: number, data: Buffer): Promise<void> };
    await sctp.send(99, 50, Buffer.of(0x02));
    client.sendText('and the call goes on');
    await conversation.waitFor(() => conversation.events.some((event) => event.type === 'text'), 'the next text');
  });

  it('closes a peer that sends an oversized message or floods the channel; the other calls go on', async () => {
    const bystander = await call();
    const oversized = await call();
    const flooder = await call();

    oversized.client.send(JSON.stringify({ type: 'text', text: 'x'.repeat(5000) }));
    await oversized.client.waitForMessage((message) => message.type === 'error', 'the error');
    assert.equal(oversized.client.messagesOf('error')[0]!.code, 'message_too_large');
    await oversized.client.waitForClosed();
    assert.match(await oversized.conversation.waitForHangup(), /protocol-error/);

    for (let i = 0; i < 40; i++) flooder.client.sendText(`message ${i}`);
    await flooder.client.waitForMessage((message) => message.type === 'error' && message.code === 'flood', 'the flood error');
    await flooder.client.waitForClosed();
    assert.match(await flooder.conversation.waitForHangup(), /flood/);
    const delivered = flooder.conversation.events.filter((event) => event.type === 'text').length;
    assert.ok(delivered <= 20, `${delivered} messages got through before the peer was closed`);

    // The bystander still talks both ways.
    speak(bystander.conversation, 25);
    await bystander.client.waitForAudio(500);
    bystander.client.sendText('are you still there?');
    await bystander.conversation.waitFor(() => bystander.conversation.events.some((event) => event.type === 'text'), 'the bystander\'s text');
    assert.equal(bystander.conversation.hangup, undefined);
  });
});

describe('a widget call that never connects', () => {
  it('is dropped after the connect timeout without bothering a conversation', async () => {
    const harness = await startWebHarness({ timings: { connectTimeoutMs: 200 } });
    const client = new WebRtcClient();
    try {
      const origin = harness.baseUrl;
      const session = await fetch(`${origin}/widget/session`, { method: 'POST', headers: { origin }, body: '{}' }).then((reply) => reply.json() as Promise<{ token: string }>);
      const sdp = await client.createOffer();
      const reply = await fetch(`${origin}/widget/offer`, { method: 'POST', headers: { origin }, body: JSON.stringify({ token: session.token, sdp }) });
      assert.equal(reply.status, 200);
      // The page never applies the answer. A later connection attempt finds nothing to talk to.
      await new Promise((resolve) => setTimeout(resolve, 400));
      const { sdp: answer } = (await reply.json()) as { sdp: string };
      await client.applyAnswer(answer);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(harness.conversations.length, 0);
    } finally {
      await client.close();
      await harness.close();
    }
  });
});

describe('a widget call handed to staff', () => {
  test('the visitor is told on the page and the hand-off webhook gets the conversation id', async () => {
    const helpDesk = await startHelpDesk();
    const { events } = helpDesk;
    const harness = await startWebHarness({ timings: { closeGraceMs: 50 }, handoffWebhookUrl: helpDesk.url });
    const client = new WebRtcClient();
    try {
      await client.connect(harness.baseUrl, {});
      const conversation = await harness.conversation(0);
      assert.equal(conversation.connection.capabilities.transfer, true, 'with a webhook the widget can hand over');
      conversation.connection.send({ type: 'transfer', to: 'staff', reason: 'the visitor asked for a person' });
      await client.waitForMessage((message) => message.type === 'handoff', 'the hand-off notice on the page');
      const handoff = await pollFor(() => 'the webhook call', () => events.find((event) => event.event === 'handoff'));
      assert.deepEqual([handoff.channel, handoff.conversationId, handoff.reason], ['web', client.conversationId, 'the visitor asked for a person']);
    } finally {
      await client.close();
      await harness.close();
      await helpDesk.close();
    }
  });
});
