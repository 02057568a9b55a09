// A small booking service for trying HTTP tools without a business API of one's own: the gateway serves it under
// /demo/booking/ and tools.example.json declares two tools against it (config file -> HTTP -> this -> store).
// Slots come from the same appointment logic as the built-in tools, on the same keys of the Store, so both see one
// calendar. A booking honours the Idempotency-Key header: the same key gets the same answer and books once. A
// payment route marks a booking paid, as a payment provider's webhook would, so check_booking_status has something
// to report.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChannelHttp, HttpReply, HttpRequest, Logger } from '../core/channel.ts';
import type { SchemaIssue, ToolContext } from '../core/tool.ts';
import type { Store } from '../core/store.ts';
import { appointmentTools, type AppointmentOptions } from '../agent/tools/appointments.ts';
import { BOOKING_CODE, markPaid } from '../agent/tools/booking-records.ts';

export const DEMO_BOOKING_PATH = '/demo/booking';

export interface DemoBookingOptions {
  readonly store: Store;
  /** Business hours and clock (tests pin `now`); the built-in tools' defaults otherwise. */
  readonly appointments?: AppointmentOptions;
  readonly log?: Logger;
}

/** Printable ASCII, as the IETF Idempotency-Key draft and the payment APIs that use it expect. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const DAY_MS = 86_400_000;
/** The contact is kept a month past the slot, as the booking itself is. */
const CONTACT_RETENTION_MS = 30 * DAY_MS;

const slotsQuery = z.object({ date: z.iso.date('a calendar date, YYYY-MM-DD').optional() });
const contact = z.object({ phone: z.string('text').regex(/^\+?[0-9][0-9 ()-]{5,19}$/, 'a phone number such as +91 98765 43210').optional() });

export function registerDemoBookingApi(http: ChannelHttp, options: DemoBookingOptions): void {
  const { checkAvailability, bookAppointment } = appointmentTools(options.appointments);
  const now = options.appointments?.now ?? Date.now;
  const never = new AbortController().signal;
  const contextFor = (idempotencyKey: string, customer?: string): ToolContext => ({
    conversationId: 'demo-booking-api',
    channel: 'http',
    locale: 'en',
    callId: randomUUID(),
    idempotencyKey,
    store: options.store,
    signal: never,
    // The phone given with a booking finds it again when that customer calls and asks about it.
    ...(customer !== undefined ? { customer } : {}),
  });

  http.route('GET', `${DEMO_BOOKING_PATH}/slots`, async (request) => {
    const query = slotsQuery.safeParse(request.query);
    if (!query.success) return badRequest(query.error.issues);
    const availability = await checkAvailability.run(query.data, contextFor(randomUUID()));
    return json(200, availability);
  });

  http.route('POST', `${DEMO_BOOKING_PATH}/appointments`, async (request) => {
    const key = request.headers['idempotency-key'];
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) return problem(400, 'bad_request', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
    const body = jsonBody(request);
    if (body === undefined) return problem(400, 'bad_request', 'The body must be a JSON object such as {"slotId": "2026-11-25T10:00"}.');
    // The slot and name are checked by the booking tool's own schema, so the rules live in one place.
    const { phone: _phone, ...booking } = body;
    const [checked, checkedContact] = await Promise.all([bookAppointment.input['~standard'].validate(booking), contact.safeParseAsync(body)]);
    const issues = [...(checked.issues ?? []), ...(checkedContact.error?.issues ?? [])];
    if (issues.length > 0 || checked.issues) return badRequest(issues);

    // Namespaced so a client's key can never meet a conversation's key for the built-in tool.
    const result = await bookAppointment.run(checked.value, contextFor(`demo-booking:${key ?? randomUUID()}`, checkedContact.data?.phone));
    if ('error' in result) return problem(result.error === 'slot_taken' ? 409 : 400, result.error, result.message);
    if (result.slotId !== checked.value.slotId) {
      return problem(422, 'idempotency_key_reused', `This Idempotency-Key already booked ${result.slotId}; use a new key for another booking.`);
    }
    const phone = checkedContact.data?.phone;
    if (phone !== undefined) {
      const ttlMs = Math.max(Date.parse(result.start) - now(), 0) + CONTACT_RETENTION_MS;
      await options.store.set(contactKey(result.bookingId), JSON.stringify({ phone }), { onlyIfAbsent: true, ttlMs });
    }
    options.log?.info({ bookingId: result.bookingId, slotId: result.slotId }, 'demo booking made');
    return json(201, result);
  });

  // Paying twice is harmless: the first payment's time is kept and returned.
  http.route('POST', `${DEMO_BOOKING_PATH}/appointments/:id/payment`, async (request) => {
    const bookingId = /\/appointments\/([^/]*)\/payment\/?$/u.exec(request.path)?.[1] ?? '';
    if (!BOOKING_CODE.test(bookingId)) return problem(400, 'bad_request', 'The booking id must be the 8-character code a booking returned, such as K7QM3XTA.');
    const payment = await markPaid(options.store, bookingId, now());
    if (payment === undefined) return problem(404, 'not_found', `No booking has the id ${bookingId}.`);
    options.log?.info({ bookingId }, 'demo booking paid');
    return json(200, { bookingId, paid: true, paidAt: payment.paidAt });
  });
}

/** Where the demo keeps the phone number given with a booking (personal data: it expires with the booking). */
export const contactKey = (bookingId: string): string => `demo-booking:contact:${bookingId}`;

function jsonBody(request: HttpRequest): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(request.rawBody).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function json(status: number, body: unknown): HttpReply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

function problem(status: number, error: string, message: string, extra: object = {}): HttpReply {
  return json(status, { error, message, ...extra });
}

function badRequest(issues: readonly SchemaIssue[]): HttpReply {
  const listed = issues.map((issue) => ({ field: (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.'), message: issue.message }));
  const message = listed.map((issue) => (issue.field ? `${issue.field}: ${issue.message}` : issue.message)).join('; ');
  return problem(400, 'bad_request', message, { issues: listed });
}
