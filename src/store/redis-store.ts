// The Store over Redis (ioredis): what production and the multi-instance setup use. Same semantics as MemoryStore,
// checked by test/contract/store.contract.ts; leases are Lua scripts so several gateway instances can share a name.
//
// Key layout (every key starts with `keyPrefix`, so tenants or parallel tests can share one Redis):
//   <prefix>kv:<key>             a string (set/get), a list (append/range) or a stream (appendEvent/readEvents), with
//                                the caller's TTL if any
//   <prefix>lease:{<name>}       "<token>:<owner>" while the lease is held; PX = the lease TTL
//   <prefix>fence:{<name>}       INCR counter of fencing tokens; never expires, so tokens only grow
// A job queue is a stream under kv:<queue> like any other (readEvents shows it), read through consumer groups.
// The braces are a Redis Cluster hash tag: a lease and its counter land in the same slot, as a script needs.
import { Redis } from 'ioredis';
import type { Logger } from '../core/channel.ts';
import { FenceError, type ClaimOptions, type Lease, type QueuedJob, type SetOptions, type Store, type StreamEvent } from '../core/store.ts';
import { describeError, GatewayError } from '../errors.ts';
import { silentLogger } from '../log.ts';
import { COMMAND_TIMEOUT_MS, endConnection, runScript, script, toFields, type Script } from './redis-commands.ts';
import { RedisJobQueue } from './redis-queue.ts';
import { checkCount, checkFields, checkIndex, checkMaxLength, checkName, checkTime, checkTtl, checkClaim, parseEventId, wrongType } from './store-arguments.ts';

export interface RedisStoreOptions {
  /** redis:// or rediss:// URL, credentials included. */
  readonly url: string;
  readonly keyPrefix?: string;
  /** Shown in CLIENT LIST, so an operator can tell which instance holds a connection. */
  readonly connectionName?: string;
  readonly logger?: Logger;
}

// Readiness probes usually give up after 1 s; ping answers first so the probe can report why.
const PING_TIMEOUT_MS = 800;
const CONNECT_TIMEOUT_MS = 2_000;

// KEYS: list. ARGV: value, maxLength (0 = none), ttlMs (0 = keep). Returns the length after trimming.
// A script rather than MULTI: MULTI does not stop at a failed RPUSH (WRONGTYPE on a string key), so its PEXPIRE would
// still put the list's TTL on the caller's string. Here the first error ends the script.
const APPEND = script(`
local length = redis.call('RPUSH', KEYS[1], ARGV[1])
local maxLength = tonumber(ARGV[2])
if maxLength > 0 and length > maxLength then
  redis.call('LTRIM', KEYS[1], -maxLength, -1)
  length = maxLength
end
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return length
`);

// KEYS: lease, fence. ARGV: owner, ttlMs. Returns the token, or nil when another owner holds the lease.
const ACQUIRE = script(`
local held = redis.call('GET', KEYS[1])
if held then
  local colon = string.find(held, ':', 1, true)
  if string.sub(held, colon + 1) ~= ARGV[1] then return false end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(string.sub(held, 1, colon - 1))
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'PX', ARGV[2])
return token
`);

// KEYS: lease. ARGV: "<token>:<owner>", ttlMs. Returns 1 when the same grant was still held and got extended.
const RENEW = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

// Fenced writes: KEYS: lease, key. The write happens only while the lease holds this grant; -1 when it does not.
// (On Redis Cluster the key must share the lease's slot: name keys with the same {hash tag}.)
// ARGV: "<token>:<owner>", value, ttlMs (0 = none), onlyIfAbsent (1/0). Returns 1 written, 0 present (NX), -1 fenced.
const FENCED_SET = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local ttl = tonumber(ARGV[3])
local written
if ARGV[4] == '1' then
  if ttl > 0 then written = redis.call('SET', KEYS[2], ARGV[2], 'PX', ttl, 'NX') else written = redis.call('SET', KEYS[2], ARGV[2], 'NX') end
else
  if ttl > 0 then written = redis.call('SET', KEYS[2], ARGV[2], 'PX', ttl) else written = redis.call('SET', KEYS[2], ARGV[2]) end
