// The two latencies a customer feels, per provider: from the start of the conversation to its first audio, and from
// the end of the customer's turn (speech stopped, a key, a message) to the first audio or text of the answer.
import type { GatewayMetrics } from '../analytics/metrics.ts';
import type { ConversationStatsCollector } from './conversation-stats.ts';

export class TurnTiming {
  private firstAudioSent = false;
  private turnEndedAt: number | null = null;

  constructor(
    private readonly metrics: GatewayMetrics,
    private readonly stats: ConversationStatsCollector,
    readonly startedAt: number = Date.now(),
  ) {}

  turnEnded(): void {
    this.stats.turn();
    this.turnEndedAt = Date.now();
    this.stats.activity(this.turnEndedAt);
  }

  /**
   * An answer is reaching the customer: its audio, or its text on a chat. `provider` is the model serving the
   * conversation now. Text counts for the turn's latency, not for the time to first audio.
   */
  answered(provider: string, kind: 'audio' | 'text'): void {
    const now = Date.now();
    this.stats.activity(now);
    if (kind === 'audio' && !this.firstAudioSent) {
      this.firstAudioSent = true;
      this.metrics.timeToFirstAudio.labels(provider).observe((now - this.startedAt) / 1000);
      this.stats.firstAudio(now - this.startedAt);
    }
    if (this.turnEndedAt !== null) {
      this.metrics.turnLatency.labels(provider).observe((now - this.turnEndedAt) / 1000);
      this.stats.turnLatency(now - this.turnEndedAt);
      this.turnEndedAt = null;
    }
  }
}
