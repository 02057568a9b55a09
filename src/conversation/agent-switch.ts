// Which member of the agent's team serves a conversation, and the move to another one when a tool calls hand_off:
// the record gets the agent and the intent, the transcript and the audit trail get the hand-off, and the model serves
// the new agent (in place when the session can, else through a new session opened with it and the history).
import type { Logger } from '../core/channel.ts';
import type { ModelSession } from '../core/model.ts';
import type { Agent } from '../agent/agent.ts';
import { isIntent, type Intent } from '../agent/intents.ts';
import type { AuditInput } from '../compliance/audit.ts';
import type { ConversationRecord, TranscriptEntry } from './records.ts';

export type HandOffContext = Readonly<Record<string, unknown>>;

/**
 * Hand-offs allowed between two turns of the customer: a router and a specialist passing the customer back and forth
 * would otherwise run to the per-turn tool ceiling, and on Gemini open a new session each time.
 */
export const MAX_HAND_OFFS_PER_TURN = 2;

/** What a switch needs from its conversation. */
export interface AgentSwitchHost {
  readonly log: Logger;
  locale(): string;
  session(): ModelSession | null;
  ended(): boolean;
  /** Replaces the session with one opened for the current agent; false when it could not. */
  renew(reason: string): Promise<boolean>;
  record(entry: Omit<TranscriptEntry, 'at'>): void;
  updateRecord(patch: Partial<ConversationRecord>): void;
  audit(input: Omit<AuditInput, 'conversationId' | 'channel' | 'subject'>): void;
  /** Counted in the conversation's figures. */
  handedOff(): void;
}

export class AgentSwitch {
  private current: Agent;
  private handOff: HandOffContext | undefined;
  private intent: Intent | undefined;
  private handOffsThisTurn = 0;

  /** `entry` starts the conversation; a chat that wakes up again carries on with the agent its record names. */
  constructor(
    private readonly entry: Agent,
    private readonly host: AgentSwitchHost,
    previous?: ConversationRecord,
  ) {
    this.current = (previous?.agent ? entry.team?.get(previous.agent) : undefined) ?? entry;
    this.handOff = previous?.agent ? previous.handOff : undefined;
    this.intent = previous?.intent;
  }

  /** The customer spoke, typed or pressed a key: hand-offs may follow again. */
  turnEnded(): void {
    this.handOffsThisTurn = 0;
  }

  get agent(): Agent {
    return this.current;
  }

  get context(): HandOffContext | undefined {
    return this.handOff;
  }

  /** The current agent's instructions in `locale`, with the context it was handed. */
  instructions(locale: string): string {
    return this.current.instructions(locale, this.handOff);
  }

  /** Moves the conversation to agent `name`; rejects with a message for the model. */
  async to(name: string, context: HandOffContext): Promise<void> {
    const { host } = this;
    const next = this.entry.team?.get(name);
    if (!next) {
      const names = [...(this.entry.team?.keys() ?? [])];
      throw new Error(names.length > 0 ? `There is no agent named "${name}". Agents: ${names.join(', ')}.` : 'This assistant works alone: there is nobody to hand off to.');
    }
    if (host.ended()) throw new Error('The conversation has ended.');
    const from = this.current.name ?? 'assistant';
    // A specialist names what the conversation is about; a hand-back to the router keeps it, unless nothing did yet.
    const intent = next.intent ?? this.intent ?? (isIntent(context.intent) ? context.intent : undefined);
    if (next === this.current) {
      // Already serving: the context it works with stays as it is; only a missing intent tag may be set.
      if (intent !== this.intent) host.updateRecord({ ...(intent ? { intent } : {}) });
      this.intent = intent;
      return;
    }
    if (this.handOffsThisTurn >= MAX_HAND_OFFS_PER_TURN) {
      throw new Error('This conversation has been handed on twice since the customer last spoke. Help the customer yourself now with what you have.');
    }
    this.handOffsThisTurn++;
    this.intent = intent;
    host.updateRecord({ agent: name, handOff: context, ...(intent ? { intent } : {}) });
    this.current = next;
    this.handOff = context;
    host.handedOff();
    host.record({ role: 'system', kind: 'event', text: `hand-off ${from} -> ${name}: ${JSON.stringify(context)}` });
    // Agents and intent only: the context may hold the customer's name, which the audit trail never does.
    host.audit({ type: 'agent_handoff', detail: { from, to: name, ...(intent ? { intent } : {}) } });
    const session = host.session();
    if (!session) return; // reconnecting: the next session opens with the new agent
    if (session.updateAgent) return session.updateAgent(this.instructions(host.locale()), next.tools);
    if (!(await host.renew('agent_switch'))) host.log.warn({ from, to: name }, 'the model could not be renewed for the new agent; its next session will serve it');
  }
}
