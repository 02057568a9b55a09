// A WebSocket relay between the gateway and a provider fake that makes the provider "think" for a fixed time: the
// server message that starts an answer, and everything the provider sends after it, reach the gateway `delayMs`
// later, in order. The fakes answer at once, so without this a turn's latency would be the machine's scheduling
// noise; with it, latency is dominated by one scripted figure and stays stable from run to run.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

export interface ReplyDelayOptions {
  /** The provider fake's WebSocket URL (path and query of each upgrade are kept). */
  readonly upstream: string;
  readonly delayMs: number;
  /** Whether a server message (parsed JSON) starts an answer: OpenAI's `response.created`, for instance. */
  readonly startsAnswer: (message: Record<string, unknown>) => boolean;
}

export interface ReplyDelay {
  /** Give this to the gateway instead of the fake's URL. */
  readonly url: string;
  /** Sends connections opened from now on to another fake (same path), so each scenario can script its own. */
  setUpstream(url: string): void;
  close(): Promise<void>;
}

export async function startReplyDelay(options: ReplyDelayOptions): Promise<ReplyDelay> {
  let upstream = new URL(options.upstream);
  const http = createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();

  http.on('upgrade', (request, socket, head) => {
    const target = new URL(request.url ?? '/', upstream);
    // Credentials travel as the gateway sent them: the fake still checks the key.
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'api-key', 'openai-beta']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const server = new WebSocket(target, { headers });
    server.once('unexpected-response', (_req, response) => {
      socket.end(`HTTP/1.1 ${response.statusCode ?? 502} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      response.resume();
    });
    server.once('error', () => socket.destroy());
    server.once('open', () => wss.handleUpgrade(request, socket, head, (client) => relay(client, server)));
  });

  function relay(client: WebSocket, server: WebSocket): void {
    sockets.add(client).add(server);
    // Messages are released in arrival order; an answer's start pushes the release time of itself and all after it.
    let releaseAt = 0;
    let chain = Promise.resolve();
    server.on('message', (data: RawData, binary) => {
      if (!binary && startsAnswer(data, options.startsAnswer)) releaseAt = performance.now() + options.delayMs;
      const due = releaseAt;
      chain = chain.then(async () => {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (client.readyState === WebSocket.OPEN) client.send(data, { binary });
      });
    });
    client.on('message', (data: RawData, binary) => server.readyState === WebSocket.OPEN && server.send(data, { binary }));
    const closeBoth = (): void => {
      // Pending answers are delivered before the close reaches the other side, as on a slow but intact link.
      void chain.then(() => {
        client.close();
        server.close();
        sockets.delete(client);
        sockets.delete(server);
      });
    };
    server.on('close', closeBoth);
    client.on('close', closeBoth);
    server.on('error', () => undefined);
    client.on('error', () => undefined);
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}${upstream.pathname}`,
    setUpstream: (url) => void (upstream = new URL(url)),
    async close() {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function startsAnswer(data: RawData, predicate: ReplyDelayOptions['startsAnswer']): boolean {
  try {
    const message: unknown = JSON.parse(data.toString());
    return typeof message === 'object' && message !== null && predicate(message as Record<string, unknown>);
  } catch {
    return false;
  }
}
