// Phone calls through OpenAI Realtime under production faults: the fake Twilio client and the fake OpenAI server
// speak the vendors' real wire formats, everything between them is the real gateway.
import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import { z } from 'zod';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { createTwilioChannel } from '../../channels/twilio/index.ts';
import { silentLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { defineTool } from '../../src/core/tool.ts';
import { defaultAgent } from '../../src/agent/default-agent.ts';
import { encodeMulaw } from '../../src/audio/mulaw.ts';
import { sine } from '../../src/audio/pcm.ts';
import { t } from '../../src/i18n/i18n.ts';
import { connectStream, placeCall, postVoiceWebhook, sid, type FakeTwilioCall } from '../fakes/twilio-client.ts';
import { startFakeOpenAIRealtime, until, type FakeOpenAIRealtime } from '../fakes/openai-realtime-server.ts';

// The router hands the caller to the booking agent, which checks availability at once.
const TOOL_TRIGGERS = [
  { word: 'key 2', name: 'check_availability', arguments: '{}' },
  { word: 'key 2', name: 'hand_off', arguments: JSON.stringify({ to: 'booking', context: { intent: 'booking', summary: 'Wants to see free times.' } }) },
];

async function gatewayFor(fake: FakeOpenAIRealtime, overrides: Parameters<typeof startGateway>[1] = {}): Promise<Gateway> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OPENAI_API_KEY: fake.apiKey, OPENAI_REALTIME_URL: fake.url });
  assert.equal(config.MODEL_PROVIDER, 'openai');
  return startGateway(config, { log: silentLogger, store: new MemoryStore(), ...overrides });
}

/** 8 kHz speech-level audio, as mu-law the caller's phone would send. */
function loudTone(ms: number): Int16Array {
  return sine(440, 8000, (8000 * ms) / 1000, -10);
}

