// Dialing the Realtime WebSocket: the URL (OpenAI's, Azure's or a proxy's), the credentials header, and an HTTP
// refusal at the upgrade turned into a ModelFailure that says whether to retry or fall back.
import { WebSocket } from 'ws';
import type { ModelFailure } from '../../core/model.ts';
import { readRefusal } from '../refused-upgrade.ts';
import { failureFromStatus } from './failures.ts';

export type AuthHeader = 'authorization' | 'api-key';

/** `base` plus `?model=`, unless the URL already names a model or an Azure deployment. */
export function realtimeUrl(base: string, model: string): string {
  const url = new URL(base);
  if (!url.searchParams.has('model') && !url.searchParams.has('deployment')) url.searchParams.set('model', model);
  return url.toString();
}

/**
 * OpenAI and most proxies take `Authorization: Bearer KEY`. Azure OpenAI reads a Bearer token as a Microsoft Entra
 * token and wants resource keys in `api-key` (as the official SDK sends them), so Azure hosts get that instead.
 * Only one is sent: sending both is not documented as harmless.
 */
export function defaultAuthHeader(url: string): AuthHeader {
  const host = new URL(url).hostname;
  return /\.(openai|cognitiveservices|services\.ai)\.azure\.com$/u.test(host) ? 'api-key' : 'authorization';
}

export function authHeaders(apiKey: string, header: AuthHeader): Record<string, string> {
  return header === 'api-key' ? { 'api-key': apiKey } : { Authorization: `Bearer ${apiKey}` };
}

/**
 * Opens the socket. `onRefused` receives the failure when the server answers the upgrade with an HTTP status;
 * the socket then closes (code 1006) like any other failed connection.
 */
export function dial(url: string, headers: Record<string, string>, onRefused: (failure: ModelFailure) => void): WebSocket {
  // Compression costs CPU on every audio frame and gains little on base64 audio.
  const socket = new WebSocket(url, { headers, perMessageDeflate: false });
  socket.once('unexpected-response', (request, response) => {
    readRefusal(response, (status, body) => {
      onRefused(failureFromStatus(status, refusalDetail(body)));
      request.destroy();
      socket.terminate();
    });
  });
  return socket;
}

/** OpenAI answers a refused upgrade with `{"error":{"message":...,"code":...}}`; keep the message, never the key. */
function refusalDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; code?: unknown } };
    const message = typeof parsed.error?.message === 'string' ? parsed.error.message : '';
    const code = typeof parsed.error?.code === 'string' ? parsed.error.code : '';
    return redactKeys([code, message].filter(Boolean).join(': ')).slice(0, 300);
  } catch {
    return redactKeys(body.trim()).slice(0, 300);
  }
}

/** OpenAI echoes part of a wrong key ("Incorrect API key provided: sk-abc***xyz"); logs get none of it. */
function redactKeys(text: string): string {
  return text.replace(/\bsk-[\w*.-]+/gu, 'sk-[redacted]');
}
