// Replies through the fake Graph API on 127.0.0.1: the wire format Meta documents, the voice note uploaded byte for
// byte and marked as a voice message, the 24-hour window enforced before any request, templates allowed outside it,
// and Meta's errors mapped to what the shared layer does next.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { postWebhook, textWebhook } from '../../../test/fakes/whatsapp-cloud-webhooks.ts';
import { SendError, type IncomingMessage } from '../transport.ts';
import { createCloudTransport, windowKey, WINDOW_MS } from './index.ts';
import { APP_SECRET, PHONE_NUMBER_ID, startCloudHarness, TOKEN, type CloudHarness } from './test-harness.ts';

let harness: CloudHarness;
before(async () => {
  harness = await startCloudHarness();
});
after(() => harness.close());

let nextPhone = 919900000000;
/** A new customer who has just written: their window is open. Returns the chat and the message the sink got. */
async function customerWrites(target: CloudHarness = harness): Promise<{ chat: string; message: IncomingMessage }> {
  const phone = String(++nextPhone);
  const answer = await postWebhook({ baseUrl: target.baseUrl, body: textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'hello', sender: { phone } }), appSecret: APP_SECRET });
  assert.equal(answer.status, 200);
  return { chat: phone, message: target.sink.received.at(-1)! };
}

async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => assert.fail('expected a SendError'),
    (reason: unknown) => reason,
  );
  assert.ok(error instanceof SendError, `expected a SendError, got ${String(error)}`);
  return error;
}

/** One second of a tone as a real Ogg/Opus file, made by ffmpeg rather than by the gateway's own muxer. */
function oggOpusTone(): Uint8Array {
  const run = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-ac', '1', '-c:a', 'libopus', '-f', 'ogg', 'pipe:1'], { maxBuffer: 1 << 24 });
  assert.equal(run.status, 0, run.stderr?.toString());
  return new Uint8Array(run.stdout);
}

/** ffprobe reads a file, not a pipe: the duration of an Ogg stream comes from its last page, which needs a seek. */
function probe(bytes: Uint8Array): { codec: string; channels: number; durationS: number } {
  const dir = mkdtempSync(join(tmpdir(), 'cloud-voice-'));
  const path = join(dir, 'upload.ogg');
  writeFileSync(path, bytes);
  const run = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,channels:format=duration', '-of', 'json', path]);
  rmSync(dir, { recursive: true, force: true });
  assert.equal(run.status, 0, run.stderr?.toString());
  const info = JSON.parse(run.stdout.toString()) as { streams: Array<{ codec_name: string; channels: number }>; format: { duration: string } };
  return { codec: info.streams[0]!.codec_name, channels: info.streams[0]!.channels, durationS: Number(info.format.duration) };
}

