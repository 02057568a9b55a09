// Appointment booking, shared by every model (cloud or local): check_availability lists free slots (business hours
// minus bookings in the store) and book_appointment takes one. The slot key is written with onlyIfAbsent, so two
// callers racing for one slot cannot both win, and the answer is kept under the call's idempotency key, so a retried
// call returns the first booking instead of making a second.
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { defineTool } from '../../core/tool.ts';
import type { ToolContext, ToolSpec } from '../../core/tool.ts';
import { BOOKING_RETENTION_MS, indexBooking, slotKey, type BookingRecord } from './booking-records.ts';

export { slotKey } from './booking-records.ts';

export interface BusinessHours {
  /** IANA zone the hours are in; slot ids are wall-clock times there. */
  readonly timeZone: string;
  /** Open days, 0 = Sunday ... 6 = Saturday. */
  readonly days: readonly number[];
  readonly openHour: number;
  /** The last slot ends here. */
  readonly closeHour: number;
  readonly slotMinutes: number;
}

/** Config-free defaults: Monday to Saturday, 10:00 to 18:00, hourly, in India. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours = { timeZone: 'Asia/Kolkata', days: [1, 2, 3, 4, 5, 6], openHour: 10, closeHour: 18, slotMinutes: 60 };

export interface AppointmentOptions {
  readonly hours?: BusinessHours;
  /** Epoch milliseconds; tests pin it. */
  readonly now?: () => number;
  /** Slots returned per check. */
  readonly maxSlots?: number;
  /** How far ahead a check without a date looks. */
  readonly searchDays?: number;
  /** How far ahead a date may be asked for. */
  readonly horizonDays?: number;
  /** A slot starting sooner than this is not offered or booked: nobody can reach the clinic in time. */
  readonly minLeadMs?: number;
  /** What one appointment costs, as check_booking_status reports it. */
  readonly fee?: Fee;
}

export interface Fee {
  readonly amount: number;
  /** ISO 4217, such as INR. */
  readonly currency: string;
}

/** The demo clinic's consultation fee (knowledge/en.json says the same). */
export const DEFAULT_FEE: Fee = { amount: 500, currency: 'INR' };

export interface SlotOffer {
  readonly slotId: string;
  /** ISO 8601 with the business's offset, e.g. 2026-11-25T10:00:00+05:30. */
  readonly start: string;
}

export interface Availability {
  readonly slots: readonly SlotOffer[];
  readonly timeZone: string;
  readonly message?: string;
}

export type BookingResult =
  | { readonly bookingId: string; readonly slotId: string; readonly start: string }
  | { readonly error: 'slot_taken' | 'invalid_slot'; readonly message: string };

const SLOT_ID = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/u;
const DAY_MS = 86_400_000;
const IDEMPOTENCY_TTL_MS = DAY_MS;

const idempotencyKey = (key: string): string => `appointments:idempotency:${key}`;

const checkInput = z.object({
  // A plain pattern rather than z.iso.date(): its calendar regex is long and some providers' schema subsets
  // reject it; run() checks the date is real.
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/u)
    .optional()
    .describe('A day to look at, YYYY-MM-DD. Leave out to get the soonest free times.'),
});
const bookInput = z.object({
  slotId: z.string().regex(SLOT_ID).describe('A slotId exactly as check_availability returned it.'),
  name: z.string().trim().min(1).max(100).optional().describe("The caller's name, if they gave it."),
});

export type CheckAvailabilityInput = z.infer<typeof checkInput>;
export type BookAppointmentInput = z.infer<typeof bookInput>;

