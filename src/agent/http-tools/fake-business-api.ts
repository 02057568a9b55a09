// Test support (not loaded by the gateway): a business API on 127.0.0.1 that records every request as it arrived
// on the wire and answers as the test scripts it, or never (to exercise timeouts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { EventEmitter, once } from 'node:events';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query exactly as sent. */
  readonly url: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  /** Resolves when the client dropped the request before it was answered. */
  readonly abandoned: Promise<void>;
}

export interface ScriptedAnswer {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** An object is sent as JSON. */
  readonly body?: unknown;
}

/** 'hang' keeps the request open until the client gives up. */
export type Script = (request: RecordedRequest) => ScriptedAnswer | 'hang';

export interface FakeBusinessApi {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Says 'update' on each request, for waitUntil. */
  readonly updates: EventEmitter;
  answer(script: Script): void;
  close(): Promise<void>;
}

export async function startFakeBusinessApi(script: Script = () => ({ body: { ok: true } })): Promise<FakeBusinessApi> {
  const requests: RecordedRequest[] = [];
  let current = script;
  const updates = new EventEmitter();
  const server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const url = req.url ?? '/';
    const parsed = new URL(url, 'http://fake');
    const abandoned = new Promise<void>((resolve) => res.once('close', () => (res.writableFinished ? undefined : resolve())));
    const request: RecordedRequest = { method: req.method ?? '', url, path: parsed.pathname, query: parsed.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), abandoned };
    requests.push(request);
    updates.emit('update');
    const answer = current(request);
    if (answer === 'hang') return;
    const isText = typeof answer.body === 'string' || answer.body === undefined;
    const body = answer.body === undefined ? '' : isText ? String(answer.body) : JSON.stringify(answer.body);
    res.writeHead(answer.status ?? 200, { ...(isText ? {} : { 'content-type': 'application/json' }), ...answer.headers });
    res.end(body);
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    updates,
    answer(next) {
      current = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
