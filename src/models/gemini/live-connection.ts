// Opens one Live API connection: dials with the API key as the `key` query parameter (as the Live API reference
// and Google's SDKs do for API keys), sends the setup, and resolves once `setupComplete` arrives, since the server
// reads nothing else before it. Frames that arrive after setupComplete but before the session takes the socket
// are held, so no message slips between the two. Failures reject with ModelUnavailableError saying whether to
// retry or fall back; the key never appears in an error or a log.
import { WebSocket } from 'ws';
import { ModelUnavailableError } from '../../core/model.ts';
import type { ModelFailure } from '../../core/model.ts';
import { readRefusal } from '../refused-upgrade.ts';
import { connectTimeout, failureFromClose, failureFromError, failureFromStatus } from './failures.ts';
import { frameText } from './server-messages.ts';

export interface OpenParams {
  /** GEMINI_LIVE_URL: wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent */
  readonly url: string;
  readonly apiKey: string;
  /** The setup message, as sent. */
  readonly setup: string;
  /** For the upgrade and the setup together. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface LinkHandlers {
  message(text: string): void;
  close(code: number, reason: string): void;
}

/** An open connection whose setup the server accepted. */
export interface LiveLink {
  readonly socket: WebSocket;
  /** Starts delivering frames (the held ones first) and the close. */
  attach(handlers: LinkHandlers): void;
}

export function liveUrl(base: string, apiKey: string): string {
  const url = new URL(base);
  url.searchParams.set('key', apiKey);
  return url.toString();
}

export function openLive(params: OpenParams): Promise<LiveLink> {
  return new Promise<LiveLink>((resolve, reject) => {
    params.signal?.throwIfAborted();
    // Compression costs CPU on every audio message and gains little on base64.
    const socket = new WebSocket(liveUrl(params.url, params.apiKey), { perMessageDeflate: false });
    let settled = false;
    let handlers: LinkHandlers | undefined;
    const held: string[] = [];
    let closedEarly: { code: number; reason: string } | undefined;

    const timer = setTimeout(() => fail(connectTimeout(params.timeoutMs)), params.timeoutMs);
    const onAbort = (): void => fail(undefined, params.signal?.reason);
    params.signal?.addEventListener('abort', onAbort, { once: true });

    function fail(failure: ModelFailure | undefined, cause?: unknown): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      params.signal?.removeEventListener('abort', onAbort);
      socket.terminate();
      reject(failure ? new ModelUnavailableError(failure) : cause);
    }

    const link: LiveLink = {
      socket,
      attach(next) {
        handlers = next;
        for (const text of held.splice(0)) next.message(text);
        if (closedEarly) next.close(closedEarly.code, closedEarly.reason);
      },
    };

    socket.once('unexpected-response', (request, response) => {
      readRefusal(response, (status, body) => {
        fail(failureFromStatus(status, refusalDetail(body)));
        request.destroy();
      });
    });
    socket.once('open', () => {
      if (!settled) socket.send(params.setup);
    });
    socket.on('message', (data) => {
      const text = frameText(data);
      if (settled) {
        if (handlers) handlers.message(text);
        else held.push(text);
        return;
      }
      if (isSetupComplete(text)) {
        settled = true;
        clearTimeout(timer);
        params.signal?.removeEventListener('abort', onAbort);
        resolve(link);
      }
    });
    socket.on('close', (code, reason) => {
      const why = reason.toString('utf8');
      if (!settled) return fail(failureFromClose(code, why));
      if (handlers) handlers.close(code, why);
      else closedEarly = { code, reason: why };
    });
    // After the setup an error is always followed by 'close', which is where the session hears of it; the
    // listener stays so an error never goes unhandled.
    socket.on('error', (error) => fail(failureFromError(error)));
  });
}

function isSetupComplete(text: string): boolean {
  try {
    const message: unknown = JSON.parse(text);
    return typeof message === 'object' && message !== null && 'setupComplete' in message;
  } catch {
    return false;
  }
}

/** Google answers a refused request with `{"error":{"code","message","status"}}`; keep the words, not the body. */
function refusalDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; status?: unknown } };
    return [parsed.error?.status, parsed.error?.message].filter((part) => typeof part === 'string').join(': ');
  } catch {
    return body.trim().slice(0, 200);
  }
}

/** Closes a socket and waits for the close handshake, or terminates it after `graceMs`. */
export function closeSocket(socket: WebSocket, code: number, reason: string, graceMs = 1000): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve();
    }, graceMs);
    timer.unref();
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    if (socket.readyState === socket.CONNECTING) socket.terminate();
    else socket.close(code, reason);
  });
}