describe('replies inside the window', () => {
  test('a text reply is POSTed to /{phone-number-id}/messages in Meta\'s format with the bearer token', async () => {
    const { chat } = await customerWrites();
    await harness.cloud.transport.sendText(chat, 'Yes, in blue and green.');
    assert.deepEqual(harness.graph.messages.at(-1), {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: chat,
      type: 'text',
      text: { body: 'Yes, in blue and green.', preview_url: false },
    });
    const request = harness.graph.requests.at(-1)!;
    assert.equal(request.path, `/v23.0/${PHONE_NUMBER_ID}/messages`);
    assert.equal(request.authorization, `Bearer ${TOKEN}`);
  });

  test('a voice note is uploaded as multipart (the bytes unchanged, playable Opus) and sent as a voice message', async () => {
    const { chat } = await customerWrites();
    const ogg = oggOpusTone();
    await harness.cloud.transport.sendVoiceNote(chat, { ogg, seconds: 1, waveform: new Uint8Array(64) });
    const upload = harness.graph.uploads.at(-1)!;
    assert.deepEqual(Buffer.from(upload.bytes), Buffer.from(ogg), 'the uploaded bytes are the ones given');
    assert.equal(upload.fields?.messaging_product, 'whatsapp');
    assert.equal(upload.fields?.type, 'audio/ogg');
    assert.match(harness.graph.requests.find((r) => r.path.endsWith('/media'))?.contentType ?? '', /^multipart\/form-data; boundary=/);
    const probed = probe(upload.bytes);
    assert.equal(probed.codec, 'opus');
    assert.equal(probed.channels, 1);
    assert.ok(Math.abs(probed.durationS - 1) < 0.05, `duration ${probed.durationS} s`);
    assert.deepEqual(harness.graph.messages.at(-1), {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: chat,
      type: 'audio',
      audio: { id: upload.id, voice: true },
    });
  });

  test('a file that is not Ogg is refused before anything is uploaded', async () => {
    const { chat } = await customerWrites();
    const uploads = harness.graph.uploads.length;
    const error = await sendError(harness.cloud.transport.sendVoiceNote(chat, { ogg: new TextEncoder().encode('RIFF....WAVEfmt '), seconds: 1, waveform: new Uint8Array(64) }));
    assert.equal(error.kind, 'rejected');
    assert.match(error.message, /Ogg/);
    assert.equal(harness.graph.uploads.length, uploads);
  });

  test('an empty text or one past 4096 characters is refused without a request', async () => {
    const { chat } = await customerWrites();
    const requests = harness.graph.requests.length;
    assert.equal((await sendError(harness.cloud.transport.sendText(chat, '  '))).kind, 'rejected');
    const long = await sendError(harness.cloud.transport.sendText(chat, 'x'.repeat(4097)));
    assert.equal(long.kind, 'rejected');
    assert.match(long.message, /4096/);
    assert.equal(harness.graph.requests.length, requests);
  });

  test('a customer known only by a user id is sent to through `recipient`', async () => {
    const answer = await postWebhook({ baseUrl: harness.baseUrl, body: textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'hi', sender: { userId: 'IN.1410018717833190' } }), appSecret: APP_SECRET });
    assert.equal(answer.status, 200);
    await harness.cloud.transport.sendText('IN.1410018717833190', 'Hello!');
    const sent = harness.graph.messages.at(-1)!;
    assert.equal(sent.recipient, 'IN.1410018717833190');
    assert.equal(sent.to, undefined);
  });
});

