// WhatsApp through Baileys, end to end: a fake socket emits Baileys' own message shapes (built with its proto types)
// into the gateway, and the agent's answers come back through sendMessage. A text gets a text; a voice note, served
// encrypted with Baileys' own media encryption, gets a voice note that real decoders accept.
import assert from 'node:assert/strict';
import { readFile, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { encryptedStream, type proto } from '@whiskeysockets/baileys';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { encodeVoiceNote } from '../../src/audio/voice-note.ts';
import { sine } from '../../src/audio/pcm.ts';
import { createWhatsAppChannel } from '../../channels/whatsapp/index.ts';
import { FakeSockets } from '../../channels/whatsapp/baileys/test-kit.ts';
import { CUSTOMER_LID, CUSTOMER_PN, CIPHERTEXT, ephemeral, received, text } from '../../channels/whatsapp/baileys/message-fixtures.ts';
import { ffprobe, opusinfo, skipWithout, tempDir, writeTemp } from '../media-tools.ts';
import { pollFor } from '../wait.ts';

type Sent = FakeSockets['latest']['sent'][number];

async function serve(bytes: Buffer): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(bytes));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/media.enc`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('WhatsApp through Baileys with the local engine', () => {
  const sockets = new FakeSockets();
  let gateway: Gateway;
  let media: Awaited<ReturnType<typeof serve>>;
  let encrypted: Awaited<ReturnType<typeof encryptedStream>>;

  before(async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DRAIN_TIMEOUT_MS: '0' });
    const channel = createWhatsAppChannel({
      chats: { idleMs: 1_000, maxNoteSeconds: 120, voiceTranscript: true, defaultLocale: 'en', locales: config.LOCALES },
      sendIntervalMs: 0,
      retentionMs: 3_600_000,
      baileys: { account: 'clinic', groups: false, socketFactory: sockets.factory, print: null },
    });
    gateway = await startGateway(config, { log: silentLogger, store: new MemoryStore(), channels: [channel] });
    sockets.latest.open();
    const note = encodeVoiceNote(sine(300, 24_000, 24_000 * 2, -12));
    encrypted = await encryptedStream(Buffer.from(note.ogg), 'audio');
    const bytes = await readFile(encrypted.encFilePath);
    await unlink(encrypted.encFilePath);
    media = await serve(bytes);
  });
  after(async () => {
    await gateway.shutdown();
    await media.close();
  });

  const sentTo = (jid: string, count: number, what: string): Promise<Sent[]> =>
    pollFor(what, () => {
      const sent = sockets.latest.sent.filter((entry) => entry.jid === jid);
      return sent.length >= count ? sent : undefined;
    }, { timeoutMs: 15_000 });
  const textOf = (entry: Sent): string | undefined => ('text' in entry.content ? (entry.content.text as string) : undefined);

  test('a text gets the AI disclosure and a correct answer, with a read receipt and a typing indicator', async () => {
    sockets.latest.upsert([received({ id: 'TEXT1', message: text('What are your opening hours?') })]);
    const sent = await sentTo(CUSTOMER_PN, 2, 'two replies');
    assert.match(textOf(sent[0]!) ?? '', /\bAI\b|assistant/);
    assert.match(sent.map(textOf).join('\n'), /open|hours|9/i);
    assert.ok(sockets.latest.reads.some((keys) => keys.some((key) => key.id === 'TEXT1')), 'read receipt');
    assert.ok(sockets.latest.presences.some((presence) => presence.type === 'composing' && presence.jid === CUSTOMER_PN));
  });

  test('a voice note from a LID-addressed sender in a disappearing chat gets a valid voice note back', async (t) => {
    const voice: proto.IMessage = {
      audioMessage: {
        url: media.url,
        mimetype: 'audio/ogg; codecs=opus',
        fileSha256: encrypted.fileSha256,
        fileEncSha256: encrypted.fileEncSha256,
        fileLength: encrypted.fileLength,
        mediaKey: encrypted.mediaKey,
        seconds: 2,
        ptt: true,
        mediaKeyTimestamp: 1_750_000_000,
      },
    };
    sockets.latest.upsert([received({ id: 'VOICE1', remoteJid: CUSTOMER_LID, remoteJidAlt: '919812340000@s.whatsapp.net', message: ephemeral(voice) })]);
    const sent = await pollFor('a voice note to the LID chat', () => {
      const notes = sockets.latest.sent.filter((entry) => entry.jid === CUSTOMER_LID && 'audio' in entry.content);
      return notes.length > 0 ? notes : undefined;
    }, { timeoutMs: 15_000 });
    const content = sent[0]!.content as { audio: Buffer; ptt: boolean; mimetype: string; seconds: number; waveform: Uint8Array };
    assert.equal(content.ptt, true);
    assert.equal(content.mimetype, 'audio/ogg; codecs=opus');
    assert.ok(content.seconds >= 1);
    assert.equal(content.waveform.length, 64);
    assert.ok(sockets.latest.presences.some((presence) => presence.type === 'recording' && presence.jid === CUSTOMER_LID));
    const skip = skipWithout('ffprobe') || skipWithout('opusinfo');
    if (skip) return t.skip(skip);
    const dir = tempDir();
    try {
      const file = writeTemp(dir.path, 'reply.ogg', new Uint8Array(content.audio));
      const probed = ffprobe(file);
      assert.deepEqual([probed.codec, probed.channels, probed.container], ['opus', 1, 'ogg']);
      assert.ok(Math.abs(probed.durationS - content.seconds) <= 1, `${probed.durationS} s declared as ${content.seconds} s`);
      const verdict = opusinfo(file);
      assert.equal(verdict.status, 0, verdict.output);
    } finally {
      dir.remove();
    }
  });

  test('an undecryptable stub is kept and its resend answered once; our own messages are not answered', async () => {
    const chat = '919800000001@s.whatsapp.net';
    sockets.latest.upsert([received({ id: 'STUB1', remoteJid: chat, stub: { type: CIPHERTEXT, parameters: ['No session'] } })]);
    sockets.latest.upsert([received({ id: 'MINE1', remoteJid: chat, fromMe: true, message: text('sent from the phone') })]);
    sockets.latest.upsert([received({ id: 'STUB1', remoteJid: chat, message: text('book an appointment') })]);
    sockets.latest.upsert([received({ id: 'STUB1', remoteJid: chat, message: text('book an appointment') })], 'append');
    const sent = await sentTo(chat, 2, 'the answer to the resend');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const texts = sockets.latest.sent.filter((entry) => entry.jid === chat).map(textOf);
    assert.equal(texts.filter((body) => body === textOf(sent[0]!)).length, 1, 'one disclosure: one conversation');
    assert.equal(new Set(texts).size, texts.length, `the resend was answered once: ${JSON.stringify(texts)}`);
    assert.match(texts.join('\n'), /slot|appointment|available/i);
  });

  test('a chat that writes again after its idle time carries on in the same conversation, without a second disclosure', async () => {
    const chat = '919800000002@s.whatsapp.net';
    sockets.latest.upsert([received({ id: 'IDLE1', remoteJid: chat, message: text('What are your opening hours?') })]);
    const first = await sentTo(chat, 2, 'the disclosure and the first answer');
    await pollFor('the chat to go idle', () => (gateway.conversations.liveCount('whatsapp') === 0 ? true : undefined), { timeoutMs: 10_000 });
    sockets.latest.upsert([received({ id: 'IDLE2', remoteJid: chat, message: text('book an appointment') })]);
    const all = await sentTo(chat, first.length + 1, 'an answer after the idle close');
    const texts = all.map(textOf);
    assert.equal(texts.filter((body) => body === textOf(first[0]!)).length, 1, 'the disclosure was given once');
    assert.match(texts.slice(first.length).join('\n'), /slot|appointment|available|book/i);
  });
});
