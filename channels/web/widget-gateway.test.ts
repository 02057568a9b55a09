// A widget call end to end, as a visitor would live it: the page's session and offer against a gateway started
// in-process with this channel and the local engine, a WebRTC peer playing the browser (werift, real Opus), and the
// record the gateway keeps. No browser here: test/e2e/widget-chromium.test.ts drives the real widget in Chromium.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/log.ts';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledgeFile } from '../../src/agent/tools/faq.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import type { ConversationRecord } from '../../src/conversation/records.ts';
import { WebRtcClient } from '../../test/fakes/webrtc-client.ts';
import { pollFor } from '../../test/wait.ts';
import { createWebChannel } from './index.ts';

const BUSINESS = 'Asha Clinic';

describe('a widget call through the gateway (local engine)', () => {
  let gateway: Gateway;
  const clients: WebRtcClient[] = [];

  before(async () => {
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', BUSINESS_NAME: BUSINESS, LOCALES: 'en-IN,hi', DEFAULT_LOCALE: 'en-IN' });
    const web = createWebChannel({ allowedOrigins: [], iceServers: [], offersPerMinute: 50, defaultLocale: config.DEFAULT_LOCALE, locales: config.LOCALES });
    gateway = await startGateway(config, { channels: [web], log: silentLogger, store: new MemoryStore() });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
  });
  after(() => gateway?.shutdown(1000));

  async function visit(locale = 'en-IN'): Promise<WebRtcClient> {
    const client = new WebRtcClient();
    clients.push(client);
    await client.connect(gateway.url, { locale });
    return client;
  }

  it('greets the visitor out loud and in writing, answers a typed question in writing, and hangs up cleanly', async () => {
    const client = await visit();
    const conversationId = client.conversationId!;

    // 1. The disclosure greeting is heard (speech, not silence) and shown.
    await client.waitForAudio(1500, 8000);
    assert.ok(client.receivedDbfs() > -35, `greeting level ${client.receivedDbfs().toFixed(1)} dBFS`);
    await client.waitForMessage((message) => message.type === 'transcript' && message.role === 'assistant' && /AI/.test(String(message.text)), 'the disclosure in writing');
    assert.ok(client.states.includes('speaking'));

    // 2. A typed question gets a typed answer: the business's own words, from the router's knowledge texts.
    client.sendText('What are your opening hours?');
    const hours = (await loadKnowledgeFile(join(DEFAULT_KNOWLEDGE_DIR, 'en-IN.json'))).find((entry) => entry.id === 'hours')!.answer;
    const answer = await client.waitForMessage((message) => message.type === 'transcript' && message.role === 'assistant' && String(message.text).includes(hours), 'the opening hours in writing', 8000);
    assert.equal(answer.role, 'assistant');
    assert.ok(client.states.includes('thinking'), client.states.join(','));

    // 3. Hanging up on the data channel ends the conversation on the server.
    client.hangUp();
    const record = await pollFor(() => 'the record to say ended', async () => {
      const found: ConversationRecord | null = await gateway.conversations.records.get(conversationId);
      return found?.status === 'ended' ? found : undefined;
    });
    assert.equal(record.endReason, 'hangup');
    assert.equal(record.channel, 'web');
    await client.waitForClosed();
    assert.equal(gateway.conversations.liveCount('web'), 0);
    const transcript = await gateway.conversations.records.transcript(conversationId);
    assert.equal(transcript[0]?.kind, 'disclosure');
    assert.ok(transcript.some((entry) => entry.role === 'user' && entry.text === 'What are your opening hours?'));
    // The widget has its own language picker and no keypad: no spoken "press 1 for Hindi" menu.
    assert.ok(!transcript.some((entry) => /press \d|दबाएँ/u.test(entry.text)), transcript.map((entry) => entry.text).join(' | '));
    assert.ok(client.states.includes('listening'), 'the page learns the call is up as soon as the peer connects');
  });

  it('a second visitor hanging up leaves the first one\'s call going', async () => {
    const first = await visit();
    const second = await visit('hi');
    await Promise.all([first.waitForAudio(500, 8000), second.waitForAudio(500, 8000)]);
    second.hangUp();
    await second.waitForClosed();
    first.sendText('opening hours');
    await first.waitForMessage((message) => message.type === 'transcript' && String(message.text).includes('Monday'), 'the first visitor\'s answer', 8000);
    assert.equal(gateway.conversations.liveCount('web'), 1);
    first.hangUp();
    await first.waitForClosed();
  });
});
