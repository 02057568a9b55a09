// The HTTP server: Koa for requests, ws for upgrades dispatched by path. Channels register through ChannelHttp
// and never see Koa or ws.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import Koa from 'koa';
import Router from '@koa/router';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ChannelHttp, HttpReply, HttpRequest, Logger, WebSocketRoute } from '../core/channel.ts';
import { toHttpRequest } from './request.ts';
import { wrapWebSocket } from './wire-socket.ts';

export interface HttpServerOptions {
  readonly log: Logger;
  /** PUBLIC_URL; when unset the origin comes from each request's Host. */
  readonly publicUrl?: string;
  readonly maxBodyBytes?: number;
  /** TRUSTED_PROXIES: how many proxies in front append to X-Forwarded-For (0: the socket's address is the client's). */
  readonly trustedProxies?: number;
  /** Told how long each inbound WebSocket message took to handle: the latency the gateway adds inbound. */
  readonly observeInbound?: (ms: number) => void;
}

export interface GatewayHttp {
  readonly http: ChannelHttp;
  readonly app: Koa;
  listen(port: number, host?: string): Promise<number>;
  /**
   * Refuses new upgrades with 503; open sockets stay with their owners. The port stays open until close(), so that
   * during a drain /readyz can say 503 and webhooks get a 503 from their channel instead of a refused connection.
   */
  stopAccepting(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
const DEFAULT_MAX_WS_MESSAGE = 64 * 1024;

export function createHttpServer(options: HttpServerOptions): GatewayHttp {
  const { log, publicUrl } = options;
  const trustedProxies = options.trustedProxies ?? 0;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const app = new Koa();
  const router = new Router();
  const sockets = new Map<string, { route: WebSocketRoute; wss: WebSocketServer }>();
  let accepting = true;
  let server: Server | undefined;

  app.on('error', (error: unknown) => log.warn({ err: error }, 'http request failed'));
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const status = (error as { status?: number }).status ?? 500;
      const expose = (error as { expose?: boolean }).expose === true;
      ctx.status = status;
      ctx.body = expose ? (error as Error).message : 'Internal Server Error';
      if (status >= 500) log.error({ err: error, path: ctx.path }, 'http handler failed');
    }
  });
  app.use(router.routes());
  app.use(router.allowedMethods());

  const http: ChannelHttp = {
    route(method, path, handler) {
      const register = { GET: router.get, POST: router.post, DELETE: router.delete, OPTIONS: router.options }[method].bind(router);
      register(path, async (ctx) => {
        const rawBody = method === 'POST' ? await readBody(ctx.req, maxBodyBytes) : new Uint8Array(0);
        const reply = await handler(toHttpRequest(ctx.req, rawBody, publicUrl, trustedProxies));
        ctx.status = reply.status;
        for (const [name, value] of Object.entries(reply.headers ?? {})) ctx.set(name, value);
        if (reply.body !== undefined) ctx.body = typeof reply.body === 'string' ? reply.body : Buffer.from(reply.body);
      });
    },
    websocket(path, route) {
      const wss = new WebSocketServer({ noServer: true, maxPayload: route.maxMessageBytes ?? DEFAULT_MAX_WS_MESSAGE });
      sockets.set(path, { route, wss });
    },
  };

  async function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', (error) => log.debug({ err: error }, 'upgrade socket error'));
    const request = toHttpRequest(req, new Uint8Array(0), publicUrl, trustedProxies);
    const target = sockets.get(request.path);
    if (!accepting) return refuse(socket, { status: 503, body: 'draining' });
    if (!target) return refuse(socket, { status: 404, body: 'no such websocket' });
    let refusal: HttpReply | undefined;
    try {
      refusal = await target.route.authorize?.(request);
    } catch (error) {
      log.error({ err: error, path: request.path }, 'websocket authorize failed');
      refusal = { status: 500, body: 'Internal Server Error' };
    }
    if (refusal) return refuse(socket, refusal);
    target.wss.handleUpgrade(req, socket, head, (ws) => openSocket(target.route, ws, request));
  }

  function openSocket(route: WebSocketRoute, ws: WebSocket, request: HttpRequest): void {
    try {
      route.open(wrapWebSocket(ws, log, options.observeInbound), request);
    } catch (error) {
      log.error({ err: error, path: request.path }, 'websocket open handler failed');
      ws.close(1011, 'internal error');
    }
  }

  return {
    http,
    app,
    listen(port, host = '0.0.0.0') {
      server = createServer(app.callback());
      server.on('upgrade', (req, socket, head) => void onUpgrade(req, socket, head));
      const listening = server;
      return new Promise((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, host, () => {
          const address = listening.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    async stopAccepting() {
      accepting = false;
    },
    async close() {
      accepting = false;
      for (const { wss } of sockets.values()) for (const client of wss.clients) client.terminate();
      const closing = new Promise<void>((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
      server?.closeAllConnections();
      await closing;
    },
  };
}

function refuse(socket: Duplex, reply: HttpReply): void {
  const body = reply.body === undefined ? '' : Buffer.from(reply.body).toString('utf8');
  socket.end(
    `HTTP/1.1 ${reply.status} ${statusText(reply.status)}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function statusText(status: number): string {
  return { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' }[status] ?? 'Error';
}

async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('request body too large'), { status: 413, expose: true });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
