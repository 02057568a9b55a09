// The full path a user follows with tools.example.json: the config file declares two HTTP tools, the model calls
// them through the tool runner, they reach the demo booking service on the gateway's own HTTP server, and the
// booking lands in the store, where a second caller (or a retried call) meets it.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { silentLogger } from '../log.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { createHttpServer, type GatewayHttp } from '../http/server.ts';
import type { AnyToolSpec } from '../core/tool.ts';
import { teamTools } from '../agent/agent.ts';
import { defaultAgent } from '../agent/default-agent.ts';
import { runTool } from '../agent/tool-runner.ts';
import { toolJsonSchema } from '../agent/tool-schema.ts';
import { slotKey } from '../agent/tools/appointments.ts';
import { loadHttpTools } from '../agent/http-tools/index.ts';
import { registerDemoBookingApi } from './booking-api.ts';

const EXAMPLE = fileURLToPath(new URL('../../tools.example.json', import.meta.url));
// Tuesday 24 November 2026, 08:30 in India.
const NOW = Date.parse('2026-11-24T03:00:00Z');
const store = new MemoryStore();
let server: GatewayHttp;
let tools: Map<string, AnyToolSpec>;

before(async () => {
  server = createHttpServer({ log: silentLogger });
  registerDemoBookingApi(server.http, { store, appointments: { now: () => NOW } });
  const base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  const builtIn = teamTools(defaultAgent()).map((tool) => tool.name);
  const loaded = await loadHttpTools(EXAMPLE, {}, { reservedNames: builtIn, baseUrl: () => base });
  tools = new Map(loaded.map((tool) => [tool.name, tool]));
});
after(async () => {
  await server.close();
  await store.close();
});

async function call(name: string, args: unknown, conversationId: string, callId: string) {
  const result = await runTool(tools, name, JSON.stringify(args), { conversationId, channel: 'test', locale: 'en', callId, idempotencyKey: `${conversationId}:${callId}`, store });
  return { outcome: result.outcome, body: JSON.parse(result.output) as Record<string, unknown> };
}

test('tools.example.json declares the two booking tools, with schemas the providers accept', () => {
  assert.deepEqual([...tools.keys()], ['check_availability_http', 'book_appointment_http']);
  const book = toolJsonSchema(tools.get('book_appointment_http')!);
  assert.deepEqual(book.required, ['slotId']);
  assert.deepEqual(Object.keys(book.properties as object), ['slotId', 'name', 'phone']);
});

test('a model books through the example tools: file -> HTTP -> demo service -> store', async () => {
  const offered = await call('check_availability_http', { date: '2026-11-25' }, 'conv-a', 'call-1');
  assert.equal(offered.outcome, 'ok');
  const slots = offered.body.slots as { slotId: string }[];
  assert.deepEqual(
    slots.map((slot) => slot.slotId),
    ['2026-11-25T10:00', '2026-11-25T11:00', '2026-11-25T12:00'],
  );

  const booked = await call('book_appointment_http', { slotId: slots[0]!.slotId, name: 'Asha' }, 'conv-a', 'call-2');
  assert.equal(booked.outcome, 'ok');
  assert.equal(booked.body.start, '2026-11-25T10:00:00+05:30');
  const record = JSON.parse((await store.get(slotKey('2026-11-25T10:00')))!) as { bookingId: string; name: string };
  assert.deepEqual([record.bookingId, record.name], [booked.body.bookingId, 'Asha']);

  // The same call again (a duplicate event from the provider): the runner answers it from the store.
  assert.deepEqual((await call('book_appointment_http', { slotId: '2026-11-25T10:00', name: 'Asha' }, 'conv-a', 'call-2')).body, booked.body);
  // A retry that reaches the service anyway (the runner's answer lost) carries the same Idempotency-Key: the
  // service answers with the same booking instead of refusing the caller their own slot.
  const context = { conversationId: 'conv-a', channel: 'test', locale: 'en', callId: 'call-2', idempotencyKey: 'conv-a:call-2', store, signal: new AbortController().signal };
  assert.deepEqual(await tools.get('book_appointment_http')!.run({ slotId: '2026-11-25T10:00', name: 'Asha' }, context), booked.body);

  // Another caller is told the time is taken, and the next check no longer offers it.
  const late = await call('book_appointment_http', { slotId: '2026-11-25T10:00' }, 'conv-b', 'call-1');
  assert.equal(late.outcome, 'failed');
  assert.match(String(late.body.message), /^The business API answered 409 Conflict: .*slot_taken/);
  const after = await call('check_availability_http', { date: '2026-11-25' }, 'conv-b', 'call-2');
  assert.deepEqual(
    (after.body.slots as { slotId: string }[]).map((slot) => slot.slotId),
    ['2026-11-25T11:00', '2026-11-25T12:00', '2026-11-25T13:00'],
  );
});

test('a bad date from the model is refused by the declared schema', async () => {
  const refused = await call('check_availability_http', { date: 'next Tuesday' }, 'conv-c', 'call-1');
  assert.equal(refused.outcome, 'invalid_arguments');
  assert.equal((refused.body.issues as { path: string }[])[0]?.path, 'date');
});