describe('the 24-hour window', () => {
  test('a free-form reply to a chat that never wrote fails with kind window, without a request to Meta', async () => {
    const requests = harness.graph.requests.length;
    const text = await sendError(harness.cloud.transport.sendText('919811111111', 'hello?'));
    assert.equal(text.kind, 'window');
    assert.match(text.message, /template/);
    const note = await sendError(harness.cloud.transport.sendVoiceNote('919811111111', { ogg: oggOpusTone(), seconds: 1, waveform: new Uint8Array(64) }));
    assert.equal(note.kind, 'window');
    assert.equal(harness.graph.requests.length, requests, 'neither an upload nor a send was attempted');
  });

  test('a window opened more than 24 hours ago is closed', async () => {
    const chat = '919822222222';
    await harness.store.set(windowKey(chat), String(Date.now() - WINDOW_MS - 60_000));
    assert.equal((await sendError(harness.cloud.transport.sendText(chat, 'late'))).kind, 'window');
    await harness.store.set(windowKey(chat), String(Date.now() - WINDOW_MS + 60_000));
    await harness.cloud.transport.sendText(chat, 'just in time');
    assert.equal((harness.graph.messages.at(-1)!.text as { body: string }).body, 'just in time');
  });

  test('a template goes out to a chat outside the window, with body parameters as text', async () => {
    const id = await harness.cloud.sendTemplate('919833333333', { name: 'order_follow_up', language: 'pt-BR', parameters: ['Asha', '#4512'] });
    assert.match(id, /^wamid\./);
    assert.deepEqual(harness.graph.messages.at(-1), {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '919833333333',
      type: 'template',
      template: {
        name: 'order_follow_up',
        language: { code: 'pt_BR' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Asha' }, { type: 'text', text: '#4512' }] }],
      },
    });
  });

  test('a template without parameters has no components; a bad name is refused locally', async () => {
    await harness.cloud.sendTemplate('919833333333', { name: 'hello_world', language: 'en_US' });
    assert.deepEqual(harness.graph.messages.at(-1)!.template, { name: 'hello_world', language: { code: 'en_US' } });
    const requests = harness.graph.requests.length;
    assert.equal((await sendError(harness.cloud.sendTemplate('919833333333', { name: 'Hello World!', language: 'en_US' }))).kind, 'rejected');
    assert.equal(harness.graph.requests.length, requests);
  });

  test('Meta\'s 131047 (re-engagement) maps to window, with Meta\'s message kept', async () => {
    const { chat } = await customerWrites();
    harness.graph.failNext('messages', { status: 400, code: 131047, message: 'Re-engagement message', details: 'More than 24 hours have passed since the recipient last replied.' });
    const error = await sendError(harness.cloud.transport.sendText(chat, 'hi'));
    assert.equal(error.kind, 'window');
    assert.match(error.message, /template/);
    assert.match(error.message, /131047: \(#131047\) Re-engagement message - More than 24 hours/);
  });
});

describe('Meta\'s errors', () => {
  const cases: Array<[string, { status: number; code: number }, SendError['kind']]> = [
    ['HTTP 429 throughput limit', { status: 429, code: 130429 }, 'retryable'],
    ['pair rate limit 131056', { status: 400, code: 131056 }, 'retryable'],
    ['5xx with an unknown code', { status: 503, code: 999999 }, 'retryable'],
    ['131026 undeliverable', { status: 400, code: 131026 }, 'rejected'],
    ['131051 unsupported type', { status: 400, code: 131051 }, 'rejected'],
    ['100 invalid parameter', { status: 400, code: 100 }, 'rejected'],
    ['368 blocked for policy violations', { status: 403, code: 368 }, 'banned'],
  ];
  for (const [name, failure, kind] of cases) {
    test(`${name} -> ${kind}, with Meta's message and the HTTP status`, async () => {
      const { chat } = await customerWrites();
      harness.graph.failNext('messages', { ...failure, message: `${name} as Meta says it` });
      const error = await sendError(harness.cloud.transport.sendText(chat, 'hi'));
      assert.equal(error.kind, kind);
      assert.equal(error.status, failure.status);
      assert.match(error.message, new RegExp(`${name} as Meta says it`));
    });
  }

  test('a failed upload fails the voice note and nothing is sent', async () => {
    const { chat } = await customerWrites();
    const sent = harness.graph.messages.length;
    harness.graph.failNext('media-upload', { status: 500, code: 131016, message: 'Service unavailable' });
    assert.equal((await sendError(harness.cloud.transport.sendVoiceNote(chat, { ogg: oggOpusTone(), seconds: 1, waveform: new Uint8Array(64) }))).kind, 'retryable');
    assert.equal(harness.graph.messages.length, sent);
  });

  test('a refused token is rejected, raises an operator alert, and never appears in the logs', async () => {
    const other = await startCloudHarness({ transport: { token: 'EAAexpiredTOKENvalue987' } });
    try {
      const { chat } = await customerWrites(other);
      const error = await sendError(other.cloud.transport.sendText(chat, 'hi'));
      assert.equal(error.kind, 'rejected');
      assert.equal(error.status, 401);
      assert.deepEqual(other.sink.alerts.map((a) => [a.kind, a.detail.code]), [['cloud_token_refused', 190]]);
      await other.cloud.transport.markRead(other.sink.received.at(-1)!);
      assert.equal(other.sink.alerts.length, 1, 'one alert, not one per failing request');
      assert.doesNotMatch(other.log.text(), /EAAexpiredTOKENvalue987/);
      assert.doesNotMatch(error.message, /EAAexpiredTOKENvalue987/);
    } finally {
      await other.close();
    }
  });

  test('Meta not answering in time is retryable, and so is Meta being unreachable', async () => {
    const silent: Server = createServer(() => undefined);
    const port = await new Promise<number>((resolve) => silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)));
    const hung = await startCloudHarness({ transport: { apiUrl: `http://127.0.0.1:${port}/v23.0`, timeoutMs: 200 } });
    try {
      const { chat } = await customerWrites(hung);
      const timedOut = await sendError(hung.cloud.transport.sendText(chat, 'hi'));
      assert.equal(timedOut.kind, 'retryable');
      assert.match(timedOut.message, /did not answer within 200 ms/);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
    try {
      const { chat } = await customerWrites(hung);
      const refused = await sendError(hung.cloud.transport.sendText(chat, 'hi'));
      assert.equal(refused.kind, 'retryable');
      assert.match(refused.message, /could not reach Meta \(ECONNREFUSED\)/);
    } finally {
      await hung.close();
    }
  });
});

describe('read receipts and typing', () => {
  test('markRead sends a read status for the message', async () => {
    const { message } = await customerWrites();
    await harness.cloud.transport.markRead(message);
    assert.deepEqual(harness.graph.messages.at(-1), { messaging_product: 'whatsapp', status: 'read', message_id: message.id });
  });

  test('composing shows the typing indicator on the chat\'s last inbound message', async () => {
    const { chat } = await customerWrites();
    const later = await postWebhook({ baseUrl: harness.baseUrl, body: textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'and another thing', sender: { phone: chat } }), appSecret: APP_SECRET });
    assert.equal(later.status, 200);
    const last = harness.sink.received.at(-1)!;
    await harness.cloud.transport.setPresence(chat, 'composing');
    assert.deepEqual(harness.graph.messages.at(-1), { messaging_product: 'whatsapp', status: 'read', message_id: last.id, typing_indicator: { type: 'text' } });
  });

  test('recording and paused have no Cloud API equivalent, and a chat with no inbound message gets no indicator', async () => {
    const { chat } = await customerWrites();
    const requests = harness.graph.requests.length;
    await harness.cloud.transport.setPresence(chat, 'recording');
    await harness.cloud.transport.setPresence(chat, 'paused');
    await harness.cloud.transport.setPresence('919844444444', 'composing');
    assert.equal(harness.graph.requests.length, requests);
  });

  test('a failing read receipt or indicator is logged, never thrown', async () => {
    const { chat, message } = await customerWrites();
    harness.graph.failNext('messages', { status: 500, code: 1, message: 'An unknown error occurred' });
    await harness.cloud.transport.markRead(message);
    harness.graph.failNext('messages', { status: 500, code: 1, message: 'An unknown error occurred' });
    await harness.cloud.transport.setPresence(chat, 'composing');
    assert.equal(harness.log.lines.filter((l) => l.level === 'warn' && /(read receipt|typing indicator) failed/.test(l.message)).length, 2);
  });
});

