// The voice webhook and the stream upgrade over real HTTP on 127.0.0.1: only Twilio-signed requests get in, and the
// TwiML sends the call's audio to our stream with the conversation it belongs to.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import twilio from 'twilio';
import { connectStream, parseStreamTwiml, placeCall, postVoiceWebhook, sid, UpgradeRefused } from '../../test/fakes/twilio-client.ts';
import { startHarness, type Harness } from './test-harness.ts';
import { streamTwiml } from './twiml.ts';

const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';

describe('with an auth token', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ authToken: AUTH_TOKEN, localeByNumber: { '+912240001234': 'hi', '+551140001234': 'pt-BR' } });
  });
  after(() => harness.close());

  test('a signed webhook gets TwiML connecting the call to our stream, with conversation and locale', async () => {
    const callSid = sid('CA');
    const answer = await postVoiceWebhook({ baseUrl: harness.baseUrl, authToken: AUTH_TOKEN, callSid, from: '+919812345678', to: '+912240001234' });
    assert.equal(answer.status, 200);
    assert.match(answer.contentType, /^text\/xml/);
    assert.match(answer.body, /^<\?xml version="1.0" encoding="UTF-8"\?><Response><Connect><Stream url="[^"]+">/);
    assert.equal(answer.stream?.url, `${harness.baseUrl.replace('http://', 'ws://')}/twilio/media`);
    const request = harness.prepared.at(-1)!;
    assert.deepEqual(request, { channel: 'twilio', locale: 'hi', from: '+919812345678', to: '+912240001234', providerId: callSid });
    assert.match(answer.stream?.parameters.conversationId ?? '', /^conv-\d+$/);
    assert.equal(answer.stream?.parameters.locale, 'hi');
    assert.equal(answer.stream?.parameters.from, '+919812345678');
  });

  test('the locale comes from ?locale= first, then the called number, then the default', async () => {
    const byQuery = await postVoiceWebhook({ baseUrl: harness.baseUrl, authToken: AUTH_TOKEN, query: { locale: 'ta' }, to: '+912240001234' });
    assert.equal(byQuery.stream?.parameters.locale, 'ta');
    const byNumber = await postVoiceWebhook({ baseUrl: harness.baseUrl, authToken: AUTH_TOKEN, to: '+551140001234' });
    assert.equal(byNumber.stream?.parameters.locale, 'pt-BR');
    const byDefault = await postVoiceWebhook({ baseUrl: harness.baseUrl, authToken: AUTH_TOKEN, to: '+15550001111' });
    assert.equal(byDefault.stream?.parameters.locale, 'en-IN');
    const junk = await postVoiceWebhook({ baseUrl: harness.baseUrl, authToken: AUTH_TOKEN, query: { locale: '"><Hangup/>' }, to: '+15550001111' });
    assert.equal(junk.stream?.parameters.locale, 'en-IN', 'a locale that is not a language tag is ignored');
  });

  test('a webhook without a signature is refused with 403 and reserves nothing', async () => {
    const before = harness.prepared.length;
    const answer = await postVoiceWebhook({ baseUrl: harness.baseUrl, signature: null });
    assert.equal(answer.status, 403);
    assert.equal(answer.stream, undefined);
    assert.equal(harness.prepared.length, before);
  });

  test('a webhook with a wrong signature is refused with 403', async () => {
    assert.equal((await postVoiceWebhook({ baseUrl: harness.baseUrl, authToken: 'another-accounts-token' })).status, 403);
    assert.equal((await postVoiceWebhook({ baseUrl: harness.baseUrl, signature: 'bm90IGEgc2lnbmF0dXJl' })).status, 403);
  });

  test('a signature stops covering the request once a parameter is changed', async () => {
    const tampered = await postVoiceWebhook({ baseUrl: harness.baseUrl, authToken: AUTH_TOKEN, tamper: { To: '+15550009999' } });
    assert.equal(tampered.status, 403);
    const sameValues = await postVoiceWebhook({ baseUrl: harness.baseUrl, authToken: AUTH_TOKEN, tamper: {} });
    assert.equal(sameValues.status, 200, 'the control: the same request untouched is accepted');
  });

  test('a signed webhook without CallSid is a bad request (400)', async () => {
    const answer = await postVoiceWebhook({ baseUrl: harness.baseUrl, authToken: AUTH_TOKEN, params: { CallSid: undefined } });
    assert.equal(answer.status, 400);
  });

  test('a stream upgrade signed for its wss URL is accepted', async () => {
    const index = harness.conversations.length;
    const call = await placeCall({ baseUrl: harness.baseUrl, authToken: AUTH_TOKEN });
    const conversation = await harness.conversation(index);
    assert.equal(conversation.connection.info.providerId, call.callSid);
    await call.hangUp();
  });

  test('a stream upgrade without a signature, or signed for another URL, is refused with 403', async () => {
    const url = `${harness.baseUrl.replace('http://', 'ws://')}/twilio/media`;
    const customParameters = { conversationId: 'conv-x', locale: 'hi' };
    const accepted = harness.conversations.length;
    await assert.rejects(connectStream({ url, customParameters, signature: null }), (error: unknown) => error instanceof UpgradeRefused && error.status === 403);
    const wrongUrl = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${url}/other`, {});
    await assert.rejects(connectStream({ url, customParameters, signature: wrongUrl }), (error: unknown) => error instanceof UpgradeRefused && error.status === 403);
    await assert.rejects(connectStream({ url, customParameters, authToken: 'another-accounts-token' }), (error: unknown) => error instanceof UpgradeRefused && error.status === 403);
    assert.equal(harness.conversations.length, accepted, 'no connection reached the conversation');
  });
});

describe('without an auth token (development)', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({});
  });
  after(() => harness.close());

  test('unsigned webhooks and streams are accepted', async () => {
    const call = await placeCall({ baseUrl: harness.baseUrl });
    const conversation = await harness.conversation(0);
    assert.equal(conversation.connection.info.providerId, call.callSid);
    await call.hangUp();
  });

  test('CallSid is still required', async () => {
    assert.equal((await postVoiceWebhook({ baseUrl: harness.baseUrl, params: { CallSid: undefined } })).status, 400);
  });
});

describe('behind a public https origin', () => {
  let harness: Harness;
  before(async () => {
    harness = await startHarness({ authToken: AUTH_TOKEN, publicUrl: 'https://voice.example.com' });
  });
  after(() => harness.close());

  test('the webhook is validated against the public URL Twilio called, and the stream URL is wss://', async () => {
    const signedUrl = 'https://voice.example.com/twilio/voice?locale=bn';
    const answer = await postVoiceWebhook({ baseUrl: harness.baseUrl, query: { locale: 'bn' }, authToken: AUTH_TOKEN, signedUrl });
    assert.equal(answer.status, 200);
    const signedForLocal = await postVoiceWebhook({ baseUrl: harness.baseUrl, query: { locale: 'bn' }, authToken: AUTH_TOKEN });
    assert.equal(signedForLocal.status, 403, 'a signature over the local URL is not what Twilio would send');
    assert.equal(answer.stream?.url, 'wss://voice.example.com/twilio/media');
    assert.equal(answer.stream?.parameters.locale, 'bn');
  });

  test('the upgrade is validated against the wss:// URL, not the local one', async () => {
    const local = `${harness.baseUrl.replace('http://', 'ws://')}/twilio/media`;
    const signedUrl = 'wss://voice.example.com/twilio/media';
    const call = await connectStream({ url: local, authToken: AUTH_TOKEN, signedUrl, customParameters: { conversationId: 'conv-y', locale: 'bn' } });
    assert.equal((await harness.conversation(0)).connection.info.conversationId, 'conv-y');
    await call.hangUp();
    const signedLocally = connectStream({ url: local, authToken: AUTH_TOKEN, customParameters: { conversationId: 'conv-z' } });
    await assert.rejects(signedLocally, (error: unknown) => error instanceof UpgradeRefused && error.status === 403);
  });
});

test('TwiML escapes every value it carries', () => {
  const xml = streamTwiml('wss://h/twilio/media', { conversationId: `a&b<c>"d'`, locale: 'hi', from: undefined });
  assert.ok(xml.includes('value="a&amp;b&lt;c&gt;&quot;d&apos;"'));
  assert.ok(!xml.includes('name="from"'), 'absent values are left out');
  assert.deepEqual(parseStreamTwiml(xml)?.parameters, { conversationId: `a&b<c>"d'`, locale: 'hi' });
});

test('a stopped channel turns new calls away with 503 (Twilio then tries the fallback URL)', async () => {
  const harness = await startHarness({ authToken: AUTH_TOKEN });
  try {
    const answer = await postVoiceWebhook({ baseUrl: harness.baseUrl, authToken: AUTH_TOKEN });
    await harness.stopChannel();
    assert.equal((await postVoiceWebhook({ baseUrl: harness.baseUrl, authToken: AUTH_TOKEN })).status, 503);
    const stream = connectStream({ url: answer.stream!.url, authToken: AUTH_TOKEN, customParameters: answer.stream!.parameters });
    await assert.rejects(stream, (error: unknown) => error instanceof UpgradeRefused && error.status === 503);
  } finally {
    await harness.close();
  }
});
