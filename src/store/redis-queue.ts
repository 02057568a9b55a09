// RedisStore's job queues: a stream per queue read through consumer groups. New jobs come from XREADGROUP, jobs whose
// consumer went quiet are taken over with XAUTOCLAIM, and XACK ends them. Blocking reads get connections of their own
// so a claim waiting for work never holds back the store's other commands.
import type { Redis } from 'ioredis';
import type { QueuedJob } from '../core/store.ts';
import { describeError } from '../errors.ts';
import { COMMAND_TIMEOUT_MS, endConnection, runScript, script, toFields } from './redis-commands.ts';

// KEYS: queue. ARGV: group, consumer, minIdleMs, cursor, count. Returns {next cursor, {{id, {name, value...}, deliveries}...}}.
// One XAUTOCLAIM looks at no more than ten entries per job asked for, so a few scans go on from where the last one
// stopped, to reach idle jobs behind many still being worked on. XAUTOCLAIM does not say how often an entry was
// delivered; XPENDING does, and within the script nobody can take the job over in between.
const RECLAIM = script(`
local cursor = ARGV[4]
local count = tonumber(ARGV[5])
local jobs = {}
for _ = 1, 10 do
  local reply = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], cursor, 'COUNT', count - #jobs)
  cursor = reply[1]
  for _, entry in ipairs(reply[2]) do
    -- Redis 6.2 lists an entry trimmed away while pending without its fields: there is nothing left to deliver.
    if type(entry) == 'table' and entry[2] then
      local pending = redis.call('XPENDING', KEYS[1], ARGV[1], entry[1], entry[1], 1)
      jobs[#jobs + 1] = {entry[1], entry[2], pending[1][4]}
    end
  end
  if #jobs >= count or cursor == '0-0' then break end
end
return {cursor, jobs}
`);

export interface QueueClaim {
  readonly count: number;
  readonly blockMs: number;
  readonly reclaimAfterMs: number;
}

export class RedisJobQueue {
  readonly #redis: Redis;
  readonly #connectionName: string | undefined;
  // Idle blocking connections are reused; one is opened per concurrent wait; close() cuts them all.
  readonly #idleBlocking: Redis[] = [];
  readonly #busyBlocking = new Set<Redis>();
  // Consumer groups this instance has created or found (queue key + NUL + group), so XGROUP CREATE runs once each.
  readonly #groups = new Set<string>();
  // Where the next XAUTOCLAIM scan starts, per queue and group: it looks at a bounded part of the pending list per
  // call, so always starting from 0-0 would never reach idle jobs behind many that are still being worked on.
  readonly #reclaimCursors = new Map<string, string>();
  #closed = false;

  constructor(redis: Redis, connectionName: string | undefined) {
    this.#redis = redis;
    this.#connectionName = connectionName;
  }

  /** Arguments are checked by the caller; `key` is the queue's full key. Errors are Redis's, unwrapped. */
  async claim(key: string, group: string, consumer: string, options: QueueClaim): Promise<QueuedJob[]> {
    const reclaimed = await this.#inGroup(key, group, () => this.#reclaim(key, group, consumer, options.reclaimAfterMs, options.count));
    // Taken-over jobs alone when there are any: the caller comes back for new ones once it has room.
    if (reclaimed.length > 0) return reclaimed;
    return this.#inGroup(key, group, () => this.#readNew(key, group, consumer, options.count, options.blockMs));
  }

  /** Cuts the blocking connections: a blocked read would hold a graceful QUIT back for its whole wait. */
  async close(): Promise<void> {
    this.#closed = true;
    const blocking = [...this.#idleBlocking.splice(0), ...this.#busyBlocking];
    this.#busyBlocking.clear();
    await Promise.all(blocking.map((connection) => endConnection(connection, false)));
  }

  // Runs a group command, creating the group first when this instance has not seen it, and once more when the queue
  // was deleted under the group (NOGROUP: the group went with the stream).
  async #inGroup<T>(key: string, group: string, command: () => Promise<T>): Promise<T> {
    const name = `${key}\0${group}`;
    for (let attempt = 1; ; attempt++) {
      if (!this.#groups.has(name)) {
        try {
          // From 0 rather than $: jobs enqueued before the first worker of a group started are still its work.
          await this.#redis.xgroup('CREATE', key, group, '0', 'MKSTREAM');
        } catch (error) {
          if (!describeError(error).startsWith('BUSYGROUP')) throw error;
        }
        this.#groups.add(name);
      }
      try {
        return await command();
      } catch (error) {
        if (!describeError(error).includes('NOGROUP') || attempt > 1) throw error;
        this.#groups.delete(name);
        this.#reclaimCursors.delete(name);
      }
    }
  }

  async #reclaim(key: string, group: string, consumer: string, minIdleMs: number, count: number): Promise<QueuedJob[]> {
    const name = `${key}\0${group}`;
    const cursor = this.#reclaimCursors.get(name) ?? '0-0';
    const [next, jobs] = (await runScript(this.#redis, RECLAIM, [key], [group, consumer, minIdleMs, cursor, count])) as [string, Array<[string, string[], number]>];
    this.#reclaimCursors.set(name, next);
    return jobs.map(([id, flat, deliveries]) => ({ id, fields: toFields(flat), deliveries: Number(deliveries) }));
  }

  async #readNew(key: string, group: string, consumer: string, count: number, blockMs: number): Promise<QueuedJob[]> {
    // BLOCK 0 would wait for ever: a claim that must not wait reads on the shared connection, without BLOCK.
    const reply =
      blockMs === 0
        ? await this.#redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', key, '>')
        : await this.#blockingRead((connection) => connection.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, '>'), blockMs);
    if (!reply) return [];
    const entries = (reply as Array<[string, Array<[string, string[]]>]>)[0]?.[1] ?? [];
    return entries.map(([id, flat]) => ({ id, fields: toFields(flat), deliveries: 1 }));
  }

  async #blockingRead<T>(command: (connection: Redis) => Promise<T>, blockMs: number): Promise<T> {
    if (this.#closed) throw new Error('closed');
    const connection = this.#idleBlocking.pop() ?? this.#openBlocking();
    this.#busyBlocking.add(connection);
    const limitMs = blockMs + COMMAND_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    let abandoned = false;
    // Blocking connections have no commandTimeout (it would cut every long wait): a Redis that stops answering is
    // caught here instead, and that connection, whose reply may still come, is not used again.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        abandoned = true;
        reject(new Error(`no answer within ${limitMs} ms`));
      }, limitMs);
    });
    const reply = command(connection);
    reply.catch(() => undefined);
    try {
      return await Promise.race([reply, deadline]);
    } finally {
      clearTimeout(timer);
      this.#busyBlocking.delete(connection);
      if (abandoned) void endConnection(connection, false);
      else if (!this.#closed) this.#idleBlocking.push(connection);
    }
  }

  #openBlocking(): Redis {
    const connection = this.#redis.duplicate({
      commandTimeout: undefined,
      connectionName: this.#connectionName === undefined ? undefined : `${this.#connectionName}:jobs`,
    });
    // The shared connection reports outages once; this one would only repeat them.
    connection.on('error', () => undefined);
    return connection;
  }
}
