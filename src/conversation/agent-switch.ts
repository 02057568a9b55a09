// Which member of the agent's team serves a conversation, and the move to another one when a tool calls hand_off:
// the record gets the agent and the intent, the transcript and the audit trail get the hand-off, and the model serves
// the new agent (in place when the session can, else through a new session opened with it and the history).
import type { Logger } from '../core/channel.ts';
import type { ModelSession } from '../core/model.ts';
import type { Agent } from '../agent/agent.ts';
import { isIntent } from '../agent/intents.ts';
import type { AuditInput } from '../compliance/audit.ts';
import type { ConversationRecord, TranscriptEntry } from './records.ts';

export type HandOffContext = Readonly<Record<string, unknown>>;

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

  /** `entry` starts the conversation; a chat that wakes up again carries on with the agent its record names. */
  constructor(
    private readonly entry: Agent,
    private readonly host: AgentSwitchHost,
    previous?: ConversationRecord,
  ) {
    this.current = (previous?.agent ? entry.team?.get(previous.agent) : undefined) ?? entry;
    this.handOff = previous?.agent ? previous.handOff : undefined;
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
    const intent = isIntent(context.intent) ? context.intent : next.intent;
    host.updateRecord({ agent: name, handOff: context, ...(intent ? { intent } : {}) });
    if (next === this.current) return; // already serving: the intent tag is all that may change
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
