// The job-queue half of MemoryStore: a consumer group's pending jobs (who holds each, how often it was delivered,
// when) and the claims waiting for a job, with the semantics RedisStore gets from XREADGROUP, XAUTOCLAIM and XACK.
import type { QueuedJob, StreamEvent } from '../core/store.ts';
import { parseEventId } from './store-arguments.ts';

interface PendingJob {
  consumer: string;
  deliveries: number;
  deliveredAt: number;
}

export function compareIds(a: readonly [number, number], b: readonly [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

export class ConsumerGroup {
  // Events after this id are new to the group; a group starts at 0-0, so it reads the queue from its start.
  #lastDelivered: [number, number] = [0, 0];
  // Delivered and not yet acknowledged, by job id.
  readonly #pending = new Map<string, PendingJob>();

  /** Jobs idle for at least `minIdleMs`, oldest id first, now held by `consumer` with one more delivery. */
  reclaim(events: readonly StreamEvent[], consumer: string, minIdleMs: number, count: number, now: number): QueuedJob[] {
    const idle = [...this.#pending].filter(([, job]) => now - job.deliveredAt >= minIdleMs).map(([id]) => id);
    idle.sort((a, b) => compareIds(parseEventId(a), parseEventId(b)));
    const out: QueuedJob[] = [];
    for (const id of idle) {
      if (out.length === count) break;
      const event = findEvent(events, id);
      if (!event) {
        // Trimmed away (maxLength) while pending: there is nothing left to deliver, as XAUTOCLAIM decides on Redis 7.
        this.#pending.delete(id);
        continue;
      }
      const job = this.#pending.get(id)!;
      job.consumer = consumer;
      job.deliveries += 1;
      job.deliveredAt = now;
      out.push({ id, fields: { ...event.fields }, deliveries: job.deliveries });
    }
    return out;
  }

  /** Up to `count` jobs the group has never delivered, now pending for `consumer`. */
  readNew(events: readonly StreamEvent[], consumer: string, count: number, now: number): QueuedJob[] {
    const start = firstAfter(events, this.#lastDelivered);
    const fresh = events.slice(start, start + count);
    for (const event of fresh) this.#pending.set(event.id, { consumer, deliveries: 1, deliveredAt: now });
    const last = fresh.at(-1);
    if (last) this.#lastDelivered = parseEventId(last.id);
    return fresh.map((event) => ({ id: event.id, fields: { ...event.fields }, deliveries: 1 }));
  }

  ack(id: string): void {
    this.#pending.delete(id);
  }
}

// Streams keep their events in id order, so both lookups are binary searches.
function firstAfter(events: readonly StreamEvent[], id: readonly [number, number]): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareIds(parseEventId(events[middle]!.id), id) > 0) high = middle;
    else low = middle + 1;
  }
  return low;
}

function findEvent(events: readonly StreamEvent[], id: string): StreamEvent | undefined {
  const parsed = parseEventId(id);
  const index = firstAfter(events, [parsed[0], parsed[1] - 1]);
  const event = events[index];
  return event?.id === id ? event : undefined;
}

interface Waiter {
  readonly queue: string;
  readonly wake: () => void;
}

/** Claims blocked until a job is enqueued on their queue, their time is up, or the store closes; no polling. */
export class JobWaiters {
  readonly #waiting = new Set<Waiter>();

  wait(queue: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#waiting.delete(waiter);
        resolve();
      };
      const waiter: Waiter = { queue, wake };
      const timer = setTimeout(wake, timeoutMs);
      this.#waiting.add(waiter);
    });
  }

  /** Every claim waiting on `queue` looks again; those that find nothing go back to waiting for their remaining time. */
  wake(queue: string): void {
    for (const waiter of [...this.#waiting]) if (waiter.queue === queue) waiter.wake();
  }

  releaseAll(): void {
    for (const waiter of [...this.#waiting]) waiter.wake();
  }
}
