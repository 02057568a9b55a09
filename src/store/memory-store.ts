// The in-process Store: the embedded default for a single instance and the store most tests use. It keeps the same
// semantics as RedisStore (checked by test/contract/store.contract.ts) so code written against it behaves the same in
// production; nothing here survives a restart or is shared between instances.
import { FenceError, type ClaimOptions, type Lease, type QueuedJob, type SetOptions, type Store, type StreamEvent } from '../core/store.ts';
import { GatewayError } from '../errors.ts';
import { compareIds, ConsumerGroup, JobWaiters } from './memory-queue.ts';
import { checkCount, checkFields, checkIndex, checkMaxLength, checkName, checkTime, checkTtl, checkClaim, parseEventId, wrongType } from './store-arguments.ts';

type Entry =
  | { readonly type: 'string'; readonly value: string; expiresAt: number }
  | { readonly type: 'list'; items: string[]; expiresAt: number }
  | StreamEntry;

interface StreamEntry {
  readonly type: 'stream';
  events: StreamEvent[];
  // The last id handed out, kept when trimming empties the stream (as Redis does), so ids never go back.
  lastMs: number;
  lastSeq: number;
  expiresAt: number;
  // Consumer groups reading the stream as a job queue; they go with the stream when it is deleted or expires.
  groups?: Map<string, ConsumerGroup>;
}

interface HeldLease {
  readonly owner: string;
  readonly token: number;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** How often expired entries nobody reads again are dropped, so they do not pile up. */
  readonly sweepIntervalMs?: number;
}

