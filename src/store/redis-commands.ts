// What RedisStore and its job queue share: Lua scripts run by hash, stream replies turned into records, and closing
// a connection without hanging.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { describeError } from '../errors.ts';

// A command (sent or queued while reconnecting) fails after this long instead of hanging a caller.
export const COMMAND_TIMEOUT_MS = 2_000;

export interface Script {
  readonly source: string;
  readonly sha: string;
}

export function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

// EVALSHA keeps each call small; after a Redis restart or SCRIPT FLUSH the script is sent again with EVAL.
export async function runScript(redis: Redis, lua: Script, keys: string[], args: Array<string | number>): Promise<unknown> {
  try {
    return await redis.evalsha(lua.sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!describeError(error).startsWith('NOSCRIPT')) throw error;
    return redis.eval(lua.source, keys.length, ...keys, ...args);
  }
}

/** A stream entry's `name value name value ...` as a record. */
export function toFields(flat: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
  return fields;
}

/** Closes a connection; `graceful` lets replies already on their way arrive first (QUIT), otherwise it is cut. */
export async function endConnection(redis: Redis, graceful: boolean): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'reconnecting') {
    // No socket, only a reconnect timer: disconnect() clears it and no 'end' follows.
    redis.disconnect();
    return;
  }
  // Not events.once(): it would also reject on the 'error' a failing ready check emits while we close.
  const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
  if (graceful && redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect());
  } else {
    // Still connecting to a Redis that does not answer (disconnectTimeout bounds the wait for the socket), or a
    // blocked read that would hold QUIT back.
    redis.disconnect();
  }
  await ended;
}

