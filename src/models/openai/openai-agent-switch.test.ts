// Handing an OpenAI session to another agent of the team (router -> booking specialist) on the same connection:
// one session.update with the new instructions and tools and nothing else, the conversation kept, the new agent's
// tools callable and the old agent's gone, a later language switch staying with the new agent, and a tool that
// cannot be declared ending only that session. Every test ends with the fake having seen no malformed event.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { z } from 'zod';
import { toolJsonSchema } from '../../agent/tool-schema.ts';
import { defineTool } from '../../core/tool.ts';
import type { ModelSession } from '../../core/model.ts';
import { startFakeOpenAIRealtime, until } from '../../../test/fakes/openai-realtime-server.ts';
import type { FakeOpenAIRealtime } from '../../../test/fakes/openai-realtime-server.ts';
import { bookTool, openSession } from './test-harness.ts';

const ROUTER = 'You are the front desk of Asha Clinic. Send callers who want an appointment to the booking desk.';
const BOOKING = 'You are the booking desk of Asha Clinic. Find a free slot and book it.';

const handOffTool = defineTool('hand_off_to_booking', 'Hands the caller to the booking desk.', z.object({ reason: z.string() }), async () => ({ ok: true }));
const findSlotTool = defineTool(
  'find_slot',
  'Lists the free slots of a day.',
  z.object({ day: z.string().describe('The day, such as "tomorrow"') }),
  async () => ({ slots: ['10:00'] }),
);

let fake: FakeOpenAIRealtime;
const open: ModelSession[] = [];

beforeEach(async () => {
  fake = await startFakeOpenAIRealtime({
    toolTriggers: [
      { word: 'transfer', name: 'hand_off_to_booking', arguments: '{"reason":"wants an appointment"}' },
      { word: 'book', name: 'book_appointment', arguments: '{"date":"tomorrow"}' },
    ],
    // Answers as the agent the session serves, so a transcript shows who is speaking.
    reply: (context) => (context.toolOutput !== undefined ? `Done: ${context.toolOutput}` : `[${context.sessionInstructions.split(' ').slice(0, 5).join(' ')}]`),
  });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((session) => session.close()));
  assert.deepEqual(fake.violations, []);
  await fake.close();
});

async function routerSession() {
  const harness = await openSession(fake, { session: { instructions: ROUTER, tools: [handOffTool], voice: 'cedar' } });
  open.push(harness.session);
  return harness;
}

const sessionUpdates = () => fake.lastSession().events.filter((event) => event.type === 'session.update');

test('updateAgent() sends one session.update with the new instructions and tools; voice, formats and turn detection stay', async () => {
  const harness = await routerSession();
  const before = structuredClone(fake.lastSession().config);
  assert.deepEqual(fake.declaredTools(), ['hand_off_to_booking']);

  harness.session.updateAgent!(BOOKING, [findSlotTool, bookTool]);
  await until(() => sessionUpdates().length === 2, 'a second session.update');
  const update = sessionUpdates()[1]!;
  assert.deepEqual(update.session, {
    type: 'realtime',
    instructions: BOOKING,
    tools: [
      { type: 'function', name: 'find_slot', description: findSlotTool.description, parameters: toolJsonSchema(findSlotTool) },
      { type: 'function', name: 'book_appointment', description: bookTool.description, parameters: toolJsonSchema(bookTool) },
    ],
    tool_choice: 'auto',
  });
  assert.deepEqual(fake.declaredTools(), ['find_slot', 'book_appointment'], 'the booking desk tools replace the front desk tools');
  const after = fake.lastSession().config;
  assert.equal(after.instructions, BOOKING);
  assert.deepEqual(after.audio, before.audio, 'voice, formats, transcription and turn detection untouched');
  assert.deepEqual(after.output_modalities, before.output_modalities);
  assert.equal(fake.counters.sessions, 1, 'the same connection');
});

test('after the hand-over the new agent answers, keeps the conversation, and its own tools work while the old ones are gone', async () => {
  const harness = await routerSession();
  harness.session.sendText('Please transfer me, I want an appointment');
  const handOff = await harness.next('tool_call');
  assert.equal(handOff.name, 'hand_off_to_booking');
  await harness.next('response_done');

  harness.session.updateAgent!(BOOKING, [findSlotTool, bookTool]);
  harness.session.sendToolResult(handOff.callId, '{"ok":true}');
  await harness.next('transcript', (event) => event.role === 'assistant' && event.text === 'Done: {"ok":true}');

  harness.session.sendText('Please book me for tomorrow');
  const booking = await harness.next('tool_call');
  assert.deepEqual({ name: booking.name, arguments: booking.arguments }, { name: 'book_appointment', arguments: '{"date":"tomorrow"}' });
  await harness.next('response_done');
  harness.session.sendToolResult(booking.callId, '{"reference":"A1"}');
  await harness.next('transcript', (event) => event.text === 'Done: {"reference":"A1"}');

  harness.session.sendText('Can you transfer me again?');
  await harness.next('transcript', (event) => event.role === 'assistant' && event.text === '[You are the booking desk]');
  assert.equal(harness.count('tool_call'), 2, 'the front desk hand-off tool is no longer declared');
  const texts = fake.lastSession().items.filter((item) => item.role === 'user').map((item) => item.text);
  assert.deepEqual(texts, ['Please transfer me, I want an appointment', 'Please book me for tomorrow', 'Can you transfer me again?'], 'one conversation throughout');
});

test('setLocale() after updateAgent() switches the language of the new agent and keeps its tools', async () => {
  const harness = await routerSession();
  harness.session.updateAgent!(BOOKING, [findSlotTool, bookTool]);
  harness.session.setLocale('hi-IN', 'Aap Asha Clinic ke booking desk par hain.');
  await until(() => sessionUpdates().length === 3, 'the agent and locale updates');
  assert.deepEqual(fake.declaredTools(), ['find_slot', 'book_appointment']);
  const config = fake.lastSession().config as { instructions: string; audio: { input: { transcription: unknown }; output: { voice: unknown } } };
  assert.equal(config.instructions, 'Aap Asha Clinic ke booking desk par hain.');
  assert.deepEqual(config.audio.input.transcription, { model: 'gpt-4o-mini-transcribe', language: 'hi' });
  assert.equal(config.audio.output.voice, 'cedar');
  harness.session.sendText('Please book me for tomorrow');
  assert.equal((await harness.next('tool_call')).name, 'book_appointment');
});

test('a new agent with a tool that cannot be declared ends only that session, as invalid_tools to fall back on', async () => {
  const broken = await routerSession();
  const other = await routerSession();
  const opaque = defineTool('opaque', 'No JSON Schema.', { '~standard': { version: 1, vendor: 'none', validate: (value: unknown) => ({ value }) } }, async () => 1);
  broken.session.updateAgent!(BOOKING, [bookTool, opaque]);
  const closed = await broken.next('closed');
  assert.deepEqual({ code: closed.error?.code, retryable: closed.error?.retryable, fallback: closed.error?.fallback }, { code: 'invalid_tools', retryable: false, fallback: true });
  assert.match(closed.error?.message ?? '', /opaque|schema/iu);
  assert.equal(fake.sessions[0]!.events.filter((event) => event.type === 'session.update').length, 1, 'nothing half-declared was sent');

  other.session.sendText('Hello there');
  await other.next('transcript', (event) => event.role === 'assistant' && event.text === '[You are the front desk]');
  // Ignored once closed, like every other call.
  broken.session.updateAgent!(BOOKING, [bookTool]);
  assert.equal(broken.count('closed'), 1);
});
