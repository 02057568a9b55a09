// The webhook over real HTTP on 127.0.0.1: only Meta-signed notifications get in, malformed ones get a 400 that says
// why, every message reaches the sink in the shape the shared layer expects, and Meta gets a 500 (so it retries)
// when a message could not be stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  audioWebhook,
  imageWebhook,
  messageWebhook,
  notification,
  postWebhook,
  signBody,
  statusWebhook,
  textWebhook,
  verifyWebhook,
  wamid,
} from '../../../test/fakes/whatsapp-cloud-webhooks.ts';
import type { CloudRawMessage } from './index.ts';
import { windowKey } from './index.ts';
import { APP_SECRET, PHONE_NUMBER_ID, startCloudHarness, VERIFY_TOKEN, type CloudHarness } from './test-harness.ts';

let harness: CloudHarness;
before(async () => {
  harness = await startCloudHarness();
});
after(() => harness.close());

const signed = (body: Record<string, unknown> | string) => postWebhook({ baseUrl: harness.baseUrl, body, appSecret: APP_SECRET });

describe('subscription handshake', () => {
  test('the right verify token gets the challenge back as the body', async () => {
    const answer = await verifyWebhook({ baseUrl: harness.baseUrl, mode: 'subscribe', verifyToken: VERIFY_TOKEN, challenge: '1158201444' });
    assert.deepEqual(answer, { status: 200, body: '1158201444' });
  });

  test('a wrong verify token, a wrong mode or no token is refused with 403', async () => {
    for (const query of [
      { mode: 'subscribe', verifyToken: 'guess', challenge: '1' },
      { mode: 'subscribe', verifyToken: `${VERIFY_TOKEN}x`, challenge: '1' },
      { mode: 'unsubscribe', verifyToken: VERIFY_TOKEN, challenge: '1' },
      { mode: 'subscribe', challenge: '1' },
    ]) {
      const answer = await verifyWebhook({ baseUrl: harness.baseUrl, ...query });
      assert.equal(answer.status, 403, JSON.stringify(query));
      assert.doesNotMatch(answer.body, /^1$/);
    }
  });

  test('the right token without a challenge is a 400', async () => {
    assert.equal((await verifyWebhook({ baseUrl: harness.baseUrl, mode: 'subscribe', verifyToken: VERIFY_TOKEN })).status, 400);
  });
});

describe('signature', () => {
  test('a signed notification is accepted and reaches the sink', async () => {
    const before = harness.sink.received.length;
    const answer = await signed(textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'hello' }));
    assert.equal(answer.status, 200);
    assert.equal(harness.sink.received.length, before + 1);
  });

  test('missing, wrong, non-hex, or covering another body: 403, the sink is never called, the refusal is logged', async () => {
    const body = JSON.stringify(textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'forged' }));
    const otherBody = JSON.stringify(textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'the original' }));
    const cases: Array<[string, string | null]> = [
      ['missing', null],
      ['another secret', signBody('not-the-app-secret', body)],
      ['another body', signBody(APP_SECRET, otherBody)],
      ['not hex', `sha256=${'zz'.repeat(32)}`],
      ['too short', signBody(APP_SECRET, body).slice(0, 40)],
      ['sha1 instead', `sha1=${'ab'.repeat(20)}`],
      ['bare hex without sha256=', signBody(APP_SECRET, body).slice('sha256='.length)],
    ];
    const received = harness.sink.received.length;
    for (const [name, signature] of cases) {
      const logged = harness.log.lines.length;
      const answer = await postWebhook({ baseUrl: harness.baseUrl, body, signature });
      assert.equal(answer.status, 403, name);
      const refusal = harness.log.lines.slice(logged).find((line) => line.level === 'warn' && /refused webhook/.test(line.message));
      assert.ok(refusal, `${name}: the refusal is logged`);
      assert.match(String(refusal.fields.remoteAddress), /127\.0\.0\.1/, `${name}: with the remote address`);
    }
    assert.equal(harness.sink.received.length, received, 'nothing unsigned reached the sink');
  });

  test('the body of an unsigned request is never parsed: broken JSON gets 403, not 400', async () => {
    const answer = await postWebhook({ baseUrl: harness.baseUrl, body: '{"object": ', signature: `sha256=${'00'.repeat(32)}` });
    assert.equal(answer.status, 403);
  });

  test('the signature covers the bytes as sent, not a re-serialisation', async () => {
    // Same JSON value, other spacing and escapes: only the exact bytes' signature passes.
    const compact = textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'नमस्ते' });
    const spaced = JSON.stringify(compact, null, 2).replace('नमस्ते', '\\u0928\\u092e\\u0938\\u094d\\u0924\\u0947');
    assert.equal((await signed(spaced)).status, 200);
    assert.deepEqual(harness.sink.received.at(-1)?.content, { kind: 'text', text: 'नमस्ते' });
    const answer = await postWebhook({ baseUrl: harness.baseUrl, body: spaced, signature: signBody(APP_SECRET, JSON.stringify(compact)) });
    assert.equal(answer.status, 403);
  });
});

