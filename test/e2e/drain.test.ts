// Shutting the gateway down with a call in progress, as an operator and a caller would see it: while it drains,
// /readyz says 503 so the load balancer stops sending traffic and new calls get a 503 (Twilio then tries the
// number's fallback URL); the live call goes on until the drain time runs out and is then ended cleanly, or the
// shutdown finishes as soon as the last caller hangs up.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { connectStream, placeCall, postVoiceWebhook, UpgradeRefused, type FakeTwilioCall } from '../fakes/twilio-client.ts';

const AUTH_TOKEN = 'drain-auth-token-0123456789abcdef';

const stores: MemoryStore[] = [];
const gateways: Gateway[] = [];
after(async () => {
  await Promise.all(gateways.map((gateway) => gateway.shutdown(0)));
  await Promise.all(stores.map((store) => store.close()));
});

async function start(): Promise<Gateway> {
  const store = new MemoryStore();
  stores.push(store);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', TWILIO_AUTH_TOKEN: AUTH_TOKEN });
  const gateway = await startGateway(config, { log: silentLogger, store });
  gateways.push(gateway);
  return gateway;
}

/** A call that is past its greeting: the conversation is live and audio is flowing. */
async function liveCall(gateway: Gateway): Promise<FakeTwilioCall> {
  const call = await placeCall({ baseUrl: gateway.url, authToken: AUTH_TOKEN });
  await call.waitForAudio({ minMs: 200, timeoutMs: 3000 });
  assert.equal(gateway.conversations.liveCount(), 1);
  return call;
}

describe('draining at shutdown', () => {
  test('readiness goes 503 and new calls are refused, the live call runs out the drain time and is ended cleanly', async () => {
    const gateway = await start();
    const call = await liveCall(gateway);
    const conversationId = call.customParameters.conversationId!;
    const drainMs = 1500;

    // 1. Shutdown starts; nothing is awaited yet.
    const started = performance.now();
    let stoppedAt: number | undefined;
    const shutdown = gateway.shutdown(drainMs).then(() => (stoppedAt = performance.now()));

    // 2. Readiness says 503, so the load balancer takes this instance out.
    const ready = await fetch(`${gateway.url}/readyz`).then(
      async (response) => ({ status: response.status, body: await response.text() }),
      (error: Error) => ({ status: -1, body: `${error.message} ${String((error.cause as Error | undefined)?.message)}` }),
    );
    assert.equal(ready.status, 503, `/readyz during the drain: ${ready.body}`);
    assert.deepEqual(JSON.parse(ready.body), { status: 'draining' });

    // 3. A new call is refused with 503, both its webhook and a stream upgrade.
    const webhook = await postVoiceWebhook({ baseUrl: gateway.url, authToken: AUTH_TOKEN }).catch((error: Error) => ({ status: -1, body: error.message }));
    assert.equal(webhook.status, 503, `a new call's webhook during the drain: ${webhook.body}`);
    const streamUrl = `${gateway.url.replace('http', 'ws')}/twilio/media`;
    const upgrade = await connectStream({ url: streamUrl, authToken: AUTH_TOKEN, customParameters: { conversationId: 'new-call' } }).then(
      (stream) => (stream.hangUp(), 101),
      (error: Error) => (error instanceof UpgradeRefused ? error.status : -1),
    );
    assert.equal(upgrade, 503, 'a new media stream during the drain');

    // 4. The live call goes on meanwhile.
    await sleep(drainMs / 2);
    assert.equal(call.isOpen, true, 'the caller is not cut off before the drain time');
    assert.equal(stoppedAt, undefined);
    const received = call.receivedMs;
    call.pressDigit('1'); // the hours prompt: the agent still answers
    await call.waitForAudio({ minMs: received + 200, timeoutMs: 2000 });

    // 5. When the drain time runs out the call is ended from our side, with a normal close.
    const closed = await call.waitForClose(drainMs + 3000);
    const closedAfter = performance.now() - started;
    assert.equal(closed.code, 1000);
    assert.equal(closed.reason, 'shutdown');
    assert.ok(closedAfter >= drainMs - 50, `closed after ${closedAfter.toFixed(0)} ms`);
    await shutdown;
    assert.ok(stoppedAt !== undefined && stoppedAt - started < drainMs + 2000, 'shutdown resolves soon after the drain time');

    const record = await gateway.conversations.records.get(conversationId);
    assert.equal(record?.status, 'ended');
    assert.equal(record?.endReason, 'shutdown');
    const transcript = await gateway.conversations.records.transcript(conversationId);
    assert.equal(transcript.at(-1)?.text, 'ended: shutdown');
    assert.equal(gateway.conversations.liveCount(), 0);
    assert.deepEqual(call.violations, []);
  });

  test('a caller hanging up during the drain lets shutdown finish early', async () => {
    const gateway = await start();
    const call = await liveCall(gateway);
    const conversationId = call.customParameters.conversationId!;
    const drainMs = 20_000;
    const started = performance.now();
    const shutdown = gateway.shutdown(drainMs);
    await sleep(200);
    await call.hangUp();
    await shutdown;
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 2000, `shutdown took ${elapsed.toFixed(0)} ms with a ${drainMs} ms drain`);
    const record = await gateway.conversations.records.get(conversationId);
    assert.equal(record?.endReason, 'hangup');
  });
});
