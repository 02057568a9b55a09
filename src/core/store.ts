// Everything that must outlive a socket goes through this contract: conversations, history, idempotency keys,
// leases, audit. MemoryStore and RedisStore implement it and pass the same contract suite.

export interface SetOptions {
  /** Expire the key after this many milliseconds. */
  readonly ttlMs?: number;
  /** Write only when the key does not exist (for idempotency keys and locks). */
  readonly onlyIfAbsent?: boolean;
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
  delete(key: string): Promise<void>;
  /** Adds to the end of a list; trims the oldest entries past `maxLength`. Returns the new length. */
  append(key: string, value: string, options?: { readonly maxLength?: number; readonly ttlMs?: number }): Promise<number>;
  /** Entries from `start` to `end` inclusive; negative indexes count from the end (-1 is the last). */
  range(key: string, start: number, end: number): Promise<string[]>;
  /** Grants the lease when it is free, expired, or already held by `owner` (renewal keeps the token). */
  acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | null>;
  /** Extends a lease still held with the same token; false when it was lost. */
  renewLease(lease: Lease, ttlMs: number): Promise<boolean>;
  releaseLease(lease: Lease): Promise<void>;
  /** Throws when the backend cannot be reached (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
