// WhatsApp through the official Cloud API, end to end: Meta's signed webhooks into the gateway, the agent's answers
// out through a fake Graph API on 127.0.0.1. A text gets a text; a voice note gets a voice note that real decoders
// accept; bad input gets a clear reply or a refusal and never costs another chat.
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { encodeVoiceNote } from '../../src/audio/voice-note.ts';
import { sine } from '../../src/audio/pcm.ts';
import { startFakeGraph, type FakeGraph } from '../fakes/whatsapp-graph-server.ts';
import { audioWebhook, imageWebhook, postWebhook, textWebhook, wamid } from '../fakes/whatsapp-cloud-webhooks.ts';
import { startFakeOpenAIRealtime, type FakeOpenAIRealtime } from '../fakes/openai-realtime-server.ts';
import { ffprobe, opusinfo, skipWithout, tempDir, writeTemp } from '../media-tools.ts';
import { pollFor } from '../wait.ts';

const TOKEN = 'EAAGtesttoken0123456789abcdef';
const APP_SECRET = 'app-secret-for-the-e2e-test-0123';
const PHONE_NUMBER_ID = '106540352242922';

interface Setup {
  readonly graph: FakeGraph;
  readonly gateway: Gateway;
  readonly store: MemoryStore;
}

async function start(extra: Record<string, string> = {}): Promise<Setup> {
  const graph = await startFakeGraph({ token: TOKEN, phoneNumberId: PHONE_NUMBER_ID });
  const store = new MemoryStore();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    WHATSAPP_CLOUD_TOKEN: TOKEN,
    WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
    WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-token',
    WHATSAPP_CLOUD_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    WHATSAPP_CLOUD_API_URL: graph.apiUrl,
    WHATSAPP_SEND_INTERVAL_MS: '0',
    ...extra,
  });
  const gateway = await startGateway(config, { log: silentLogger, store });
  return { graph, gateway, store };
}

async function stop(setup: Setup): Promise<void> {
  await setup.gateway.shutdown();
  await setup.graph.close();
}

type Sent = Record<string, unknown> & { to?: string; type?: string; text?: { body: string }; audio?: { id: string; voice?: boolean } };

/** Messages the business sent to `phone` (not read receipts), once at least `count` are there. */
function sentTo(graph: FakeGraph, phone: string, count: number, what: string): Promise<Sent[]> {
  return pollFor(what, () => {
    const sent = (graph.messages as Sent[]).filter((message) => message.to === phone && message.type !== undefined);
    return sent.length >= count ? sent : undefined;
  }, { timeoutMs: 10_000 });
}

const textsOf = (sent: Sent[]): string[] => sent.flatMap((message) => (message.type === 'text' && message.text ? [message.text.body] : []));

/** The note as real decoders see it; the test is marked skipped when they are not installed (CI installs them). */
function checkVoiceNote(bytes: Uint8Array, t: TestContext): void {
  const skip = skipWithout('ffprobe') || skipWithout('opusinfo');
  if (skip) return t.skip(`voice note not checked by a real decoder: ${skip}`);
  const dir = tempDir();
  try {
    const file = writeTemp(dir.path, 'reply.ogg', bytes);
    const probed = ffprobe(file);
    assert.equal(probed.codec, 'opus');
    assert.equal(probed.channels, 1);
    assert.equal(probed.container, 'ogg');
    assert.ok(probed.durationS > 0.5, `a reply of ${probed.durationS} s`);
    const verdict = opusinfo(file);
    assert.equal(verdict.status, 0, verdict.output);
    assert.doesNotMatch(verdict.output, /WARNING/i);
  } finally {
    dir.remove();
  }
}

