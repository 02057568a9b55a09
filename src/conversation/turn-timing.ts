// The two latencies a caller feels, per provider: from the start of the conversation to its first audio, and from
// the end of the caller's turn (speech stopped, a key, a message) to the first audio of the answer.
import type { GatewayMetrics } from '../analytics/metrics.ts';

export class TurnTiming {
  private firstAudioSent = false;
  private turnEndedAt: number | null = null;

  constructor(
    private readonly metrics: GatewayMetrics,
    readonly startedAt: number = Date.now(),
  ) {}

  turnEnded(): void {
    this.turnEndedAt = Date.now();
  }

  /** Audio of an answer is going out; `provider` is the model serving the conversation now. */
  audioOut(provider: string): void {
    const now = Date.now();
    if (!this.firstAudioSent) {
      this.firstAudioSent = true;
      this.metrics.timeToFirstAudio.labels(provider).observe((now - this.startedAt) / 1000);
    }
    if (this.turnEndedAt !== null) {
      this.metrics.turnLatency.labels(provider).observe((now - this.turnEndedAt) / 1000);
      this.turnEndedAt = null;
    }
  }
}