export function appointmentTools(options: AppointmentOptions = {}): {
  readonly checkAvailability: ToolSpec<CheckAvailabilityInput, Availability>;
  readonly bookAppointment: ToolSpec<BookAppointmentInput, BookingResult>;
} {
  const hours = options.hours ?? DEFAULT_BUSINESS_HOURS;
  const now = options.now ?? Date.now;
  const maxSlots = options.maxSlots ?? 3;
  const searchDays = options.searchDays ?? 14;
  const horizonDays = options.horizonDays ?? 90;
  const minLeadMs = options.minLeadMs ?? 30 * 60_000;
  const clock = new ZoneClock(hours.timeZone);

  async function freeSlots(day: CivilDay, earliest: number, context: ToolContext, limit: number): Promise<SlotOffer[]> {
    if (!hours.days.includes(day.weekday)) return [];
    const candidates: { slotId: string; at: number }[] = [];
    for (let minute = hours.openHour * 60; minute + hours.slotMinutes <= hours.closeHour * 60; minute += hours.slotMinutes) {
      const at = clock.toEpoch(day, minute);
      if (at >= earliest && clock.isWallTime(at, day, minute)) candidates.push({ slotId: slotIdOf(day, minute), at });
    }
    // One round of reads per day (in parallel for Redis), not one per slot in sequence.
    const booked = await Promise.all(candidates.map((slot) => context.store.get(slotKey(slot.slotId))));
    return candidates.filter((_, i) => booked[i] === null).slice(0, limit).map((slot) => ({ slotId: slot.slotId, start: clock.iso(slot.at) }));
  }

  const checkAvailability = defineTool(
    'check_availability',
    `Lists up to ${maxSlots} free appointment times (slotId and start). Call it before offering times; never invent one.`,
    checkInput,
    async (input, context): Promise<Availability> => {
      const earliest = now() + minLeadMs;
      const today = clock.civilDay(now());
      const base = { timeZone: hours.timeZone };
      if (input.date !== undefined) {
        const day = parseDay(input.date);
        if (day === undefined) return { ...base, slots: [], message: `${input.date} is not a calendar date.` };
        const offset = (day.utcMidnight - today.utcMidnight) / DAY_MS;
        if (offset < 0) return { ...base, slots: [], message: 'That date is in the past.' };
        if (offset > horizonDays) return { ...base, slots: [], message: `Bookings open ${horizonDays} days ahead.` };
        if (!hours.days.includes(day.weekday)) return { ...base, slots: [], message: 'The clinic is closed that day.' };
        const slots = await freeSlots(day, earliest, context, maxSlots);
        return slots.length > 0 ? { ...base, slots } : { ...base, slots, message: 'No free times that day.' };
      }
      const slots: SlotOffer[] = [];
      for (let offset = 0; offset < searchDays && slots.length < maxSlots; offset++) {
        context.signal.throwIfAborted();
        slots.push(...(await freeSlots(addDays(today, offset), earliest, context, maxSlots - slots.length)));
      }
      return slots.length > 0 ? { ...base, slots } : { ...base, slots, message: `No free times in the next ${searchDays} days.` };
    },
    { timeoutMs: 5_000, cancellable: true, idempotent: true },
  );

  const bookAppointment = defineTool(
    'book_appointment',
    'Books one slot from check_availability for the caller. Returns bookingId and start, or an error to explain.',
    bookInput,
    async (input, context): Promise<BookingResult> => {
      const remembered = await context.store.get(idempotencyKey(context.idempotencyKey));
      if (remembered !== null) return JSON.parse(remembered) as BookingResult;

      const at = slotEpoch(input.slotId, hours, clock);
      if (at === undefined) return { error: 'invalid_slot', message: 'That is not a bookable time. Use a slotId from check_availability.' };
      if (at < now() + minLeadMs) return { error: 'invalid_slot', message: 'That time has passed or is too soon. Call check_availability for current times.' };

      context.signal.throwIfAborted();
      const record: BookingRecord = {
        bookingId: bookingCode(),
        slotId: input.slotId,
        start: clock.iso(at),
        ...(input.name !== undefined ? { name: input.name } : {}),
        conversationId: context.conversationId,
        idempotencyKey: context.idempotencyKey,
        bookedAt: new Date(now()).toISOString(),
      };
      const ttlMs = Math.max(at - now(), 0) + BOOKING_RETENTION_MS;
      const won = await context.store.set(slotKey(input.slotId), JSON.stringify(record), { onlyIfAbsent: true, ttlMs });
      let result: BookingResult;
      let booked = record;
      if (won) {
        result = { bookingId: record.bookingId, slotId: record.slotId, start: record.start };
      } else {
        // Taken, possibly by this very call retried while the first attempt was still running: then it is ours.
        const holder = await context.store.get(slotKey(input.slotId));
        const held = holder === null ? undefined : (JSON.parse(holder) as BookingRecord);
        if (held?.idempotencyKey !== context.idempotencyKey) {
          return { error: 'slot_taken', message: 'Someone else just booked that time. Call check_availability and offer other times.' };
        }
        result = { bookingId: held.bookingId, slotId: held.slotId, start: held.start };
        booked = held;
      }
      // Written on both paths: a first attempt that died after taking the slot may not have indexed it.
      const customerTtlMs = (horizonDays + 1) * DAY_MS + BOOKING_RETENTION_MS;
      await indexBooking(context.store, booked, { ...(context.customer !== undefined ? { customer: context.customer } : {}), ttlMs, customerTtlMs });
      await context.store.set(idempotencyKey(context.idempotencyKey), JSON.stringify(result), { onlyIfAbsent: true, ttlMs: IDEMPOTENCY_TTL_MS });
      return result;
    },
    // The same slot asked for again in this conversation (a model re-asking after a reconnect, under a new call id)
    // is the same booking: the runner answers it from the store instead of acting twice.
    { timeoutMs: 5_000, idempotencyKey: (input, context) => `${context.conversationId}:${input.slotId}` },
  );

  return { checkAvailability, bookAppointment };
}

