// Across channels: a caller on the phone asks for a WhatsApp confirmation and it arrives on WhatsApp; a WhatsApp
// customer asks for a person, staff are told through the hand-off webhook, and the agent stays out of the chat.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { createTwilioChannel } from '../../channels/twilio/index.ts';
import { createWhatsAppChannel } from '../../channels/whatsapp/index.ts';
import { FakeSockets } from '../../channels/whatsapp/baileys/test-kit.ts';
import { received, text } from '../../channels/whatsapp/baileys/message-fixtures.ts';
import { startFakeOpenAIRealtime, type FakeOpenAIRealtime } from '../fakes/openai-realtime-server.ts';
import { placeCall } from '../fakes/twilio-client.ts';
import { startHelpDesk, type FakeHelpDesk } from '../fakes/help-desk.ts';
import { pollFor } from '../wait.ts';

const CONFIRMATION = 'Your appointment at Asha Clinic is confirmed for Wednesday at 11 in the morning.';
const CALLER = '+919812345678';

let fake: FakeOpenAIRealtime;
let gateway: Gateway;
let helpDesk: FakeHelpDesk;
const sockets = new FakeSockets();

before(async () => {
  helpDesk = await startHelpDesk();
  fake = await startFakeOpenAIRealtime({
    chunks: 5,
    chunkMs: 100,
    chunkIntervalMs: 5,
    // The router hands the caller to the booking agent, which sends the confirmation it was asked for.
    toolTriggers: [
      { word: 'key 4', name: 'send_whatsapp_message', arguments: JSON.stringify({ text: CONFIRMATION }) },
      { word: 'key 4', name: 'hand_off', arguments: JSON.stringify({ to: 'booking', context: { intent: 'booking', summary: 'Wants the booking confirmation on WhatsApp.' } }) },
    ],
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DRAIN_TIMEOUT_MS: '0', OPENAI_API_KEY: fake.apiKey, OPENAI_REALTIME_URL: fake.url, MODEL_PROVIDER: 'local' });
  const whatsapp = createWhatsAppChannel({
    chats: { idleMs: 60_000, maxNoteSeconds: 120, voiceTranscript: true, defaultLocale: 'en', locales: config.LOCALES },
    sendIntervalMs: 0,
    retentionMs: 3_600_000,
    handoffWebhookUrl: helpDesk.url,
    baileys: { account: 'clinic', groups: false, socketFactory: sockets.factory, print: null },
  });
  gateway = await startGateway(config, { log: silentLogger, store: new MemoryStore(), channels: [whatsapp] });
  sockets.latest.open();
});
after(async () => {
  await gateway.shutdown(0);
  await fake.close();
  await helpDesk.close();
});

test('a WhatsApp customer who asks for a person is handed to staff, and their next messages go to staff, not the agent', async () => {
  const chat = '919811110000@s.whatsapp.net';
  sockets.latest.upsert([received({ id: 'HUMAN1', remoteJid: chat, message: text('I want to talk to a person') })]);
  const handoff = await pollFor('the hand-off at the help desk', () => helpDesk.events.find((event) => event.event === 'handoff'), { timeoutMs: 10_000 });
  assert.equal(handoff.channel, 'whatsapp');
  assert.equal(typeof handoff.conversationId, 'string');
  const record = await pollFor('the conversation to end as transferred', async () => {
    const found = await gateway.conversations.records.get(String(handoff.conversationId));
    return found?.status === 'ended' ? found : undefined;
  });
  assert.equal(record.endReason, 'transferred');

  const answeredBefore = sockets.latest.sent.filter((entry) => entry.jid === chat).length;
  sockets.latest.upsert([received({ id: 'HUMAN2', remoteJid: chat, message: text('hello? is anyone there') })]);
  const forwarded = await pollFor('the next message forwarded to staff', () => helpDesk.events.find((event) => event.event === 'message'), { timeoutMs: 5_000 });
  assert.equal(forwarded.text, 'hello? is anyone there');
  assert.equal(forwarded.conversationId, handoff.conversationId);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(sockets.latest.sent.filter((entry) => entry.jid === chat).length, answeredBefore, 'the agent stays out of the chat');
});

test('a caller on the phone gets the booking confirmation on WhatsApp through the send_whatsapp_message tool', async () => {
  // A second gateway for the phone on OpenAI, sharing nothing but the WhatsApp channel's fake socket.
  const phoneConfig = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DRAIN_TIMEOUT_MS: '0', OPENAI_API_KEY: fake.apiKey, OPENAI_REALTIME_URL: fake.url, PHONE_LANGUAGE_MENU: 'false' });
  const phoneSockets = new FakeSockets();
  const whatsapp = createWhatsAppChannel({
    chats: { idleMs: 60_000, maxNoteSeconds: 120, voiceTranscript: true, defaultLocale: 'en', locales: phoneConfig.LOCALES },
    sendIntervalMs: 0,
    retentionMs: 3_600_000,
    baileys: { account: 'clinic-phone', groups: false, socketFactory: phoneSockets.factory, print: null },
  });
  const phone = await startGateway(phoneConfig, { log: silentLogger, store: new MemoryStore(), channels: [createTwilioChannel({ defaultLocale: 'en' }), whatsapp] });
  phoneSockets.latest.open();
  try {
    const call = await placeCall({ baseUrl: phone.url, from: CALLER });
    await call.waitForAudio({ minMs: 300, timeoutMs: 3000 });
    call.pressDigit('4');
    const sent = await pollFor('the confirmation on WhatsApp', () => phoneSockets.latest.sent.find((entry) => entry.jid === '919812345678@s.whatsapp.net'), { timeoutMs: 10_000 });
    assert.equal((sent.content as { text: string }).text, CONFIRMATION);
    const output = await pollFor('the tool result at the model', () => fake.toolOutput('send_whatsapp_message'));
    assert.deepEqual(JSON.parse(output), { ok: true, sentTo: '…5678' });
    await call.hangUp();
  } finally {
    await phone.shutdown(0);
  }
});
