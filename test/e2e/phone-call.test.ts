// A phone call end to end, as a caller would live it: Twilio's webhook and media stream (the fake speaks the real
// wire format, signed), the local engine, and the transcript left in the store — once with the memory store and
// once with a real Redis server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/log.ts';
import type { Store } from '../../src/core/store.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledgeFile } from '../../src/agent/tools/faq.ts';
import type { TranscriptEntry } from '../../src/conversation/records.ts';
import { callerSpeech } from '../fakes/caller-speech.ts';
import { placeCall } from '../fakes/twilio-client.ts';
import { startRedis } from '../redis-server.ts';
import { pollFor } from '../wait.ts';
import { waitForRecord } from '../records-wait.ts';

const AUTH_TOKEN = 'e2e-auth-token-0123456789abcdef';

/** What the caller says over the hours prompt. */
const CALLER_SENTENCE = 'Hello? I would like to speak to somebody about my appointment please.';

const stores: Array<{ name: string; open: () => Promise<{ store: Store; stop: () => Promise<void> }> }> = [
  { name: 'memory store', open: async () => ({ store: new MemoryStore(), stop: async () => undefined }) },
  {
    name: 'Redis store',
    open: async () => {
      const redis = await startRedis();
      const store = new RedisStore({ url: redis.url, keyPrefix: `e2e:${randomBytes(4).toString('hex')}:` });
      return { store, stop: async () => (await store.close(), await redis.stop()) };
    },
  },
];

for (const { name, open } of stores) {
  describe(`a phone call end to end (${name})`, () => {
    let gateway: Gateway;
    let stop: () => Promise<void>;
    let speech: Int16Array;

    before(async () => {
      const opened = await open();
      stop = opened.stop;
      speech = await callerSpeech(CALLER_SENTENCE);
      const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', TWILIO_AUTH_TOKEN: AUTH_TOKEN, PHONE_LANGUAGE_MENU: 'false' });
      gateway = await startGateway(config, { log: silentLogger, store: opened.store });
    });

    after(async () => {
      await gateway?.shutdown(1000);
      await stop?.();
    });

    test('greeting, a key press, talking over a prompt, hang-up, transcript kept', async () => {
      const dialled = performance.now();
      const call = await placeCall({ baseUrl: gateway.url, authToken: AUTH_TOKEN, from: '+919876543210', to: '+911234567890' });
      const conversationId = call.customParameters.conversationId!;

      // 1. The disclosure greeting arrives within a second of dialling, and it is speech, not silence.
      await call.waitForAudio({ minMs: 200, timeoutMs: 1000 });
      const firstAudioMs = performance.now() - dialled;
      assert.ok(firstAudioMs < 1000, `first audio after ${firstAudioMs.toFixed(0)} ms`);
      await call.waitForAudio({ minMs: 1500, timeoutMs: 3000 });
      assert.ok(call.receivedDbfs() > -35, `greeting level ${call.receivedDbfs().toFixed(1)} dBFS`);
      assert.deepEqual(call.violations, []);

      // 2. Pressing 1 over the greeting stops it (clear) and the opening hours are spoken next, in the business's own
      // words: the team's router looks them up in its knowledge texts.
      await call.waitFor(() => call.playedMs > 300, { timeoutMs: 2000, what: 'the greeting to play a while' });
      const beforeDigitMs = call.receivedMs;
      call.pressDigit('1');
      await call.waitForClear(1, 2000);
      await call.waitForAudio({ minMs: beforeDigitMs + 1000, timeoutMs: 3000 });
      assert.ok(call.receivedDbfs(beforeDigitMs) > -35, 'the hours prompt is audible');
      const hours = (await loadKnowledgeFile(join(DEFAULT_KNOWLEDGE_DIR, 'en.json'))).find((entry) => entry.id === 'hours')!.answer;
      await waitForTranscript(gateway, conversationId, (entries) => entries.some((entry) => entry.role === 'assistant' && entry.text.includes(hours)));

      // 3. The caller talks over the prompt: playback is cleared again.
      const playedAtClear = call.playedMs;
      await call.waitFor(() => call.playedMs > playedAtClear + 800, { timeoutMs: 2000, what: 'the hours prompt to play a while' });
      void call.streamAudio(speech);
      await call.waitForClear(2, 3000);

      // 4. Hang-up ends the conversation, and everything is in the store.
      await call.hangUp();
      const record = await waitForRecord(gateway, conversationId, (r) => r?.status === 'ended', STORE_POLL);
      assert.equal(record.endReason, 'hangup');
      assert.equal(record.channel, 'twilio');
      assert.equal(gateway.conversations.liveCount(), 0);
      const transcript = await gateway.conversations.records.transcript(conversationId);
      const kinds = transcript.map((entry) => entry.kind);
      assert.equal(transcript[0]?.kind, 'disclosure', 'the AI disclosure comes before anything else');
      assert.match(transcript[0]!.text, /AI/);
      assert.ok(transcript.some((entry) => entry.kind === 'dtmf' && entry.text === '1'));
      assert.ok(transcript.filter((entry) => entry.kind === 'event' && entry.text.startsWith('barge-in')).length >= 2, kinds.join(','));
      assert.equal(transcript.at(-1)?.text, 'ended: hangup');
    });

    test('one caller hanging up leaves another call streaming', async () => {
      const first = await placeCall({ baseUrl: gateway.url, authToken: AUTH_TOKEN });
      const second = await placeCall({ baseUrl: gateway.url, authToken: AUTH_TOKEN });
      await Promise.all([first.waitForAudio({ minMs: 200, timeoutMs: 1500 }), second.waitForAudio({ minMs: 200, timeoutMs: 1500 })]);
      await first.hangUp();
      const played = second.playedMs;
      await second.waitFor(() => second.playedMs > played + 300, { timeoutMs: 2000, what: 'the second call to keep playing' });
      const received = second.receivedMs;
      second.pressDigit('1');
      await second.waitForClear(1, 2000);
      await second.waitForAudio({ minMs: received + 500, timeoutMs: 2000 });
      assert.ok(second.receivedDbfs(received) > -35);
      await second.hangUp();
      assert.deepEqual([...first.violations, ...second.violations], []);
    });
  });
}

const STORE_POLL = { timeoutMs: 3000, intervalMs: 25 };

async function waitForTranscript(gateway: Gateway, id: string, done: (entries: TranscriptEntry[]) => boolean): Promise<TranscriptEntry[]> {
  let entries: TranscriptEntry[] = [];
  return pollFor(
    () => `the transcript to match; last: ${JSON.stringify(entries.map((entry) => entry.text))}`,
    async () => {
      entries = await gateway.conversations.records.transcript(id);
      return done(entries) ? entries : undefined;
    },
    STORE_POLL,
  );
}

