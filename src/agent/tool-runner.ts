// Runs one tool call for a model: parses and validates the arguments, enforces the tool's timeout, and turns every
// outcome into a compact JSON string the model can read. A failing tool never throws into the conversation.
import type { ToolContext, ToolSpec } from '../core/tool.ts';
import { describeError } from '../errors.ts';

export const DEFAULT_TOOL_TIMEOUT_MS = 8_000;

export type ToolOutcome = 'ok' | 'invalid_arguments' | 'unknown_tool' | 'timeout' | 'failed' | 'cancelled';

export interface ToolResult {
  readonly outcome: ToolOutcome;
  /** What goes back to the model. */
  readonly output: string;
  readonly durationMs: number;
}

export async function runTool(
  tools: ReadonlyMap<string, ToolSpec>,
  name: string,
  rawArguments: string,
  context: Omit<ToolContext, 'signal'>,
  options: { signal?: AbortSignal; defaultTimeoutMs?: number } = {},
): Promise<ToolResult> {
  const started = performance.now();
  const finish = (outcome: ToolOutcome, body: unknown): ToolResult => ({
    outcome,
    output: JSON.stringify(body),
    durationMs: performance.now() - started,
  });

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
  if (options.signal?.aborted) return finish('cancelled', { error: 'cancelled', message: 'The caller interrupted.' });

  const timeoutMs = tool.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('timeout'));
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    const result = await Promise.race([tool.run(validated.value, { ...context, signal: controller.signal }), timeout]);
    if (result === 'timeout') return finish('timeout', { error: 'timeout', message: `The ${name} tool did not answer within ${timeoutMs} ms.` });
    return finish('ok', result ?? { ok: true });
  } catch (error) {
    if (options.signal?.aborted) return finish('cancelled', { error: 'cancelled', message: 'The caller interrupted.' });
    return finish('failed', { error: 'failed', message: describeError(error) });
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function issuePath(path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string {
  return (path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.');
}
