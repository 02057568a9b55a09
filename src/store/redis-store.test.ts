// RedisStore against the shared Store contract on a real Redis (REDIS_URL, or a private redis-server), plus what only
// a networked store has: several instances sharing leases, key prefixes, reconnects, and an unreachable Redis.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { storeContract } from '../../test/contract/store.contract.ts';
import { freePort, startRedis } from '../../test/redis-server.ts';
import { createStore } from './index.ts';
import { RedisStore } from './redis-store.ts';

const server = await startRedis();
// A plain client for looking at what the store wrote and for removing test keys from a shared Redis.
const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
const prefixes: string[] = [];

function newPrefix(): string {
  const prefix = `test:${randomUUID()}:`;
  prefixes.push(prefix);
  return prefix;
}

async function dropTestKeys(): Promise<void> {
  for (const prefix of prefixes.splice(0)) {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await admin.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
}

after(async () => {
  await dropTestKeys();
  await admin.quit();
  await server.stop();
});

storeContract('RedisStore', async () => new RedisStore({ url: server.url, keyPrefix: newPrefix() }), dropTestKeys);

describe('RedisStore with several gateway instances', () => {
  it('shares leases between instances using the same prefix, and fencing tokens keep growing across them', async () => {
    const keyPrefix = newPrefix();
    const a = new RedisStore({ url: server.url, keyPrefix });
    const b = new RedisStore({ url: server.url, keyPrefix });
    try {
      const held = await a.acquireLease('wa:+4915100000000', 'instance-a', 5_000);
      assert.ok(held);
      assert.equal(await b.acquireLease('wa:+4915100000000', 'instance-b', 5_000), null);
      await a.releaseLease(held);
      const taken = await b.acquireLease('wa:+4915100000000', 'instance-b', 5_000);
      assert.ok(taken && taken.token > held.token);
      assert.equal(await a.renewLease(held, 5_000), false);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('grants a contended lease to exactly one owner across instances', async () => {
    const keyPrefix = newPrefix();
    const stores = Array.from({ length: 4 }, () => new RedisStore({ url: server.url, keyPrefix }));
    try {
      const leases = await Promise.all(
        Array.from({ length: 20 }, (_, i) => stores[i % stores.length]!.acquireLease('job', `owner-${i}`, 5_000)),
      );
      assert.equal(leases.filter((lease) => lease !== null).length, 1);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('keeps tenants with different prefixes apart', async () => {
    const a = new RedisStore({ url: server.url, keyPrefix: newPrefix() });
    const b = new RedisStore({ url: server.url, keyPrefix: newPrefix() });
    try {
      await a.set('conversation', 'tenant a');
      assert.equal(await b.get('conversation'), null);
      assert.ok(await a.acquireLease('job', 'a', 5_000));
      assert.ok(await b.acquireLease('job', 'b', 5_000));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('writes the documented key layout, with a fencing counter that never expires', async () => {
    const keyPrefix = newPrefix();
    const store = new RedisStore({ url: server.url, keyPrefix });
    try {
      await store.set('conv:1', 'state');
      await store.append('conv:1:history', 'turn');
      const lease = await store.acquireLease('job', 'a', 5_000);
      assert.equal(await admin.get(`${keyPrefix}kv:conv:1`), 'state');
      assert.deepEqual(await admin.lrange(`${keyPrefix}kv:conv:1:history`, 0, -1), ['turn']);
      assert.equal(await admin.get(`${keyPrefix}lease:{job}`), `${lease?.token}:a`);
      assert.equal(await admin.pttl(`${keyPrefix}fence:{job}`), -1);
    } finally {
      await store.close();
    }
  });

  it('reconnects by itself after its connection is killed', async () => {
    const connectionName = `test-${randomUUID()}`;
    const store = new RedisStore({ url: server.url, keyPrefix: newPrefix(), connectionName });
    try {
      await store.set('before', '1');
      const clients = (await admin.client('LIST')) as string;
      const id = /id=(\d+) .*name=(\S+)/.exec(clients.split('\n').find((line) => line.includes(`name=${connectionName} `)) ?? '')?.[1];
      assert.ok(id, 'the store connection shows up in CLIENT LIST under its name');
      await admin.client('KILL', 'ID', id);
      assert.equal(await store.set('after', '2'), true);
      assert.equal(await store.get('before'), '1');
    } finally {
      await store.close();
    }
  });
});

describe('RedisStore job queues', () => {
  it('keeps a queue as a stream under kv:<queue>, read by its consumer group', async () => {
    const keyPrefix = newPrefix();
    const store = new RedisStore({ url: server.url, keyPrefix });
    try {
      const id = await store.enqueueJob('analytics', { conversationId: 'c1' });
      await store.claimJobs('analytics', 'workers', 'a', { count: 1, blockMs: 0, reclaimAfterMs: 60_000 });
      assert.equal(await admin.type(`${keyPrefix}kv:analytics`), 'stream');
      const pending = (await admin.xpending(`${keyPrefix}kv:analytics`, 'workers', '-', '+', 10)) as Array<[string, string, number, number]>;
      assert.deepEqual(
        pending.map(([pendingId, consumer, , deliveries]) => [pendingId, consumer, deliveries]),
        [[id, 'a', 1]],
      );
    } finally {
      await store.close();
    }
  });

  it('lets another instance take over an idle job that sits behind many still being worked on', async () => {
    const keyPrefix = newPrefix();
    const a = new RedisStore({ url: server.url, keyPrefix });
    const b = new RedisStore({ url: server.url, keyPrefix });
    const c = new RedisStore({ url: server.url, keyPrefix });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) ids.push(await a.enqueueJob('analytics', { n: String(i) }));
      await a.claimJobs('analytics', 'workers', 'a', { count: 60, blockMs: 0, reclaimAfterMs: 60_000 });
      await sleep(1_000);
      // b takes over all but the last, which stays idle behind 59 jobs that b has only just taken.
      assert.equal((await b.claimJobs('analytics', 'workers', 'b', { count: 59, blockMs: 0, reclaimAfterMs: 800 })).length, 59);
      // c is a new instance, so its scan of the pending jobs starts from the first; it asks for one job.
      const [job] = await c.claimJobs('analytics', 'workers', 'c', { count: 1, blockMs: 0, reclaimAfterMs: 800 });
      assert.deepEqual(job, { id: ids[59], fields: { n: '59' }, deliveries: 2 });
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('waits for a job longer than the command timeout without failing', async () => {
    const store = new RedisStore({ url: server.url, keyPrefix: newPrefix() });
    try {
      const waiting = store.claimJobs('analytics', 'workers', 'a', { count: 1, blockMs: 10_000, reclaimAfterMs: 60_000 });
      // Past the 2 s after which an ordinary command is given up.
      await sleep(2_300);
      const id = await store.enqueueJob('analytics', { conversationId: 'late' });
      assert.deepEqual(await waiting, [{ id, fields: { conversationId: 'late' }, deliveries: 1 }]);
    } finally {
      await store.close();
    }
  });
});

describe('RedisStore after Redis forgets its scripts (restart, SCRIPT FLUSH)', () => {
  it('loads them again and keeps leases and appends working', async () => {
    const store = new RedisStore({ url: server.url, keyPrefix: newPrefix() });
    try {
      const lease = await store.acquireLease('job', 'a', 5_000);
      assert.ok(lease);
      await admin.script('FLUSH');
      assert.equal(await store.renewLease(lease, 5_000), true);
      assert.equal(await store.append('history', 'turn'), 1);
    } finally {
      await store.close();
    }
  });
});

describe('RedisStore when Redis is unreachable', () => {
  it('rejects ping and createStore quickly on a closed port, naming REDIS_URL and the cause', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const store = new RedisStore({ url });
    let started = Date.now();
    await assert.rejects(store.ping(), /did not answer PING.*ECONNREFUSED/);
    assert.ok(Date.now() - started < 2_000, `ping took ${Date.now() - started} ms`);
    await store.close();

    started = Date.now();
    await assert.rejects(createStore({ redisUrl: url }), /REDIS_URL.*does not answer.*ECONNREFUSED/s);
    assert.ok(Date.now() - started < 2_000, `createStore took ${Date.now() - started} ms`);
  });

  it('gives up on a Redis that accepts connections but never answers, and still closes', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const store = new RedisStore({ url: `redis://127.0.0.1:${port}` });
      const started = Date.now();
      await assert.rejects(store.ping(), /did not answer PING/);
      assert.ok(Date.now() - started < 1_500, `ping took ${Date.now() - started} ms`);
      await store.close();
      assert.ok(Date.now() - started < 3_000, `close took ${Date.now() - started} ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('keeps the password out of error messages', async () => {
    const url = `redis://gateway:s3cret-pass@127.0.0.1:${await freePort()}`;
    await assert.rejects(createStore({ redisUrl: url }), (error: Error) => {
      assert.match(error.message, /REDIS_URL/);
      assert.doesNotMatch(error.message, /s3cret-pass/);
      return true;
    });
  });

  it('rejects a URL that is not redis:// or rediss://, naming REDIS_URL', async () => {
    await assert.rejects(createStore({ redisUrl: 'localhost:6379' }), /REDIS_URL.*redis:\/\//);
  });
});
