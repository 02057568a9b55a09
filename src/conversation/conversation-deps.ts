// What a conversation is given: its connection, the models, the agent, the store and the business's settings.
import type { Connection, Logger } from '../core/channel.ts';
import type { ModelSession, RealtimeModel } from '../core/model.ts';
import type { Store } from '../core/store.ts';
import type { Agent } from '../agent/agent.ts';
import type { GatewayMetrics } from '../analytics/metrics.ts';
import type { ConversationCompliance } from './compliance-duties.ts';
import type { Conversation } from './conversation.ts';
import type { ConversationRecord, ConversationRecords } from './records.ts';

export type { ConversationCompliance } from './compliance-duties.ts';

export interface ConversationSettings {
  readonly businessName: string;
  readonly maxDurationMs: number;
  /** Where phone calls go when the customer asks for a person. */
  readonly transferNumber?: string;
  /** Longest wait for queued audio to finish before ending or transferring. */
  readonly playoutWaitMs?: number;
  /** Rotate cloud model sessions at this age (provider caps). */
  readonly maxModelSessionMs?: number;
  /** Delays between model reconnect attempts. */
  readonly modelRetryDelaysMs?: readonly number[];
  /** Ceilings on tool calls: past the conversation's, the local engine's deterministic path takes over. */
  readonly toolCallsPerTurn?: number;
  readonly toolCallsPerConversation?: number;
  /** On live calls, a tool running longer than this gets a spoken filler; 0 turns it off. */
  readonly toolFillerMs?: number;
}

export interface ConversationDeps {
  readonly connection: Connection;
  readonly model: RealtimeModel;
  /** The local engine, when `model` is a cloud provider. */
  readonly fallbackModel?: RealtimeModel;
  /** A session the webhook already opened on `model`. */
  readonly prewarmed?: Promise<ModelSession>;
  /** Opens a session with `agent`'s instructions (given its hand-off context) and tools and the stored history. */
  readonly openSession: (model: RealtimeModel, locale: string, agent: Agent, handOff?: Readonly<Record<string, unknown>>) => Promise<ModelSession>;
  readonly locale: string;
  /** The agent conversations start with: a team's router, or a single agent. */
  readonly agent: Agent;
  readonly records: ConversationRecords;
  readonly store: Store;
  readonly log: Logger;
  readonly metrics: GatewayMetrics;
  readonly settings: ConversationSettings;
  readonly translate: (locale: string, key: string, vars?: Record<string, unknown>) => string;
  readonly onEnded: (conversation: Conversation) => void;
  /** The conversation was ended before and a new message reopens it (a chat after its idle time): no second disclosure. */
  readonly resumed?: boolean;
  /** The record as it was before this start: a resumed chat carries on with its agent, intent and figures. */
  readonly previous?: ConversationRecord;
  readonly compliance?: ConversationCompliance;
  /** The languages the business serves: the conversation follows the customer among these. */
  readonly enabledLocales?: readonly string[];
  /** Channels' messengers for tools that reach the customer elsewhere (send_whatsapp_message). */
  readonly messaging?: (channel: string) => ((to: string, text: string) => Promise<void>) | undefined;
  /** Removes personal identifiers from typed text before it reaches a cloud model (REDACT_MODEL_INPUT). */
  readonly redactModelInput?: (text: string, locale: string) => string;
}