describe('base URL', () => {
  test('a base URL with a path prefix keeps it for every call', async () => {
    const proxied = await startCloudHarness({ graphPrefix: '/proxy/graph/v23.0' });
    try {
      const { chat, message } = await customerWrites(proxied);
      await proxied.cloud.transport.sendText(chat, 'via the proxy');
      await proxied.cloud.transport.sendVoiceNote(chat, { ogg: oggOpusTone(), seconds: 1, waveform: new Uint8Array(64) });
      await proxied.cloud.transport.markRead(message);
      const paths = proxied.graph.requests.map((r) => r.path);
      assert.deepEqual(paths, [
        `/proxy/graph/v23.0/${PHONE_NUMBER_ID}/messages`,
        `/proxy/graph/v23.0/${PHONE_NUMBER_ID}/media`,
        `/proxy/graph/v23.0/${PHONE_NUMBER_ID}/messages`,
        `/proxy/graph/v23.0/${PHONE_NUMBER_ID}/messages`,
      ]);
      assert.equal(proxied.graph.messages.length, 3);
    } finally {
      await proxied.close();
    }
  });

  test('a trailing slash on the base URL changes nothing, and a base that is not a URL fails at creation', async () => {
    const target = await startCloudHarness({ graphPrefix: '/graph/v23.0' });
    const slashed = await startCloudHarness({ transport: { apiUrl: `${target.graph.apiUrl}/` } });
    try {
      const { chat } = await customerWrites(slashed);
      await slashed.cloud.transport.sendText(chat, 'hi');
      assert.deepEqual(target.graph.requests.map((r) => r.path), [`/graph/v23.0/${PHONE_NUMBER_ID}/messages`]);
    } finally {
      await slashed.close();
      await target.close();
    }
    const options = { token: TOKEN, appSecret: APP_SECRET, verifyToken: 'v', phoneNumberId: PHONE_NUMBER_ID, store: harness.store, log: harness.log };
    assert.throws(() => createCloudTransport({ ...options, apiUrl: 'graph.facebook.com/v23.0' }), /is not a URL/);
    assert.throws(() => createCloudTransport({ ...options, apiUrl: 'https://graph.facebook.com/v23.0?key=1' }), /query/);
    assert.throws(() => createCloudTransport({ ...options, apiUrl: 'ftp://graph.facebook.com/v23.0' }), /http\(s\)/);
    assert.throws(() => createCloudTransport({ ...options, token: ' ' }), /needs token/);
  });
});