const NO_EXPIRY = Number.POSITIVE_INFINITY;

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly #entries = new Map<string, Entry>();
  readonly #leases = new Map<string, HeldLease>();
  // Last token granted per lease name. Never pruned: a name that is released and taken again must still get a larger
  // token, or a stale holder's writes could pass a fencing check.
  readonly #fences = new Map<string, number>();
  readonly #sweeper: NodeJS.Timeout;
  // Claims waiting (blockMs) for a job to be enqueued.
  readonly #waiters = new JobWaiters();
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.#sweeper = setInterval(() => this.#sweep(), options.sweepIntervalMs ?? 30_000);
    // The sweep is housekeeping; it must never keep a process (or a test run) alive.
    this.#sweeper.unref();
  }

  /** Keys and leases held, including expired ones the sweep has not dropped yet (for metrics). */
  get size(): number {
    return this.#entries.size + this.#leases.size;
  }

  async get(key: string): Promise<string | null> {
    const entry = this.#live(key);
    if (!entry) return null;
    if (entry.type !== 'string') throw wrongType('get', 'a string');
    return entry.value;
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    this.#open();
    this.#checkFence(options.fence);
    const expiresAt = options.ttlMs === undefined ? NO_EXPIRY : Date.now() + checkTtl(options.ttlMs);
    if (options.onlyIfAbsent && this.#live(key)) return false;
    // Like Redis SET, a plain set replaces whatever was there (a list too) and drops an earlier TTL.
    this.#entries.set(key, { type: 'string', value, expiresAt });
    return true;
  }

  async delete(key: string, options: { readonly fence?: Lease } = {}): Promise<void> {
    this.#open();
    this.#checkFence(options.fence);
    this.#entries.delete(key);
  }

  async append(key: string, value: string, options: { readonly maxLength?: number; readonly ttlMs?: number } = {}): Promise<number> {
    this.#open();
    const ttlMs = options.ttlMs === undefined ? undefined : checkTtl(options.ttlMs);
    const maxLength = options.maxLength === undefined ? undefined : checkMaxLength(options.maxLength);
    let entry = this.#live(key);
    if (entry && entry.type !== 'list') throw wrongType('append', 'a list');
    if (!entry) {
      entry = { type: 'list', items: [], expiresAt: NO_EXPIRY };
      this.#entries.set(key, entry);
    }
    entry.items.push(value);
    if (maxLength !== undefined && entry.items.length > maxLength) entry.items.splice(0, entry.items.length - maxLength);
    // Without a ttlMs the list keeps the expiry it had, as RPUSH does.
    if (ttlMs !== undefined) entry.expiresAt = Date.now() + ttlMs;
    return entry.items.length;
  }

  async range(key: string, start: number, end: number): Promise<string[]> {
    checkIndex(start);
    checkIndex(end);
    const entry = this.#live(key);
    if (!entry) return [];
    if (entry.type !== 'list') throw wrongType('range', 'a list');
    // Same clamping as LRANGE: negative indexes count from the end, out-of-range ends are cut to the list.
    const length = entry.items.length;
    const from = Math.max(start < 0 ? length + start : start, 0);
    const to = Math.min(end < 0 ? length + end : end, length - 1);
    return from > to ? [] : entry.items.slice(from, to + 1);
  }

  async removeFromList(key: string, value: string): Promise<number> {
    const entry = this.#live(key);
    if (!entry) return 0;
    if (entry.type !== 'list') throw wrongType('removeFromList', 'a list');
    const kept = entry.items.filter((item) => item !== value);
    const removed = entry.items.length - kept.length;
    // Redis deletes a list that becomes empty; so does this store, or a later TTL check would disagree.
    if (kept.length === 0) this.#entries.delete(key);
    else entry.items = kept;
    return removed;
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    this.#open();
    const expiresAt = Date.now() + checkTtl(ttlMs);
    const entry = this.#live(key);
    if (!entry) return false;
    entry.expiresAt = expiresAt;
    return true;
  }

  async appendEvent(stream: string, fields: Readonly<Record<string, string>>, options: { readonly maxLength?: number } = {}): Promise<string> {
    return this.#append('appendEvent', stream, fields, options);
  }

  #append(operation: string, stream: string, fields: Readonly<Record<string, string>>, options: { readonly maxLength?: number }): string {
    this.#open();
    const copy = Object.fromEntries(checkFields(fields));
    const maxLength = options.maxLength === undefined ? undefined : checkMaxLength(options.maxLength);
    const entry = this.#stream(operation, stream);
    // The same rule as Redis: the current time, or the last id's time with the next sequence when the clock has not
    // moved on (or went back).
    const now = Date.now();
    if (now > entry.lastMs) {
      entry.lastMs = now;
      entry.lastSeq = 0;
    } else {
      entry.lastSeq += 1;
    }
    const id = `${entry.lastMs}-${entry.lastSeq}`;
    entry.events.push({ id, fields: copy });
    // Exact trimming is within what the contract promises for XADD MAXLEN ~ (at least maxLength kept).
    if (maxLength !== undefined && entry.events.length > maxLength) entry.events.splice(0, entry.events.length - maxLength);
    return id;
  }

  /** The stream at `key`, created empty when missing (as XADD and XGROUP CREATE ... MKSTREAM do). */
  #stream(operation: string, key: string): StreamEntry {
    const entry = this.#live(key);
    if (entry && entry.type !== 'stream') throw wrongType(operation, 'a stream');
    if (entry) return entry;
    const created: StreamEntry = { type: 'stream', events: [], lastMs: 0, lastSeq: -1, expiresAt: NO_EXPIRY };
    this.#entries.set(key, created);
    return created;
  }

  async enqueueJob(queue: string, fields: Readonly<Record<string, string>>, options: { readonly maxLength?: number } = {}): Promise<string> {
    checkName('queue', queue);
    const id = this.#append('enqueueJob', queue, fields, options);
    this.#waiters.wake(queue);
    return id;
  }

  async claimJobs(queue: string, group: string, consumer: string, options: ClaimOptions): Promise<QueuedJob[]> {
    this.#open();
    const { count, blockMs, reclaimAfterMs } = checkClaim(queue, group, consumer, options);
    const deadline = Date.now() + blockMs;
    for (;;) {
      const entry = this.#stream('claimJobs', queue);
      entry.groups ??= new Map();
      let consumerGroup = entry.groups.get(group);
      if (!consumerGroup) {
        consumerGroup = new ConsumerGroup();
        entry.groups.set(group, consumerGroup);
      }
      const now = Date.now();
      // Taken-over jobs first, and only them when there are any, as RedisStore does.
      const reclaimed = consumerGroup.reclaim(entry.events, consumer, reclaimAfterMs, count, now);
      if (reclaimed.length > 0) return reclaimed;
      const fresh = consumerGroup.readNew(entry.events, consumer, count, now);
      if (fresh.length > 0) return fresh;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return [];
      await this.#waiters.wait(queue, remaining);
      // close() releases waiting claims with nothing, as a closed Redis connection ends a blocked read.
      if (this.#closed) return [];
    }
  }

  async ackJob(queue: string, group: string, id: string, options: { readonly remove?: boolean } = {}): Promise<void> {
    checkName('queue', queue);
    checkName('group', group);
    parseEventId(id);
    const entry = this.#live(queue);
    if (!entry) return;
    if (entry.type !== 'stream') throw wrongType('ackJob', 'a stream');
    entry.groups?.get(group)?.ack(id);
    if (options.remove) {
      const index = entry.events.findIndex((event) => event.id === id);
      if (index >= 0) entry.events.splice(index, 1);
    }
  }

  async readEvents(stream: string, options: { readonly after?: string; readonly count?: number } = {}): Promise<StreamEvent[]> {
    const after = options.after === undefined ? undefined : parseEventId(options.after);
    const count = options.count === undefined ? undefined : checkCount(options.count);
    const entry = this.#live(stream);
    if (!entry) return [];
    if (entry.type !== 'stream') throw wrongType('readEvents', 'a stream');
    let events = entry.events;
    if (after) events = events.filter((event) => compareIds(parseEventId(event.id), after) > 0);
    if (count !== undefined) events = events.slice(0, count);
    // Copies, so a caller changing what it read cannot change the stream.
    return events.map((event) => ({ id: event.id, fields: { ...event.fields } }));
  }

  async trimEventsBefore(stream: string, timeMs: number): Promise<number> {
    const minMs = checkTime(timeMs);
    const entry = this.#live(stream);
    if (!entry) return 0;
    if (entry.type !== 'stream') throw wrongType('trimEventsBefore', 'a stream');
    const before = entry.events.length;
    entry.events = entry.events.filter((event) => parseEventId(event.id)[0] >= minMs);
    return before - entry.events.length;
  }

  /**
   * Every live key with its content as text (a string's value, a list's items, a stream's field names and values),
   * for tests that check personal data is gone from the store. Not part of the Store contract.
   */
  contents(): Array<{ readonly key: string; readonly text: string }> {
    this.#open();
    const now = Date.now();
    const out: Array<{ key: string; text: string }> = [];
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) continue;
      const text =
        entry.type === 'string'
          ? entry.value
          : entry.type === 'list'
            ? entry.items.join('\n')
            : entry.events.map((event) => `${event.id} ${Object.entries(event.fields).flat().join(' ')}`).join('\n');
      out.push({ key, text });
    }
    return out;
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | null> {
    this.#open();
    checkTtl(ttlMs);
    const now = Date.now();
    const held = this.#liveLease(name, now);
    if (held && held.owner !== owner) return null;
    if (held) {
      held.expiresAt = now + ttlMs;
      return { name, owner, token: held.token, expiresAt: held.expiresAt };
    }
    const token = (this.#fences.get(name) ?? 0) + 1;
    this.#fences.set(name, token);
    this.#leases.set(name, { owner, token, expiresAt: now + ttlMs });
    return { name, owner, token, expiresAt: now + ttlMs };
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    this.#open();
    checkTtl(ttlMs);
    const now = Date.now();
    const held = this.#liveLease(lease.name, now);
    // An expired lease is lost even if nobody took it yet: the holder cannot know no one did in between.
    if (!held || held.owner !== lease.owner || held.token !== lease.token) return false;
    held.expiresAt = now + ttlMs;
    return true;
  }

  async releaseLease(lease: Lease): Promise<void> {
    this.#open();
    const held = this.#leases.get(lease.name);
    if (held && held.owner === lease.owner && held.token === lease.token) this.#leases.delete(lease.name);
  }

  async ping(): Promise<void> {
    this.#open();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    this.#waiters.releaseAll();
    this.#entries.clear();
    this.#leases.clear();
  }

  #open(): void {
    // Mirrors RedisStore, whose calls fail after close(); a use-after-close shows up in tests, not in production.
    if (this.#closed) throw new GatewayError('store_closed', 'MemoryStore is closed');
  }

  #live(key: string): Entry | undefined {
    this.#open();
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #checkFence(fence: Lease | undefined): void {
    if (fence === undefined) return;
    const held = this.#liveLease(fence.name, Date.now());
    if (!held || held.owner !== fence.owner || held.token !== fence.token) throw new FenceError(fence.name);
  }

  #liveLease(name: string, now: number): HeldLease | undefined {
    const held = this.#leases.get(name);
    if (held && held.expiresAt <= now) {
      this.#leases.delete(name);
      return undefined;
    }
    return held;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
    for (const [name, held] of this.#leases) if (held.expiresAt <= now) this.#leases.delete(name);
  }
}
