// Keeps the most recent samples of a latency in a fixed ring, for exact percentiles in benchmarks and the admin
// view (Prometheus histograms only give buckets). Recording allocates nothing.
import { rankOfSorted } from './percentile.ts';

export class LatencyRecorder {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(capacity = 65_536) {
    this.samples = new Float64Array(capacity);
  }

  record(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    if (this.filled < this.samples.length) this.filled++;
  }

  get count(): number {
    return this.filled;
  }

  /** The p-th percentile (0-100) of the samples kept, or NaN when there are none. */
  percentile(p: number): number {
    return rankOfSorted(this.samples.slice(0, this.filled).sort(), p) ?? Number.NaN;
  }

  clear(): void {
    this.next = 0;
    this.filled = 0;
  }
}
