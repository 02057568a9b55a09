// What a conversation measures about itself for post-conversation analytics: turns, latencies, barge-ins, tool
// calls, hand-offs and model usage. Written into the record when it ends; a chat that wakes up again carries on
// from what its record holds, so a WhatsApp conversation is measured whole across its idle ends.
import type { ModelUsage } from '../core/model.ts';
import type { ConversationStats, UsageTotals } from '../analytics/analytics-types.ts';

/** Enough for percentiles over a long call, small enough for a record. */
const MAX_LATENCIES = 200;

export class ConversationStatsCollector {
  private turns: number;
  private timeToFirstAudioMs: number | undefined;
  private readonly latencies: number[];
  private bargeIns: number;
  private toolCalls: number;
  private toolErrors: number;
  private readonly toolsSucceeded: Set<string>;
  private handOffs: number;
  private transferred: boolean;
  private readonly usage: Map<string, UsageTotals>;
  /** Caller audio sent to the model, summed here per frame (no allocation) and folded into `usage` on a switch. */
  private inputAudioMs = 0;
  private inputAudioModel = '';
  private activeMs: number;
  private lastActivityAt: number | undefined;

  constructor(previous?: ConversationStats) {
    this.turns = previous?.turns ?? 0;
    this.timeToFirstAudioMs = previous?.timeToFirstAudioMs;
    this.latencies = [...(previous?.turnLatenciesMs ?? [])];
    this.bargeIns = previous?.bargeIns ?? 0;
    this.toolCalls = previous?.toolCalls ?? 0;
    this.toolErrors = previous?.toolErrors ?? 0;
    this.toolsSucceeded = new Set(previous?.toolsSucceeded ?? []);
    this.handOffs = previous?.handOffs ?? 0;
    this.transferred = previous?.transferred ?? false;
    this.usage = new Map(Object.entries(previous?.usage ?? {}));
    this.activeMs = previous?.activeMs ?? 0;
  }

  /** The customer or the agent said something (a turn ended, an answer went out). */
  activity(at = Date.now()): void {
    this.lastActivityAt = at;
  }

  /**
   * This part of the conversation is over: a call counts until `endedAt`; a chat (no `endedAt`) until its last
   * message, so the idle wait before it closed is not counted.
   */
  partEnded(startedAt: number, endedAt?: number): void {
    const end = endedAt ?? this.lastActivityAt ?? startedAt;
    this.activeMs += Math.max(0, end - startedAt);
    this.lastActivityAt = undefined;
  }

  turn(): void {
    this.turns++;
  }

  firstAudio(ms: number): void {
    this.timeToFirstAudioMs ??= Math.round(ms);
  }

  turnLatency(ms: number): void {
    this.latencies.push(Math.round(ms));
    if (this.latencies.length > MAX_LATENCIES) this.latencies.shift();
  }

  bargeIn(): void {
    this.bargeIns++;
  }

  toolCall(name: string, outcome: string): void {
    this.toolCalls++;
    if (outcome === 'ok') this.toolsSucceeded.add(name);
    else this.toolErrors++;
  }

  handOff(): void {
    this.handOffs++;
  }

  handedToPerson(): void {
    this.transferred = true;
  }

  /** Caller audio sent to `model`: called per frame, so it only adds to a number. */
  inputAudio(model: string, ms: number): void {
    if (model !== this.inputAudioModel) this.foldInputAudio(model);
    this.inputAudioMs += ms;
  }

  modelUsage(model: string, usage: ModelUsage | undefined): void {
    if (!usage) return;
    const sum = this.usage.get(model) ?? { inputAudioMs: 0, outputAudioMs: 0, inputTokens: 0, outputTokens: 0 };
    this.usage.set(model, {
      inputAudioMs: sum.inputAudioMs + (usage.inputAudioMs ?? 0),
      outputAudioMs: sum.outputAudioMs + (usage.outputAudioMs ?? 0),
      inputTokens: sum.inputTokens + (usage.inputTokens ?? 0),
      outputTokens: sum.outputTokens + (usage.outputTokens ?? 0),
    });
  }

  get bargeInCount(): number {
    return this.bargeIns;
  }

  snapshot(): ConversationStats {
    this.foldInputAudio(this.inputAudioModel);
    return {
      turns: this.turns,
      ...(this.timeToFirstAudioMs !== undefined ? { timeToFirstAudioMs: this.timeToFirstAudioMs } : {}),
      turnLatenciesMs: [...this.latencies],
      bargeIns: this.bargeIns,
      toolCalls: this.toolCalls,
      toolErrors: this.toolErrors,
      toolsSucceeded: [...this.toolsSucceeded],
      handOffs: this.handOffs,
      transferred: this.transferred,
      usage: Object.fromEntries(this.usage),
      activeMs: Math.round(this.activeMs),
    };
  }

  private foldInputAudio(nextModel: string): void {
    if (this.inputAudioMs > 0) this.modelUsage(this.inputAudioModel, { inputAudioMs: this.inputAudioMs });
    this.inputAudioMs = 0;
    this.inputAudioModel = nextModel;
  }
}
