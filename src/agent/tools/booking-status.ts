// check_booking_status: "when is my appointment, is it paid, what do I owe". It finds a booking by the code the
// customer reads out, or else the customer's own upcoming bookings through the index book_appointment writes under
// a digest of their number. A lookup only, so it runs without the once-only guard.
import { z } from 'zod';
import { defineTool, type ToolSpec } from '../../core/tool.ts';
import { DEFAULT_BUSINESS_HOURS, DEFAULT_FEE, type AppointmentOptions, type Fee } from './appointments.ts';
import { BOOKING_CODE, customerBookingIds, readBooking, readPayment, type BookingRecord } from './booking-records.ts';

export interface BookingStatus {
  readonly bookingId: string;
  /** ISO 8601 with the business's offset. */
  readonly start: string;
  readonly status: 'booked';
  readonly fee: Fee;
  readonly paid: boolean;
}

export interface BookingStatusResult {
  readonly bookings: readonly BookingStatus[];
  /** Why nothing was found, and what to do about it. */
  readonly message?: string;
}

const input = z.object({
  bookingId: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .optional()
    .describe("The booking code the customer gives (8 letters and digits, such as K7QM3XTA). Leave out to look up the customer's own upcoming bookings."),
});

export type CheckBookingStatusInput = z.infer<typeof input>;

/** Bookings listed per lookup by customer: a person rarely has more, and the answer is read out. */
const MAX_LISTED = 5;

export function bookingStatusTool(options: AppointmentOptions = {}): ToolSpec<CheckBookingStatusInput, BookingStatusResult> {
  const now = options.now ?? Date.now;
  const fee = options.fee ?? DEFAULT_FEE;
  const slotMs = (options.hours ?? DEFAULT_BUSINESS_HOURS).slotMinutes * 60_000;

  return defineTool(
    'check_booking_status',
    "Looks up the customer's appointments: by booking code, or without one the customer's own upcoming bookings. Returns each booking's start, fee (amount and currency) and whether it is paid.",
    input,
    async ({ bookingId }, context): Promise<BookingStatusResult> => {
      const status = async (record: BookingRecord): Promise<BookingStatus> => ({
        bookingId: record.bookingId,
        start: record.start,
        status: 'booked',
        fee,
        paid: (await readPayment(context.store, record.bookingId)) !== undefined,
      });

      if (bookingId !== undefined) {
        // Spoken codes arrive with spaces, dashes and lower case: "k7qm 3xta".
        const code = bookingId.toUpperCase().replace(/[^A-Z0-9]/gu, '');
        const record = BOOKING_CODE.test(code) ? await readBooking(context.store, code) : undefined;
        if (record === undefined) {
          return { bookings: [], message: `No booking has the code ${bookingId}. Read the code back to the customer to check it, or look up without a code to find their own bookings.` };
        }
        return { bookings: [await status(record)] };
      }

      if (context.customer === undefined) {
        return { bookings: [], message: "The customer's number is not known in this conversation. Ask for the booking code." };
      }
      const ids = await customerBookingIds(context.store, context.customer);
      context.signal.throwIfAborted();
      const records = (await Promise.all(ids.map((id) => readBooking(context.store, id)))).filter((record) => record !== undefined);
      // Upcoming: not yet over, so a customer sitting in the waiting room still finds today's appointment.
      const upcoming = records.filter((record) => Date.parse(record.start) + slotMs > now()).sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
      if (upcoming.length === 0) {
        return { bookings: [], message: 'This customer has no upcoming booking under their number. Ask for the booking code if they have one.' };
      }
      return { bookings: await Promise.all(upcoming.slice(0, MAX_LISTED).map(status)) };
    },
    { timeoutMs: 5_000, cancellable: true, idempotent: true },
  );
}
