// What each way of failing means for the conversation: retry (a dropped socket, a server hiccup), fall back (the
// provider refused us: bad key, no quota, rate limit, unknown model), or carry on (an error about one request).
import type { ModelFailure } from '../../core/model.ts';
import type { RealtimeErrorBody } from './server-events.ts';
import { EVENT_PREFIX } from './client-events.ts';

const refused = (code: string, message: string): ModelFailure => ({ code, message, retryable: false, fallback: true });
const transient = (code: string, message: string): ModelFailure => ({ code, message, retryable: true, fallback: false });

/** The WebSocket upgrade was answered with an HTTP status instead of 101. */
export function failureFromStatus(status: number, detail: string): ModelFailure {
  const message = `OpenAI Realtime refused the connection with HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 401 || status === 403) return refused('unauthorized', message);
  if (status === 429) return refused('rate_limited', message);
  if (status === 404) return refused('model_not_found', message);
  if (status >= 500) return transient('upstream_error', message);
  return refused(`http_${status}`, message);
}

export function networkFailure(error: unknown): ModelFailure {
  const code = (error as { code?: unknown }).code;
  const reason = error instanceof Error ? error.message : String(error);
  return transient('network_error', `OpenAI Realtime unreachable${typeof code === 'string' ? ` (${code})` : ''}: ${reason}`);
}

export const connectTimeout = (timeoutMs: number): ModelFailure =>
  transient('connect_timeout', `OpenAI Realtime did not set up a session within ${timeoutMs} ms`);

export const socketClosed = (code: number, reason: string): ModelFailure =>
  transient('socket_closed', `OpenAI Realtime socket closed (${code}${reason ? ` ${reason}` : ''})`);

export const heartbeatTimeout = (timeoutMs: number): ModelFailure =>
  transient('heartbeat_timeout', `OpenAI Realtime sent nothing, not even a pong, for ${timeoutMs} ms`);

/**
 * Known to be harmless, and expected in normal operation: a cancel that raced the end of a response, a
 * response.create that raced a VAD-started one, a truncation past the audio the server kept, an empty commit.
 */
const BENIGN_CODES: ReadonlySet<string> = new Set([
  'response_cancel_not_active',
  'conversation_already_has_active_response',
  'input_audio_buffer_commit_empty',
]);

/** Errors after which the session cannot serve the caller; everything else only concerns one request. */
const REFUSING_CODES: ReadonlySet<string> = new Set(['invalid_api_key', 'insufficient_quota', 'account_deactivated']);

export type ErrorVerdict =
  | { readonly kind: 'warning'; readonly code: string; readonly benign: boolean }
  | { readonly kind: 'fatal'; readonly failure: ModelFailure };

/** Decides what an `error` event means once the session is up. The docs: "most errors are recoverable". */
export function classifyServerError(error: RealtimeErrorBody): ErrorVerdict {
  const code = error.code ?? error.type ?? 'error';
  const message = error.message || code;
  if (code === 'session_expired') return { kind: 'fatal', failure: transient('session_expired', message) };
  if (REFUSING_CODES.has(code) || error.type === 'authentication_error') return { kind: 'fatal', failure: refused(code === 'invalid_api_key' ? 'unauthorized' : code, message) };
  if (isTruncationRangeError(error)) return { kind: 'warning', code: error.code ?? 'truncate_out_of_range', benign: true };
  return { kind: 'warning', code, benign: BENIGN_CODES.has(code) };
}

/**
 * Truncating past the end of what the server kept for an item ("Audio content of 2650ms is already shorter than
 * 9100ms", code null) or an item that is not assistant audio. Matched by our event id when the server echoes it,
 * else by parameter and wording.
 */
function isTruncationRangeError(error: RealtimeErrorBody): boolean {
  if (error.event_id?.startsWith(EVENT_PREFIX.truncate)) return true;
  if (error.param === 'audio_end_ms') return true;
  return /already shorter than|can be truncated/iu.test(error.message);
}

/** An error before the session was set up: the configuration was rejected, or the provider refuses us. */
export function handshakeFailure(error: RealtimeErrorBody): ModelFailure {
  const verdict = classifyServerError(error);
  if (verdict.kind === 'fatal') return verdict.failure;
  const message = `OpenAI Realtime rejected the session: ${error.message || verdict.code}`;
  return error.type === 'server_error' ? transient('upstream_error', message) : refused('session_rejected', message);
}
