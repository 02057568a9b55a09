// Phone calls through Gemini Live under production faults: goAway answered by resuming with the latest handle,
// a dropped socket reopened from the handle kept in the store, a tool call, and barge-in over audio that Gemini
// had finished generating (which Gemini itself does not report).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { callerSpeech } from '../fakes/caller-speech.ts';
import { placeCall, type FakeTwilioCall } from '../fakes/twilio-client.ts';
import { FAKE_GEMINI_API_KEY, startFakeGeminiLive, type FakeGeminiLive } from '../fakes/gemini-live-server.ts';
import { eventually } from '../wait.ts';

/** What the caller says to barge in. */
const CALLER_SENTENCE = 'Wait, wait, I have another question about my booking.';

describe('a phone call through Gemini Live', () => {
  let fake: FakeGeminiLive;
  let gateway: Gateway;
  let call: FakeTwilioCall | undefined;
  let speech: Int16Array;

  before(async () => {
    speech = await callerSpeech(CALLER_SENTENCE);
    fake = await startFakeGeminiLive({ chunkMs: 100, chunkIntervalMs: 5, tool: { trigger: 'key 2', name: 'check_availability', args: {} } });
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', GEMINI_API_KEY: FAKE_GEMINI_API_KEY, GEMINI_LIVE_URL: fake.url });
    assert.equal(config.MODEL_PROVIDER, 'gemini');
    gateway = await startGateway(config, { log: silentLogger, store: new MemoryStore() });
  });
  after(async () => {
    await call?.hangUp().catch(() => undefined);
    await gateway?.shutdown(500);
    await fake?.close();
  });

  test('tool call, goAway resumption, a dropped socket and a barge-in, in one call', async () => {
    call = await placeCall({ baseUrl: gateway.url });
    const id = call.customParameters.conversationId!;
    const transcript = async () => (await gateway.conversations.records.transcript(id)).map((entry) => `${entry.kind}:${entry.text}`);
    await call.waitForAudio({ minMs: 300, timeoutMs: 2000 });
    assert.ok(call.receivedDbfs() > -35, 'the greeting is audible');

    // Tool call over the keypad.
    call.pressDigit('2');
    await eventually('the tool response at Gemini', () => fake.counters.toolResponses > 0);
    await eventually('the tool in the transcript', async () => (await transcript()).some((text) => text.startsWith('tool_result:check_availability') || text.startsWith('tool_result:')));

    // goAway: a new socket with the latest handle, opened after the old one closed; the call goes on.
    const first = fake.connections.at(-1)!;
    fake.goAway(2000);
    await eventually('a resumed connection', () => fake.connections.length >= 2 && fake.connections.at(-1)!.resumedFrom !== undefined, 4000);
    const resumed = fake.connections.at(-1)!;
    assert.ok(first.closedSeq !== undefined && first.closedSeq < resumed.openedSeq, 'the old socket closed before the new one opened');
    assert.ok(first.issuedHandles.includes(resumed.resumedFrom!), `resumed from ${resumed.resumedFrom}, a handle the old connection issued`);
    await eventually('the resumption in the transcript', async () => (await transcript()).includes('event:model reconnected: go_away'));
    let heard = call.receivedMs;
    call.pressDigit('1');
    await call.waitForAudio({ minMs: heard + 300, timeoutMs: 3000 });

    // A dropped socket: the conversation opens a new session, which resumes from the handle in the store.
    const before = fake.connections.length;
    fake.dropAll();
    await eventually('a reconnected session', () => fake.connections.length > before && fake.connections.at(-1)!.setup !== undefined, 4000);
    assert.ok(fake.connections.at(-1)!.resumedFrom, 'resumed from the stored handle, not a fresh context');
    await eventually('the reconnect in the transcript', async () => (await transcript()).some((text) => text.startsWith('event:model reconnected:')));

    // Barge-in over audio Gemini finished generating: the gateway's own VAD clears playback.
    heard = call.receivedMs;
    call.pressDigit('1');
    await call.waitForAudio({ minMs: heard + 500, timeoutMs: 3000 });
    await call.waitFor(() => call!.receivedMs - call!.playedMs > 400, { timeoutMs: 2000, what: 'an answer still playing' });
    // On a loaded machine the fake may still be generating: wait until it is done, so only the gateway can clear.
    await eventually('Gemini to finish generating the answer', () => fake.counters.repliesEnded === fake.counters.replies);
    await call.waitFor(() => call!.receivedMs - call!.playedMs > 400, { timeoutMs: 2000, what: 'the answer still playing' });
    const clears = call.clears;
    const interruptions = fake.counters.interruptions;
    void call.streamAudio(speech);
    await call.waitForClear(clears + 1, 3000);
    assert.equal(fake.counters.interruptions, interruptions, 'Gemini had finished that answer: the clear came from the gateway');
    await eventually('the barge-in in the transcript', async () => (await transcript()).some((text) => text.startsWith('event:barge-in (speech)')));

    assert.ok(fake.connections.at(-1)!.audioMimeTypes.has('audio/pcm;rate=16000'), 'caller audio reaches Gemini at 16 kHz');
    await call.hangUp();
    await eventually('the conversation to end', async () => (await gateway.conversations.records.get(id))?.status === 'ended');
    assert.deepEqual(fake.violations, []);
    assert.deepEqual(call.violations, []);
  });
});
