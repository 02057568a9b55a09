// A hard ceiling on tool calls, per turn and per conversation: a model stuck in a loop (calling the same lookup again
// and again, or retrying a failing tool) burns money and keeps the customer waiting. One budget per conversation;
// the conversation calls turnEnded() whenever the customer speaks or types again.

export type BudgetVerdict = 'ok' | 'turn_limit' | 'conversation_limit';

export interface ToolBudgetLimits {
  /** Calls allowed between two things the customer says. */
  readonly perTurn: number;
  /** Calls allowed in the whole conversation. */
  readonly perConversation: number;
}

export const DEFAULT_TOOL_BUDGET: ToolBudgetLimits = { perTurn: 6, perConversation: 40 };

export class ToolBudget {
  readonly limits: ToolBudgetLimits;
  #turn = 0;
  #conversation = 0;

  constructor(limits: Partial<ToolBudgetLimits> = {}) {
    const perTurn = limits.perTurn ?? DEFAULT_TOOL_BUDGET.perTurn;
    const perConversation = limits.perConversation ?? DEFAULT_TOOL_BUDGET.perConversation;
    for (const [name, value] of [['perTurn', perTurn], ['perConversation', perConversation]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`ToolBudget ${name} must be a whole number of at least 1, not ${value}`);
    }
    this.limits = { perTurn, perConversation };
  }

  /** Counts one call when it fits under both ceilings; a refused call is not counted. */
  take(): BudgetVerdict {
    // The conversation ceiling wins when both are reached: it is the one that ends tool use for good.
    if (this.#conversation >= this.limits.perConversation) return 'conversation_limit';
    if (this.#turn >= this.limits.perTurn) return 'turn_limit';
    this.#turn++;
    this.#conversation++;
    return 'ok';
  }

  /** The customer spoke or typed again: the per-turn count starts over. */
  turnEnded(): void {
    this.#turn = 0;
  }

  get usedThisTurn(): number {
    return this.#turn;
  }

  get usedInConversation(): number {
    return this.#conversation;
  }

  /** True once no further call can be allowed in this conversation (time to fall back to the local engine). */
  get exhausted(): boolean {
    return this.#conversation >= this.limits.perConversation;
  }
}