describe('malformed notifications', () => {
  test('a body that is not JSON is a 400 that says so, and is logged', async () => {
    const logged = harness.log.lines.length;
    const answer = await signed('{"object": "whatsapp_business_account", "entry": [');
    assert.equal(answer.status, 400);
    assert.match(answer.body, /not JSON/);
    assert.ok(harness.log.lines.slice(logged).some((line) => line.level === 'warn' && /malformed/.test(line.message)));
  });

  test('a body of the wrong shape is a 400 naming the field', async () => {
    const noEntries = await signed({ object: 'whatsapp_business_account', entry: 'none' });
    assert.equal(noEntries.status, 400);
    assert.match(noEntries.body, /body\.entry/);

    // A message of the wrong shape is logged with the field it lacks; with no sender it cannot be kept or answered.
    const logged = harness.log.lines.length;
    const before = harness.sink.received.length;
    const noSender = notification(PHONE_NUMBER_ID, { messages: [{ id: wamid(), timestamp: '1749416383', type: 'text', text: { body: 'hi' } }] });
    assert.equal((await signed(noSender)).status, 200);
    assert.equal(harness.sink.received.length, before);
    const warning = harness.log.lines.slice(logged).find((line) => line.level === 'warn' && /malformed WhatsApp message/.test(line.message));
    assert.match(String(warning?.fields.problem), /messages\[0\]/);
  });

  test('a malformed message in a batch costs only itself: the others are handed on, it is kept as unsupported', async () => {
    const good = textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'first' }) as { entry: Array<{ changes: unknown[] }> };
    const bad = messageWebhook({ phoneNumberId: PHONE_NUMBER_ID, sender: { phone: '5511900000001' } }, 'audio', {}) as { entry: Array<{ changes: unknown[] }> };
    good.entry[0]!.changes.push(bad.entry[0]!.changes[0]);
    const before = harness.sink.received.length;
    assert.equal((await signed(good)).status, 200, 'Meta must not redeliver the good messages for days');
    const received = harness.sink.received.slice(before);
    assert.deepEqual(received.map((message) => message.content), [
      { kind: 'text', text: 'first' },
      { kind: 'unsupported', type: 'malformed_audio' },
    ]);
    assert.equal(received[1]!.chat, '5511900000001');
  });
});

