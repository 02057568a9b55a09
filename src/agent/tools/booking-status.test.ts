// "When is my appointment, is it paid?": check_booking_status finds a booking by its code (however the caller reads
// it out) or by the caller's own number, reports the fee and whether it is paid, and tells the model what to do when
// nothing is found. The number it is found by is never written to the store in the clear. Runs on both stores.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../core/store.ts';
import type { AnyToolSpec, ToolContext } from '../../core/tool.ts';
import { storeFixtures, type StoreFixtures } from '../../../test/store-fixtures.ts';
import { runTool } from '../tool-runner.ts';
import { appointmentTools, type AppointmentOptions } from './appointments.ts';
import { markPaid } from './booking-records.ts';
import { bookingStatusTool, type BookingStatusResult } from './booking-status.ts';

// Tuesday 24 November 2026, 08:30 in India: the clinic opens at 10:00.
const NOW = Date.parse('2026-11-24T03:00:00Z');
const CALLER = '+919876543210';
let fixtures: StoreFixtures;
let calls = 0;

before(async () => {
  fixtures = await storeFixtures();
});
after(() => fixtures.close());

type Context = Omit<ToolContext, 'signal'>;
const contextFor = (store: Store, customer?: string): Context => {
  calls += 1;
  return { conversationId: `conv-${calls}`, channel: 'twilio', locale: 'en-IN', callId: `call-${calls}`, idempotencyKey: `conv-${calls}:call-${calls}`, store, ...(customer !== undefined ? { customer } : {}) };
};

function harness(store: Store, options: AppointmentOptions = {}) {
  const { bookAppointment } = appointmentTools({ now: () => NOW, ...options });
  const tools = new Map<string, AnyToolSpec>([bookAppointment, bookingStatusTool({ now: () => NOW, ...options })].map((tool) => [tool.name, tool]));
  return {
    async book(slotId: string, customer?: string): Promise<string> {
      const result = await runTool(tools, 'book_appointment', JSON.stringify({ slotId }), contextFor(store, customer));
      assert.equal(result.outcome, 'ok', result.output);
      return (JSON.parse(result.output) as { bookingId: string }).bookingId;
    },
    async status(args: object, customer?: string, now = NOW): Promise<BookingStatusResult & { outcome: string }> {
      const at = new Map(tools);
      at.set('check_booking_status', bookingStatusTool({ now: () => now, ...options }));
      const result = await runTool(at, 'check_booking_status', JSON.stringify(args), contextFor(store, customer));
      return { outcome: result.outcome, ...(JSON.parse(result.output) as BookingStatusResult) };
    },
  };
}

for (const kind of ['MemoryStore', 'RedisStore'] as const) {
  describe(`check_booking_status on ${kind}`, () => {
    let store: Store;
    before(async () => {
      store = await fixtures.all.find((fixture) => fixture.name === kind)!.open();
    });
    after(() => store.close());

    test('by code: the start, the default fee of 500 INR, unpaid; then paid once the payment is recorded', async () => {
      const { book, status } = harness(store);
      const id = await book('2026-11-25T10:00');
      const before = await status({ bookingId: id });
      assert.equal(before.outcome, 'ok');
      assert.deepEqual(before.bookings, [{ bookingId: id, start: '2026-11-25T10:00:00+05:30', status: 'booked', fee: { amount: 500, currency: 'INR' }, paid: false }]);

      await markPaid(store, id, NOW);
      assert.equal((await status({ bookingId: id })).bookings[0]?.paid, true);
      // Read out with spaces and in lower case, as a caller says it.
      const spoken = `${id.slice(0, 4).toLowerCase()} ${id.slice(4)}`;
      assert.equal((await status({ bookingId: spoken })).bookings[0]?.bookingId, id);
    });

    test("by the caller's number: their upcoming bookings in order, nobody else's, with the business's fee", async () => {
      const { book, status } = harness(store, { fee: { amount: 150, currency: 'BRL' } });
      const later = await book('2026-11-27T11:00', CALLER);
      const sooner = await book('2026-11-26T10:00', '+91 98765 43210'); // the same number, written another way
      await book('2026-11-26T11:00', '+919811111111'); // another customer
      await book('2026-11-26T12:00'); // nobody known

      const mine = await status({}, CALLER);
      assert.deepEqual(mine.bookings.map((booking) => booking.bookingId), [sooner, later]);
      assert.deepEqual(mine.bookings[0]?.fee, { amount: 150, currency: 'BRL' });
      // Once a slot is over it is no longer upcoming.
      const afterFirst = await status({}, CALLER, Date.parse('2026-11-26T06:00:00Z'));
      assert.deepEqual(afterFirst.bookings.map((booking) => booking.bookingId), [later]);
    });

    test('nothing found: an unknown code, a stranger, an unknown number each say what to do next', async () => {
      const { status } = harness(store);
      const unknown = await status({ bookingId: 'ZZZZ2222' });
      assert.equal(unknown.outcome, 'ok');
      assert.deepEqual(unknown.bookings, []);
      assert.match(unknown.message ?? '', /No booking has the code ZZZZ2222/u);
      assert.match((await status({ bookingId: 'not a code at all' })).message ?? '', /No booking has the code/u);
      assert.match((await status({}, '+14155550100')).message ?? '', /no upcoming booking/u);
      assert.match((await status({})).message ?? '', /Ask for the booking code/u);
      const refused = await status({ bookingId: 42 });
      assert.equal(refused.outcome, 'invalid_arguments');
    });

    test("the caller's number is never stored in the clear, in any form", async () => {
      const { book } = harness(store);
      await book('2026-11-28T10:00', CALLER);
      const fixture = fixtures.all.find((candidate) => candidate.name === kind)!;
      const contents = await fixture.contents(store);
      assert.ok(contents.some((entry) => entry.key.startsWith('appointments:customer:')), 'the customer index exists');
      for (const entry of contents) {
        for (const form of ['9876543210', '98765 43210']) {
          assert.ok(!entry.key.includes(form) && !entry.text.includes(form), `${entry.key} holds the number`);
        }
      }
    });
  });
}
