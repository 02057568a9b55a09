// Once-only tool calls through the Store, so that a retried or duplicated call (the same function_call event twice,
// a model that re-asks after a reconnect, two gateway instances handling one event) acts once and every copy gets the
// first one's answer. The first caller claims the call's key with a short lock (set onlyIfAbsent with a TTL, so a
// crashed holder frees it); copies poll until the answer is there, the lock goes, or their deadline passes. Only a
// successful answer is kept (24 h by default): a call that failed or was cut short leaves the key free for a retry.
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../core/store.ts';

export const DEFAULT_IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 100;
/** A conversation stays far below this (see ToolBudget); the bound only keeps a runaway list finite. */
const MAX_KEYS_PER_CONVERSATION = 1_000;

/** What names one request: a key the tool derived from its inputs, or the call's own key plus its arguments. */
export type CallIdentity =
  | { readonly derivedKey: string }
  | { readonly idempotencyKey: string; readonly arguments: string };

/**
 * The store key of one request of one tool. Hashed: derived keys may hold personal data (a phone number, a name)
 * and must not show in key listings; the arguments are part of a call-id key, so a call id reused with other
 * arguments (a buggy provider, a restarted engine) is a new request rather than a replay of someone else's answer.
 */
export function callKey(toolName: string, identity: CallIdentity): string {
  const parts = 'derivedKey' in identity ? [toolName, 'derived', identity.derivedKey] : [toolName, identity.idempotencyKey, identity.arguments];
  return `tool-call:${createHash('sha256').update(JSON.stringify(parts)).digest('base64url')}`;
}

/** The list of call keys a conversation stored answers under, for erasure (forgetToolCalls). */
export const conversationCallsKey = (conversationId: string): string => `tool-calls:${conversationId}`;

export interface ClaimOptions {
  /** The conversation the call belongs to: its stored answers are listed under it for erasure. */
  readonly conversationId: string;
  /** Epoch milliseconds after which a copy stops waiting for the first call's answer. */
  readonly waitUntil: number;
  /** How long the claim holds the key if its holder never finishes (a crash): past it, a retry may run. */
  readonly lockTtlMs: number;
  /** How long a successful answer is kept for copies and retries. */
  readonly ttlMs?: number;
  readonly signal?: AbortSignal;
}

export type Claim =
  /** This caller runs the tool, then completes or releases the call. */
  | { readonly kind: 'claimed'; readonly call: ClaimedCall }
  /** An earlier identical call succeeded: here is its answer. */
  | { readonly kind: 'replay'; readonly output: string }
  /** An identical call is still running and did not finish before the deadline. */
  | { readonly kind: 'busy' }
  | { readonly kind: 'cancelled' };

type CallRecord = { readonly state: 'running'; readonly owner: string } | { readonly state: 'done'; readonly output: string };

/**
 * Claims `key` for this caller, or waits for the identical call that holds it. Store errors are thrown: the caller
 * decides what a tool that cannot be guarded does (the runner refuses to act).
 */
export async function claimCall(store: Store, key: string, options: ClaimOptions): Promise<Claim> {
  const owner = randomUUID();
  const running = JSON.stringify({ state: 'running', owner } satisfies CallRecord);
  let pause = FIRST_POLL_MS;
  for (;;) {
    if (options.signal?.aborted) return { kind: 'cancelled' };
    // The common case (no copy around) costs this one write.
    if (await store.set(key, running, { onlyIfAbsent: true, ttlMs: options.lockTtlMs })) {
      return { kind: 'claimed', call: new ClaimedCall(store, key, owner, running, options) };
    }
    const record = parseRecord(await store.get(key));
    if (record?.state === 'done') return { kind: 'replay', output: record.output };
    // Running elsewhere, or gone between the two commands (its holder failed): wait, then try to claim again.
    const left = options.waitUntil - Date.now();
    if (left <= 0) return { kind: 'busy' };
    try {
      await sleep(Math.min(pause, left), undefined, options.signal ? { signal: options.signal } : undefined);
    } catch {
      return { kind: 'cancelled' };
    }
    pause = Math.min(pause * 2, MAX_POLL_MS);
  }
}

/** A claimed call: exactly one of complete() or release() ends it. Neither throws; a lost write leaves the lock to expire. */
export class ClaimedCall {
  readonly #store: Store;
  readonly #running: string;
  readonly #conversationId: string;
  readonly #ttlMs: number;

  constructor(
    store: Store,
    readonly key: string,
    readonly owner: string,
    running: string,
    options: Pick<ClaimOptions, 'conversationId' | 'ttlMs'>,
  ) {
    this.#store = store;
    this.#running = running;
    this.#conversationId = options.conversationId;
    this.#ttlMs = options.ttlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
  }

  /** Keeps the answer for copies and retries; false when the store did not take it. */
  async complete(output: string): Promise<boolean> {
    const done = JSON.stringify({ state: 'done', output } satisfies CallRecord);
    // Both commands go out together (one round trip on Redis); the list only serves erasure, so its loss is tolerated.
    const [kept] = await Promise.allSettled([
      this.#store.set(this.key, done, { ttlMs: this.#ttlMs }),
      this.#store.append(conversationCallsKey(this.#conversationId), this.key, { ttlMs: this.#ttlMs, maxLength: MAX_KEYS_PER_CONVERSATION }),
    ]);
    return kept.status === 'fulfilled';
  }

  /** Frees the key so a retry may run (the call failed, or was cut short and then failed). */
  async release(): Promise<void> {
    try {
      // Only our own lock: if ours expired and another caller claimed the key since, its claim stands. (Read then
      // delete is not atomic; the window is one round trip, after a lock that already outlived its TTL.)
      if ((await this.#store.get(this.key)) === this.#running) await this.#store.delete(this.key);
    } catch {
      // The lock expires on its own.
    }
  }
}

/** Deletes every answer a conversation stored (erasure on request); returns how many there were. */
export async function forgetToolCalls(store: Store, conversationId: string): Promise<number> {
  const listKey = conversationCallsKey(conversationId);
  const keys = [...new Set(await store.range(listKey, 0, -1))];
  await Promise.all(keys.map((key) => store.delete(key)));
  await store.delete(listKey);
  return keys.length;
}

function parseRecord(text: string | null): CallRecord | null {
  if (text === null) return null;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    record = undefined;
  }
  if (typeof record === 'object' && record !== null) {
    const { state, owner, output } = record as Record<string, unknown>;
    if (state === 'running' && typeof owner === 'string') return { state, owner };
    if (state === 'done' && typeof output === 'string') return { state, output };
  }
  // Never guess about a key that guards an action: the runner refuses the call rather than risk a second run.
  throw new Error('the record kept for this tool call is unreadable');
}