describe('messages', () => {
  test('a text message arrives with its id, chat, phone, name, time and raw JSON', async () => {
    const id = wamid();
    const answer = await signed(textWebhook({ phoneNumberId: PHONE_NUMBER_ID, id, timestamp: 1749416383, body: 'Does it come in another colour?', sender: { phone: '919812345678', name: 'Asha Rao' } }));
    assert.equal(answer.status, 200);
    const message = harness.sink.received.at(-1)!;
    assert.deepEqual({ ...message, raw: undefined }, {
      transport: 'cloud',
      id,
      chat: '919812345678',
      phone: '+919812345678',
      pushName: 'Asha Rao',
      timestamp: 1749416383,
      content: { kind: 'text', text: 'Does it come in another colour?' },
      raw: undefined,
    });
    const raw = JSON.parse(message.raw) as CloudRawMessage;
    assert.equal(raw.message.id, id);
    assert.equal(raw.message.text?.body, 'Does it come in another colour?');
    assert.equal(raw.contact?.profile?.name, 'Asha Rao');
  });

  test('a voice note is audio with ptt; an attached audio file is audio without', async () => {
    await signed(audioWebhook({ phoneNumberId: PHONE_NUMBER_ID, mediaId: '1013859600285441', voice: true }));
    assert.deepEqual(harness.sink.received.at(-1)!.content, { kind: 'audio', mimeType: 'audio/ogg; codecs=opus', ptt: true });
    await signed(audioWebhook({ phoneNumberId: PHONE_NUMBER_ID, mediaId: '1013859600285442', voice: false, mimeType: 'audio/mpeg' }));
    assert.deepEqual(harness.sink.received.at(-1)!.content, { kind: 'audio', mimeType: 'audio/mpeg', ptt: false });
  });

  test('images, stickers, reactions and types nobody has heard of are unsupported with their type', async () => {
    await signed(imageWebhook({ phoneNumberId: PHONE_NUMBER_ID }));
    assert.deepEqual(harness.sink.received.at(-1)!.content, { kind: 'unsupported', type: 'image' });
    await signed(messageWebhook({ phoneNumberId: PHONE_NUMBER_ID }, 'sticker', { sticker: { mime_type: 'image/webp', sha256: 'c2hh', id: '2210048499357702', animated: false } }));
    assert.deepEqual(harness.sink.received.at(-1)!.content, { kind: 'unsupported', type: 'sticker' });
    await signed(messageWebhook({ phoneNumberId: PHONE_NUMBER_ID }, 'reaction', { reaction: { message_id: wamid(), emoji: '👍' } }));
    assert.deepEqual(harness.sink.received.at(-1)!.content, { kind: 'unsupported', type: 'reaction' });
    await signed(messageWebhook({ phoneNumberId: PHONE_NUMBER_ID }, 'interactive', { interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Yes' } } }));
    assert.deepEqual(harness.sink.received.at(-1)!.content, { kind: 'unsupported', type: 'interactive' });
    const answer = await signed(messageWebhook({ phoneNumberId: PHONE_NUMBER_ID }, 'hologram', { hologram: { frames: 3 } }));
    assert.equal(answer.status, 200);
    assert.deepEqual(harness.sink.received.at(-1)!.content, { kind: 'unsupported', type: 'hologram' });
  });

  test('a customer known only by a user id (usernames) is addressed by it and has no phone', async () => {
    await signed(textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'hi', sender: { userId: 'IN.1410018717833190', name: 'Ravi' } }));
    const message = harness.sink.received.at(-1)!;
    assert.equal(message.chat, 'IN.1410018717833190');
    assert.equal(message.phone, undefined);
    assert.equal(message.pushName, 'Ravi');
  });

  test('several messages in one notification arrive in order', async () => {
    const first = textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'one' }) as { entry: Array<{ changes: Array<{ value: { messages: unknown[] } }> }> };
    const second = textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'two' }) as typeof first;
    first.entry[0]!.changes[0]!.value.messages.push(second.entry[0]!.changes[0]!.value.messages[0]);
    await signed(first);
    assert.deepEqual(harness.sink.received.slice(-2).map((m) => m.content), [{ kind: 'text', text: 'one' }, { kind: 'text', text: 'two' }]);
  });

  test('an inbound message opens the chat\'s 24-hour window in the store', async () => {
    const phone = '919800000001';
    assert.equal(await harness.cloud.isWindowOpen(phone), false);
    const sentAt = Math.floor(Date.now() / 1000) - 60;
    await signed(textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'hi', timestamp: sentAt, sender: { phone } }));
    assert.equal(await harness.store.get(windowKey(phone)), String(sentAt * 1000));
    assert.equal(await harness.cloud.isWindowOpen(phone), true);
  });

  test('messages for another phone number id of the same app are not ours: 200, nothing handed on', async () => {
    const before = harness.sink.received.length;
    assert.equal((await signed(textWebhook({ phoneNumberId: '999999999999999', body: 'for the other number' }))).status, 200);
    assert.equal(harness.sink.received.length, before);
  });
});

describe('statuses and failures', () => {
  test('sent, delivered, read and played statuses are acknowledged and handed to nobody', async () => {
    const before = harness.sink.received.length;
    for (const status of ['sent', 'delivered', 'read', 'played'] as const) {
      assert.equal((await signed(statusWebhook({ phoneNumberId: PHONE_NUMBER_ID, status }))).status, 200);
    }
    assert.equal(harness.sink.received.length, before);
  });

  test('a failed status is logged with its error code', async () => {
    const logged = harness.log.lines.length;
    assert.equal((await signed(statusWebhook({ phoneNumberId: PHONE_NUMBER_ID, status: 'failed', errorCode: 131047 }))).status, 200);
    const line = harness.log.lines.slice(logged).find((l) => l.level === 'warn');
    assert.equal(line?.fields.code, 131047);
  });

  test('when the message cannot be stored Meta gets a 500, and the redelivery goes through', async () => {
    const body = textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'store is down' });
    harness.sink.failing = new Error('store unreachable');
    try {
      const answer = await signed(body);
      assert.equal(answer.status, 500);
    } finally {
      harness.sink.failing = undefined;
    }
    assert.equal((await signed(body)).status, 200);
    assert.deepEqual(harness.sink.received.at(-1)!.content, { kind: 'text', text: 'store is down' });
  });

  test('a notification for another object type is acknowledged and ignored', async () => {
    const before = harness.sink.received.length;
    assert.equal((await signed({ object: 'page', entry: [{ id: '1', changes: [{ field: 'feed', value: {} }] }] })).status, 200);
    assert.equal(harness.sink.received.length, before);
  });
});

describe('stopping', () => {
  test('once stopped, signed notifications get 503 (Meta redelivers later) and nothing is handed on', async () => {
    const draining = await startCloudHarness();
    try {
      draining.cloud.stop();
      const answer = await postWebhook({ baseUrl: draining.baseUrl, body: textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'during the drain' }), appSecret: APP_SECRET });
      assert.equal(answer.status, 503);
      assert.equal(draining.sink.received.length, 0);
      const unsigned = await postWebhook({ baseUrl: draining.baseUrl, body: textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'x' }), signature: null });
      assert.equal(unsigned.status, 403, 'strangers still get 403');
    } finally {
      await draining.close();
    }
  });
});
