// Gemini Live when things go wrong, against the fake: the server's goAway (renewal on a new connection with the
// latest handle, after the old one closed, same session object), dropped sockets, refused keys and quotas at the
// upgrade or in a close frame, unreachable or silent servers, and the keepalive that must tolerate slow pongs but
// notice a dead connection. Keepalive figures are scaled down 100 times (15 s / 45 s become 100 ms / 450 ms).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { rmsDbfs } from '../../audio/pcm.ts';
import { ModelUnavailableError } from '../../core/model.ts';
import type { ModelFailure } from '../../core/model.ts';
import { FAKE_GEMINI_API_KEY } from '../../../test/fakes/gemini-live-server.ts';
import type { GeminiLiveModelOptions } from './gemini-model.ts';
import { handleKey, parseStoredHandle } from './resumption.ts';
import { eventually, fakeLiveForFile, geminiModel, sendTone, sessionOptions, sleep, type openHarness } from './test-harness.ts';
import type { Harness } from './test-harness.ts';

const live = await fakeLiveForFile();
const fake = live.fake;

async function harness(options: Partial<GeminiLiveModelOptions> = {}, overrides: Parameters<typeof openHarness>[1] = {}): Promise<Harness> {
  return live.open(overrides, options);
}

async function refusal(connect: Promise<unknown>): Promise<ModelFailure> {
  const error = await connect.then(
    () => assert.fail('connect() should have been refused'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ModelUnavailableError, `not a ModelUnavailableError: ${String(error)}`);
  return error.failure;
}

async function closedWith(h: Harness, timeoutMs = 3000): Promise<ModelFailure | undefined> {
  const closed = await h.next('closed', undefined, timeoutMs);
  return closed.error;
}

test('goAway: the session moves to a new connection with the latest handle after the old one closed, and keeps working', async () => {
  const conversationId = 'conv-go-away';
  const h = await harness({}, { conversationId });
  h.session.sendText('My name is Ravi');
  await h.next('response_done');
  h.session.setLocale('hi', 'Answer in Hindi.');
  const first = fake.connections.at(-1)!;
  const latest = first.issuedHandles.at(-1);
  fake.goAway(5000);
  assert.equal((await h.next('reconnected')).reason, 'go_away');
  const second = fake.connections.at(-1)!;
  assert.notEqual(second.id, first.id);
  assert.ok(first.closedSeq !== undefined && second.openedSeq > first.closedSeq, 'the new connection opened after the old one closed');
  assert.equal(second.resumedFrom, latest);
  assert.deepEqual(second.historyTurns, [], 'nothing replayed');
  assert.equal(second.setup?.systemInstruction?.parts[0]?.text, 'Answer in Hindi.', 'the new connection carries the new instructions');
  await eventually(() => second.issuedHandles.length > 0, 2000, 'a handle from the new connection');
  assert.equal(parseStoredHandle(await h.store.get(handleKey(conversationId)))?.handle, second.issuedHandles.at(-1));

  h.session.sendText('Do you remember me?');
  await h.next('response_started');
  await h.next('response_done', (e) => e.status === 'completed');
  const audio = h.takeAudio();
  assert.ok(audio.length > 0 && rmsDbfs(audio) > -20, 'audio flows on the new connection');
  assert.ok(second.context.some((turn) => turn.parts.some((p) => p.text.includes('Ravi'))), 'the context survived');
  assert.equal(h.count('closed'), 0);
});

test('goAway during an answer: the answer completes first, then the session moves', async () => {
  const h = await harness();
  h.session.sendText('Tell me a story');
  await h.next('response_started');
  fake.goAway(5000);
  assert.equal((await h.next('response_done')).status, 'completed');
  await h.next('reconnected');
  assert.deepEqual(h.events.filter((e) => e.type === 'response_done' || e.type === 'reconnected').map((e) => e.type), ['response_done', 'reconnected']);
});

test('goAway: what the caller says and types during the change reaches the new connection', async () => {
  const h = await harness();
  fake.setupDelay(150);
  try {
    const before = fake.connections.length;
    fake.goAway(5000);
    await eventually(() => fake.connections.length > before && fake.connections.at(-1)!.setup !== undefined, 2000, 'the new setup');
    const second = fake.connections.at(-1)!;
    assert.equal(second.issuedHandles.length, 0, 'setupComplete not sent yet');
    sendTone(h.session, 200, -10);
    sendTone(h.session, 400, -80);
    h.session.sendText('Are you still there?');
    await h.next('reconnected');
    assert.equal((await h.next('transcript', (e) => e.role === 'assistant')).text, 'You said: Are you still there?');
    assert.ok(second.audioSamples >= 9000, `${second.audioSamples} samples of the gap's audio arrived`);
  } finally {
    fake.setupDelay(0);
  }
});

test('goAway whose resumption fails ends the session as retryable', async () => {
  const h = await harness();
  fake.refuse(503);
  fake.goAway(1000);
  const failure = await closedWith(h);
  assert.equal(failure?.code, 'resume_failed');
  assert.equal(failure?.retryable, true);
});

test('a dropped socket closes the session with socket_closed, retryable', async () => {
  const h = await harness();
  fake.dropAll();
  const failure = await closedWith(h);
  assert.equal(failure?.code, 'socket_closed');
  assert.equal(failure?.retryable, true);
  assert.equal(failure?.fallback, false);
});

for (const status of [401, 403]) {
  test(`HTTP ${status} at the upgrade: unauthorized, fall back, do not retry`, async () => {
    fake.refuse(status);
    const failure = await refusal(geminiModel(fake.url, FAKE_GEMINI_API_KEY).connect(sessionOptions()));
    assert.deepEqual([failure.code, failure.retryable, failure.fallback], ['unauthorized', false, true]);
  });
}

test('HTTP 429 at the upgrade: quota, fall back', async () => {
  fake.refuse(429);
  const failure = await refusal(geminiModel(fake.url, FAKE_GEMINI_API_KEY).connect(sessionOptions()));
  assert.equal(failure.code, 'quota_exceeded');
  assert.equal(failure.fallback, true);
});

test('a wrong key closed after the setup (1008 "API key not valid") is unauthorized, and the key never shows', async () => {
  const failure = await refusal(geminiModel(fake.url, 'wrong-key-123').connect(sessionOptions()));
  assert.deepEqual([failure.code, failure.retryable, failure.fallback], ['unauthorized', false, true]);
  assert.doesNotMatch(failure.message, /wrong-key-123/u);
});

test('quota exhausted mid-session (1011 RESOURCE_EXHAUSTED) closes the session with fallback', async () => {
  const h = await harness();
  fake.closeAll(1011, 'RESOURCE_EXHAUSTED: You exceeded your current quota.');
  const failure = await closedWith(h);
  assert.equal(failure?.code, 'quota_exceeded');
  assert.equal(failure?.fallback, true);
});

test('an unreachable server is a retryable network error, without fallback', async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
  });
  const failure = await refusal(geminiModel(`ws://127.0.0.1:${port}/ws`, FAKE_GEMINI_API_KEY).connect(sessionOptions()));
  assert.deepEqual([failure.code, failure.retryable, failure.fallback], ['network_error', true, false]);
});

