// Booking against the in-memory store: free slots come from business hours minus bookings, two callers racing for
// one slot get one booking between them, and a retried call (same idempotency key) never books twice.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../store/memory-store.ts';
import type { ToolContext } from '../../core/tool.ts';
import { appointmentTools, DEFAULT_BUSINESS_HOURS, slotKey } from './appointments.ts';
import type { Availability, BookingResult } from './appointments.ts';

// Tuesday 24 November 2026, 08:30 in India (03:00 UTC): the clinic opens at 10:00.
const NOW = Date.parse('2026-11-24T03:00:00Z');
let store: MemoryStore;
let calls = 0;

beforeEach(() => {
  store = new MemoryStore();
});
afterEach(() => store.close());

function context(idempotencyKey = `key-${++calls}`): ToolContext {
  return { conversationId: 'conv-1', channel: 'test', locale: 'en', callId: `call-${calls}`, idempotencyKey, store, signal: new AbortController().signal };
}

async function validated<T>(schema: { '~standard': { validate: (v: unknown) => unknown } }, value: unknown): Promise<T> {
  const result = (await schema['~standard'].validate(value)) as { value?: T; issues?: unknown };
  assert.equal(result.issues, undefined, JSON.stringify(result.issues));
  return result.value as T;
}

const tools = (now = NOW) => appointmentTools({ now: () => now });

async function check(date?: string, now = NOW): Promise<Availability> {
  const { checkAvailability } = tools(now);
  return checkAvailability.run(await validated(checkAvailability.input, date === undefined ? {} : { date }), context());
}

async function book(slotId: string, ctx = context(), now = NOW): Promise<BookingResult> {
  const { bookAppointment } = tools(now);
  return bookAppointment.run(await validated(bookAppointment.input, { slotId }), ctx);
}

test('appointments: the soonest three slots, hourly from opening, with the India offset', async () => {
  const result = await check();
  assert.equal(result.timeZone, 'Asia/Kolkata');
  assert.deepEqual(result.slots, [
    { slotId: '2026-11-24T10:00', start: '2026-11-24T10:00:00+05:30' },
    { slotId: '2026-11-24T11:00', start: '2026-11-24T11:00:00+05:30' },
    { slotId: '2026-11-24T12:00', start: '2026-11-24T12:00:00+05:30' },
  ]);
});

test('appointments: booked slots are not offered again', async () => {
  const booked = await book('2026-11-24T10:00');
  assert.ok('bookingId' in booked);
  assert.deepEqual((await check()).slots.map((s) => s.slotId), ['2026-11-24T11:00', '2026-11-24T12:00', '2026-11-24T13:00']);
});

test('appointments: late in the day the search moves on, skipping Sunday', async () => {
  // Saturday 28 November, 17:40 in India: the last slot (17:00) has begun, Sunday is closed.
  const result = await check(undefined, Date.parse('2026-11-28T12:10:00Z'));
  assert.deepEqual(result.slots.map((s) => s.slotId), ['2026-11-30T10:00', '2026-11-30T11:00', '2026-11-30T12:00']);
});

test('appointments: a chosen date, a closed day, a past day, a day that does not exist', async () => {
  assert.deepEqual((await check('2026-11-25')).slots.map((s) => s.slotId), ['2026-11-25T10:00', '2026-11-25T11:00', '2026-11-25T12:00']);
  assert.deepEqual(await check('2026-11-29'), { timeZone: 'Asia/Kolkata', slots: [], message: 'The clinic is closed that day.' });
  assert.equal((await check('2026-11-20')).message, 'That date is in the past.');
  assert.match((await check('2026-02-30')).message ?? '', /not a calendar date/u);
});

test('appointments: two callers racing for one slot get one booking between them', async () => {
  const [a, b] = await Promise.all([book('2026-11-24T11:00', context('caller-a')), book('2026-11-24T11:00', context('caller-b'))]);
  const winners = [a, b].filter((r) => 'bookingId' in r);
  const losers = [a, b].filter((r) => 'error' in r);
  assert.equal(winners.length, 1);
  assert.equal(losers.length, 1);
  assert.equal('error' in losers[0]! ? losers[0].error : '', 'slot_taken');
});

test('appointments: the same idempotency key twice books once and answers the same', async () => {
  const first = await book('2026-11-24T12:00', context('retry-1'));
  const again = await book('2026-11-24T12:00', context('retry-1'));
  assert.ok('bookingId' in first);
  assert.deepEqual(again, first);
  const [x, y] = await Promise.all([book('2026-11-25T10:00', context('retry-2')), book('2026-11-25T10:00', context('retry-2'))]);
  assert.ok('bookingId' in x);
  assert.deepEqual(y, x); // concurrent retries too
  const record = JSON.parse((await store.get(slotKey('2026-11-24T12:00')))!) as { idempotencyKey: string; bookingId: string };
  assert.equal(record.idempotencyKey, 'retry-1');
  assert.equal(record.bookingId, 'bookingId' in first ? first.bookingId : '');
});

test('appointments: times outside the hours, off the hour, on Sunday or in the past are refused', async () => {
  for (const slotId of ['2026-11-24T09:00', '2026-11-24T18:00', '2026-11-24T10:30', '2026-11-29T10:00', '2026-11-23T10:00']) {
    const result = await book(slotId);
    assert.ok('error' in result && result.error === 'invalid_slot', slotId);
  }
});

test('appointments: arguments are validated by the schema', async () => {
  const { bookAppointment, checkAvailability } = tools();
  const bad = (await bookAppointment.input['~standard'].validate({ slotId: 'tomorrow at ten' })) as { issues?: unknown[] };
  assert.ok(bad.issues && bad.issues.length > 0);
  const badDate = (await checkAvailability.input['~standard'].validate({ date: '25/11/2026' })) as { issues?: unknown[] };
  assert.ok(badDate.issues && badDate.issues.length > 0);
});

test('appointments: hours follow daylight saving in zones that have it', async () => {
  const { checkAvailability } = appointmentTools({
    now: () => Date.parse('2026-03-06T12:00:00Z'),
    hours: { ...DEFAULT_BUSINESS_HOURS, timeZone: 'America/New_York' },
  });
  // Monday 9 March 2026 is the first weekday after the US clocks moved forward (8 March).
  const result = await checkAvailability.run({ date: '2026-03-09' }, context());
  assert.equal(result.slots[0]?.start, '2026-03-09T10:00:00-04:00');
  const before = await checkAvailability.run({ date: '2026-03-07' }, context());
  assert.equal(before.slots[0]?.start, '2026-03-07T10:00:00-05:00');
});
