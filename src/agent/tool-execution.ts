// One run of a tool under its timeout and the conversation's signal. The answer the runner waits for and the end
// of the tool's own work are told apart: a tool that ignores its signal can still act after it timed out, and the
// once-only guard must know when it really finished.
import type { ToolContext, ToolSpec } from '../core/tool.ts';

export type Answer =
  | { readonly kind: 'ok'; readonly value: unknown }
  | { readonly kind: 'failed'; readonly error: unknown }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'cancelled' };

/**
 * Starts the tool with its own signal (aborted on timeout and when the conversation's signal aborts). `answer` is
 * what the caller waits for; `settled` is when the tool's own work really ended, which can be later.
 */
export function execute(
  tool: ToolSpec,
  input: unknown,
  context: Omit<ToolContext, 'signal'>,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): { readonly answer: Promise<Answer>; readonly settled: Promise<Answer> } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  // Through a promise constructor, so a tool that throws before its first await is a failure like any other.
  const run = new Promise<unknown>((resolve) => resolve(tool.run(input, { ...context, signal: controller.signal })));
  const settled = run.then(
    (value): Answer => ({ kind: 'ok', value }),
    (error: unknown): Answer => ({ kind: 'failed', error }),
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Answer>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error('timeout'));
      resolve({ kind: 'timeout' });
    }, timeoutMs);
  });
  const answer = Promise.race([settled, timeout]).then((first): Answer => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    // A tool that rejects because the conversation aborted it was interrupted, not broken.
    return first.kind === 'failed' && signal?.aborted ? { kind: 'cancelled' } : first;
  });
  return { answer, settled };
}