test('a server that never completes the setup times out, retryable', async () => {
  const silent = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => silent.once('listening', resolve));
  try {
    const url = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/ws`;
    const failure = await refusal(geminiModel(url, FAKE_GEMINI_API_KEY, { connectTimeoutMs: 200 }).connect(sessionOptions()));
    assert.deepEqual([failure.code, failure.retryable], ['connect_timeout', true]);
  } finally {
    for (const client of silent.clients) client.terminate();
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('connect() stops when its signal aborts', async () => {
  const controller = new AbortController();
  const connecting = geminiModel(fake.url, FAKE_GEMINI_API_KEY).connect(sessionOptions({ signal: controller.signal }));
  controller.abort(new Error('caller hung up'));
  await assert.rejects(connecting, /caller hung up/u);
});

test('keepalive: pongs 150 ms late (15 s in production) do not end a session whose timeout is 450 ms (45 s)', async () => {
  fake.pongDelay(150);
  const h = await harness({ keepaliveIntervalMs: 100, keepaliveTimeoutMs: 450 });
  const pongs = fake.counters.pongs;
  await sleep(1500);
  assert.equal(h.count('closed'), 0, 'a healthy session with slow pongs must stay open');
  assert.ok(fake.counters.pongs - pongs >= 5, `${fake.counters.pongs - pongs} pongs in 1.5 s`);
  h.session.sendText('still there?');
  assert.equal((await h.next('response_done')).status, 'completed');
});

test('keepalive: no pong and no message for the timeout closes the session with keepalive_timeout', async () => {
  fake.stopPonging();
  const h = await harness({ keepaliveIntervalMs: 100, keepaliveTimeoutMs: 450 });
  const startedAt = Date.now();
  const failure = await closedWith(h, 2000);
  assert.deepEqual([failure?.code, failure?.retryable], ['keepalive_timeout', true]);
  assert.ok(Date.now() - startedAt >= 400, 'not before the timeout');
  await eventually(() => fake.open.length === 0, 2000, 'the dead connection to be closed');
});
