// Gemini Live fixes instructions and tools at setup, so a hand-over to another agent of the team opens a new
// session for the same conversation. These tests check, against the protocol-level fake, that such a session
// resumes the stored server context only when it was set up for the same agent (instructions and tool
// declarations), and otherwise starts fresh with the history, so the previous agent never comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { defineTool } from '../../core/tool.ts';
import type { AnyToolSpec } from '../../core/tool.ts';
import { ModelUnavailableError } from '../../core/model.ts';
import type { HistoryItem } from '../../core/model.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import { handleKey, parseStoredHandle, setupHash } from './resumption.ts';
import { eventually, fakeLiveForFile } from './test-harness.ts';
import type { Harness } from './test-harness.ts';

const ROUTER = 'You are the front desk of Asha Clinic. Send callers who want an appointment to the booking desk.';
const BOOKING = 'You are the booking desk of Asha Clinic. Find a free slot and book it.';

const handOff = defineTool('hand_off_to_booking', 'Hands the caller to the booking desk.', z.object({ reason: z.string() }), async () => ({ ok: true }));
const book = defineTool('book_appointment', 'Books a slot.', z.object({ slotId: z.string() }), async () => ({ reference: 'A1' }));

const HISTORY: HistoryItem[] = [
  { role: 'user', text: 'I would like an appointment', at: 1 },
  { role: 'assistant', text: 'Let me pass you to our booking desk.', at: 2 },
];

const live = await fakeLiveForFile();
const fake = live.fake;

/** A session of the conversation served by `instructions` and `tools`; its connection is the latest one. */
async function agentSession(store: MemoryStore, conversationId: string, instructions: string, tools: readonly AnyToolSpec[], history: readonly HistoryItem[] = []) {
  const h = await live.open({ store, conversationId, instructions, tools, history });
  return { h, connection: fake.connections.at(-1)! };
}

/** One exchange, so the server has a context and issues a handle for it; then the session ends. */
async function talkAndClose(h: Harness, text: string): Promise<void> {
  h.session.sendText(text);
  await h.next('response_done');
  await h.session.close();
}

const stored = async (store: MemoryStore, conversationId: string) => parseStoredHandle(await store.get(handleKey(conversationId)));
const textsOf = (turns: readonly { role: string; parts: readonly { text: string }[] }[]) => turns.map((turn) => [turn.role, turn.parts.map((part) => part.text)]);

test('the same agent setup resumes the stored context; another agent starts fresh with the history', async () => {
  const store = new MemoryStore();
  const conversationId = `conv-switch-${Date.now()}`;
  const first = await agentSession(store, conversationId, ROUTER, [handOff]);
  await talkAndClose(first.h, 'I would like an appointment');
  const issued = first.connection.issuedHandles.at(-1);
  assert.deepEqual(await stored(store, conversationId), { handle: issued, setup: setupHash(ROUTER, [handOff]) });

  const again = await agentSession(store, conversationId, ROUTER, [handOff], HISTORY);
  assert.equal(again.connection.setup?.sessionResumption?.handle, issued, 'the same front desk resumes');
  assert.deepEqual(again.connection.historyTurns, []);
  await talkAndClose(again.h, 'Yes please');

  const booking = await agentSession(store, conversationId, BOOKING, [book], HISTORY);
  assert.deepEqual(booking.connection.setup?.sessionResumption, {}, 'no handle: the front desk context is not resumed');
  assert.equal(booking.connection.resumedFrom, undefined);
  assert.equal(booking.connection.setup?.systemInstruction?.parts[0]?.text, BOOKING);
  await eventually(() => booking.connection.historyTurns.length === 2, 2000, 'the history as context');
  assert.deepEqual(textsOf(booking.connection.historyTurns), [
    ['user', ['I would like an appointment']],
    ['model', ['Let me pass you to our booking desk.']],
  ]);
  assert.ok(!booking.connection.context.some((turn) => turn.parts.some((part) => part.text === 'Yes please')), 'nothing of the old server session');
  booking.h.session.sendText('Tomorrow at ten');
  await booking.h.next('response_done');
  assert.deepEqual(await stored(store, conversationId), { handle: booking.connection.issuedHandles.at(-1), setup: setupHash(BOOKING, [book]) });
});

