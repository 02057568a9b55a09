// A declared HTTP call as a tool: the model's arguments, already validated against the declared schema, fill the
// url's placeholders and then the query (GET, DELETE) or a JSON body; the answer goes back to the model. Header
// values carry credentials, so they are never logged or returned, and redirects are not followed to another server.
import { defineTool, type ToolContext, type ToolSpec } from '../../core/tool.ts';
import type { Logger } from '../../core/channel.ts';
import type { HttpToolDeclaration } from './declaration.ts';
import { excerpt, isJson, pickPath, readReply, statusMessage, tooLargeMessage } from './reply.ts';
import { appendQuery, fillUrl } from './url-template.ts';

export interface HttpToolOptions {
  /** The gateway's own URL, for urls written as a path; read at each call (the port is known once listening). */
  readonly baseUrl?: () => string;
  readonly log?: Logger;
}

type Input = Record<string, unknown>;

/**
 * The tool runner aborts a call at timeoutMs and tells the model it timed out; this later deadline of the tool's
 * own only matters when the tool is run without a runner, so the runner's (clearer) outcome always comes first.
 */
const OWN_DEADLINE_SLACK_MS = 250;

export function httpTool(declaration: HttpToolDeclaration, options: HttpToolOptions = {}): ToolSpec<Input, unknown> {
  const { name, method, timeoutMs, idempotent, responsePath, secrets } = declaration;
  const sendsBody = method !== 'GET' && method !== 'DELETE';

  async function run(input: Input, context: ToolContext): Promise<unknown> {
    const { url, rest } = fillUrl(declaration.url, input, declaration.url.relative ? options.baseUrl?.() : undefined);
    const headers = new Headers(declaration.headers);
    if (!headers.has('accept')) headers.set('accept', 'application/json');
    // The same key on every retry of this call, so the business API can answer a repeat without acting twice.
    if (!idempotent) headers.set('idempotency-key', context.idempotencyKey);
    let body: string | undefined;
    if (sendsBody) {
      body = JSON.stringify(rest);
      headers.set('content-type', 'application/json');
    } else appendQuery(url, rest);

    const timeout = AbortSignal.timeout(timeoutMs + OWN_DEADLINE_SLACK_MS);
    const signal = AbortSignal.any([context.signal, timeout]);
    const started = performance.now();
    let response: Response;
    let reply: { text: string; complete: boolean };
    try {
      response = await fetch(url, { method, headers, body, signal, redirect: 'manual' });
      reply = await readReply(response);
    } catch (error) {
      if (context.signal.aborted) throw error; // an interruption or the runner's timeout: the runner reports it
      if (timeout.aborted) throw new Error(`The business API did not answer within ${timeoutMs} ms.`);
      throw new Error(`The business API could not be reached${reason(error)}.`);
    }
    options.log?.debug({ tool: name, method, status: response.status, durationMs: Math.round(performance.now() - started) }, 'http tool answered');

    const { text } = reply;
    if (response.status < 200 || response.status > 299) throw new Error(statusMessage(response, text, secrets));
    if (!reply.complete) throw new Error(tooLargeMessage());
    if (text.trim() === '') return { ok: true };
    if (!isJson(response)) return { text: excerpt(text, secrets) };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new Error(`The business API answered invalid JSON: ${excerpt(text, secrets, 200)}`);
    }
    return responsePath === undefined ? value : pickPath(value, responsePath);
  }

  // A read may be dropped when the caller interrupts; a write is left to finish, so its outcome is known. A write
  // also runs under the runner's once-only guard, besides the Idempotency-Key the business API gets.
  return defineTool(name, declaration.description, declaration.input, run, { timeoutMs, cancellable: idempotent, idempotent });
}

/** The network cause ("ECONNREFUSED") without the address, which may carry a token in its query. */
function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? ` (${cause.code})` : '';
}