end
if written then return 1 end
return 0
`);

// KEYS: lease, key. ARGV: "<token>:<owner>". Returns 1 after deleting, -1 when the lease no longer holds this grant.
const FENCED_DELETE = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
redis.call('DEL', KEYS[2])
return 1
`);

// KEYS: lease. ARGV: "<token>:<owner>". Deletes only the caller's own grant, never a later holder's.
const RELEASE = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  /** The URL with any password masked, safe for logs and error messages. */
  readonly location: string;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #queue: RedisJobQueue;
  #closed = false;
  #lastConnectionError: string | undefined;

  constructor(options: RedisStoreOptions) {
    if (!/^rediss?:\/\//i.test(options.url)) throw new Error('The Redis URL must start with redis:// or rediss://');
    this.location = maskPassword(options.url);
    this.#prefix = options.keyPrefix ?? '';
    this.#redis = new Redis(options.url, {
      connectionName: options.connectionName,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // A peer that never closes its half of the socket is cut off after this long, so close() cannot hang.
      disconnectTimeout: 500,
      commandTimeout: COMMAND_TIMEOUT_MS,
      // Commands issued while (re)connecting wait in the offline queue rather than fail at once, but only through
      // one reconnect attempt; during a real outage they fail fast and the readiness probe reports it.
      enableOfflineQueue: true,
      maxRetriesPerRequest: 1,
      // A command written just as the connection dropped (an idle connection cut by Redis `timeout` or a NAT) is sent
      // again after reconnecting; without this it would hang until commandTimeout. Every call here is safe to repeat
      // except three, whose rare double run (only when Redis ran it and the reply was lost) we accept: append and
      // appendEvent may add their entry twice, and an onlyIfAbsent set may answer false for the caller's own write.
      autoResendUnfulfilledCommands: true,
      // Keep reconnecting for as long as the process lives, backing off to one attempt every 2 s.
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2_000),
    });
    this.#queue = new RedisJobQueue(this.#redis, options.connectionName);
    this.#watchConnection(options.logger ?? silentLogger);
  }

  async get(key: string): Promise<string | null> {
    return this.#run('get', () => this.#redis.get(this.#key(key)), 'a string');
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    const ttlMs = options.ttlMs === undefined ? undefined : checkTtl(options.ttlMs);
    const k = this.#key(key);
    const fence = options.fence;
    if (fence) {
      const reply = await this.#eval('set', FENCED_SET, [this.#leaseKey(fence.name), k], [`${fence.token}:${fence.owner}`, value, ttlMs ?? 0, options.onlyIfAbsent ? 1 : 0]);
      if (Number(reply) === -1) throw new FenceError(fence.name);
      return Number(reply) === 1;
    }
    const reply = await this.#run('set', () => {
      if (ttlMs !== undefined && options.onlyIfAbsent) return this.#redis.set(k, value, 'PX', ttlMs, 'NX');
      if (ttlMs !== undefined) return this.#redis.set(k, value, 'PX', ttlMs);
      if (options.onlyIfAbsent) return this.#redis.set(k, value, 'NX');
      return this.#redis.set(k, value);
    });
    return reply === 'OK';
  }

  async delete(key: string, options: { readonly fence?: Lease } = {}): Promise<void> {
    const fence = options.fence;
    if (fence) {
      const reply = await this.#eval('delete', FENCED_DELETE, [this.#leaseKey(fence.name), this.#key(key)], [`${fence.token}:${fence.owner}`]);
      if (Number(reply) === -1) throw new FenceError(fence.name);
      return;
    }
    await this.#run('delete', () => this.#redis.del(this.#key(key)));
  }

  async append(key: string, value: string, options: { readonly maxLength?: number; readonly ttlMs?: number } = {}): Promise<number> {
    const ttlMs = options.ttlMs === undefined ? undefined : checkTtl(options.ttlMs);
    const maxLength = options.maxLength === undefined ? undefined : checkMaxLength(options.maxLength);
    const length = await this.#eval('append', APPEND, [this.#key(key)], [value, maxLength ?? 0, ttlMs ?? 0], 'a list');
    return Number(length);
  }

  async range(key: string, start: number, end: number): Promise<string[]> {
    checkIndex(start);
    checkIndex(end);
    return this.#run('range', () => this.#redis.lrange(this.#key(key), start, end), 'a list');
  }

  async removeFromList(key: string, value: string): Promise<number> {
    return this.#run('removeFromList', () => this.#redis.lrem(this.#key(key), 0, value), 'a list');
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    const ms = checkTtl(ttlMs);
    return (await this.#run('expire', () => this.#redis.pexpire(this.#key(key), ms))) === 1;
  }

  async appendEvent(stream: string, fields: Readonly<Record<string, string>>, options: { readonly maxLength?: number } = {}): Promise<string> {
    return this.#xadd('appendEvent', stream, fields, options.maxLength);
  }

  async #xadd(operation: string, stream: string, fields: Readonly<Record<string, string>>, maxLengthOption: number | undefined): Promise<string> {
    // name value name value, as XADD wants them.
    const flat = checkFields(fields).flat();
    const maxLength = maxLengthOption === undefined ? undefined : checkMaxLength(maxLengthOption);
    const k = this.#key(stream);
    // Approximate trimming (~) only drops whole radix-tree nodes, which keeps XADD O(1); exact MAXLEN would not.
    const id = await this.#run(
      operation,
      () => (maxLength === undefined ? this.#redis.xadd(k, '*', ...flat) : this.#redis.xadd(k, 'MAXLEN', '~', maxLength, '*', ...flat)),
      'a stream',
    );
    if (typeof id !== 'string') throw new GatewayError('store_error', `RedisStore.${operation}: XADD returned no id`);
    return id;
  }

  async readEvents(stream: string, options: { readonly after?: string; readonly count?: number } = {}): Promise<StreamEvent[]> {
    if (options.after !== undefined) parseEventId(options.after);
    const count = options.count === undefined ? undefined : checkCount(options.count);
    const k = this.#key(stream);
    // "(" makes the start exclusive (Redis 6.2+), so a page starts right after the previous page's last id.
    const start = options.after === undefined ? '-' : `(${options.after}`;
    const reply = await this.#run(
      'readEvents',
      () => (count === undefined ? this.#redis.xrange(k, start, '+') : this.#redis.xrange(k, start, '+', 'COUNT', count)),
      'a stream',
    );
    return reply.map(([id, flat]) => ({ id, fields: toFields(flat) }));
  }

  async trimEventsBefore(stream: string, timeMs: number): Promise<number> {
    const minMs = checkTime(timeMs);
    // Exact MINID (no ~): retention promises that nothing older stays, and this runs rarely.
    return this.#run('trimEventsBefore', () => this.#redis.xtrim(this.#key(stream), 'MINID', minMs), 'a stream');
  }

  async enqueueJob(queue: string, fields: Readonly<Record<string, string>>, options: { readonly maxLength?: number } = {}): Promise<string> {
    checkName('queue', queue);
    return this.#xadd('enqueueJob', queue, fields, options.maxLength);
  }

  async claimJobs(queue: string, group: string, consumer: string, options: ClaimOptions): Promise<QueuedJob[]> {
    this.#open();
    const { count, blockMs, reclaimAfterMs } = checkClaim(queue, group, consumer, options);
    try {
      return await this.#queue.claim(this.#key(queue), group, consumer, { count, blockMs, reclaimAfterMs });
    } catch (error) {
      // close() ends a blocked read by closing its connection; the waiting caller gets nothing, as on MemoryStore.
      if (this.#closed) return [];
      throw this.#wrap('claimJobs', error, 'a stream');
    }
  }

  async ackJob(queue: string, group: string, id: string, options: { readonly remove?: boolean } = {}): Promise<void> {
    checkName('queue', queue);
    checkName('group', group);
    parseEventId(id);
    const key = this.#key(queue);
    await this.#run('ackJob', async () => {
      // In one transaction: a job acknowledged and not removed would only linger until the queue is trimmed.
      if (!options.remove) return void (await this.#redis.xack(key, group, id));
      const replies = (await this.#redis.multi().xack(key, group, id).xdel(key, id).exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed) throw failed[0];
    }, 'a stream');
  }

  async acquireLease(name: string, owner: string, ttlMs: number): Promise<Lease | null> {
    checkTtl(ttlMs);
    // Taken before the call: the holder's idea of its deadline errs early, never late.
    const now = Date.now();
    const token = await this.#eval('acquireLease', ACQUIRE, [this.#leaseKey(name), this.#fenceKey(name)], [owner, Math.ceil(ttlMs)]);
    if (token === null) return null;
    return { name, owner, token: Number(token), expiresAt: now + ttlMs };
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    checkTtl(ttlMs);
    const renewed = await this.#eval('renewLease', RENEW, [this.#leaseKey(lease.name)], [`${lease.token}:${lease.owner}`, Math.ceil(ttlMs)]);
    return renewed === 1;
  }

  async releaseLease(lease: Lease): Promise<void> {
    await this.#eval('releaseLease', RELEASE, [this.#leaseKey(lease.name)], [`${lease.token}:${lease.owner}`]);
  }

  async ping(): Promise<void> {
    this.#open();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
    });
    const pong = this.#redis.ping();
    // If the deadline wins, the PING is still queued; its later rejection must not become an unhandled one.
    pong.catch(() => undefined);
    try {
      await Promise.race([pong, deadline]);
    } catch (error) {
      throw new GatewayError('store_unavailable', `Redis at ${this.location} did not answer PING: ${this.#reason(error)}`, {
        retryable: true,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([this.#queue.close(), endConnection(this.#redis, true)]);
  }

  #key(key: string): string {
    return `${this.#prefix}kv:${key}`;
  }

  #leaseKey(name: string): string {
    return `${this.#prefix}lease:{${name}}`;
  }

  #fenceKey(name: string): string {
    return `${this.#prefix}fence:{${name}}`;
  }

  #open(): void {
    if (this.#closed) throw new GatewayError('store_closed', 'RedisStore is closed');
  }

  async #run<T>(operation: string, command: () => Promise<T>, expected?: string): Promise<T> {
    this.#open();
    try {
      return await command();
    } catch (error) {
      throw this.#wrap(operation, error, expected);
    }
  }

  async #eval(operation: string, lua: Script, keys: string[], args: Array<string | number>, expected?: string): Promise<unknown> {
    return this.#run(operation, () => runScript(this.#redis, lua, keys, args), expected);
  }

  #wrap(operation: string, error: unknown, expected?: string): Error {
    const message = describeError(error);
    // The same error as MemoryStore's.
    if (expected && message.startsWith('WRONGTYPE')) return wrongType(operation, expected);
    // A reply error (OOM, NOPERM, a script error) is Redis refusing; anything else is the connection, and may pass.
    const refused = error instanceof Error && error.name === 'ReplyError';
    return new GatewayError(refused ? 'store_error' : 'store_unavailable', `RedisStore.${operation} failed (${this.location}): ${this.#reason(error)}`, {
      retryable: !refused,
      cause: error,
    });
  }

  // ioredis's own messages ("Reached the max retries per request limit", "Command timed out") do not say why; the
  // connection state and its last error usually do (ECONNREFUSED, ETIMEDOUT, NOAUTH).
  #reason(error: unknown): string {
    const message = error instanceof Error && error.name === 'MaxRetriesPerRequestError' ? 'gave up after a reconnect attempt' : describeError(error);
    const status = this.#redis.status;
    if (status === 'ready') return message;
    const state = STATUS_WORDS[status] ?? status;
    return `${message} (${state}${this.#lastConnectionError ? `, last error: ${this.#lastConnectionError}` : ''})`;
  }

  #watchConnection(log: Logger): void {
    let down = false;
    // ioredis emits 'error' on every failed reconnect; without a listener it prints each one to the console.
    // One warning per outage is enough, and one line when it ends.
    this.#redis.on('error', (error: Error) => {
      this.#lastConnectionError = error.message;
      if (down || this.#closed) return;
      down = true;
      log.warn({ redis: this.location, err: error.message }, 'Redis unreachable; reconnecting');
    });
    this.#redis.on('ready', () => {
      this.#lastConnectionError = undefined;
      if (!down) return;
      down = false;
      log.info({ redis: this.location }, 'Redis connection restored');
    });
  }
}

const STATUS_WORDS: Record<string, string> = {
  connecting: 'still connecting',
  connect: 'connected, but the handshake got no answer',
  reconnecting: 'reconnecting',
  close: 'connection closed',
  end: 'connection closed',
};

function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}
