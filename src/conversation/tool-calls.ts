// The tool calls of one conversation. Each runs through the shared runner (validation, timeout, the once-only
// guard) against the conversation's budget; calls of cancellable tools stop when the customer interrupts or the
// model gives up on them; a slow call on a live call gets a spoken filler; the result goes back to the session that
// asked, or as a note to the session that replaced it meanwhile.
import type { Logger } from '../core/channel.ts';
import type { ModelSession } from '../core/model.ts';
import type { Store } from '../core/store.ts';
import type { ConversationControl, ToolContext, ToolSpec } from '../core/tool.ts';
import { ToolBudget } from '../agent/tool-budget.ts';
import { runTool } from '../agent/tool-runner.ts';
import type { GatewayMetrics } from '../analytics/metrics.ts';
import type { AuditInput } from '../compliance/audit.ts';
import type { TranscriptEntry } from './records.ts';

/** A tool still running after this long on a live call gets a spoken "one moment, I am checking". */
export const DEFAULT_TOOL_FILLER_MS = 1_500;

/** What the calls need from their conversation. */
export interface ToolCallsHost {
  readonly conversationId: string;
  readonly channel: string;
  readonly tools: ReadonlyMap<string, ToolSpec>;
  readonly store: Store;
  readonly control: ConversationControl;
  readonly customer?: string;
  readonly messaging?: ToolContext['messaging'];
  readonly metrics: GatewayMetrics;
  readonly log: Logger;
  /** Milliseconds before the filler on a live call; undefined: no filler (chats), 0: off. */
  readonly fillerMs: number | undefined;
  locale(): string;
  session(): ModelSession | null;
  ended(): boolean;
  /** The customer is hearing audio now: no filler over it. */
  playing(): boolean;
  fillerText(locale: string): string;
  record(entry: Omit<TranscriptEntry, 'at'>): void;
  audit(input: Omit<AuditInput, 'conversationId' | 'channel' | 'subject'>): void;
  /** Hands the conversation to the local engine; false when it cannot. */
  fallBack(reason: string): Promise<boolean>;
  /** A result is going back to the model (an end or hand-off waits for the answer after it). */
  resultSent(): void;
  /** Every finished call, for the conversation's figures. */
  counted(name: string, outcome: string): void;
}

export class ToolCalls {
  readonly budget: ToolBudget;
  /** Aborted when the conversation ends: every call in flight stops. */
  private readonly closing = new AbortController();
  /** Calls in flight whose tools may be stopped when the customer interrupts. */
  private readonly cancellable = new Map<string, AbortController>();

  constructor(
    private readonly host: ToolCallsHost,
    limits: { perTurn?: number; perConversation?: number },
  ) {
    this.budget = new ToolBudget({
      ...(limits.perTurn ? { perTurn: limits.perTurn } : {}),
      ...(limits.perConversation ? { perConversation: limits.perConversation } : {}),
    });
  }

  async run(callId: string, name: string, rawArguments: string): Promise<void> {
    const { host } = this;
    const askedBy = host.session();
    host.record({ role: 'assistant', kind: 'tool_call', name, text: rawArguments });
    const abort = new AbortController();
    const stop = () => abort.abort(this.closing.signal.reason);
    this.closing.signal.addEventListener('abort', stop, { once: true });
    if (host.tools.get(name)?.cancellable) this.cancellable.set(callId, abort);
    const filler = this.fillerFor(askedBy);
    let result;
    try {
      result = await runTool(host.tools, name, rawArguments, this.contextFor(callId), { signal: abort.signal, budget: this.budget });
    } finally {
      clearTimeout(filler);
      this.cancellable.delete(callId);
      this.closing.signal.removeEventListener('abort', stop);
    }
    // A name the model made up is not a label: it would add a time series per invention.
    host.metrics.toolCalls.labels(host.tools.has(name) ? name : 'unknown', result.outcome).inc();
    host.counted(name, result.outcome === 'ok' && reportsFailure(result.output) ? 'declined' : result.outcome);
    host.audit({ type: 'tool_call', detail: { tool: name, outcome: result.outcome, durationMs: Math.round(result.durationMs) } });
    host.record({ role: 'tool', kind: 'tool_result', name, text: result.output });
    if (result.outcome !== 'ok') host.log.warn({ tool: name, outcome: result.outcome, durationMs: Math.round(result.durationMs), cause: result.cause }, 'tool call did not succeed');
    if (result.limit === 'conversation_limit') {
      // A model that keeps calling tools burns money and gets nowhere: the deterministic menu takes over.
      host.record({ role: 'system', kind: 'event', text: `tool ceiling reached (${this.budget.usedInConversation} calls)` });
      if (await host.fallBack('tool_limit')) return;
    }
    const session = host.session();
    if (host.ended() || !session) return;
    host.resultSent();
    if (session === askedBy) return session.sendToolResult(callId, result.output);
    // The session that asked was replaced while the tool ran (reconnect, rotation, a hand-off to another agent): the
    // new one does not know this call id and read its history before the result existed. Tell it as a note, so the
    // caller still gets an answer.
    if (!session.capabilities.local) session.sendText(`[The ${name} tool called earlier in this conversation returned: ${result.output}]`);
  }

  /** The customer talked over: a lookup they talked over is stale, so cancellable tools stop (tools that act finish). */
  interrupt(reason: string): void {
    for (const call of this.cancellable.values()) call.abort(new Error(`the customer interrupted (${reason})`));
  }

  /** The provider gave up on these calls: stop the ones that may be stopped. */
  cancel(callIds: readonly string[]): void {
    for (const callId of callIds) this.cancellable.get(callId)?.abort(new Error('the model cancelled the call'));
  }

  /** The customer spoke, typed or pressed a key: a new turn for the per-turn ceiling. */
  turnEnded(): void {
    this.budget.turnEnded();
  }

  close(reason: string): void {
    this.closing.abort(new Error(`conversation ended: ${reason}`));
  }

  private contextFor(callId: string): Omit<ToolContext, 'signal'> {
    const { host } = this;
    return {
      conversationId: host.conversationId,
      channel: host.channel,
      locale: host.locale(),
      callId,
      idempotencyKey: `${host.conversationId}:${callId}`,
      store: host.store,
      conversation: host.control,
      ...(host.customer ? { customer: host.customer } : {}),
      ...(host.messaging ? { messaging: host.messaging } : {}),
    };
  }

  /** On a live call a slow tool gets a short filler in the customer's language, so the line does not go silent. */
  private fillerFor(session: ModelSession | null): NodeJS.Timeout | undefined {
    const afterMs = this.host.fillerMs;
    if (!session || afterMs === undefined || afterMs <= 0) return undefined;
    const timer = setTimeout(() => {
      const { host } = this;
      if (host.ended() || host.session() !== session || host.playing()) return;
      const text = host.fillerText(host.locale());
      host.record({ role: 'assistant', kind: 'speech', text });
      session.say(text);
    }, afterMs);
    timer.unref();
    return timer;
  }
}

/**
 * A tool that ran fine but could not do what was asked (`{"error":"slot_taken"}`, `{"ok":false}`, an FAQ with
 * `"found":false`): not a success in the conversation's figures, so analytics do not call the task done.
 */
function reportsFailure(output: string): boolean {
  try {
    const value: unknown = JSON.parse(output);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const fields = value as Record<string, unknown>;
    return fields.error !== undefined || fields.ok === false || fields.found === false;
  } catch {
    return false;
  }
}
