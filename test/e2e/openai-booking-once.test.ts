// A booking on a phone call through OpenAI Realtime acts once, whatever the network does: the provider's
// function-call event arrives twice, and the socket dies in the middle of the answer, after which the caller asks
// again and the model books the same slot under a new call id. One appointment is written; every answer names it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { startGateway, type Gateway } from '../../src/gateway.ts';
import { silentLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { slotKey } from '../../src/agent/tools/appointments.ts';
import { startFakeOpenAIRealtime, until, type FakeOpenAIRealtime } from '../fakes/openai-realtime-server.ts';
import { placeCall } from '../fakes/twilio-client.ts';

/** 11:00 on a business day (Monday to Saturday) two to three days from now, a slot that is always bookable. */
function futureSlot(): string {
  const day = new Date(Date.now() + 2 * 86_400_000);
  if (day.getUTCDay() === 0) day.setUTCDate(day.getUTCDate() + 1);
  return `${day.toISOString().slice(0, 10)}T11:00`;
}
const SLOT = futureSlot();
const HAND_OFF = { intent: 'booking', summary: 'The caller wants the first free check-up slot.', customerName: 'Asha', details: { service: 'check-up' } };

let fake: FakeOpenAIRealtime;
let gateway: Gateway;
let store: MemoryStore;

before(async () => {
  fake = await startFakeOpenAIRealtime({
    chunks: 20,
    chunkMs: 100,
    chunkIntervalMs: 5,
    // The router hands a booking request to the booking agent, which books at once (its tools come first).
    toolTriggers: [
      { word: 'key 2', name: 'book_appointment', arguments: JSON.stringify({ slotId: SLOT, name: 'Asha' }) },
      { word: 'key 2', name: 'hand_off', arguments: JSON.stringify({ to: 'booking', context: HAND_OFF }) },
    ],
    duplicateToolCallEvents: true,
  });
  store = new MemoryStore();
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OPENAI_API_KEY: fake.apiKey, OPENAI_REALTIME_URL: fake.url, PHONE_LANGUAGE_MENU: 'false' });
  gateway = await startGateway(config, { log: silentLogger, store });
});
after(async () => {
  await gateway.shutdown(500);
  await fake.close();
});

test('a duplicate function-call event and a socket killed mid-answer still book the slot exactly once', async () => {
  const call = await placeCall({ baseUrl: gateway.url });
  const id = call.customParameters.conversationId!;
  await call.waitForAudio({ minMs: 500, timeoutMs: 3000 });
  const first = fake.lastSession();

  fake.killNextResponseAfter(2); // the answer that follows the booking dies after 200 ms of audio
  call.pressDigit('2');
  await until(() => fake.sessions.length === 2, 'a new model session after the kill', 5000);
  const second = fake.lastSession();
  await until(() => second.items.some((item) => item.role === 'assistant'), 'the history restored on the new session', 3000);
  // The router handed the call to the booking agent before the drop: the new session serves the booking agent.
  assert.ok(fake.declaredTools(first).includes('book_appointment'), 'the first session was switched to the booking agent in place');
  assert.equal(fake.sessions.length, 2, 'the hand-off itself opened no session');
  assert.ok(fake.declaredTools(second).includes('book_appointment') && !fake.declaredTools(second).includes('lookup_faq'), `the new session serves the booking agent: ${fake.declaredTools(second).join(', ')}`);
  assert.match(String(second.config.instructions), /The caller wants the first free check-up slot/, 'with the context it was handed');
  // The caller, unsure whether it went through, asks again: the model books the same slot under a new call id.
  call.pressDigit('2');
  await until(() => second.items.some((item) => item.type === 'function_call_output' && second.items.some((call) => call.callId === item.callId && call.name === 'book_appointment')), 'the repeated booking answered on the new session', 5000);

  const items = [...first.items, ...second.items];
  const bookingCalls = new Set(items.filter((item) => item.type === 'function_call' && item.name === 'book_appointment').map((item) => item.callId));
  const outputs = items
    .filter((item) => item.type === 'function_call_output' && bookingCalls.has(item.callId))
    .map((item) => JSON.parse(item.output!) as { bookingId?: string; slotId?: string });
  // The duplicated event is absorbed by call id; the repeat under a new call id is answered from the stored result.
  assert.equal(outputs.length, 2, `one answer for the first call (its event came twice) and one for the repeat: ${outputs.length}`);
  const bookingIds = new Set(outputs.map((output) => output.bookingId));
  assert.equal(bookingIds.size, 1, `one booking named in every answer: ${JSON.stringify(outputs)}`);
  assert.ok([...bookingIds][0], 'and it is a real booking');
  const stored = JSON.parse((await store.get(slotKey(SLOT)))!) as { bookingId: string; conversationId: string };
  assert.equal(stored.bookingId, [...bookingIds][0]);
  assert.equal(stored.conversationId, id);

  const transcript = await gateway.conversations.records.transcript(id);
  const calls = transcript.filter((entry) => entry.kind === 'tool_call' && entry.name === 'book_appointment').length;
  assert.equal(calls, 2, 'two calls of book_appointment reached the gateway, one of them a repeat');
  await call.hangUp();
  // The hand-off is recorded: the intent tag on the record, the context intact in the transcript.
  const record = await gateway.conversations.records.get(id);
  assert.equal(record?.intent, 'booking');
  assert.equal(record?.agent, 'booking');
  const handOff = transcript.find((entry) => entry.text.startsWith('hand-off router -> booking: '));
  assert.deepEqual(JSON.parse(handOff!.text.slice('hand-off router -> booking: '.length)), HAND_OFF);
  assert.deepEqual(fake.violations, []);
});
