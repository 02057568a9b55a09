// Tool answers as the menu reads them: each parser takes a tool's JSON output and returns the few facts the menu
// says, or undefined when the answer is not what the tool promises (an error, a timeout, garbage). Pure functions;
// the menu decides what to say about a failure.
import type { Slot } from './menu-state.ts';

export function parseObject(output: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(output);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function isSlot(value: unknown): value is Slot {
  if (!isRecord(value)) return false;
  return typeof value['slotId'] === 'string' && typeof value['start'] === 'string' && !Number.isNaN(Date.parse(value['start']));
}

/** The agent serving after a hand_off (`now`, else the one asked for), or undefined when the hand-off was refused. */
export function handOffAgent(result: Record<string, unknown> | undefined, asked: string): string | undefined {
  if (result?.['ok'] !== true) return undefined;
  return typeof result['now'] === 'string' && result['now'] !== '' ? result['now'] : asked;
}

export interface BookingStatus {
  /** ISO 8601 with offset. */
  readonly start: string;
  /** The offset the start was written with ("+05:30"): the business's clock at that moment. */
  readonly offset: string;
  readonly fee: { readonly amount: number; readonly currency: string };
  readonly paid: boolean;
}

const ISO_OFFSET = /(?:([+-])(\d{2}):?(\d{2})|Z)$/u;

/** "+05:30" for "2026-11-24T10:00:00+05:30", "+00:00" for "...Z"; undefined without an offset (local time is ambiguous). */
export function offsetOf(iso: string): string | undefined {
  const match = ISO_OFFSET.exec(iso);
  if (!match) return undefined;
  return match[1] === undefined ? '+00:00' : `${match[1]}${match[2]}:${match[3]}`;
}

function bookingStatus(value: unknown): BookingStatus | undefined {
  if (!isRecord(value) || typeof value['start'] !== 'string' || typeof value['paid'] !== 'boolean') return undefined;
  const start = value['start'];
  const offset = offsetOf(start);
  const fee = value['fee'];
  if (offset === undefined || Number.isNaN(Date.parse(start)) || !isRecord(fee)) return undefined;
  const { amount, currency } = fee;
  if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) return undefined;
  if (typeof currency !== 'string' || !/^[A-Za-z]{3}$/u.test(currency)) return undefined;
  return { start, offset, fee: { amount, currency: currency.toUpperCase() }, paid: value['paid'] };
}

/**
 * The caller's bookings from check_booking_status, soonest first: [] when they have none, undefined when the answer
 * is not a list of bookings (or none of its entries can be said).
 */
export function parseBookings(result: Record<string, unknown> | undefined): BookingStatus[] | undefined {
  const list = result?.['bookings'];
  if (!Array.isArray(list)) return undefined;
  const bookings = list.map(bookingStatus).filter((booking) => booking !== undefined);
  if (list.length > 0 && bookings.length === 0) return undefined;
  return bookings.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

/** The best answer lookup_faq found, with the language of the file it comes from. */
export function faqAnswer(result: Record<string, unknown> | undefined): { text: string; locale: string } | undefined {
  if (result?.['found'] !== true || typeof result['locale'] !== 'string' || !Array.isArray(result['answers'])) return undefined;
  const best: unknown = result['answers'][0];
  if (!isRecord(best) || typeof best['answer'] !== 'string' || best['answer'].trim() === '') return undefined;
  return { text: best['answer'].trim(), locale: result['locale'] };
}