test('same instructions but a different tool schema is another setup: fresh', async () => {
  const store = new MemoryStore();
  const conversationId = `conv-schema-${Date.now()}`;
  const first = await agentSession(store, conversationId, BOOKING, [book]);
  await talkAndClose(first.h, 'Hello');
  const widerBook = defineTool('book_appointment', 'Books a slot.', z.object({ slotId: z.string(), name: z.string() }), async () => ({ reference: 'A1' }));
  const second = await agentSession(store, conversationId, BOOKING, [widerBook], HISTORY);
  assert.deepEqual(second.connection.setup?.sessionResumption, {});
  await eventually(() => second.connection.historyTurns.length === 2, 2000, 'the history as context');
});

test('back to the first agent after another: the first agent starts fresh with the history, not from its old context', async () => {
  const store = new MemoryStore();
  const conversationId = `conv-back-${Date.now()}`;
  await talkAndClose((await agentSession(store, conversationId, ROUTER, [handOff])).h, 'I would like an appointment');
  await talkAndClose((await agentSession(store, conversationId, BOOKING, [book], HISTORY)).h, 'Tomorrow at ten');
  const history: HistoryItem[] = [...HISTORY, { role: 'user', text: 'Tomorrow at ten', at: 3 }, { role: 'assistant', text: 'Booked, reference A1.', at: 4 }];
  const back = await agentSession(store, conversationId, ROUTER, [handOff], history);
  assert.deepEqual(back.connection.setup?.sessionResumption, {});
  await eventually(() => back.connection.historyTurns.length === 4, 2000, 'the whole history, booking included');
  assert.ok(back.connection.historyTurns.some((turn) => turn.parts.some((part) => part.text.includes('Booked, reference A1.'))));
});

test('after a language switch, a session with the new language instructions resumes; one with the old does not', async () => {
  const store = new MemoryStore();
  const conversationId = `conv-locale-${Date.now()}`;
  const hindi = 'Aap Asha Clinic ke booking desk par hain.';
  const first = await agentSession(store, conversationId, BOOKING, [book]);
  first.h.session.setLocale('hi-IN', hindi);
  await talkAndClose(first.h, 'Namaste');
  assert.equal((await stored(store, conversationId))?.setup, setupHash(hindi, [book]));

  const resumed = await agentSession(store, conversationId, hindi, [book], HISTORY);
  assert.equal(resumed.connection.setup?.sessionResumption?.handle, first.connection.issuedHandles.at(-1));
  await talkAndClose(resumed.h, 'Kal subah');
  const english = await agentSession(store, conversationId, BOOKING, [book], HISTORY);
  assert.deepEqual(english.connection.setup?.sessionResumption, {});
});

test('a bare handle stored without its setup is not resumed: fresh with the history, no error', async () => {
  const store = new MemoryStore();
  const conversationId = `conv-bare-${Date.now()}`;
  await store.set(handleKey(conversationId), 'handle-without-setup');
  const before = fake.connections.length;
  const { h, connection } = await agentSession(store, conversationId, BOOKING, [book], HISTORY);
  assert.equal(fake.connections.length, before + 1, 'one connection, no refused attempt');
  assert.deepEqual(connection.setup?.sessionResumption, {});
  await eventually(() => connection.historyTurns.length === 2, 2000, 'the history as context');
  h.session.sendText('Hello');
  await h.next('response_done');
  assert.equal((await stored(store, conversationId))?.handle, connection.issuedHandles.at(-1));
});

test('a tool that cannot be declared to Live refuses the session as invalid_tools, to fall back on', async () => {
  const opaque = defineTool('opaque', 'No JSON Schema.', { '~standard': { version: 1, vendor: 'none', validate: (value: unknown) => ({ value }) } }, async () => 1);
  const before = fake.connections.length;
  const error = await live.open({ tools: [book, opaque] }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ModelUnavailableError, `expected ModelUnavailableError, got ${String(error)}`);
  assert.deepEqual({ code: error.failure.code, retryable: error.failure.retryable, fallback: error.failure.fallback }, { code: 'invalid_tools', retryable: false, fallback: true });
  assert.equal(fake.connections.length, before, 'nothing was sent');
});
