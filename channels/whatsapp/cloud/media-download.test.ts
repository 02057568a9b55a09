// Downloading a customer's voice note through the fake Graph API: metadata first, then the URL it gives, both with the
// bearer token; the bytes checked against Meta's SHA-256 and held to the size cap.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { audioWebhook, postWebhook, textWebhook } from '../../../test/fakes/whatsapp-cloud-webhooks.ts';
import type { IncomingMessage } from '../transport.ts';
import { APP_SECRET, PHONE_NUMBER_ID, startCloudHarness, TOKEN, type CloudHarness } from './test-harness.ts';

let harness: CloudHarness;
before(async () => {
  harness = await startCloudHarness({ transport: { maxMediaBytes: 64 * 1024 } });
});
after(() => harness.close());

/** The message the shared layer would hold after a customer sent this media as a voice note. */
async function voiceNoteFor(mediaId: string): Promise<IncomingMessage> {
  const answer = await postWebhook({ baseUrl: harness.baseUrl, body: audioWebhook({ phoneNumberId: PHONE_NUMBER_ID, mediaId }), appSecret: APP_SECRET });
  assert.equal(answer.status, 200);
  return harness.sink.received.at(-1)!;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => assert.fail('expected the download to fail'),
    (error: unknown) => error as Error,
  );
}

describe('voice note download', () => {
  test('the bytes come back exactly, through GET /{media-id} and then the URL it gives, both with the bearer token', async () => {
    const bytes = randomBytes(20_000);
    const mediaId = harness.graph.addMedia(bytes, 'audio/ogg; codecs=opus');
    const message = await voiceNoteFor(mediaId);
    const before = harness.graph.requests.length;
    const downloaded = await harness.cloud.transport.downloadAudio(message);
    assert.deepEqual(Buffer.from(downloaded), bytes);
    const [lookup, download] = harness.graph.requests.slice(before);
    assert.equal(lookup?.path, `/v23.0/${mediaId}`);
    assert.equal(lookup?.authorization, `Bearer ${TOKEN}`);
    assert.match(download?.path ?? '', new RegExp(`^/whatsapp_business/attachments/\\?mid=${mediaId}&`));
    assert.equal(download?.authorization, `Bearer ${TOKEN}`);
  });

  test('the download still works from the message as stored (raw JSON only), as after a restart', async () => {
    const bytes = randomBytes(1000);
    const message = await voiceNoteFor(harness.graph.addMedia(bytes, 'audio/ogg; codecs=opus'));
    const restored = JSON.parse(JSON.stringify(message)) as IncomingMessage;
    assert.deepEqual(Buffer.from(await harness.cloud.transport.downloadAudio(restored)), bytes);
  });

  test('bytes that do not match Meta\'s SHA-256 are refused', async () => {
    const mediaId = harness.graph.addMedia(randomBytes(2000), 'audio/ogg', { sha256: randomBytes(32).toString('hex') });
    const error = await failure(harness.cloud.transport.downloadAudio(await voiceNoteFor(mediaId)));
    assert.match(error.message, new RegExp(`media ${mediaId}: the downloaded bytes do not match the SHA-256`));
  });

  test('a file_size over the cap is refused before the download starts', async () => {
    const mediaId = harness.graph.addMedia(randomBytes(100), 'audio/ogg', { fileSize: String(10 * 1024 * 1024) });
    const message = await voiceNoteFor(mediaId);
    const before = harness.graph.requests.length;
    const error = await failure(harness.cloud.transport.downloadAudio(message));
    assert.match(error.message, /10485760 bytes, over the 65536-byte limit/);
    assert.equal(harness.graph.requests.slice(before).filter((r) => r.path.startsWith('/whatsapp_business/')).length, 0);
  });

  test('a file larger than its declared size is still cut off at the cap', async () => {
    const mediaId = harness.graph.addMedia(randomBytes(100 * 1024), 'audio/ogg', { fileSize: 1000 });
    const error = await failure(harness.cloud.transport.downloadAudio(await voiceNoteFor(mediaId)));
    assert.match(error.message, /over the 65536-byte limit/);
  });

  test('a media id Meta does not know fails with Meta\'s explanation', async () => {
    const error = await failure(harness.cloud.transport.downloadAudio(await voiceNoteFor('1234567890123456')));
    assert.match(error.message, /media 1234567890123456 lookup failed with HTTP 400/);
    assert.match(error.message, /does not exist/);
  });

  test('a failing download URL fails with its status', async () => {
    const mediaId = harness.graph.addMedia(randomBytes(100), 'audio/ogg');
    harness.graph.failNext('media-download', { status: 404, code: 100, message: 'URL expired' });
    const error = await failure(harness.cloud.transport.downloadAudio(await voiceNoteFor(mediaId)));
    assert.match(error.message, /media \d+ download failed with HTTP 404/);
  });

  test('asking for the audio of a text message, or of a media id that is not one, fails clearly without a request', async () => {
    const answer = await postWebhook({ baseUrl: harness.baseUrl, body: textWebhook({ phoneNumberId: PHONE_NUMBER_ID, body: 'hi' }), appSecret: APP_SECRET });
    assert.equal(answer.status, 200);
    const before = harness.graph.requests.length;
    assert.match((await failure(harness.cloud.transport.downloadAudio(harness.sink.received.at(-1)!))).message, /is text, not audio/);
    const traversal = await voiceNoteFor('..');
    assert.match((await failure(harness.cloud.transport.downloadAudio(traversal))).message, /not a WhatsApp media id/);
    assert.equal(harness.graph.requests.length, before);
  });
});
