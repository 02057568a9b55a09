// How an OpenAI session fails, and what it tells the conversation: refusals at connect say "fall back" (bad key,
// rate limit) or "retry" (unreachable, timeout, server error); a live session that dies (expired, dropped, silent
// peer) ends with exactly one `closed` saying it may be retried; slow but answering pings do not kill it.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineTool } from '../../core/tool.ts';
import { ModelUnavailableError } from '../../core/model.ts';
import type { ModelFailure, ModelSession } from '../../core/model.ts';
import { startFakeOpenAIRealtime, until } from '../../../test/fakes/openai-realtime-server.ts';
import type { FakeOpenAIRealtime } from '../../../test/fakes/openai-realtime-server.ts';
import { modelFor, openSession, sessionOptions } from './test-harness.ts';

let fake: FakeOpenAIRealtime;
const open: ModelSession[] = [];

beforeEach(async () => {
  fake = await startFakeOpenAIRealtime({ chunks: 10, chunkIntervalMs: 20 });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((session) => session.close()));
  assert.deepEqual(fake.violations, []);
  await fake.close();
});

/** The failure connect() rejected with. */
async function refusal(connecting: Promise<ModelSession>): Promise<ModelFailure> {
  const error = await connecting.then(
    (session) => (open.push(session), undefined),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ModelUnavailableError, `expected ModelUnavailableError, got ${String(error)}`);
  return error.failure;
}

async function live(overrides: Parameters<typeof openSession>[1] = {}) {
  const harness = await openSession(fake, overrides);
  open.push(harness.session);
  return harness;
}

test('a wrong key (401 at the upgrade) is unauthorized: no retry, fall back; the key never reaches the message', async () => {
  const failure = await refusal(modelFor(fake, { apiKey: 'sk-wrong-key-123' }).connect(sessionOptions()));
  assert.deepEqual({ ...failure, message: undefined }, { code: 'unauthorized', message: undefined, retryable: false, fallback: true });
  assert.match(failure.message, /HTTP 401: invalid_api_key/);
  assert.doesNotMatch(failure.message, /sk-wrong|abc\*\*\*/);
});

test('429 at the upgrade says fall back; 503 says retry', async () => {
  fake.refuse(429);
  assert.deepEqual(pick(await refusal(modelFor(fake).connect(sessionOptions()))), { code: 'rate_limited', retryable: false, fallback: true });
  fake.refuse(503);
  assert.deepEqual(pick(await refusal(modelFor(fake).connect(sessionOptions()))), { code: 'upstream_error', retryable: true, fallback: false });
  fake.refuse(undefined);
  await live();
  assert.equal(fake.counters.connections, 3);
  assert.equal(fake.counters.sessions, 1);
});

test('a refused TCP connection is retryable, not a reason to fall back', async () => {
  const port = await unusedPort();
  const model = modelFor(fake, { url: `ws://127.0.0.1:${port}/v1/realtime` });
  assert.deepEqual(pick(await refusal(model.connect(sessionOptions()))), { code: 'network_error', retryable: true, fallback: false });
});

test('a server that never sets up the session times out, retryably', async () => {
  fake.stallHandshake(true);
  const started = Date.now();
  const failure = await refusal(modelFor(fake, { connectTimeoutMs: 150 }).connect(sessionOptions()));
  assert.deepEqual(pick(failure), { code: 'connect_timeout', retryable: true, fallback: false });
  assert.ok(Date.now() - started < 1_000);
});

test('an abort while connecting rejects with the abort reason and leaves no socket', async () => {
  fake.stallHandshake(true);
  const controller = new AbortController();
  const connecting = modelFor(fake).connect(sessionOptions({ signal: controller.signal }));
  await until(() => fake.counters.sessions === 1, 'the socket');
  controller.abort();
  await assert.rejects(connecting, { name: 'AbortError' });
  await until(() => fake.lastSession().socket.readyState === fake.lastSession().socket.CLOSED, 'the socket closed');
});

test('a tool whose schema cannot become JSON Schema is a configuration problem: fall back', async () => {
  const opaque = defineTool('opaque', 'No JSON Schema.', { '~standard': { version: 1, vendor: 'none', validate: (value: unknown) => ({ value }) } }, async () => 1);
  const failure = await refusal(modelFor(fake).connect(sessionOptions({ tools: [opaque] })));
  assert.deepEqual(pick(failure), { code: 'invalid_tools', retryable: false, fallback: true });
});

test('Azure-style URLs keep their model or deployment; api-key header when asked for', async () => {
  const harness = await live({ model: { url: `${fake.url}?model=my-deployment`, authHeader: 'api-key' } });
  const { headers, url } = fake.lastSession();
  assert.equal(headers['api-key'], fake.apiKey);
  assert.equal(headers.authorization, undefined);
  assert.equal(new URL(url, 'ws://x').searchParams.getAll('model').join(), 'my-deployment');
  harness.session.createResponse();
  await harness.next('response_done');
});

test('an expired session (error session_expired) ends with one retryable closed', async () => {
  const harness = await live();
  fake.expireSession();
  const closed = await harness.next('closed');
  assert.deepEqual(pick(closed.error!), { code: 'session_expired', retryable: true, fallback: false });
  await sleep(100);
  assert.equal(harness.count('closed'), 1);
  harness.session.say('no one is listening'); // a no-op, not a throw
});

test('a socket killed mid-answer ends with closed socket_closed within a second', async () => {
  const harness = await live();
  fake.killNextResponseAfter(2);
  harness.session.say('This answer will be cut off.');
  await harness.next('audio');
  const started = Date.now();
  const closed = await harness.next('closed', undefined, 1_000);
  assert.ok(Date.now() - started < 1_000);
  assert.deepEqual(pick(closed.error!), { code: 'socket_closed', retryable: true, fallback: false });
  await harness.session.close();
  assert.equal(harness.count('closed'), 1, 'close() after a failure emits nothing more');
});

test('dropAll() while idle: closed socket_closed', async () => {
  const harness = await live();
  fake.dropAll();
  const closed = await harness.next('closed', undefined, 1_000);
  assert.equal(closed.error?.code, 'socket_closed');
});

test('a peer that stops answering pings is declared dead within interval + timeout', async () => {
  const intervalMs = 50;
  const timeoutMs = 150;
  const harness = await live({ model: { heartbeatIntervalMs: intervalMs, heartbeatTimeoutMs: timeoutMs } });
  fake.stopPonging();
  const started = Date.now();
  const closed = await harness.next('closed', undefined, 2_000);
  const elapsed = Date.now() - started;
  assert.deepEqual(pick(closed.error!), { code: 'heartbeat_timeout', retryable: true, fallback: false });
  assert.ok(elapsed <= intervalMs + timeoutMs + 40, `declared dead after ${elapsed} ms`);
  await sleep(100);
  assert.equal(harness.count('closed'), 1);
});

test('slow but answering pongs keep the session alive', async () => {
  const harness = await live({ model: { heartbeatIntervalMs: 40, heartbeatTimeoutMs: 200 } });
  fake.delayPongs(90);
  await sleep(800);
  assert.equal(harness.count('closed'), 0);
  harness.session.say('Still connected.');
  assert.equal((await harness.next('response_done')).status, 'completed');
  assert.ok((fake.counters.events.get('response.create') ?? 0) >= 1);
});

function pick(failure: ModelFailure): Pick<ModelFailure, 'code' | 'retryable' | 'fallback'> {
  return { code: failure.code, retryable: failure.retryable, fallback: failure.fallback };
}

/** A port that was free a moment ago, so connecting to it is refused. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
