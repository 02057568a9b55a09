// Whose fault a Gemini Live failure is, and what the conversation should do about it: retry (a dropped socket),
// or fall back to another model (a bad key, an exhausted quota, a setup the server refuses).
//
// The Live API reports errors in two places. An HTTP status at the WebSocket upgrade (401/403 for a refused key,
// 429 for quota at the edge), or, far more often, a close frame after the upgrade with a code and a plain-text
// reason: 1007 "Request contains an invalid argument." (bad setup, bad handle), 1008 "API key not valid. Please
// pass a valid API key." or "models/x is not found ... bidiGenerateContent" (policy), 1011 for internal errors,
// deadlines and RESOURCE_EXHAUSTED quota. So the reason text decides as much as the code does.
import type { ModelFailure } from '../../core/model.ts';

const AUTH_REASON = /api[ _-]?key|API_KEY_INVALID|unauthenticated|permission[ _]denied|unauthori[sz]ed|credential/iu;
const QUOTA_REASON = /quota|RESOURCE_EXHAUSTED|rate[ -]?limit|too many requests|\b429\b/iu;

/** Longest piece of a close reason or refusal body kept in a message (reasons are short; bodies may not be). */
const MAX_DETAIL = 300;

function unauthorized(detail: string): ModelFailure {
  return { code: 'unauthorized', message: `Gemini Live refused the API key${suffix(detail)}`, retryable: false, fallback: true };
}

function quotaExceeded(detail: string): ModelFailure {
  // Quotas of the Live API are per day or per concurrent session: retrying at once only adds load.
  return { code: 'quota_exceeded', message: `Gemini Live quota or rate limit reached${suffix(detail)}`, retryable: false, fallback: true };
}

/** An HTTP status answering the WebSocket upgrade. */
export function failureFromStatus(status: number, detail = ''): ModelFailure {
  if (status === 401 || status === 403 || AUTH_REASON.test(detail)) return unauthorized(`HTTP ${status}${suffix(detail)}`);
  if (status === 429 || QUOTA_REASON.test(detail)) return quotaExceeded(`HTTP ${status}${suffix(detail)}`);
  if (status === 400 || status === 404) {
    // A wrong URL or model name: configuration, which retrying cannot fix.
    return { code: 'rejected', message: `Gemini Live refused the connection: HTTP ${status}${suffix(detail)}`, retryable: false, fallback: true };
  }
  return { code: 'handshake_failed', message: `Gemini Live answered the upgrade with HTTP ${status}${suffix(detail)}`, retryable: true, fallback: false };
}

/** A close frame from the server (or 1006 when the connection dropped without one). */
export function failureFromClose(code: number, reason: string): ModelFailure {
  const what = `Gemini Live closed the connection (${code})${suffix(reason)}`;
  if (AUTH_REASON.test(reason)) return unauthorized(`close ${code}${suffix(reason)}`);
  if (QUOTA_REASON.test(reason)) return quotaExceeded(`close ${code}${suffix(reason)}`);
  // 1007: the setup or a message was invalid (or the resumption handle is unknown); 1008: the model is not
  // available to this key. Neither improves by reconnecting with the same configuration.
  if (code === 1007) return { code: 'invalid_argument', message: what, retryable: false, fallback: true };
  if (code === 1008) return { code: 'rejected', message: what, retryable: false, fallback: true };
  return { code: 'socket_closed', message: what, retryable: true, fallback: false };
}

/** A network error: DNS, refused or reset connection, TLS. */
export function failureFromError(error: unknown): ModelFailure {
  const message = error instanceof Error ? error.message : String(error);
  const status = /Unexpected server response: (\d{3})/u.exec(message);
  if (status) return failureFromStatus(Number(status[1]));
  return { code: 'network_error', message: `Gemini Live could not be reached: ${clip(message)}`, retryable: true, fallback: false };
}

export function connectTimeout(timeoutMs: number): ModelFailure {
  return { code: 'connect_timeout', message: `Gemini Live did not complete the setup within ${timeoutMs} ms`, retryable: true, fallback: false };
}

function suffix(detail: string): string {
  const text = clip(detail.trim());
  return text === '' ? '' : `: ${text}`;
}

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}
