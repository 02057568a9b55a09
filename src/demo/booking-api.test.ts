// The demo booking service over real HTTP, as a business API client sees it: free slots by date, a booking that
// takes a slot once even when the request is repeated with the same Idempotency-Key, 409 for a taken slot, and 400
// with a clear message for bad input, which harms nobody else's booking. Its calendar is the built-in tools' one.
// A payment marks a booking paid, and the agent's status tool reports it to the customer who booked.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { silentLogger } from '../log.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { createHttpServer, type GatewayHttp } from '../http/server.ts';
import { appointmentTools, slotKey } from '../agent/tools/appointments.ts';
import { bookingStatusTool } from '../agent/tools/booking-status.ts';
import { contactKey, registerDemoBookingApi } from './booking-api.ts';

// Tuesday 24 November 2026, 08:30 in India: the clinic opens at 10:00.
const NOW = Date.parse('2026-11-24T03:00:00Z');
let store: MemoryStore;
let server: GatewayHttp;
let base: string;

before(async () => {
  server = createHttpServer({ log: silentLogger });
  // The store is swapped per test; the routes reach it through this holder.
  registerDemoBookingApi(server.http, {
    get store() {
      return store;
    },
    appointments: { now: () => NOW },
  });
  base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});
after(() => server.close());
beforeEach(async () => {
  await store?.close();
  store = new MemoryStore();
});
after(() => store.close());

