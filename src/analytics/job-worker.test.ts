// JobWorker: jobs run and acknowledged, failures retried and then dead-lettered, concurrency, a bounded stop, a
// store outage ridden out, and a worker process killed mid-job whose job another worker takes over (real Redis).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from '../core/channel.ts';
import type { QueuedJob, Store } from '../core/store.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { RedisStore } from '../store/redis-store.ts';
import { startRedis } from '../../test/redis-server.ts';
import { eventually, pollFor } from '../../test/wait.ts';
import { recordAnalysis } from './job-worker-crash-child.ts';
import { JobWorker, type JobWorkerOptions } from './job-worker.ts';

interface LogLine {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

function recordingLogger(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const make = (bound: object): Logger => {
    const at = (level: string) => (fields: object, message: string) => lines.push({ level, fields: { ...bound, ...fields }, message });
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (fields) => make({ ...bound, ...fields }) };
  };
  return { log: make({}), lines };
}

/** A promise the test resolves when it chooses, to hold a handler in the middle of a job. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

// Nothing is taken over while a check runs, and an acknowledged job is not there to take over at all.
async function unfinished(store: Store, queue: string): Promise<QueuedJob[]> {
  return store.claimJobs(queue, 'analytics', 'inspector', { count: 100, blockMs: 0, reclaimAfterMs: 0 });
}

function worker(store: Store, handle: JobWorkerOptions['handle'], options: Partial<JobWorkerOptions> = {}): JobWorker {
  return new JobWorker({ store, queue: 'jobs', group: 'analytics', consumer: 'worker-1', blockMs: 20, log: recordingLogger().log, handle, ...options });
}

describe('JobWorker on MemoryStore', () => {
  it('runs each enqueued job once and acknowledges it', async () => {
    const store = new MemoryStore();
    const seen: string[] = [];
    const jobs = worker(store, async (job) => {
      seen.push(job.fields.conversationId!);
    });
    try {
      jobs.start();
      await store.enqueueJob('jobs', { conversationId: 'c1' });
      await store.enqueueJob('jobs', { conversationId: 'c2' });
      await eventually('both jobs handled', () => seen.length === 2);
      await jobs.stop();
      assert.deepEqual(seen, ['c1', 'c2']);
      assert.deepEqual(await unfinished(store, 'jobs'), []);
    } finally {
      await jobs.stop();
      await store.close();
    }
  });

  it('retries a job whose handler failed when it is taken over, and acknowledges it once it succeeds', async () => {
    const store = new MemoryStore();
    const deliveries: number[] = [];
    const jobs = worker(
      store,
      // Not async: a handler that throws before returning a promise is a failed job too, not a crashed worker.
      (job) => {
        deliveries.push(job.deliveries);
        if (job.deliveries === 1) throw new Error('text model timed out');
        return Promise.resolve();
      },
      { reclaimAfterMs: 30 },
    );
    try {
      jobs.start();
      await store.enqueueJob('jobs', { conversationId: 'c1' });
      await eventually('the second delivery handled', () => deliveries.length === 2);
      await jobs.stop();
      assert.deepEqual(deliveries, [1, 2]);
      assert.deepEqual(await unfinished(store, 'jobs'), []);
      assert.deepEqual(await store.readEvents('jobs:dead'), []);
    } finally {
      await jobs.stop();
      await store.close();
    }
  });

  it('gives a job up after maxDeliveries failures: acknowledged, kept in <queue>:dead with the error, and logged', async () => {
    const store = new MemoryStore();
    const { log, lines } = recordingLogger();
    let runs = 0;
    const jobs = worker(
      store,
      async () => {
        runs += 1;
        throw new Error('model quota exceeded');
      },
      { reclaimAfterMs: 30, maxDeliveries: 2, log },
    );
    try {
      jobs.start();
      const id = await store.enqueueJob('jobs', { conversationId: 'c1' });
      const dead = await pollFor('the job in the dead-letter stream', async () => (await store.readEvents('jobs:dead'))[0]);
      await jobs.stop();
      assert.equal(runs, 2);
      assert.equal(dead.fields.job, id);
      assert.equal(dead.fields.deliveries, '2');
      assert.equal(dead.fields.error, 'model quota exceeded');
      assert.deepEqual(JSON.parse(dead.fields.fields ?? '{}'), { conversationId: 'c1' });
      assert.deepEqual(await unfinished(store, 'jobs'), []);
      assert.ok(lines.some((line) => line.level === 'error' && line.fields.job === id && /jobs:dead/.test(line.message)));
    } finally {
      await jobs.stop();
      await store.close();
    }
  });

  it('gives up without running it a job whose earlier workers all died on it', async () => {
    const store = new MemoryStore();
    let runs = 0;
    const id = await store.enqueueJob('jobs', { conversationId: 'poison' });
    // Two workers took it and vanished without acknowledging it.
    await store.claimJobs('jobs', 'analytics', 'gone-1', { count: 1, blockMs: 0, reclaimAfterMs: 0 });
    await store.claimJobs('jobs', 'analytics', 'gone-2', { count: 1, blockMs: 0, reclaimAfterMs: 0 });
    const jobs = worker(
      store,
      async () => {
        runs += 1;
      },
      { reclaimAfterMs: 1, maxDeliveries: 2 },
    );
    try {
      jobs.start();
      const dead = await pollFor('the job in the dead-letter stream', async () => (await store.readEvents('jobs:dead'))[0]);
      await jobs.stop();
      assert.equal(runs, 0);
      assert.equal(dead.fields.job, id);
      assert.equal(dead.fields.deliveries, '3');
      assert.match(dead.fields.error ?? '', /without being acknowledged/);
      assert.deepEqual(await unfinished(store, 'jobs'), []);
    } finally {
      await jobs.stop();
      await store.close();
    }
  });

  it('runs up to `concurrency` jobs at once and no more', async () => {
    const store = new MemoryStore();
    const hold = gate();
    const started: string[] = [];
    const finished: string[] = [];
    const jobs = worker(
      store,
      async (job) => {
        started.push(job.fields.n!);
        await hold.promise;
        finished.push(job.fields.n!);
      },
      { concurrency: 3 },
    );
    try {
      for (let n = 0; n < 4; n++) await store.enqueueJob('jobs', { n: String(n) });
      jobs.start();
      await eventually('three jobs running', () => started.length === 3);
      assert.equal(jobs.running, 3);
      // The fourth waits for a free slot, however long that takes.
      await tick();
      assert.deepEqual(started, ['0', '1', '2']);
      hold.open();
      await eventually('all four done', () => finished.length === 4);
      await jobs.stop();
      assert.deepEqual(await unfinished(store, 'jobs'), []);
    } finally {
      hold.open();
      await jobs.stop();
      await store.close();
    }
  });

  it('stop() waits for the job in flight and lets it be acknowledged', async () => {
    const store = new MemoryStore();
    const hold = gate();
    let running = false;
    const jobs = worker(store, async () => {
      running = true;
      await hold.promise;
    });
    try {
      jobs.start();
      await store.enqueueJob('jobs', { conversationId: 'c1' });
      await eventually('the job running', () => running);
      let stopped = false;
      const stopping = jobs.stop().then(() => {
        stopped = true;
      });
      await tick();
      assert.equal(stopped, false, 'stop() returned while a job was still running');
      hold.open();
      await stopping;
      assert.deepEqual(await unfinished(store, 'jobs'), []);
      // Stopped means stopped: a later job is left for other workers.
      await store.enqueueJob('jobs', { conversationId: 'c2' });
      assert.deepEqual(
        (await unfinished(store, 'jobs')).map((job) => job.fields.conversationId),
        ['c2'],
      );
    } finally {
      hold.open();
      await store.close();
    }
  });

  it('stop() gives up on a job that never ends after stopTimeoutMs, leaving it to be taken over', async () => {
    const store = new MemoryStore();
    const { log, lines } = recordingLogger();
    let running = false;
    const jobs = worker(
      store,
      async () => {
        running = true;
        await new Promise<never>(() => undefined);
      },
      { stopTimeoutMs: 50, log },
    );
    try {
      jobs.start();
      const id = await store.enqueueJob('jobs', { conversationId: 'c1' });
      await eventually('the job running', () => running);
      await jobs.stop();
      assert.ok(lines.some((line) => line.level === 'warn' && /still running/.test(line.message)));
      assert.deepEqual(await unfinished(store, 'jobs'), [{ id, fields: { conversationId: 'c1' }, deliveries: 2 }]);
    } finally {
      await store.close();
    }
  });

  it('refuses bad options with a clear error', () => {
    const store = new MemoryStore();
    const handle = async (): Promise<void> => undefined;
    assert.throws(() => worker(store, handle, { concurrency: 0 }), /concurrency must be a whole number of at least 1/);
    assert.throws(() => worker(store, handle, { maxDeliveries: 1.5 }), /maxDeliveries/);
    assert.throws(() => worker(store, handle, { blockMs: -1 }), /blockMs/);
    assert.throws(() => worker(store, handle, { queue: '' }), /queue must be a non-empty string/);
    assert.throws(() => worker(store, handle, { consumer: '' }), /consumer/);
    void store.close();
  });
});

const server = await startRedis();
// A plain client for removing the test keys from a shared Redis.
const admin = new Redis(server.url, { maxRetriesPerRequest: 1 });
const prefixes: string[] = [];
const newPrefix = (): string => {
  const prefix = `test:${randomUUID()}:`;
  prefixes.push(prefix);
  return prefix;
};

after(async () => {
  for (const prefix of prefixes) {
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
  }
  await admin.quit();
  await server.stop();
});

describe('JobWorker on Redis', () => {
  it('takes over the job of a worker process killed mid-job and finishes it, writing the result once', async () => {
    const keyPrefix = newPrefix();
    const store = new RedisStore({ url: server.url, keyPrefix });
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./job-worker-crash-child.ts', import.meta.url)), server.url, keyPrefix, 'jobs'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let survivor: JobWorker | undefined;
    try {
      const id = await store.enqueueJob('jobs', { conversationId: 'c1' });
      await eventually(() => `the child worker to run the job; it printed: ${output || '(nothing)'}`, () => output.includes(`running ${id}`), 20_000);
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;

      survivor = new JobWorker({
        store,
        queue: 'jobs',
        group: 'analytics',
        consumer: 'surviving-instance',
        reclaimAfterMs: 200,
        blockMs: 50,
        log: recordingLogger().log,
        handle: (job) => recordAnalysis(store, job),
      });
      survivor.start();
      await eventually('the job run a second time', async () => (await store.range('runs:c1', 0, -1)).length === 2, 10_000);
      await survivor.stop();

      assert.deepEqual(await store.range('runs:c1', 0, -1), ['1', '2']);
      assert.deepEqual(await store.range('result-writes', 0, -1), ['c1']);
      assert.deepEqual(await unfinished(store, 'jobs'), []);
      assert.deepEqual(await store.readEvents('jobs:dead'), []);
    } finally {
      child.kill('SIGKILL');
      await survivor?.stop();
      await store.close();
    }
  });

  it('rides out a Redis outage: claims fail and back off, and jobs run once Redis is back', async () => {
    const keyPrefix = newPrefix();
    const proxy = await redisProxy(server.url);
    const { log, lines } = recordingLogger();
    const direct = new RedisStore({ url: server.url, keyPrefix });
    const viaProxy = new RedisStore({ url: proxy.url, keyPrefix });
    const seen: string[] = [];
    const jobs = new JobWorker({
      store: viaProxy,
      queue: 'jobs',
      group: 'analytics',
      consumer: 'worker-1',
      blockMs: 50,
      retryMinMs: 20,
      retryMaxMs: 200,
      log,
      handle: async (job) => {
        seen.push(job.fields.conversationId!);
      },
    });
    try {
      jobs.start();
      await direct.enqueueJob('jobs', { conversationId: 'before' });
      await eventually('the first job handled', () => seen.length === 1);

      proxy.setUp(false);
      await direct.enqueueJob('jobs', { conversationId: 'during' });
      await eventually('a warning that claims fail', () => lines.some((line) => line.level === 'warn' && /cannot claim jobs/.test(line.message)), 10_000);
      assert.deepEqual(seen, ['before']);

      proxy.setUp(true);
      await eventually('the job enqueued during the outage handled', () => seen.length === 2, 15_000);
      assert.deepEqual(seen, ['before', 'during']);
      assert.ok(lines.some((line) => line.level === 'info' && /claiming jobs again/.test(line.message)));
      await jobs.stop();
      assert.deepEqual(await unfinished(direct, 'jobs'), []);
    } finally {
      proxy.setUp(true);
      await jobs.stop();
      await Promise.all([direct.close(), viaProxy.close()]);
      await proxy.close();
    }
  });
});

/** A TCP proxy in front of Redis that can be taken down (every connection cut, new ones refused) and back up. */
async function redisProxy(target: string): Promise<{ url: string; setUp(up: boolean): void; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  let up = true;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = net.connect({ host: hostname, port: Number(port) });
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${address.port}`,
    setUp(next) {
      up = next;
      if (!up) for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
