// Runs one tool call for a model: counts it against the conversation's budget, parses and validates the arguments,
// runs a tool that acts at most once per request (idempotent-calls.ts), enforces the tool's timeout, and turns every
// outcome into a compact JSON string of bounded size the model can read. A failing tool never throws into the
// conversation.
import type { ToolContext, ToolSpec } from '../core/tool.ts';
import { describeError } from '../errors.ts';
import { callKey, claimCall, type ClaimedCall, type CallIdentity } from './idempotent-calls.ts';
import type { ToolBudget } from './tool-budget.ts';
import { execute, type Answer } from './tool-execution.ts';
import { capOutput, checkMaxOutputBytes, DEFAULT_MAX_OUTPUT_BYTES, resultJson } from './tool-output.ts';

export const DEFAULT_TOOL_TIMEOUT_MS = 8_000;

export type ToolOutcome =
  | 'ok'
  | 'invalid_arguments'
  | 'unknown_tool'
  | 'timeout'
  | 'failed'
  | 'cancelled'
  /** Refused by the budget: see ToolResult.limit. */
  | 'limit_reached'
  /** An identical call is still running (a duplicate event); this copy did not run the tool. */
  | 'in_progress'
  /** A tool that acts was not run because the store that guards against a second run could not be reached. */
  | 'store_unavailable';

export interface ToolResult {
  readonly outcome: ToolOutcome;
  /** What goes back to the model: compact JSON, at most maxOutputBytes. */
  readonly output: string;
  readonly durationMs: number;
  /** The output is the stored answer of an earlier identical call; the tool did not run again. */
  readonly replayed: boolean;
  /** Which ceiling refused the call; at 'conversation_limit' no further call will run in this conversation. */
  readonly limit?: 'turn_limit' | 'conversation_limit';
  /** For logs, never for the model: why the store could not be used. */
  readonly cause?: string;
}

export interface RunToolOptions {
  /** The conversation's signal: aborting it cancels the running tool (and any wait for a duplicate). */
  readonly signal?: AbortSignal;
  readonly defaultTimeoutMs?: number;
  /** The conversation's ceiling on tool calls; without one, calls are not counted. */
  readonly budget?: ToolBudget;
  readonly maxOutputBytes?: number;
  /** How long a successful answer of a tool that acts is kept for replays (24 h by default). */
  readonly idempotencyTtlMs?: number;
}

const STOP_CALLING = 'Stop calling tools: answer the customer with what you know, or offer to connect them to a person.';

