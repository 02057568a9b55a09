// Graph API errors turned into what the shared layer acts on. Meta asks integrators to branch on the error `code`,
// not on the HTTP status (a permission error can arrive as a 500), so the code decides first and the status only
// when the code is not one we know.
import { z } from 'zod';
import { SendError } from '../transport.ts';

/** `{error:{...}}` as the Graph API sends it; every field is optional because proxies trim them. */
const graphErrorSchema = z.object({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().int().optional(),
    error_subcode: z.number().int().optional(),
    error_data: z.looseObject({ details: z.string().optional() }).optional(),
    fbtrace_id: z.string().optional(),
  }),
});

export type GraphError = z.infer<typeof graphErrorSchema>['error'];

/** Outside the 24-hour customer service window: only a template reaches the customer now. */
export const WINDOW_CODES: ReadonlySet<number> = new Set([131047]);

/** Throughput and spam limits, and Meta's own transient faults: the same request may pass later. */
const RETRYABLE_CODES: ReadonlySet<number> = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004]);

/** The account is blocked or locked: retrying makes it worse; an operator must act. */
const BANNED_CODES: ReadonlySet<number> = new Set([368, 131031]);

/** Permanent whatever the HTTP status says (code 3 comes back as a 500). */
const REJECTED_CODES: ReadonlySet<number> = new Set([0, 3, 10, 100, 190, 131026, 131051, 131062]);

/** The token is expired, revoked or lacks a permission: every later request will fail the same way. */
export function isAuthFailure(status: number, error: GraphError | undefined): boolean {
  const code = error?.code;
  return status === 401 || code === 0 || code === 190 || code === 10 || (code !== undefined && code >= 200 && code <= 299);
}

/** The Graph error in a response body, or undefined when the body is not one (an HTML error page from a proxy). */
export function parseGraphError(bodyText: string): GraphError | undefined {
  try {
    const parsed = graphErrorSchema.safeParse(JSON.parse(bodyText));
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined;
  }
}

export function kindOf(status: number, error: GraphError | undefined): SendError['kind'] {
  const code = error?.code;
  if (code !== undefined) {
    if (WINDOW_CODES.has(code)) return 'window';
    if (BANNED_CODES.has(code)) return 'banned';
    if (RETRYABLE_CODES.has(code)) return 'retryable';
    if (REJECTED_CODES.has(code) || (code >= 200 && code <= 299)) return 'rejected';
  }
  return status === 429 || status >= 500 ? 'retryable' : 'rejected';
}

/** A SendError that carries Meta's own words, so an operator reading the log knows what Meta objected to. */
export function graphSendError(what: string, status: number, bodyText: string): SendError {
  const error = parseGraphError(bodyText);
  const kind = kindOf(status, error);
  const said = error ? describeGraphError(error) : `a non-Graph answer: ${bodyText.slice(0, 200).trim() || '(empty body)'}`;
  const lead =
    kind === 'window'
      ? `${what} refused: the customer's 24-hour service window is closed, so only an approved message template can reach them now`
      : `${what} failed with HTTP ${status}`;
  return new SendError(`${lead} (Meta: ${said})`, kind, status);
}

function describeGraphError(error: GraphError): string {
  const parts = [error.code === undefined ? 'no code' : `code ${error.code}`];
  if (error.error_subcode !== undefined) parts.push(`subcode ${error.error_subcode}`);
  let text = `${parts.join(', ')}: ${error.message ?? 'no message'}`;
  if (error.error_data?.details) text += ` - ${error.error_data.details}`;
  if (error.fbtrace_id) text += ` [fbtrace_id ${error.fbtrace_id}]`;
  return text;
}
