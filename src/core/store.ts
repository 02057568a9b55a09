// Everything that must outlive a socket goes through this contract: conversations, history, idempotency keys,
// leases, audit. MemoryStore and RedisStore implement it and pass the same contract suite.

export interface SetOptions {
  /** Expire the key after this many milliseconds. */
  readonly ttlMs?: number;
  /** Write only when the key does not exist (for idempotency keys and locks). */
  readonly onlyIfAbsent?: boolean;
  /**
   * Write only while this lease is still held with this token, checked atomically with the write: an owner that lost
   * the lease (paused, partitioned) can never overwrite what the next owner wrote. Refused with FenceError.
   */
  readonly fence?: Lease;
}

/** A fenced write whose lease is no longer held (expired, released, or taken by another owner). */
export class FenceError extends Error {
  constructor(readonly lease: string) {
    super(`the lease ${lease} is no longer held: the write was refused`);
    this.name = 'FenceError';
  }
}

/** One entry of an append-only event stream. */
export interface StreamEvent {
  /** `<milliseconds>-<sequence>`, as Redis Streams ids: increasing within a stream, the time part is when it was added. */
  readonly id: string;
  readonly fields: Record<string, string>;
}

/** A job taken from a durable queue by one consumer of a group; it stays pending until acknowledged. */
export interface QueuedJob {
  readonly id: string;
  readonly fields: Record<string, string>;
  /** 1 on the first delivery; more when a consumer took it and did not acknowledge it (crashed, failed). */
  readonly deliveries: number;
}

export interface ClaimOptions {
  /** At most this many jobs. */
  readonly count: number;
  /** How long to wait for a job when none is ready; 0 returns at once. */
  readonly blockMs: number;
  /** A job another consumer took this long ago without acknowledging it is taken over (its worker died). */
  readonly reclaimAfterMs: number;
}

/** Exclusive ownership of a name (a WhatsApp number, a job) with a fencing token that grows on every grant. */
export interface Lease {
  readonly name: string;
  readonly owner: string;
  readonly token: number;
  readonly expiresAt: number;
}

export interface Store {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | null>;
  /** Returns false when `onlyIfAbsent` was set and the key existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** With `fence`, refused (FenceError) unless that lease is still held, as for set. */
  delete(key: string, options?: { readonly fence?: Lease }): Promise<void>;
  /** Adds to the end of a list; trims the oldest entries past `maxLength`. Returns the new length. */
  append(key: string, value: string, options?: { readonly maxLength?: number; readonly ttlMs?: number }): Promise<number>;
  /** Entries from `start` to `end` inclusive; negative indexes count from the end (-1 is the last). */
  range(key: string, start: number, end: number): Promise<string[]>;
  /**
   * Removes every occurrence of `value` from a list; returns how many were removed. A list left empty disappears.
   */
  removeFromList(key: string, value: string): Promise<number>;
  /** Sets a key's time to live (any kind of key); false when the key does not exist. */
  expire(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Appends an event to a stream (created on first use) and returns its id, larger than every id the stream gave
   * before. `maxLength` trims the oldest entries approximately, as XADD MAXLEN ~ does: at least the newest
   * `maxLength` are kept, and the stream stays within about 100 entries over. `fields` must not be empty.
   */
  appendEvent(stream: string, fields: Readonly<Record<string, string>>, options?: { readonly maxLength?: number }): Promise<string>;
  /** Events oldest first; `after` (an id, exclusive) pages on from the last id of the previous page. */
  readEvents(stream: string, options?: { readonly after?: string; readonly count?: number }): Promise<StreamEvent[]>;
  /** Drops the events whose id's time part is before `timeMs` (XTRIM MINID); returns how many went. */
  trimEventsBefore(stream: string, timeMs: number): Promise<number>;
  /**
   * Adds a job to a durable queue (a Redis stream read by consumer groups, created on first use); returns its id.
   * A job is delivered to one consumer of each group and stays pending until `ackJob`, so a crash loses nothing.
   */
  enqueueJob(queue: string, fields: Readonly<Record<string, string>>, options?: { readonly maxLength?: number }): Promise<string>;
  /**
   * Jobs for `consumer` of `group`: first those left unacknowledged by any consumer for `reclaimAfterMs` (taken
   * over, their delivery count grows), then new ones; waits up to `blockMs` when there are none. The group is
   * created on first use and reads the queue from its start.
   */
  claimJobs(queue: string, group: string, consumer: string, options: ClaimOptions): Promise<QueuedJob[]>;
  /**
   * The job is done: it is never delivered again to this group. With `remove`, it also leaves the queue (XDEL): a
   * work queue read by one group keeps nothing once done, so a finished job's fields (a conversation id) do not
   * linger until the queue is trimmed.
   */
  ackJob(queue: string, group: string, id: string, options?: { readonly remove?: boolean }): Promise<void>;
  /** Grants the lease when it is free, expired, or already held by `owner` (renewal keeps the token). */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | null>;
  /** Extends a lease still held with the same token; false when it was lost. */
  renewLease(lease: Lease, ttlMs: number): Promise<boolean>;
  releaseLease(lease: Lease): Promise<void>;
  /** Throws when the backend cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