async function slots(query = ''): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/demo/booking/slots${query}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function book(body: unknown, key?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/demo/booking/appointments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const slotIds = (body: Record<string, unknown>): string[] => (body.slots as { slotId: string }[]).map((slot) => slot.slotId);

test('free slots: the soonest, or on a chosen day; a closed day says so', async () => {
  const soonest = await slots();
  assert.equal(soonest.status, 200);
  assert.deepEqual(soonest.body, {
    timeZone: 'Asia/Kolkata',
    slots: [
      { slotId: '2026-11-24T10:00', start: '2026-11-24T10:00:00+05:30' },
      { slotId: '2026-11-24T11:00', start: '2026-11-24T11:00:00+05:30' },
      { slotId: '2026-11-24T12:00', start: '2026-11-24T12:00:00+05:30' },
    ],
  });
  assert.deepEqual(slotIds((await slots('?date=2026-11-25')).body), ['2026-11-25T10:00', '2026-11-25T11:00', '2026-11-25T12:00']);
  assert.deepEqual(await slots('?date=2026-11-29'), { status: 200, body: { timeZone: 'Asia/Kolkata', slots: [], message: 'The clinic is closed that day.' } });
});

test('a booking takes the slot: 201 with the booking, the slot is no longer offered, name and phone are kept', async () => {
  const booked = await book({ slotId: '2026-11-25T10:00', name: 'Asha', phone: '+91 98765 43210' }, 'key-1');
  assert.equal(booked.status, 201);
  assert.equal(booked.body.slotId, '2026-11-25T10:00');
  assert.equal(booked.body.start, '2026-11-25T10:00:00+05:30');
  assert.match(String(booked.body.bookingId), /^[A-Z2-9]{8}$/);
  assert.deepEqual(slotIds((await slots('?date=2026-11-25')).body), ['2026-11-25T11:00', '2026-11-25T12:00', '2026-11-25T13:00']);
  const record = JSON.parse((await store.get(slotKey('2026-11-25T10:00')))!) as { bookingId: string; name: string };
  assert.deepEqual([record.bookingId, record.name], [booked.body.bookingId, 'Asha']);
  assert.deepEqual(JSON.parse((await store.get(contactKey(String(booked.body.bookingId))))!), { phone: '+91 98765 43210' });
});

test('the same Idempotency-Key gets the same answer and books once, even sent twice at the same time', async () => {
  const first = await book({ slotId: '2026-11-25T11:00' }, 'retry-1');
  const again = await book({ slotId: '2026-11-25T11:00' }, 'retry-1');
  assert.deepEqual(again, first);
  const [x, y] = await Promise.all([book({ slotId: '2026-11-25T12:00' }, 'retry-2'), book({ slotId: '2026-11-25T12:00' }, 'retry-2')]);
  assert.equal(x.status, 201);
  assert.deepEqual(y, x);
  // Two slots gone, not three.
  assert.deepEqual(slotIds((await slots('?date=2026-11-25')).body), ['2026-11-25T10:00', '2026-11-25T13:00', '2026-11-25T14:00']);
  const reused = await book({ slotId: '2026-11-25T14:00' }, 'retry-1');
  assert.equal(reused.status, 422);
  assert.equal(reused.body.error, 'idempotency_key_reused');
  assert.deepEqual(slotIds((await slots('?date=2026-11-25')).body), ['2026-11-25T10:00', '2026-11-25T13:00', '2026-11-25T14:00']);
});

test('a slot someone else holds is a 409, whether booked here or by the built-in tool', async () => {
  assert.equal((await book({ slotId: '2026-11-26T10:00' }, 'caller-a')).status, 201);
  const second = await book({ slotId: '2026-11-26T10:00' }, 'caller-b');
  assert.equal(second.status, 409);
  assert.equal(second.body.error, 'slot_taken');
  assert.match(String(second.body.message), /Someone else just booked that time/);
  const withoutKey = await book({ slotId: '2026-11-26T10:00' });
  assert.equal(withoutKey.status, 409);

  const { bookAppointment } = appointmentTools({ now: () => NOW });
  const context = { conversationId: 'conv-1', channel: 'test', locale: 'en', callId: 'c1', idempotencyKey: 'conv-1:c1', store, signal: new AbortController().signal };
  assert.ok('bookingId' in (await bookAppointment.run({ slotId: '2026-11-26T11:00' }, context)));
  assert.equal((await book({ slotId: '2026-11-26T11:00' }, 'caller-c')).status, 409);
});

test('bad input gets a 400 naming the problem, and books nothing', async () => {
  const cases: [unknown, string | undefined, RegExp][] = [
    ['not json', undefined, /body must be a JSON object/],
    [['2026-11-27T10:00'], undefined, /body must be a JSON object/],
    [{ name: 'Asha' }, undefined, /^slotId: /],
    [{ slotId: 'tomorrow at ten' }, undefined, /^slotId: /],
    [{ slotId: '2026-11-27T10:00', phone: 'call me' }, undefined, /^phone: a phone number/],
    [{ slotId: '2026-11-27T10:00', name: '' }, undefined, /^name: /],
    [{ slotId: '2026-11-27T10:00' }, 'clé-non-ascii', /Idempotency-Key must be/],
    [{ slotId: '2026-11-29T10:00' }, undefined, /not a bookable time/], // a Sunday
    [{ slotId: '2026-11-20T10:00' }, undefined, /has passed/],
  ];
  for (const [body, key, message] of cases) {
    const refused = await book(body, key);
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.match(String(refused.body.message), message, JSON.stringify(body));
  }
  const badDate = await slots('?date=2026-02-30');
  assert.equal(badDate.status, 400);
  assert.equal(badDate.body.message, 'date: a calendar date, YYYY-MM-DD');
  // Nothing was taken, and the next caller books normally.
  assert.deepEqual(slotIds((await slots('?date=2026-11-27')).body), ['2026-11-27T10:00', '2026-11-27T11:00', '2026-11-27T12:00']);
  assert.equal((await book({ slotId: '2026-11-27T10:00' }, 'after-bad')).status, 201);
});

async function pay(bookingId: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/demo/booking/appointments/${bookingId}/payment`, { method: 'POST' });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test('a payment marks the booking paid, once; the customer who booked hears it from check_booking_status', async () => {
  const booked = await book({ slotId: '2026-11-30T10:00', phone: '+91 98765 43210' }, 'pay-1');
  const bookingId = String(booked.body.bookingId);
  const status = bookingStatusTool({ now: () => NOW });
  const context = { conversationId: 'conv-9', channel: 'twilio', locale: 'hi', callId: 'c9', idempotencyKey: 'conv-9:c9', store, signal: new AbortController().signal, customer: '+919876543210' };
  assert.deepEqual((await status.run({}, context)).bookings.map((booking) => [booking.bookingId, booking.paid]), [[bookingId, false]]);

  const paid = await pay(bookingId);
  assert.equal(paid.status, 200);
  assert.equal(paid.body.paid, true);
  assert.equal(paid.body.paidAt, new Date(NOW).toISOString());
  assert.deepEqual(await pay(bookingId), paid); // paying again changes nothing
  assert.deepEqual((await status.run({ bookingId }, context)).bookings[0]?.paid, true);
  assert.deepEqual((await status.run({}, context)).bookings.map((booking) => [booking.bookingId, booking.paid]), [[bookingId, true]]);
});

test('paying for a booking that does not exist is a 404, a malformed id a 400; neither marks anything', async () => {
  const unknown = await pay('ZZZZ2222');
  assert.equal(unknown.status, 404);
  assert.match(String(unknown.body.message), /No booking has the id ZZZZ2222/);
  const malformed = await pay('not-a-code');
  assert.equal(malformed.status, 400);
  assert.match(String(malformed.body.message), /8-character code/);
  const booked = await book({ slotId: '2026-11-30T11:00' }, 'pay-2');
  const status = bookingStatusTool({ now: () => NOW });
  const context = { conversationId: 'conv-10', channel: 'test', locale: 'en', callId: 'c10', idempotencyKey: 'conv-10:c10', store, signal: new AbortController().signal };
  assert.equal((await status.run({ bookingId: String(booked.body.bookingId) }, context)).bookings[0]?.paid, false);
});