async function transcriptTexts(gateway: Gateway, id: string): Promise<string[]> {
  return (await gateway.conversations.records.transcript(id)).map((entry) => `${entry.kind}:${entry.text}`);
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a phone call through OpenAI Realtime', () => {
  let fake: FakeOpenAIRealtime;
  let gateway: Gateway;
  const calls: FakeTwilioCall[] = [];

  before(async () => {
    fake = await startFakeOpenAIRealtime({ chunks: 20, chunkMs: 100, chunkIntervalMs: 5, toolTriggers: TOOL_TRIGGERS });
    gateway = await gatewayFor(fake);
  });
  after(async () => {
    await Promise.all(calls.map((call) => call.hangUp().catch(() => undefined)));
    await gateway?.shutdown(500);
    await fake?.close();
  });

  test('completes a tool call, survives a socket kill and a barge-in', async () => {
    const call = await placeCall({ baseUrl: gateway.url });
    calls.push(call);
    const id = call.customParameters.conversationId!;
    await call.waitForAudio({ minMs: 500, timeoutMs: 2000 });
    assert.ok(call.receivedDbfs() > -35, 'the greeting is audible');
    const first = fake.lastSession();
    assert.ok(first.responses[0]?.instructions?.includes('AI'), 'the first answer is the AI disclosure');

    // Tool call: key 2 reaches the model, which asks for check_availability; the gateway runs it and answers.
    call.pressDigit('2');
    await until(() => fake.toolOutput('check_availability', first) !== undefined, 'the tool result at the provider', 5000);
    const output = fake.toolOutput('check_availability', first)!;
    assert.ok(Array.isArray(JSON.parse(output).slots), output);
    await eventually('the tool in the transcript', async () => (await transcriptTexts(gateway, id)).some((text) => text.startsWith('tool_result:')));

    // Socket killed mid-answer: a new session opens with the history, and the cut-off answer is given again.
    const heardBeforeKill = call.receivedMs;
    fake.killNextResponseAfter(2);
    call.pressDigit('9');
    await until(() => fake.sessions.length === 2, 'a new model session', 3000);
    const second = fake.lastSession();
    await until(() => second.items.some((item) => item.role === 'assistant'), 'the history in the new session', 2000);
    const restored = second.items.map((item) => item.text ?? '');
    assert.ok(restored.some((text) => text.includes(t('en', 'common:disclosure', { business: 'Asha Clinic' }))), `history restored: ${restored.join(' | ')}`);
    assert.ok(restored.some((text) => text.includes('pressed key 2')), 'the key presses are in the restored history');
    await call.waitForAudio({ minMs: heardBeforeKill + 1000, timeoutMs: 3000 });
    await eventually('the reconnect in the transcript', async () => (await transcriptTexts(gateway, id)).some((text) => text.startsWith('event:model reconnected: socket_closed')));

    // Barge-in: the caller talks over the answer; playback is cleared and the answer truncated at what was heard.
    await call.waitFor(() => call.receivedMs - call.playedMs > 500, { timeoutMs: 3000, what: 'an answer still playing' });
    const clears = call.clears;
    const tone = loudTone(600);
    const mulaw = new Uint8Array(tone.length);
    encodeMulaw(tone, mulaw);
    call.sendMulaw(mulaw);
    await call.waitForClear(clears + 1, 2000);
    await until(() => second.truncations.length > 0, 'a truncation', 2000);
    const truncation = second.truncations[0]!;
    assert.ok(truncation.audioEndMs % 100 === 0, `truncated at a playback mark (${truncation.audioEndMs} ms)`);
    assert.ok(truncation.audioEndMs < 2000, 'truncated before the end of what was sent');
    assert.ok(second.events.some((event) => event.type === 'response.cancel'));

    await call.hangUp();
    await eventually('the conversation to end', async () => (await gateway.conversations.records.get(id))?.status === 'ended');
    assert.deepEqual(fake.violations, []);
    assert.deepEqual(call.violations, []);
  });

  test('session_expired rotates to a new session with the history, and the call goes on', async () => {
    const call = await placeCall({ baseUrl: gateway.url });
    calls.push(call);
    const id = call.customParameters.conversationId!;
    await call.waitForAudio({ minMs: 500, timeoutMs: 2000 });
    const sessions = fake.sessions.length;
    const expired = fake.lastSession();
    await until(() => expired.responses.every((response) => response.status !== 'in_progress'), 'the greeting to finish', 3000);
    fake.expireSession(expired);
    await until(() => fake.sessions.length === sessions + 1, 'the rotated session', 3000);
    const next = fake.lastSession();
    await until(() => next.items.some((item) => item.role === 'assistant'), 'the assistant side of the history restored', 2000);
    await eventually('the rotation in the transcript', async () => (await transcriptTexts(gateway, id)).includes('event:model rotated: session_expired'));
    const heard = call.receivedMs;
    call.pressDigit('1');
    await call.waitForAudio({ minMs: heard + 500, timeoutMs: 3000 });
    assert.deepEqual(fake.violations, []);
  });

  test('a refused key (401) hands the call to the local engine, which says so in the caller\u2019s language', async () => {
    fake.refuse(401);
    try {
      const call = await placeCall({ baseUrl: gateway.url, query: { locale: 'hi' } });
      calls.push(call);
      const id = call.customParameters.conversationId!;
      await call.waitForAudio({ minMs: 1000, timeoutMs: 3000 });
      assert.ok(call.receivedDbfs() > -35, 'the local engine speaks');
      const record = await gateway.conversations.records.get(id);
      assert.equal(record?.fallbackReason, 'unauthorized');
      assert.equal(record?.model, 'local');
      const texts = await transcriptTexts(gateway, id);
      assert.ok(texts[0]?.startsWith('disclosure:'), 'the disclosure still comes first');
      await eventually('the fallback notice in Hindi', async () => (await transcriptTexts(gateway, id)).some((text) => text.includes(t('hi', 'common:fallback'))));
      const metrics = await gateway.metrics.registry.getSingleMetricAsString('gateway_model_fallbacks_total');
      assert.match(metrics, /provider="openai",reason="unauthorized"} [1-9]/);
    } finally {
      fake.refuse(undefined);
    }
  });

  test('a provider that stays down (5xx) is retried, then the local engine takes over', async () => {
    fake.refuse(503);
    try {
      const connections = fake.counters.connections;
      const call = await placeCall({ baseUrl: gateway.url });
      calls.push(call);
      const id = call.customParameters.conversationId!;
      await call.waitForAudio({ minMs: 500, timeoutMs: 8000 });
      assert.equal(fake.counters.connections - connections, 4, 'the first attempt and three retries');
      assert.equal((await gateway.conversations.records.get(id))?.fallbackReason, 'upstream_error');
    } finally {
      fake.refuse(undefined);
    }
  });
});

