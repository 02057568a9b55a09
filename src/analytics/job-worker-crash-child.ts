// A JobWorker in a process of its own, for job-worker.test.ts to kill in the middle of a job: it takes a job from the
// queue on Redis, does the job's work (recordAnalysis), prints `running <id>` and then never finishes, so the job is
// left unacknowledged when SIGKILL ends the process. Arguments: <redis url> <key prefix> <queue>.
import { pathToFileURL } from 'node:url';
import type { QueuedJob, Store } from '../core/store.ts';
import { silentLogger } from '../log.ts';
import { RedisStore } from '../store/redis-store.ts';
import { JobWorker } from './job-worker.ts';

/**
 * The job's work as the analytics job does it: the result is written only if absent, so running a job twice writes
 * it once. Each run is recorded (`runs:<conversation>`, its delivery count) and each result write (`result-writes`).
 */
export async function recordAnalysis(store: Store, job: QueuedJob): Promise<void> {
  const conversationId = job.fields.conversationId ?? 'unknown';
  await store.append(`runs:${conversationId}`, String(job.deliveries));
  if (await store.set(`analytics:${conversationId}`, JSON.stringify({ outcome: 'completed' }), { onlyIfAbsent: true })) {
    await store.append('result-writes', conversationId);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [url, keyPrefix, queue] = process.argv.slice(2);
  if (!url || !keyPrefix || !queue) throw new Error('usage: job-worker-crash-child.ts <redis url> <key prefix> <queue>');
  const store = new RedisStore({ url, keyPrefix });
  const worker = new JobWorker({
    store,
    queue,
    group: 'analytics',
    consumer: 'crashing-instance',
    blockMs: 500,
    log: silentLogger,
    handle: async (job) => {
      await recordAnalysis(store, job);
      process.stdout.write(`running ${job.id}\n`);
      // Stuck before the acknowledgement, as a process that is about to be killed.
      await new Promise<never>(() => undefined);
    },
  });
  worker.start();
}
