// The customer's rights end to end, on a real Redis through the gateway as deployed: the AI disclosure and the
// recording notice come first, consent is recorded and can be withdrawn by key, identifiers are redacted before
// anything is stored, the admin API shows and exports what is kept, and erasing a customer leaves no trace.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/log.ts';
import type { Store } from '../../src/core/store.ts';
import { verhoeffCheckDigit } from '../../src/compliance/checksums.ts';
import { t } from '../../src/i18n/i18n.ts';
import { placeCall } from '../fakes/twilio-client.ts';
import { FakeConnection } from '../fakes/fake-connection.ts';
import { storeFixtures, type StoreFixture, type StoreFixtures } from '../store-fixtures.ts';
import { eventually } from '../wait.ts';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const CUSTOMER = '+919876543210';
const BUSINESS = 'Asha Clinic';
const AADHAAR = (() => {
  const body = '23456789012';
  return body + String(verhoeffCheckDigit(body));
})();

describe('compliance end to end (Redis store)', () => {
  let fixtures: StoreFixtures;
  let redis: StoreFixture;
  let store: Store;
  let gateway: Gateway;

  const admin = (method: string, path: string) =>
    fetch(`${gateway.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  before(async () => {
    fixtures = await storeFixtures();
    redis = fixtures.all.find((fixture) => fixture.name === 'RedisStore')!;
    store = await redis.open();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ADMIN_TOKEN,
      AUDIT_SECRET: 'audit-secret-for-tests-0123456789abcdef',
      RECORDING_ENABLED: 'true',
      PHONE_LANGUAGE_MENU: 'false',
    });
    gateway = await startGateway(config, { log: silentLogger, store });
  });
  after(async () => {
    await gateway?.shutdown(500);
    await store?.close();
    await fixtures?.close();
  });

  /** Every analytics job queued so far has been done and has left the queue. */
  const analyticsQueueDrained = () => eventually('the analytics queue to drain', async () => (await store.readEvents('analytics')).length === 0, 5000);

  test('disclosure, recording notice, consent and its withdrawal by key, on a phone call', async () => {
    const call = await placeCall({ baseUrl: gateway.url, from: CUSTOMER, query: { locale: 'hi' } });
    const id = call.customParameters.conversationId!;
    await call.waitForAudio({ minMs: 500, timeoutMs: 2000 });
    const transcript = await gateway.conversations.records.transcript(id);
    assert.equal(transcript[0]?.text, t('hi', 'common:disclosure', { business: BUSINESS }), 'the AI disclosure, in Hindi, first');
    assert.equal(transcript[1]?.text, t('hi', 'common:recordingNotice'), 'then the recording notice');

    call.pressDigit('8'); // "to continue without recording, press 8"
    await eventually('the recording opt-out', async () => {
      const view = (await (await admin('GET', `/admin/api/conversations/${id}`)).json()) as { consent: { recording: boolean } | null };
      return view.consent?.recording === false;
    }, 3000);
    await call.hangUp();

    const view = (await (await admin('GET', `/admin/api/conversations/${id}`)).json()) as {
      conversation: { from?: string };
      consent: { language: string; noticeVersion: string; channel: string; purpose: string };
      audit: Array<{ type: string }>;
    };
    assert.equal(view.consent.language, 'hi');
    assert.equal(view.consent.noticeVersion, '2026-11');
    assert.equal(view.consent.channel, 'twilio');
    assert.ok(!view.conversation.from?.includes('98765'), `the number is masked: ${view.conversation.from}`);
    const types = view.audit.map((event) => event.type);
    for (const type of ['disclosure', 'recording', 'consent', 'recording_opt_out']) assert.ok(types.includes(type), `${type} audited: ${types.join(',')}`);
  });

  test('identifiers are redacted before they are stored, and erasure removes the customer', async () => {
    const chat = new FakeConnection({ channel: 'chat', from: CUSTOMER, capabilities: { audio: false, text: true, dtmf: false, playbackMarks: false, transfer: false } });
    gateway.conversations.accept(chat);
    chat.pushText(`My Aadhaar is ${AADHAAR.slice(0, 4)} ${AADHAAR.slice(4, 8)} ${AADHAAR.slice(8)}, please book an appointment`);
    const id = chat.info.conversationId;
    await eventually('the message in the transcript', async () => (await gateway.conversations.records.transcript(id)).some((entry) => entry.role === 'user'), 3000);
    const stored = (await gateway.conversations.records.transcript(id)).find((entry) => entry.role === 'user')!.text;
    assert.ok(!stored.includes(AADHAAR.slice(0, 8)), `redacted: ${stored}`);
    assert.ok(stored.includes(`XXXX XXXX ${AADHAAR.slice(8)}`), `last four kept: ${stored}`);
    chat.hangUp();
    await eventually('the chat to end', async () => (await gateway.conversations.records.get(id))?.status === 'ended', 3000);
    // Analysed once it ended: the analysis is the customer's data too, and erasure must remove it.
    await eventually('the chat analysed', async () => ((await (await admin('GET', `/admin/api/conversations/${id}`)).json()) as { analytics: unknown }).analytics !== null, 5000);
    await analyticsQueueDrained();

    const before = await redis.contents(store);
    assert.ok(before.some((entry) => entry.text.includes(CUSTOMER)), 'the number is stored before erasure (for follow-ups)');
    const erased = await admin('DELETE', `/admin/api/subjects/${encodeURIComponent(CUSTOMER)}`);
    assert.equal(erased.status, 200);
    const receipt = (await erased.json()) as { conversations: number };
    assert.equal(receipt.conversations, 2, 'the phone call and the chat');

    const after = await redis.contents(store);
    const traces = after.filter((entry) => entry.text.includes(CUSTOMER) || entry.text.includes('9876543210') || entry.key.includes(id) || entry.text.includes(id));
    assert.deepEqual(traces, [], 'nothing of the customer is left');
    assert.equal((await admin('GET', `/admin/api/conversations/${id}`)).status, 404);
    const trail = await gateway.conversations.records.recent(10);
    assert.ok(!trail.some((record) => record.id === id));
  });

  test('erasing a customer who is still talking ends that conversation first, so nothing is written afterwards', async () => {
    const other = '+919812345678';
    const chat = new FakeConnection({ channel: 'chat', from: other, capabilities: { audio: false, text: true, dtmf: false, playbackMarks: false, transfer: false } });
    gateway.conversations.accept(chat);
    chat.pushText('What time do you open?');
    const id = chat.info.conversationId;
    await eventually('the chat to be live', async () => (await gateway.conversations.records.transcript(id)).some((entry) => entry.role === 'user'), 3000);

    const erased = await admin('DELETE', `/admin/api/subjects/${encodeURIComponent(other)}`);
    assert.equal(erased.status, 200);
    assert.equal(gateway.conversations.liveCount(), 0, 'the live chat was ended');
    chat.pushText('Are you still there? My number is 9812345678'); // arrives after the erasure
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The analytics job the end queued finds nothing to analyse, and leaves the queue.
    await analyticsQueueDrained();
    const traces = (await redis.contents(store)).filter((entry) => entry.key.includes(id) || entry.text.includes(id) || entry.text.includes('9812345678'));
    assert.deepEqual(traces, [], 'nothing of the customer is left, not even what they wrote after the erasure');
  });

  test('the admin API refuses callers without the token', async () => {
    assert.equal((await fetch(`${gateway.url}/admin/api/conversations`)).status, 401);
    assert.equal((await fetch(`${gateway.url}/admin/api/conversations`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 403);
  });
});