describe('a slow tool on a call through OpenAI Realtime', () => {
  test('caller audio keeps reaching the model while the tool runs', async () => {
    const fake = await startFakeOpenAIRealtime({ chunks: 4, chunkMs: 100, chunkIntervalMs: 5, toolTriggers: TOOL_TRIGGERS, speechThresholdDbfs: -20 });
    const span: { started?: number; ended?: number; appendedAtStart?: number; appendedAtEnd?: number } = {};
    const base = defaultAgent();
    const slowAvailability = defineTool('check_availability', 'Free appointment times.', z.object({}), async () => {
      span.started = Date.now();
      span.appendedAtStart = fake.lastSession().appendedMs;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      span.appendedAtEnd = fake.lastSession().appendedMs;
      span.ended = Date.now();
      return { slots: [] };
    });
    const gateway = await gatewayFor(fake, { agent: { instructions: base.instructions, tools: [slowAvailability] } });
    const call = await placeCall({ baseUrl: gateway.url });
    try {
      await call.waitForAudio({ minMs: 300, timeoutMs: 2000 });
      call.pressDigit('2');
      const streaming = call.streamAudio(sine(300, 8000, 8000 * 3, -40)); // quiet line noise, below the fake's VAD
      await until(() => span.ended !== undefined, 'the slow tool to finish', 5000);
      const appendedDuringTool = span.appendedAtEnd! - span.appendedAtStart!;
      assert.ok(appendedDuringTool > 1000, `only ${appendedDuringTool} ms of caller audio reached the model during a 1.5 s tool`);
      await until(() => fake.lastSession().items.some((item) => item.type === 'function_call_output'), 'the late tool result', 2000);
      await streaming;
      assert.deepEqual(fake.violations, []);
    } finally {
      await call.hangUp().catch(() => undefined);
      await gateway.shutdown(500);
      await fake.close();
    }
  });
});

