// Reading the body of a refused WebSocket upgrade (an HTTP status instead of 101), which is where a provider says why
// it refused. Each provider turns the status and the body into its own ModelFailure; this file knows none of them.
import type { IncomingMessage } from 'node:http';

/** Longest refusal body read; the providers' JSON errors are a few hundred bytes. */
const MAX_REFUSAL_BODY = 4096;

/**
 * Reads `response` (as `ws` hands it to 'unexpected-response') up to about MAX_REFUSAL_BODY characters, then calls
 * `done` with the status (0 when there is none) and the body, once the body ends or fails.
 */
export function readRefusal(response: IncomingMessage, done: (status: number, body: string) => void): void {
  let body = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    if (body.length < MAX_REFUSAL_BODY) body += chunk;
  });
  const finish = (): void => done(response.statusCode ?? 0, body);
  response.once('end', finish);
  response.once('error', finish);
}
