// Runs jobs from a durable queue (Store.claimJobs): claims them as one consumer of a group, runs the handler, and
// acknowledges the ones that succeed. A failed job stays unacknowledged and is retried when it is taken over after
// reclaimAfterMs, as is the job of a worker that crashed; after maxDeliveries it is given up on, acknowledged and
// kept in the `<queue>:dead` stream with the reason. Delivery is at least once: the handler must tolerate running a
// job again (a crash after its work but before the acknowledgement), for instance by writing with onlyIfAbsent.
import type { Logger } from '../core/channel.ts';
import type { QueuedJob, Store } from '../core/store.ts';
import { describeError } from '../errors.ts';

export interface JobWorkerOptions {
  readonly store: Store;
  readonly queue: string;
  /** Workers of one group share the work; each group gets every job. */
  readonly group: string;
  /** This worker's name within the group, unique per instance (the store tracks which consumer holds a job). */
  readonly consumer: string;
  readonly handle: (job: QueuedJob) => Promise<void>;
  /** Jobs run at the same time; 1 unless given. */
  readonly concurrency?: number;
  /**
   * A job left unacknowledged this long is taken over by a worker of the group; 60 s unless given. It must be longer
   * than the slowest handler run, or a job still running is started a second time elsewhere.
   */
  readonly reclaimAfterMs?: number;
  /** How long one claim waits for work; stop() may wait this long for the claim under way. 2 s unless given. */
  readonly blockMs?: number;
  /** Deliveries before a job is given up on; 5 unless given. */
  readonly maxDeliveries?: number;
  /** Done jobs leave the queue (a work queue read by one group): their fields do not linger until it is trimmed. */
  readonly removeWhenDone?: boolean;
  /** How long stop() waits for the jobs in flight; 10 s unless given. Jobs still running then are taken over later. */
  readonly stopTimeoutMs?: number;
  /** Pauses between claims while the store fails, doubling from the first to the second; 100 ms and 5 s unless given. */
  readonly retryMinMs?: number;
  readonly retryMaxMs?: number;
  readonly log: Logger;
}

/** Between empty claims that did not wait: a queue polled this often is idle, not busy. */
const MIN_IDLE_PAUSE_MS = 50;

// Dead jobs are for an operator to look at, not to pile up for ever.
const DEAD_LETTER_MAX_LENGTH = 10_000;

export class JobWorker {
  readonly #store: Store;
  readonly #queue: string;
  readonly #group: string;
  readonly #consumer: string;
  readonly #handle: (job: QueuedJob) => Promise<void>;
  readonly #concurrency: number;
  readonly #reclaimAfterMs: number;
  readonly #blockMs: number;
  readonly #maxDeliveries: number;
  readonly #removeWhenDone: boolean;
  readonly #stopTimeoutMs: number;
  readonly #retryMinMs: number;
  readonly #retryMaxMs: number;
  readonly #log: Logger;
  // Jobs running here, by id; their promises never reject.
  readonly #inFlight = new Map<string, Promise<void>>();
  #loop: Promise<void> | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;

  constructor(options: JobWorkerOptions) {
    for (const name of ['queue', 'group', 'consumer'] as const) {
      if (typeof options[name] !== 'string' || options[name].length === 0) throw new RangeError(`JobWorker: ${name} must be a non-empty string`);
    }
    this.#store = options.store;
    this.#queue = options.queue;
    this.#group = options.group;
    this.#consumer = options.consumer;
    this.#handle = options.handle;
    this.#concurrency = whole('concurrency', options.concurrency ?? 1, 1);
    this.#reclaimAfterMs = whole('reclaimAfterMs', options.reclaimAfterMs ?? 60_000, 1);
    this.#blockMs = whole('blockMs', options.blockMs ?? 2_000, 0);
    this.#maxDeliveries = whole('maxDeliveries', options.maxDeliveries ?? 5, 1);
    this.#removeWhenDone = options.removeWhenDone ?? false;
    this.#stopTimeoutMs = whole('stopTimeoutMs', options.stopTimeoutMs ?? 10_000, 0);
    this.#retryMinMs = whole('retryMinMs', options.retryMinMs ?? 100, 1);
    this.#retryMaxMs = whole('retryMaxMs', options.retryMaxMs ?? 5_000, this.#retryMinMs);
    this.#log = options.log.child({ queue: this.#queue, group: this.#group, consumer: this.#consumer });
  }

  /** Jobs running right now. */
  get running(): number {
    return this.#inFlight.size;
  }