// ---- calendar arithmetic in the business's time zone (Intl only; no date library) ----

interface CivilDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly weekday: number;
  /** Date.UTC of the day: for counting days between dates. */
  readonly utcMidnight: number;
}

function civil(year: number, month: number, day: number): CivilDay {
  const utcMidnight = Date.UTC(year, month - 1, day);
  return { year, month, day, weekday: new Date(utcMidnight).getUTCDay(), utcMidnight };
}

function addDays(day: CivilDay, days: number): CivilDay {
  const d = new Date(day.utcMidnight + days * DAY_MS);
  return civil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function parseDay(text: string): CivilDay | undefined {
  const [year, month, day] = text.split('-').map(Number);
  if (year === undefined || month === undefined || day === undefined) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2026-02-30 over to 2 March: a real date reads back unchanged.
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? civil(year, month, day) : undefined;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function slotIdOf(day: CivilDay, minuteOfDay: number): string {
  return `${pad(day.year, 4)}-${pad(day.month)}-${pad(day.day)}T${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

/** The slot's start when `slotId` names a real slot of the business hours, else undefined. */
function slotEpoch(slotId: string, hours: BusinessHours, clock: ZoneClock): number | undefined {
  const match = SLOT_ID.exec(slotId);
  if (match === null) return undefined;
  const day = parseDay(`${match[1]}-${match[2]}-${match[3]}`);
  const minute = Number(match[4]) * 60 + Number(match[5]);
  if (day === undefined || !hours.days.includes(day.weekday)) return undefined;
  const open = hours.openHour * 60;
  if (minute < open || minute + hours.slotMinutes > hours.closeHour * 60 || (minute - open) % hours.slotMinutes !== 0) return undefined;
  const at = clock.toEpoch(day, minute);
  return clock.isWallTime(at, day, minute) ? at : undefined;
}

/** Short enough to read out to a receptionist; no 0/O or 1/I to confuse. */
function bookingCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let code = '';
  for (let i = 0; i < 8; i++) code += alphabet[randomInt(alphabet.length)];
  return code;
}

/** Wall-clock conversions for one IANA zone, daylight saving included. */
class ZoneClock {
  readonly #format: Intl.DateTimeFormat;

  constructor(readonly timeZone: string) {
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
  }

  #wall(epochMs: number): { year: number; month: number; day: number; minute: number } {
    const parts: Record<string, number> = {};
    for (const part of this.#format.formatToParts(epochMs)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    return { year: parts['year']!, month: parts['month']!, day: parts['day']!, minute: parts['hour']! * 60 + parts['minute']! };
  }

  /** Minutes the zone is ahead of UTC at `epochMs`. */
  offsetMinutes(epochMs: number): number {
    const wall = this.#wall(epochMs);
    const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day) + wall.minute * 60_000;
    return Math.round((asUtc - Math.floor(epochMs / 60_000) * 60_000) / 60_000);
  }

  civilDay(epochMs: number): CivilDay {
    const wall = this.#wall(epochMs);
    return civil(wall.year, wall.month, wall.day);
  }

  /** The instant the zone's clocks show `minuteOfDay` on `day` (the later offset wins in a daylight-saving fold). */
  toEpoch(day: CivilDay, minuteOfDay: number): number {
    const guess = day.utcMidnight + minuteOfDay * 60_000;
    const first = guess - this.offsetMinutes(guess) * 60_000;
    return guess - this.offsetMinutes(first) * 60_000;
  }

  /** False for a time skipped by a daylight-saving jump. */
  isWallTime(epochMs: number, day: CivilDay, minuteOfDay: number): boolean {
    const wall = this.#wall(epochMs);
    return wall.year === day.year && wall.month === day.month && wall.day === day.day && wall.minute === minuteOfDay;
  }

  iso(epochMs: number): string {
    const offset = this.offsetMinutes(epochMs);
    const wall = this.#wall(epochMs);
    const sign = offset < 0 ? '-' : '+';
    const abs = Math.abs(offset);
    const day = civil(wall.year, wall.month, wall.day);
    return `${slotIdOf(day, wall.minute)}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }
}
