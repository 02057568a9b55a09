// A voice note's media round trip with Baileys' own encryption: an Ogg/Opus file encrypted by encryptedStream is
// served from a local HTTP server, and downloadAudio must give the original bytes back, asking the sender's phone to
// upload it again when the server says the file expired. Baileys builds https://<host><directPath> whenever
// directPath is set, so the message points at the plain-HTTP test server through `url` only.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { encryptedStream } from '@whiskeysockets/baileys';
import type { WAMessage } from '@whiskeysockets/baileys';
import { waitUntil } from '../../../test/wait.ts';
import type { IncomingMessage } from '../transport.ts';
import { received, text } from './message-fixtures.ts';
import { startHarness, type Harness } from './test-kit.ts';

interface MediaServer {
  readonly base: string;
  /** Status answered per path until it is changed; paths not listed get the encrypted file. */
  readonly statuses: Map<string, number[]>;
  readonly requests: string[];
  close(): Promise<void>;
}

async function serveEncrypted(encrypted: Buffer): Promise<MediaServer> {
  const statuses = new Map<string, number[]>();
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    const status = statuses.get(path)?.shift();
    if (status !== undefined && status !== 200) {
      response.writeHead(status).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': encrypted.length }).end(encrypted);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, statuses, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('downloading a voice note', () => {
  let ogg: Buffer;
  let media: Awaited<ReturnType<typeof encryptedStream>>;
  let server: MediaServer;
  let h: Harness;

  before(async () => {
    ogg = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1.5', '-ac', '1', '-c:a', 'libopus', '-b:a', '24k', '-f', 'ogg', 'pipe:1']);
    media = await encryptedStream(ogg, 'audio');
    const encrypted = await readFile(media.encFilePath);
    await unlink(media.encFilePath);
    server = await serveEncrypted(encrypted);
    h = await startHarness();
    h.sockets.latest.open();
  });
  after(async () => {
    await h.handle.stop();
    await server.close();
  });

  /** A voice note as the transport hands it to the shared layer, with its media at `path` on the test server. */
  async function voiceNoteAt(id: string, path: string, overrides: { fileSha256?: Buffer } = {}): Promise<IncomingMessage> {
    const before = h.sink.received.length;
    h.sockets.latest.upsert([
      received({
        id,
        message: {
          audioMessage: {
            url: `${server.base}${path}`,
            mimetype: 'audio/ogg; codecs=opus',
            fileSha256: overrides.fileSha256 ?? media.fileSha256,
            fileEncSha256: media.fileEncSha256,
            fileLength: media.fileLength,
            mediaKey: media.mediaKey,
            seconds: 2,
            ptt: true,
            mediaKeyTimestamp: 1_750_000_000,
          },
        },
      }),
    ]);
    await waitUntil(h.changes, () => h.sink.received.length > before, `voice note ${id}`);
    return h.sink.received.at(-1)!;
  }

  /** The phone uploads the file again: Baileys points the message's media at the new copy. */
  function reuploadTo(path: string): void {
    h.sockets.latest.reupload = (message: WAMessage) => {
      message.message!.audioMessage!.url = `${server.base}${path}`;
      return message;
    };
  }

  test('the original Ogg bytes come back, decrypted', async () => {
    const note = await voiceNoteAt('D1', '/d1.enc');
    const bytes = await h.handle.transport.downloadAudio(note);
    assert.ok(Buffer.from(bytes).equals(ogg));
    assert.equal(Buffer.from(bytes.subarray(0, 4)).toString('latin1'), 'OggS');
  });

  test('an expired file (410) is uploaded again by the phone on request, and the retry gets it', async () => {
    const note = await voiceNoteAt('D2', '/expired.enc');
    server.statuses.set('/expired.enc', [410]);
    reuploadTo('/reuploaded.enc');
    const reuploadsBefore = h.sockets.latest.reuploads.length;
    const bytes = await h.handle.transport.downloadAudio(note);
    assert.ok(Buffer.from(bytes).equals(ogg));
    const asked = h.sockets.latest.reuploads.slice(reuploadsBefore);
    assert.equal(asked.length, 1, 'one re-upload request');
    assert.equal(asked[0]!.key.id, 'D2');
    assert.ok(Buffer.from(asked[0]!.message!.audioMessage!.mediaKey!).equals(media.mediaKey), 'the request carries the media key as bytes');
    assert.deepEqual(server.requests.filter((path) => path === '/expired.enc' || path === '/reuploaded.enc'), ['/expired.enc', '/reuploaded.enc']);
  });

  test('a file still missing after the re-upload fails with a clear error, after a single retry', async () => {
    const note = await voiceNoteAt('D3', '/gone.enc');
    server.statuses.set('/gone.enc', [404]);
    server.statuses.set('/still-gone.enc', [404]);
    reuploadTo('/still-gone.enc');
    await assert.rejects(h.handle.transport.downloadAudio(note), /audio of message D3 could not be downloaded after the sender re-uploaded it \(404\)/);
    assert.equal(server.requests.filter((path) => path === '/still-gone.enc').length, 1);
  });

  test('a phone that cannot upload it again gives a clear error', async () => {
    const note = await voiceNoteAt('D4', '/lost.enc');
    server.statuses.set('/lost.enc', [410]);
    h.sockets.latest.reupload = () => {
      throw new Error('Media re-upload failed by device (NOT_FOUND)');
    };
    await assert.rejects(h.handle.transport.downloadAudio(note), /expired \(410\) and the sender's phone did not upload it again: Media re-upload failed by device/);
  });

  test('other HTTP failures are not re-uploaded', async () => {
    const note = await voiceNoteAt('D5', '/forbidden.enc');
    server.statuses.set('/forbidden.enc', [403]);
    const reuploadsBefore = h.sockets.latest.reuploads.length;
    await assert.rejects(h.handle.transport.downloadAudio(note), /could not be downloaded \(403\)/);
    assert.equal(h.sockets.latest.reuploads.length, reuploadsBefore);
  });

  test('a download that does not match the checksum is refused', async () => {
    const note = await voiceNoteAt('D6', '/d6.enc', { fileSha256: Buffer.alloc(32, 7) });
    await assert.rejects(h.handle.transport.downloadAudio(note), /does not match its checksum/);
  });

  test('a message without audio, or with a damaged stored form, gets a clear error', async () => {
    const before = h.sink.received.length;
    h.sockets.latest.upsert([received({ id: 'T1', message: text('just text') })]);
    await waitUntil(h.changes, () => h.sink.received.length > before, 'the text');
    await assert.rejects(h.handle.transport.downloadAudio(h.sink.received.at(-1)!), /holds no audio \(it is text\)/);
    const note = await voiceNoteAt('D7', '/d7.enc');
    await assert.rejects(h.handle.transport.downloadAudio({ ...note, raw: '{"not json' }), /D7 cannot be read back from its stored form/);
  });
});