describe('WhatsApp Cloud API with the local engine', () => {
  let setup: Setup;
  before(async () => (setup = await start()));
  after(() => stop(setup));

  test('a text gets the disclosure and a correct answer in text, with a read receipt', async () => {
    const id = wamid();
    const answer = await postWebhook({ baseUrl: setup.gateway.url, appSecret: APP_SECRET, body: textWebhook({ phoneNumberId: PHONE_NUMBER_ID, sender: { phone: '919812345601', name: 'Asha' }, id, body: 'What are your opening hours?' }) });
    assert.equal(answer.status, 200);
    const sent = await sentTo(setup.graph, '919812345601', 2, 'the disclosure and the answer');
    const texts = textsOf(sent);
    assert.match(texts[0]!, /AI|assistant/i, 'the AI disclosure comes first');
    assert.match(texts.join('\n'), /open|9|hours/i);
    assert.ok(setup.graph.messages.some((message) => message.status === 'read' && message.message_id === id), 'a read receipt');
  });

  test('a voice note gets a voice note (valid mono Ogg/Opus, sent as a voice message) and its transcript', async (t) => {
    const note = encodeVoiceNote(sine(300, 24_000, 24_000 * 2, -12));
    const mediaId = setup.graph.addMedia(note.ogg, 'audio/ogg; codecs=opus');
    const answer = await postWebhook({ baseUrl: setup.gateway.url, appSecret: APP_SECRET, body: audioWebhook({ phoneNumberId: PHONE_NUMBER_ID, sender: { phone: '5511987654302' }, mediaId, voice: true }) });
    assert.equal(answer.status, 200);
    const sent = await pollFor('a voice-note reply', () => {
      const audio = (setup.graph.messages as Sent[]).filter((message) => message.to === '5511987654302' && message.type === 'audio');
      return audio.length > 0 ? audio : undefined;
    }, { timeoutMs: 15_000 });
    assert.equal(sent[0]!.audio?.voice, true);
    const upload = setup.graph.uploads.find((media) => media.id === sent[0]!.audio?.id);
    assert.ok(upload, 'the note sent is the one uploaded');
    checkVoiceNote(upload.bytes, t);
    // Brazilian number: the answer is in Portuguese, and its words follow as text.
    const texts = textsOf(await sentTo(setup.graph, '5511987654302', 3, 'the transcript after the note'));
    assert.match(texts.join('\n'), /[ãçõé]|você|mensagens/i);
  });

  test('bad input: a corrupt note and an image each get a clear reply, a bad signature is refused, and another chat is unaffected', async () => {
    const corrupt = setup.graph.addMedia(new Uint8Array([0x4f, 0x67, 0x67, 0x53, 1, 2, 3, 4, 5, 6, 7, 8]), 'audio/ogg');
    await postWebhook({ baseUrl: setup.gateway.url, appSecret: APP_SECRET, body: audioWebhook({ phoneNumberId: PHONE_NUMBER_ID, sender: { phone: '919812345603' }, mediaId: corrupt, voice: true }) });
    await postWebhook({ baseUrl: setup.gateway.url, appSecret: APP_SECRET, body: imageWebhook({ phoneNumberId: PHONE_NUMBER_ID, sender: { phone: '919812345604' } }) });
    const forged = await postWebhook({ baseUrl: setup.gateway.url, appSecret: 'not-the-app-secret', body: textWebhook({ phoneNumberId: PHONE_NUMBER_ID, sender: { phone: '919812345605' }, body: 'hello' }) });
    assert.equal(forged.status, 403);
    const malformed = await postWebhook({ baseUrl: setup.gateway.url, appSecret: APP_SECRET, body: '{"object":"whatsapp_business_account","entry":' });
    assert.equal(malformed.status, 400);
    await postWebhook({ baseUrl: setup.gateway.url, appSecret: APP_SECRET, body: textWebhook({ phoneNumberId: PHONE_NUMBER_ID, sender: { phone: '919812345606' }, body: 'book an appointment' }) });

    assert.match(textsOf(await sentTo(setup.graph, '919812345603', 1, 'the reply to the corrupt note')).join('\n'), /voice note/i);
    assert.match(textsOf(await sentTo(setup.graph, '919812345604', 1, 'the reply to the image')).join('\n'), /text messages and listen to voice notes/i);
    assert.ok(textsOf(await sentTo(setup.graph, '919812345606', 2, 'the other chat answered')).length >= 2);
    assert.equal((setup.graph.messages as Sent[]).filter((message) => message.to === '919812345605').length, 0, 'nothing for the forged webhook');
  });
});

describe('WhatsApp Cloud API with OpenAI Realtime', () => {
  let fake: FakeOpenAIRealtime;
  let setup: Setup;
  before(async () => {
    fake = await startFakeOpenAIRealtime({ chunks: 10, chunkMs: 100, chunkIntervalMs: 2 });
    setup = await start({ OPENAI_API_KEY: fake.apiKey, OPENAI_REALTIME_URL: fake.url });
  });
  after(async () => {
    await stop(setup);
    await fake.close();
  });

  test('a voice note is one committed turn, and the spoken answer arrives as one valid voice note', async (t) => {
    const note = encodeVoiceNote(sine(300, 24_000, 24_000 * 3, -12));
    const mediaId = setup.graph.addMedia(note.ogg, 'audio/ogg; codecs=opus');
    await postWebhook({ baseUrl: setup.gateway.url, appSecret: APP_SECRET, body: audioWebhook({ phoneNumberId: PHONE_NUMBER_ID, sender: { phone: '919812345610' }, mediaId, voice: true }) });
    const audio = await pollFor('a voice-note reply', () => {
      const sent = (setup.graph.messages as Sent[]).filter((message) => message.to === '919812345610' && message.type === 'audio');
      return sent.length > 0 ? sent : undefined;
    }, { timeoutMs: 15_000 });
    const upload = setup.graph.uploads.find((media) => media.id === audio[0]!.audio?.id);
    assert.ok(upload);
    checkVoiceNote(upload.bytes, t);
    const session = fake.lastSession();
    assert.equal(session.events.filter((event) => event.type === 'input_audio_buffer.commit').length, 1, 'one turn for one note');
    const update = session.events.find((event) => event.type === 'session.update');
    assert.ok(update?.type === 'session.update');
    assert.equal(update.session.audio?.input?.turn_detection, null);
  });

  test('typed text is answered in text only: no audio is generated for it', async () => {
    await postWebhook({ baseUrl: setup.gateway.url, appSecret: APP_SECRET, body: textWebhook({ phoneNumberId: PHONE_NUMBER_ID, sender: { phone: '919812345611' }, body: 'Hello there' }) });
    const sent = await sentTo(setup.graph, '919812345611', 2, 'the disclosure and an answer');
    assert.ok(sent.every((message) => message.type === 'text'), JSON.stringify(sent));
    const creates = fake.lastSession().events.filter((event) => event.type === 'response.create');
    assert.ok(creates.length >= 2, JSON.stringify(fake.lastSession().events.map((event) => event.type)));
    assert.ok(creates.every((event) => event.type === 'response.create' && event.response?.output_modalities?.[0] === 'text'));
  });
});
