// What both stores refuse, and in the same words, so a bad argument or a key of the wrong kind fails the same way on
// MemoryStore as on RedisStore instead of only in production. The checks match what Redis accepts (Redis rejects
// PX 0 with a cryptic message; LTRIM with a maxLength of 0 would silently keep the whole list).
import type { ClaimOptions } from '../core/store.ts';

export function checkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`ttlMs must be a positive number of milliseconds, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}

export function checkMaxLength(maxLength: number): number {
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new RangeError(`maxLength must be a whole number of at least 1, got ${maxLength}`);
  return maxLength;
}

export function checkCount(count: number): number {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a whole number of at least 1, got ${count}`);
  return count;
}

export function checkTime(timeMs: number): number {
  if (!Number.isInteger(timeMs) || timeMs < 0) throw new RangeError(`timeMs must be a whole number of milliseconds since 1970, got ${timeMs}`);
  return timeMs;
}

export function checkIndex(index: number): void {
  if (!Number.isInteger(index)) throw new RangeError(`range indexes must be whole numbers, got ${index}`);
}

/** An event's fields as name-value pairs; XADD needs at least one field, so an empty event would fail only on Redis. */
export function checkFields(fields: Readonly<Record<string, string>>): Array<[string, string]> {
  const entries = Object.entries(fields);
  if (entries.length === 0) throw new RangeError('an event needs at least one field');
  for (const [name, value] of entries) {
    if (typeof value !== 'string') throw new TypeError(`event field ${JSON.stringify(name)} must be a string, got ${typeof value}`);
  }
  return entries;
}

/** `<ms>-<seq>` as Redis prints stream ids; anything else is refused as Redis would. */
export function parseEventId(id: string): [number, number] {
  const match = /^(\d{1,16})-(\d{1,16})$/.exec(id);
  if (!match) throw new RangeError(`a stream event id looks like 1735689600000-0, got ${JSON.stringify(id)}`);
  return [Number(match[1]), Number(match[2])];
}

export function wrongType(operation: string, expected: string): TypeError {
  // The key is left out on purpose: keys can carry phone numbers, and this message may be logged.
  return new TypeError(`store.${operation}: the key holds another kind of value, expected ${expected}`);
}

/** A queue, group or consumer name: Redis accepts an empty one in some places and not others, so neither store does. */
export function checkName(kind: 'queue' | 'group' | 'consumer', name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new RangeError(`the ${kind} name must be a non-empty string, got ${JSON.stringify(name)}`);
  return name;
}

/** A wait or an idle time; 0 is allowed (return at once, take over at once). Whole milliseconds, as Redis wants. */
export function checkWait(name: 'blockMs' | 'reclaimAfterMs', ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`${name} must be zero or a positive number of milliseconds, got ${ms}`);
  return Math.ceil(ms);
}

/** The arguments of claimJobs, checked alike by every store. */
export function checkClaim(queue: string, group: string, consumer: string, options: ClaimOptions): ClaimOptions {
  checkName('queue', queue);
  checkName('group', group);
  checkName('consumer', consumer);
  return { count: checkCount(options.count), blockMs: checkWait('blockMs', options.blockMs), reclaimAfterMs: checkWait('reclaimAfterMs', options.reclaimAfterMs) };
}