export async function runTool(
  tools: ReadonlyMap<string, ToolSpec>,
  name: string,
  rawArguments: string,
  context: Omit<ToolContext, 'signal'>,
  options: RunToolOptions = {},
): Promise<ToolResult> {
  const started = performance.now();
  const maxOutputBytes = checkMaxOutputBytes(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  const finishWith = (outcome: ToolOutcome, output: string, extra: Partial<ToolResult> = {}): ToolResult => ({
    outcome,
    output,
    durationMs: performance.now() - started,
    replayed: false,
    ...extra,
  });
  const finish = (outcome: ToolOutcome, body: object, extra: Partial<ToolResult> = {}): ToolResult =>
    finishWith(outcome, capOutput(JSON.stringify(body), maxOutputBytes), extra);

  // Every call counts, refused or not: a model looping on bad arguments costs as much as one looping on a lookup.
  const verdict = options.budget?.take() ?? 'ok';
  if (verdict !== 'ok') {
    const limits = options.budget!.limits;
    const message =
      verdict === 'turn_limit'
        ? `Too many tool calls for one turn (${limits.perTurn}). ${STOP_CALLING}`
        : `No more tool calls are allowed in this conversation (${limits.perConversation} used). ${STOP_CALLING}`;
    return finish('limit_reached', { error: 'limit_reached', limit: verdict === 'turn_limit' ? 'turn' : 'conversation', message }, { limit: verdict });
  }

  const tool = tools.get(name);
  if (!tool) return finish('unknown_tool', { error: 'unknown_tool', message: `There is no tool named ${name}.`, available: [...tools.keys()] });

  let args: unknown;
  try {
    args = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
  } catch {
    return finish('invalid_arguments', { error: 'invalid_arguments', message: 'Arguments must be a JSON object.' });
  }
  const validated = await tool.input['~standard'].validate(args);
  if (validated.issues) {
    const issues = validated.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message }));
    return finish('invalid_arguments', { error: 'invalid_arguments', message: 'Fix the arguments and call again.', issues });
  }

  // An abort listener added to a signal that is already aborted never fires: check first, so a call that arrives
  // (or finishes validating) after the conversation ended has no side effect.
  const cancelled = () => finish('cancelled', { error: 'cancelled', message: 'The caller interrupted.' });
  if (options.signal?.aborted) return cancelled();

  const timeoutMs = tool.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const answered = (answer: Answer, output: string | undefined): ToolResult => {
    if (answer.kind === 'ok' && output !== undefined) return finishWith('ok', output);
    if (answer.kind === 'ok') return finish('failed', { error: 'failed', message: `The ${name} tool returned a result that is not JSON.` });
    if (answer.kind === 'timeout') return finish('timeout', { error: 'timeout', message: `The ${name} tool did not answer within ${timeoutMs} ms.` });
    if (answer.kind === 'cancelled') return cancelled();
    return finish('failed', { error: 'failed', message: describeError(answer.error) });
  };
  const outputOf = (value: unknown): string | undefined => {
    try {
      return capOutput(resultJson(value), maxOutputBytes);
    } catch {
      return undefined;
    }
  };

  // A tool that is harmless to repeat skips the guard: no store traffic, no answers kept, no dependence on the store.
  if (tool.idempotent) {
    const { answer } = execute(tool, validated.value, context, timeoutMs, options.signal);
    const settled = await answer;
    return answered(settled, settled.kind === 'ok' ? outputOf(settled.value) : undefined);
  }

  let identity: CallIdentity;
  try {
    identity = tool.idempotencyKey
      ? { derivedKey: checkDerivedKey(tool.idempotencyKey(validated.value, { ...context, signal: options.signal ?? new AbortController().signal })) }
      : { idempotencyKey: context.idempotencyKey, arguments: argumentsText(validated.value, rawArguments) };
  } catch (error) {
    return finish('failed', { error: 'failed', message: `The ${name} tool could not name this request: ${describeError(error)}` });
  }

  // One deadline for the whole call: waiting for a duplicate and running both count against the tool's timeout.
  const waitUntil = Date.now() + timeoutMs;
  let claimed: ClaimedCall;
  try {
    const claim = await claimCall(context.store, callKey(name, identity), {
      conversationId: context.conversationId,
      waitUntil,
      // A run that overshoots its timeout may still finish; its answer is kept if it comes within one more timeout.
      lockTtlMs: 2 * timeoutMs + 1_000,
      ttlMs: options.idempotencyTtlMs,
      signal: options.signal,
    });
    if (claim.kind === 'replay') return finishWith('ok', claim.output, { replayed: true });
    if (claim.kind === 'cancelled') return cancelled();
    if (claim.kind === 'busy') {
      return finish('in_progress', {
        error: 'in_progress',
        message: `An identical ${name} request is still being carried out. Do not call it again now; tell the customer it is being handled.`,
      });
    }
    claimed = claim.call;
  } catch (error) {
    // Fail closed: without the guard a retry could book or charge twice, which is worse than not acting now.
    return finish(
      'store_unavailable',
      {
        error: 'unavailable',
        message: `The ${name} action was not carried out because the system cannot make sure it happens only once right now. Tell the customer it cannot be done at the moment; offer to try again shortly or to connect them to a person.`,
      },
      { cause: describeError(error) },
    );
  }

  const remainingMs = waitUntil - Date.now();
  if (remainingMs <= 0) {
    await claimed.release();
    return answered({ kind: 'timeout' }, undefined);
  }
  const { answer, settled } = execute(tool, validated.value, context, remainingMs, options.signal);
  const result = await answer;
  if (result.kind === 'ok') {
    const output = outputOf(result.value);
    if (output === undefined) await claimed.release();
    else await claimed.complete(output);
    return answered(result, output);
  }
  if (result.kind === 'failed') {
    await claimed.release();
  } else {
    // Timed out or interrupted, but the tool may still act: hold the claim until it really ends, then keep its answer
    // (a retry learns it was done) or free the key (a retry may run).
    void settled.then(async (late) => {
      const output = late.kind === 'ok' ? outputOf(late.value) : undefined;
      if (output === undefined) await claimed.release();
      else await claimed.complete(output);
    });
  }
  return answered(result, undefined);
}

function checkDerivedKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError('its idempotency key must be a non-empty string');
  return key;
}

/** The validated arguments as compact JSON (the same whatever spacing or field order the model used, for zod objects). */
function argumentsText(value: unknown, raw: string): string {
  try {
    return JSON.stringify(value) ?? raw;
  } catch {
    return raw;
  }
}

function issuePath(path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string {
  return (path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.');
}