describe('the voice webhook on a call through OpenAI Realtime', () => {
  // ConversationManager's default: how long a session warmed up for a webhook waits for its stream.
  const PREWARM_TTL_MS = 30_000;

  /** Polls `check` between I/O callbacks, so it works while setTimeout is mocked; gives up after `timeoutMs` of real time. */
  async function untilIo(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!check()) {
      if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Lets I/O run for `ms` of real time while setTimeout is mocked. */
  async function settleIo(ms: number): Promise<void> {
    const end = performance.now() + ms;
    while (performance.now() < end) await new Promise((resolve) => setImmediate(resolve));
  }

  /** `promise`, or a failure after `timeoutMs` of real time (a hang while setTimeout is mocked fails instead). */
  async function withinIo<T>(promise: Promise<T>, what: string, timeoutMs = 2000): Promise<T> {
    let settled = false;
    const watched = promise.finally(() => (settled = true));
    await untilIo(() => settled, what, timeoutMs);
    return watched;
  }

  test('the voice webhook warms the model up before the stream connects', { timeout: 30_000 }, async () => {
    const fake = await startFakeOpenAIRealtime({ chunks: 10, chunkMs: 100, chunkIntervalMs: 5 });
    const gateway = await gatewayFor(fake);
    try {
      // 1. Twilio posts the webhook; the stream is not open yet.
      const callSid = sid('CA');
      const accountSid = sid('AC');
      const answer = await postVoiceWebhook({ baseUrl: gateway.url, callSid, accountSid });
      assert.equal(answer.status, 200, answer.body);
      assert.ok(answer.stream, `TwiML with a stream: ${answer.body}`);
      const id = answer.stream.parameters.conversationId!;

      // 2. The model session is already open and configured at the provider, before any media stream exists.
      await until(() => fake.sessions.length === 1 && fake.sessions[0]!.events.some((event) => event.type === 'session.update'), 'a configured session at the provider', 2000);
      const warmed = fake.sessions[0]!;
      assert.equal((await gateway.conversations.records.get(id))?.status, 'prepared', 'no stream yet');
      assert.equal(gateway.conversations.liveCount(), 0);
      assert.equal(warmed.responses.length, 0, 'nothing is said before the caller is connected');

      // 3. The stream connects: the warmed session serves it, no second one is opened, and the greeting is heard.
      const call = await connectStream({ url: answer.stream.url, customParameters: answer.stream.parameters, callSid, accountSid });
      try {
        await call.waitForAudio({ minMs: 500, timeoutMs: 2000 });
        assert.ok(call.receivedDbfs() > -35, 'the greeting is audible');
        assert.equal(fake.counters.sessions, 1, 'the warmed session is used');
        assert.ok(warmed.responses[0]?.instructions?.includes('AI'), 'the greeting (the AI disclosure) came from the warmed session');
      } finally {
        await call.hangUp();
      }
      await eventually('the call to end', async () => (await gateway.conversations.records.get(id))?.status === 'ended');
      await until(() => warmed.socket.readyState === warmed.socket.CLOSED, 'the warmed session to close with the call', 2000);

      // 4. A webhook whose stream never comes: its warmed session is closed once the TTL passes (a clock the test
      // moves, so the test does not wait 30 s; nothing else is running by now that relies on setTimeout).
      mock.timers.enable({ apis: ['setTimeout'] });
      try {
        const orphan = await withinIo(postVoiceWebhook({ baseUrl: gateway.url, plainHttp: true }), 'the answer to the second webhook');
        assert.equal(orphan.status, 200, orphan.body);
        await untilIo(() => fake.sessions.length === 2 && fake.sessions[1]!.events.some((event) => event.type === 'session.update'), 'the second warmed session');
        const unused = fake.sessions[1]!;
        // The connect timeout is a mocked timer too: let session.updated reach the gateway before moving the clock.
        await settleIo(100);
        mock.timers.tick(PREWARM_TTL_MS - 1_000);
        await settleIo(50); // a close, had one been sent, would reach the provider now
        assert.equal(unused.socket.readyState, unused.socket.OPEN, 'still open and waiting for its stream before the TTL (or its handshake had not finished)');
        mock.timers.tick(1_000);
        await untilIo(() => unused.socket.readyState === unused.socket.CLOSED, 'the unused session to be closed after the TTL');
      } finally {
        mock.timers.reset();
      }
      assert.equal(fake.counters.sessions, 2);
      assert.deepEqual(fake.violations, []);
    } finally {
      await gateway.shutdown(500);
      await fake.close();
    }
  });
});

describe('a caller on OpenAI Realtime asks for a person', () => {
  test('the model calls transfer_to_human, says so, and the live call is redirected to the configured number', async () => {
    const fake = await startFakeOpenAIRealtime({ chunks: 5, chunkMs: 100, chunkIntervalMs: 5, toolTriggers: [
        { word: 'key 3', name: 'transfer_to_human', arguments: '{"reason":"the caller asked for a person"}' },
        { word: 'key 3', name: 'hand_off', arguments: JSON.stringify({ to: 'escalation', context: { intent: 'escalation', summary: 'Asked for a person.' } }) },
      ] });
    const transfers: Array<{ callSid: string; to: string }> = [];
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OPENAI_API_KEY: fake.apiKey, OPENAI_REALTIME_URL: fake.url, HUMAN_TRANSFER_NUMBER: '+919800000000' });
    const twilio = createTwilioChannel({ defaultLocale: 'en', transfer: async (callSid, to) => void transfers.push({ callSid, to }) });
    const gateway = await startGateway(config, { log: silentLogger, store: new MemoryStore(), channels: [twilio] });
    const call = await placeCall({ baseUrl: gateway.url });
    try {
      await call.waitForAudio({ minMs: 300, timeoutMs: 2000 });
      const heard = call.receivedMs;
      call.pressDigit('3');
      await until(() => transfers.length === 1, 'the transfer through the REST API', 5000);
      assert.deepEqual(transfers, [{ callSid: call.callSid, to: '+919800000000' }]);
      assert.ok(call.receivedMs > heard, 'the model said something before the hand-off');
      assert.ok(call.isOpen, 'the stream stays open until Twilio moves the call');
      const id = call.customParameters.conversationId!;
      await eventually('the conversation to end as transferred', async () => (await gateway.conversations.records.get(id))?.endReason === 'transferred');
      // The router handed the caller to the escalation agent, which transferred them: the intent says so.
      assert.equal((await gateway.conversations.records.get(id))?.intent, 'escalation');
      assert.deepEqual(fake.declaredTools(), ['transfer_to_human', 'end_conversation', 'hand_off']);
      assert.deepEqual(fake.violations, []);
    } finally {
      await call.hangUp().catch(() => undefined);
      await gateway.shutdown(500);
      await fake.close();
    }
  });
});
