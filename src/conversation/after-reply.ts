// An end or a hand-off that a tool asked for (end_conversation, transfer_to_human) is carried out once the model's
// next reply (the goodbye, "connecting you now") has finished; if no reply comes, after a timeout.

import type { ConversationControl } from '../core/tool.ts';

export type AfterReplyAction = 'end' | 'transfer';

export interface AfterReplyHooks {
  /** Carries the action out (after the reply has been heard). */
  readonly run: (action: AfterReplyAction) => void;
  /** Told when a tool asks, with the model's reason (for the transcript). */
  readonly requested: (action: AfterReplyAction, reason: string) => void;
  readonly canTransfer: () => boolean;
  readonly timeoutMs?: number;
}

export class AfterReply {
  private pending: { action: AfterReplyAction; resultSent: boolean; responseId?: string; timer: NodeJS.Timeout } | null = null;

  /** What tools get in their context to end or hand over the conversation. */
  readonly control: ConversationControl = {
    endAfterReply: (reason) => void this.request('end', reason),
    transferAfterReply: (reason) => this.hooks.canTransfer() && this.request('transfer', reason),
  };

  constructor(private readonly hooks: AfterReplyHooks) {}

  private request(action: AfterReplyAction, reason: string): boolean {
    if (this.arm(action)) this.hooks.requested(action, reason);
    return true;
  }

  /** Returns false when an action is already pending (the first one asked wins). */
  arm(action: AfterReplyAction): boolean {
    if (this.pending) return false;
    // If the model never replies, act anyway rather than leave the customer waiting.
    const timer = setTimeout(() => this.fire(), this.hooks.timeoutMs ?? 10_000);
    timer.unref();
    this.pending = { action, resultSent: false, timer };
    return true;
  }

  /** The tool's result went back to the model: the next response to start is the reply to wait for. */
  resultSent(): void {
    if (this.pending) this.pending.resultSent = true;
  }

  responseStarted(responseId: string): void {
    if (this.pending?.resultSent && !this.pending.responseId) this.pending.responseId = responseId;
  }

  responseDone(responseId: string): void {
    if (this.pending?.responseId === responseId) this.fire();
  }

  cancel(): void {
    clearTimeout(this.pending?.timer);
    this.pending = null;
  }

  private fire(): void {
    const pending = this.pending;
    if (!pending) return;
    this.cancel();
    this.hooks.run(pending.action);
  }
}
