// Prometheus metrics for the gateway, on one registry per gateway instance so tests can run several side by side.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { LatencyRecorder } from './latency-recorder.ts';

export type Direction = 'in' | 'out';

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly liveConversations: Gauge<'channel'>;
  readonly conversationsTotal: Counter<'channel' | 'outcome'>;
  readonly frames: Counter<'channel' | 'direction'>;
  readonly addedLatency: Histogram<'direction'>;
  readonly bargeIns: Counter<'channel'>;
  readonly toolCalls: Counter<'tool' | 'result'>;
  /** Exact recent samples behind the histogram, per direction. */
  readonly latencySamples: Record<Direction, LatencyRecorder> = { in: new LatencyRecorder(), out: new LatencyRecorder() };

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry });
    this.liveConversations = new Gauge({ name: 'gateway_live_conversations', help: 'Conversations in progress', labelNames: ['channel'], registers });
    this.conversationsTotal = new Counter({ name: 'gateway_conversations_total', help: 'Conversations ended', labelNames: ['channel', 'outcome'], registers });
    this.frames = new Counter({ name: 'gateway_audio_frames_total', help: '20 ms audio frames through the gateway', labelNames: ['channel', 'direction'], registers });
    this.addedLatency = new Histogram({
      name: 'gateway_added_latency_seconds',
      help: 'Time the gateway spends on one audio frame (decode, resample, hand-over), per direction',
      labelNames: ['direction'],
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05],
      registers,
    });
    this.bargeIns = new Counter({ name: 'gateway_barge_ins_total', help: 'Times a caller interrupted playback', labelNames: ['channel'], registers });
    this.toolCalls = new Counter({ name: 'gateway_tool_calls_total', help: 'Tool calls by result', labelNames: ['tool', 'result'], registers });
  }

  observeLatency(direction: Direction, ms: number): void {
    this.addedLatency.labels(direction).observe(ms / 1000);
    this.latencySamples[direction].record(ms);
  }
}