  /** Starts claiming; a second call does nothing. */
  start(): void {
    if (this.#stopping) throw new Error('JobWorker: a stopped worker cannot start again');
    this.#loop ??= this.#run();
  }

  /**
   * Stops claiming and waits, at most stopTimeoutMs, for the claim under way and the jobs in flight. A job still
   * running after that stays unacknowledged, and another worker takes it over.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    const settled = (async () => {
      await this.#loop;
      await Promise.all(this.#inFlight.values());
    })();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      settled.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), this.#stopTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) this.#log.warn({ jobs: this.#inFlight.size }, 'job worker stopped with jobs still running; another worker will take them over');
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopping) {
      if (this.#inFlight.size >= this.#concurrency) {
        await Promise.race(this.#inFlight.values());
        continue;
      }
      let jobs: QueuedJob[];
      try {
        jobs = await this.#store.claimJobs(this.#queue, this.#group, this.#consumer, {
          count: this.#concurrency - this.#inFlight.size,
          blockMs: this.#blockMs,
          reclaimAfterMs: this.#reclaimAfterMs,
        });
      } catch (error) {
        if (this.#stopping) break;
        failures += 1;
        // One warning per outage; the store logs its own connection state.
        if (failures === 1) this.#log.warn({ err: describeError(error) }, 'cannot claim jobs; retrying with back-off');
        await this.#pause(Math.min(this.#retryMinMs * 2 ** (failures - 1), this.#retryMaxMs));
        continue;
      }
      if (failures > 0) this.#log.info({ failures }, 'claiming jobs again');
      failures = 0;
      // Jobs claimed while stopping are run too: they are this worker's now, and are otherwise only taken over after
      // reclaimAfterMs.
      for (const job of jobs) this.#begin(job);
      // A claim that does not wait (blockMs 0, or a store that returns at once) would otherwise spin the event loop.
      if (jobs.length === 0 && this.#blockMs < MIN_IDLE_PAUSE_MS) await this.#pause(MIN_IDLE_PAUSE_MS);
    }
  }

  #begin(job: QueuedJob): void {
    // Taken over from this very worker while its first run goes on (reclaimAfterMs shorter than the handler): the
    // run under way acknowledges it.
    if (this.#inFlight.has(job.id)) return;
    const run = this.#process(job).finally(() => this.#inFlight.delete(job.id));
    this.#inFlight.set(job.id, run);
  }

  async #process(job: QueuedJob): Promise<void> {
    const fields = { job: job.id, deliveries: job.deliveries };
    if (job.deliveries > this.#maxDeliveries) {
      await this.#bury(job, `delivered ${job.deliveries} times without being acknowledged: the workers running it stopped or crashed`);
      return;
    }
    try {
      // Through a promise, so a handler that throws before returning one fails like one that rejects.
      await Promise.resolve().then(() => this.#handle(job));
    } catch (error) {
      if (job.deliveries >= this.#maxDeliveries) {
        await this.#bury(job, describeError(error));
        return;
      }
      this.#log.warn({ ...fields, err: describeError(error) }, `job failed; it is retried after ${this.#reclaimAfterMs} ms`);
      return;
    }
    await this.#ack(job);
  }

  async #ack(job: QueuedJob): Promise<void> {
    try {
      await this.#store.ackJob(this.#queue, this.#group, job.id, { remove: this.#removeWhenDone });
    } catch (error) {
      this.#log.warn({ job: job.id, err: describeError(error) }, 'could not acknowledge a finished job; it will run again');
    }
  }

  // The job leaves the queue for the dead-letter stream; if that write fails it stays pending and is tried again.
  async #bury(job: QueuedJob, reason: string): Promise<void> {
    try {
      await this.#store.appendEvent(
        `${this.#queue}:dead`,
        {
          job: job.id,
          group: this.#group,
          consumer: this.#consumer,
          deliveries: String(job.deliveries),
          error: reason,
          fields: JSON.stringify(job.fields),
        },
        { maxLength: DEAD_LETTER_MAX_LENGTH },
      );
    } catch (error) {
      this.#log.warn({ job: job.id, err: describeError(error) }, 'could not move a failed job to the dead-letter stream; it will be tried again');
      return;
    }
    await this.#ack(job);
    this.#log.error({ job: job.id, deliveries: job.deliveries, err: reason }, `job given up; kept in ${this.#queue}:dead`);
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}

function whole(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`JobWorker: ${name} must be a whole number of at least ${min}, got ${value}`);
  return value;
}
