// Where bookings live in the store, beside the slot key that makes a slot bookable once: an index from booking code
// to slot (for "when is my appointment?"), one from the customer to their bookings, and the payment mark. The
// customer index is keyed by a sha256 of the customer's address, never the number itself, so a key listing or a
// store dump does not show who booked.
import { createHash } from 'node:crypto';
import type { Store } from '../../core/store.ts';

const DAY_MS = 86_400_000;
/** Bookings are kept a month past their slot, then the store forgets them. */
export const BOOKING_RETENTION_MS = 30 * DAY_MS;

export interface BookingRecord {
  readonly bookingId: string;
  readonly slotId: string;
  readonly start: string;
  readonly name?: string;
  readonly conversationId: string;
  readonly idempotencyKey: string;
  readonly bookedAt: string;
}

export interface PaymentRecord {
  readonly paidAt: string;
}

/** Codes are 8 characters from an alphabet without 0/O or 1/I (see bookingCode in appointments.ts). */
export const BOOKING_CODE = /^[A-HJ-NP-Z2-9]{8}$/u;

export const slotKey = (slotId: string): string => `appointments:slot:${slotId}`;
export const bookingKey = (bookingId: string): string => `appointments:booking:${bookingId}`;
export const paymentKey = (bookingId: string): string => `appointments:payment:${bookingId}`;
export const customerBookingsKey = (customer: string): string => `appointments:customer:${customerDigest(customer)}`;

/**
 * The same person whatever way their number was written: "+91 98765 43210" and "+919876543210" are one customer.
 * Anything that is not a phone number (a WhatsApp id, a visitor id) is taken as it is.
 */
export function normalizeCustomer(customer: string): string {
  const trimmed = customer.trim();
  if (/^\+?[0-9][0-9 ().-]{4,24}$/u.test(trimmed)) return `${trimmed.startsWith('+') ? '+' : ''}${trimmed.replace(/\D/gu, '')}`;
  return trimmed.toLowerCase();
}

function customerDigest(customer: string): string {
  return createHash('sha256').update(`customer\0${normalizeCustomer(customer)}`).digest('hex');
}

/** The booking a code names, or undefined when there is none (never booked, expired, or a slot rebooked since). */
export async function readBooking(store: Store, bookingId: string): Promise<BookingRecord | undefined> {
  const slotId = await store.get(bookingKey(bookingId));
  if (slotId === null) return undefined;
  const held = await store.get(slotKey(slotId));
  const record = held === null ? undefined : (JSON.parse(held) as BookingRecord);
  return record?.bookingId === bookingId ? record : undefined;
}

/** The codes of a customer's bookings, oldest first, each once. */
export async function customerBookingIds(store: Store, customer: string): Promise<string[]> {
  return [...new Set(await store.range(customerBookingsKey(customer), 0, -1))];
}

/** Writes the code -> slot index and, when the customer is known, adds the code to their list. */
export async function indexBooking(store: Store, record: BookingRecord, options: { readonly customer?: string; readonly ttlMs: number; readonly customerTtlMs: number }): Promise<void> {
  await store.set(bookingKey(record.bookingId), record.slotId, { ttlMs: options.ttlMs });
  if (options.customer !== undefined && options.customer.trim() !== '') {
    // A retried booking may append the same code again: readers de-duplicate.
    await store.append(customerBookingsKey(options.customer), record.bookingId, { maxLength: 50, ttlMs: options.customerTtlMs });
  }
}

export async function readPayment(store: Store, bookingId: string): Promise<PaymentRecord | undefined> {
  const paid = await store.get(paymentKey(bookingId));
  return paid === null ? undefined : (JSON.parse(paid) as PaymentRecord);
}

/**
 * Marks a booking paid; paying twice keeps the first time. Undefined when there is no such booking. The mark expires
 * with the booking's index, so it never outlives what it is about.
 */
export async function markPaid(store: Store, bookingId: string, now: number): Promise<PaymentRecord | undefined> {
  const booking = await readBooking(store, bookingId);
  if (booking === undefined) return undefined;
  const payment: PaymentRecord = { paidAt: new Date(now).toISOString() };
  const ttlMs = Math.max(Date.parse(booking.start) - now, 0) + BOOKING_RETENTION_MS;
  await store.set(paymentKey(bookingId), JSON.stringify(payment), { onlyIfAbsent: true, ttlMs });
  return readPayment(store, bookingId);
}
