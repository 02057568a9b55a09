// The HTTP server from the outside, over real sockets on 127.0.0.1: routes as channels register them, body limits,
// errors that do not leak, WebSocket upgrades dispatched by path and refused when they should be, the drain
// sequence (stop accepting, then close), and the health and metrics endpoints an operator scrapes.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import type { HttpRequest, WireSocket } from '../core/channel.ts';
import { GatewayMetrics } from '../analytics/metrics.ts';
import { silentLogger } from '../log.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { registerHealthRoutes } from './health-routes.ts';
import { createHttpServer, type GatewayHttp, type HttpServerOptions } from './server.ts';

interface Running {
  readonly server: GatewayHttp;
  readonly base: string;
  readonly ws: string;
}

const running: GatewayHttp[] = [];
after(async () => {
  await Promise.all(running.map((server) => server.close()));
});

/** A server with `setup` registering its routes, listening on a free port. */
async function serve(setup: (server: GatewayHttp) => void, options: Partial<HttpServerOptions> = {}): Promise<Running> {
  const server = createHttpServer({ log: silentLogger, ...options });
  running.push(server);
  setup(server);
  const port = await server.listen(0, '127.0.0.1');
  return { server, base: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` };
}

/** Opens a WebSocket; resolves with it once open, or with the HTTP status the upgrade was refused with. */
function openSocket(url: string): Promise<{ socket: WebSocket; status?: undefined } | { socket?: undefined; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      socket.on('error', () => undefined);
    });
    socket.once('error', reject);
  });
}

function nextMessage(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => socket.once('message', (data) => resolve(String(data))));
}

function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve({ code: 1006, reason: '' });
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })));
}

/** An echo route that also reports what the server saw of the upgrade request. */
function echoRoute(opened: HttpRequest[] = [], sockets: WireSocket[] = []) {
  return {
    open(socket: WireSocket, request: HttpRequest) {
      opened.push(request);
      sockets.push(socket);
      socket.onMessage((data) => socket.send(`echo:${Buffer.from(data).toString('utf8')}`));
    },
  };
}

describe('routes', () => {
  test("a route's reply reaches the client: status, headers and body", async () => {
    const seen: HttpRequest[] = [];
    const { base } = await serve(({ http }) => {
      http.route('GET', '/hello', (request) => {
        seen.push(request);
        return { status: 201, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-gateway': 'yes' }, body: `hi ${request.query.name}` };
      });
      http.route('GET', '/bytes', () => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([1, 2, 3]) }));
    });
    const response = await fetch(`${base}/hello?name=Asha`);
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('x-gateway'), 'yes');
    assert.equal(response.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await response.text(), 'hi Asha');
    assert.equal(seen[0]?.method, 'GET');
    assert.equal(seen[0]?.path, '/hello');
    assert.equal(seen[0]?.url, '/hello?name=Asha');
    assert.equal(seen[0]?.remoteAddress.endsWith('127.0.0.1'), true);

    const bytes = await fetch(`${base}/bytes`);
    assert.deepEqual(new Uint8Array(await bytes.arrayBuffer()), new Uint8Array([1, 2, 3]));

    assert.equal((await fetch(`${base}/nowhere`)).status, 404);
    assert.equal((await fetch(`${base}/hello`, { method: 'POST' })).status, 405);
  });

  test('form bodies are parsed into fields', async () => {
    const { base } = await serve(({ http }) => {
      http.route('POST', '/form', (request) => ({ status: 200, body: JSON.stringify({ form: request.form, raw: Buffer.from(request.rawBody).toString('utf8') }) }));
    });
    const body = 'CallSid=CA123&From=%2B919876543210&SpeechResult=two+words&Name=%E0%A4%86%E0%A4%B6%E0%A4%BE';
    const response = await fetch(`${base}/form`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });
    assert.equal(response.status, 200);
    const echoed = (await response.json()) as { form: Record<string, string>; raw: string };
    assert.deepEqual(echoed.form, { CallSid: 'CA123', From: '+919876543210', SpeechResult: 'two words', Name: 'आशा' });
    assert.equal(echoed.raw, body);

    const json = await fetch(`${base}/form`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"CallSid":"CA1"}' });
    assert.deepEqual(((await json.json()) as { form: object }).form, {}, 'only form bodies become fields');
  });

  test('a body over the limit is refused with 413 and the handler does not run', async () => {
    let calls = 0;
    const { base } = await serve(
      ({ http }) => {
        http.route('POST', '/upload', () => {
          calls++;
          return { status: 200, body: 'stored' };
        });
      },
      { maxBodyBytes: 1024 },
    );
    const ok = await fetch(`${base}/upload`, { method: 'POST', body: 'x'.repeat(1024) });
    assert.equal(ok.status, 200);
    for (const size of [1025, 200_000]) {
      const tooBig = await fetch(`${base}/upload`, { method: 'POST', body: 'x'.repeat(size) });
      assert.equal(tooBig.status, 413, `${size} bytes`);
      assert.equal(await tooBig.text(), 'request body too large');
    }
    assert.equal(calls, 1);
  });

  test('a handler that throws answers 500 without leaking internals; an exposed error keeps its status and message', async () => {
    const { base } = await serve(({ http }) => {
      http.route('GET', '/broken', () => {
        throw new Error('connect ECONNREFUSED 10.0.3.7:6379 (password=hunter2)');
      });
      http.route('POST', '/draining', async () => {
        throw Object.assign(new Error('the gateway is shutting down'), { status: 503, expose: true });
      });
    });
    const broken = await fetch(`${base}/broken`);
    assert.equal(broken.status, 500);
    const body = await broken.text();
    assert.equal(body, 'Internal Server Error');
    assert.doesNotMatch(body, /ECONNREFUSED|10\.0\.3\.7|hunter2|at /);

    const draining = await fetch(`${base}/draining`, { method: 'POST' });
    assert.equal(draining.status, 503);
    assert.equal(await draining.text(), 'the gateway is shutting down');
  });

  test('publicOrigin is PUBLIC_URL when set, else the forwarded protocol and host, else the Host header', async () => {
    const register = ({ http }: GatewayHttp) => http.route('GET', '/origin', (request) => ({ status: 200, body: request.publicOrigin }));
    const direct = await serve(register);
    const port = new URL(direct.base).port;
    assert.equal(await (await fetch(`${direct.base}/origin`)).text(), `http://127.0.0.1:${port}`);
    const proxied = await fetch(`${direct.base}/origin`, { headers: { 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'voice.example.com, proxy.internal' } });
    assert.equal(await proxied.text(), 'https://voice.example.com', 'the first hop of a proxy chain is what the client used');

    const configured = await serve(register, { publicUrl: 'https://public.example.com/' });
    const fixed = await fetch(`${configured.base}/origin`, { headers: { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example' } });
    assert.equal(await fixed.text(), 'https://public.example.com', 'PUBLIC_URL wins over headers a client could forge');
  });
});

describe('websockets', () => {
  test('an upgrade is dispatched by path, and the route sees the request', async () => {
    const opened: HttpRequest[] = [];
    const timings: number[] = [];
    const { ws } = await serve(({ http }) => http.websocket('/media', echoRoute(opened)), { observeInbound: (ms) => timings.push(ms) });
    const { socket } = await openSocket(`${ws}/media?token=abc`);
    assert.ok(socket);
    const reply = nextMessage(socket);
    socket.send('hello');
    assert.equal(await reply, 'echo:hello');
    assert.equal(opened[0]?.path, '/media');
    assert.equal(opened[0]?.query.token, 'abc');
    assert.equal(timings.length, 1, 'the time spent on the inbound message is reported');
    socket.close();
  });

  test('an upgrade to an unknown path is refused with 404', async () => {
    const { ws } = await serve(({ http }) => http.websocket('/media', echoRoute()));
    const refused = await openSocket(`${ws}/other`);
    assert.equal(refused.status, 404);
  });

  test("authorize() refusing the upgrade sends its status; throwing sends 500 without details", async () => {
    const { ws } = await serve(({ http }) => {
      http.websocket('/private', { ...echoRoute(), authorize: (request) => (request.query.token === 'good' ? undefined : { status: 403, body: 'invalid signature' }) });
      http.websocket('/broken', {
        ...echoRoute(),
        authorize: () => {
          throw new Error('secret lookup failed at 10.0.0.9');
        },
      });
    });
    const refused = await openSocket(`${ws}/private?token=bad`);
    assert.equal(refused.status, 403);
    assert.equal(refused.body, 'invalid signature');
    const accepted = await openSocket(`${ws}/private?token=good`);
    assert.ok(accepted.socket);
    accepted.socket.close();
    const failed = await openSocket(`${ws}/broken`);
    assert.equal(failed.status, 500);
    assert.doesNotMatch(failed.body, /10\.0\.0\.9/);
  });

  test('a message over the route limit closes that socket with 1009', async () => {
    const codes: number[] = [];
    const { ws } = await serve(({ http }) =>
      http.websocket('/small', {
        maxMessageBytes: 100,
        open(socket) {
          socket.onClose((code) => codes.push(code));
        },
      }),
    );
    const { socket } = await openSocket(`${ws}/small`);
    assert.ok(socket);
    socket.send('x'.repeat(101));
    assert.equal((await closed(socket)).code, 1009);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(codes, [1009], 'the route learns why its caller was cut off');
  });

  test('after stopAccepting() new upgrades get 503 and open sockets carry on; close() ends them', async () => {
    const { server, ws } = await serve(({ http }) => http.websocket('/media', echoRoute()));
    const { socket } = await openSocket(`${ws}/media`);
    assert.ok(socket);
    await server.stopAccepting();

    const refused = await openSocket(`${ws}/media`).catch((error: Error) => ({ status: -1, body: error.message }));
    assert.equal(refused.status, 503, `a new upgrade while draining: ${JSON.stringify(refused)}`);

    const reply = nextMessage(socket);
    socket.send('still here');
    assert.equal(await reply, 'echo:still here', 'a live call keeps streaming during the drain');

    const ended = closed(socket);
    await server.close();
    await ended;
    assert.equal(socket.readyState, WebSocket.CLOSED);
  });
});

describe('health and metrics', () => {
  class UnreachableStore extends MemoryStore {
    override async ping(): Promise<void> {
      throw new Error('connect ECONNREFUSED 10.0.3.7:6379');
    }
  }

  async function healthServer(store: MemoryStore, draining = () => false): Promise<Running & { metrics: GatewayMetrics }> {
    const metrics = new GatewayMetrics();
    const running = await serve(({ http }) => registerHealthRoutes(http, { store, metrics, draining, log: silentLogger }));
    return { ...running, metrics };
  }

  const stores: MemoryStore[] = [];
  after(() => Promise.all(stores.map((store) => store.close())));
  const storeOf = <T extends MemoryStore>(store: T): T => (stores.push(store), store);

  test('/healthz answers 200 and /readyz 200 with a working store', async () => {
    const { base } = await healthServer(storeOf(new MemoryStore()));
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(ready.headers.get('content-type'), 'application/json');
    assert.deepEqual(await ready.json(), { status: 'ready', store: 'memory' });
  });

  test('/readyz answers 503 when the store cannot be reached, while /healthz stays 200', async () => {
    const { base } = await healthServer(storeOf(new UnreachableStore()));
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { status: string }).status, 'unavailable');
    assert.equal((await fetch(`${base}/healthz`)).status, 200, 'a store outage is not a reason to restart the process');
  });

  test('/readyz answers 503 while draining', async () => {
    let draining = false;
    const { base } = await healthServer(storeOf(new MemoryStore()), () => draining);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    draining = true;
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: 'draining' });
  });

  test('/metrics exposes live conversations and the latency the gateway adds', async () => {
    const { base, metrics } = await healthServer(storeOf(new MemoryStore()));
    metrics.liveConversations.labels('twilio').inc();
    metrics.observeLatency('in', 0.3);
    metrics.observeLatency('out', 2);
    const response = await fetch(`${base}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await response.text();
    assert.match(text, /^# TYPE gateway_live_conversations gauge$/m);
    assert.match(text, /^gateway_live_conversations\{channel="twilio"\} 1$/m);
    assert.match(text, /^# TYPE gateway_added_latency_seconds histogram$/m);
    assert.match(text, /^gateway_added_latency_seconds_count\{direction="in"\} 1$/m);
    assert.match(text, /^gateway_added_latency_seconds_bucket\{le="0.0025",direction="out"\} 1$/m);
  });
});
