// A tool the agent can call: a name, a description, an input schema and a function. Any schema that follows the
// Standard Schema and Standard JSON Schema conventions works (zod 4 does); core imports no schema library.
import type { Store } from './store.ts';

export interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;
}

/** The structural shape of a validating, JSON-Schema-exporting schema (Standard Schema v1). */
export interface ToolSchema<Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) =>
      | { readonly value: Input; readonly issues?: undefined }
      | { readonly issues: ReadonlyArray<SchemaIssue> }
      | Promise<{ readonly value: Input; readonly issues?: undefined } | { readonly issues: ReadonlyArray<SchemaIssue> }>;
    readonly jsonSchema?: { readonly input: (options: { readonly target: string }) => Record<string, unknown> };
    readonly types?: { readonly input: unknown; readonly output: Input };
  };
}

export interface ToolContext {
  readonly conversationId: string;
  readonly channel: string;
  readonly locale: string;
  /** The provider's call id, or the local engine's. */
  readonly callId: string;
  /** Stable across retries of the same call: use it with any side effect. */
  readonly idempotencyKey: string;
  readonly store: Store;
  /** Aborted on timeout, and on barge-in for cancellable tools. */
  readonly signal: AbortSignal;
  /** What a tool may ask of the conversation that called it (absent outside a conversation). */
  readonly conversation?: ConversationControl;
  /** The customer's address on this channel (phone number, WhatsApp id), when known. Personal data. */
  readonly customer?: string;
  /** Messages to customers on other channels (a WhatsApp follow-up after a call), per channel name. */
  readonly messaging?: (channel: string) => ((to: string, text: string) => Promise<void>) | undefined;
}

/** Ends or hands over a conversation once the model's next answer (a goodbye, "connecting you") has been heard. */
export interface ConversationControl {
  endAfterReply(reason: string): void;
  /** False when this conversation cannot reach a person (no transfer target, or a channel that cannot transfer). */
  transferAfterReply(reason: string): boolean;
  /**
   * Moves the conversation to another agent of its team with an explicit context (validated by the hand_off tool):
   * the new agent's instructions and tools replace the old ones. Resolves once the model serves the new agent;
   * rejects with a message for the model when there is no such agent or no team.
   */
  handOff?(agent: string, context: Readonly<Record<string, unknown>>): Promise<void>;
}

export interface ToolSpec<Input = unknown, Output = unknown> {
  readonly name: string;
  /** Written for the model: when to call it and what it returns. */
  readonly description: string;
  readonly input: ToolSchema<Input>;
  readonly run: (input: Input, context: ToolContext) => Promise<Output>;
  /** Hard limit for one call; the model is told the tool timed out. */
  readonly timeoutMs?: number;
  /** May be aborted when the caller interrupts. */
  readonly cancellable?: boolean;
  /**
   * Running it twice does no harm (a lookup, ending this conversation): it runs without the once-only guard. The
   * default is false: a tool nobody described is treated as one that acts (books, pays, sends).
   */
  readonly idempotent?: boolean;
  /**
   * Names the request from its inputs, so the same request under different call ids (a model that re-asks after a
   * reconnect) runs once, such as `${context.conversationId}:${input.slotId}`. Without it the key is the context's
   * idempotencyKey (conversation id and the provider's call id) plus the arguments.
   */
  readonly idempotencyKey?: (input: Input, context: ToolContext) => string;
}

/** A tool of any input type, for lists of tools (an agent's, a session's). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each tool checks its own input; a list holds any
export type AnyToolSpec = ToolSpec<any, unknown>;

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Declares a tool. Names follow the providers' common rule: letters, digits, _ and -, at most 64. */
export function defineTool<Input, Output>(
  name: string,
  description: string,
  input: ToolSchema<Input>,
  run: (input: Input, context: ToolContext) => Promise<Output>,
  options: Pick<ToolSpec<Input, Output>, 'timeoutMs' | 'cancellable' | 'idempotent' | 'idempotencyKey'> = {},
): ToolSpec<Input, Output> {
  if (!TOOL_NAME.test(name)) throw new TypeError(`tool name "${name}" must match ${TOOL_NAME}`);
  if (options.idempotent && options.idempotencyKey) throw new TypeError(`tool ${name}: an idempotent tool runs without the once-only guard, so it takes no idempotencyKey`);
  return { name, description, input, run, ...options };
}
