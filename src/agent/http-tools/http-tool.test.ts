// HTTP tools against a business API on 127.0.0.1, as the model uses them through the tool runner: arguments are
// validated before any request, placeholders are encoded, other inputs go in the query or a JSON body, headers
// come from the environment and never reach the model, non-idempotent calls carry an Idempotency-Key, and a slow,
// failing or unreachable API gives the model a clear error instead of hanging the conversation.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { AnyToolSpec, ToolContext } from '../../core/tool.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import { waitUntil } from '../../../test/wait.ts';
import { runTool, type ToolOutcome } from '../tool-runner.ts';
import { httpToolsFrom } from './tools-file.ts';
import { startFakeBusinessApi, type FakeBusinessApi } from './fake-business-api.ts';

let api: FakeBusinessApi;
const store = new MemoryStore();
before(async () => {
  api = await startFakeBusinessApi();
});
after(async () => {
  await api.close();
  await store.close();
});
beforeEach(() => {
  api.requests.length = 0;
  api.answer(() => ({ body: { ok: true } }));
});

const orderInput = {
  type: 'object',
  properties: {
    orderId: { type: 'string', minLength: 1 },
    status: { type: 'string', enum: ['open', 'shipped'] },
    tags: { type: 'array', items: { type: 'string' } },
    limit: { type: 'integer', minimum: 1, maximum: 50 },
  },
  required: ['orderId'],
  additionalProperties: false,
};

/** One declaration, as a business would write it, with `overrides` applied. */
function declared(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'lookup_order', description: 'Finds an order.', input: orderInput, method: 'GET', url: `${api.url}/orders/{orderId}`, idempotent: true, ...overrides };
}

function toolbox(declarations: readonly Record<string, unknown>[], env: Record<string, string> = {}): Map<string, AnyToolSpec> {
  return new Map(httpToolsFrom(declarations, env).map((tool) => [tool.name, tool]));
}

interface Called {
  readonly outcome: ToolOutcome;
  readonly body: Record<string, unknown>;
}

async function call(tools: ReadonlyMap<string, AnyToolSpec>, args: unknown, options: { idempotencyKey?: string; signal?: AbortSignal; name?: string } = {}): Promise<Called> {
  const context = { conversationId: 'conv-1', channel: 'test', locale: 'en', callId: 'call-1', idempotencyKey: options.idempotencyKey ?? 'conv-1:call-1', store };
  const result = await runTool(tools, options.name ?? [...tools.keys()][0]!, JSON.stringify(args), context, options.signal ? { signal: options.signal } : {});
  return { outcome: result.outcome, body: JSON.parse(result.output) as Record<string, unknown> };
}

const message = (called: Called): string => String(called.body.message);

describe('arguments', () => {
  test('a bad input never reaches the API; the model gets every issue to fix', async () => {
    const tools = toolbox([declared()]);
    const bad = await call(tools, { orderId: '', status: 'lost', limit: 2.5, extra: true });
    assert.equal(bad.outcome, 'invalid_arguments');
    const paths = (bad.body.issues as { path: string }[]).map((issue) => issue.path).sort();
    assert.deepEqual(paths, ['', 'limit', 'orderId', 'status']); // '' is the unknown key "extra"
    const missing = await call(tools, { status: 'open' });
    assert.equal(missing.outcome, 'invalid_arguments');
    assert.deepEqual((missing.body.issues as { path: string }[]).map((issue) => issue.path), ['orderId']);
    assert.equal(api.requests.length, 0);

    const good = await call(tools, { orderId: 'A-1', status: 'open' });
    assert.equal(good.outcome, 'ok');
    assert.equal(api.requests.length, 1);
  });

  test('placeholders are URL-encoded and cannot climb out of their path segment', async () => {
    const tools = toolbox([declared()]);
    await call(tools, { orderId: 'A/B c?d#e&f=1' });
    assert.equal(api.requests[0]?.url, '/orders/A%2FB%20c%3Fd%23e%26f%3D1');
    for (const orderId of ['..', '.']) {
      const refused = await call(tools, { orderId });
      assert.equal(refused.outcome, 'failed');
      assert.match(message(refused), /orderId must not be empty, "\." or "\.\."/);
    }
    assert.equal(api.requests.length, 1);
  });

  test('GET and DELETE put the other inputs in the query; POST, PUT and PATCH send them as a JSON body', async () => {
    const inputs = { orderId: '42', status: 'open', tags: ['gift', 'express'], limit: 5 };
    for (const method of ['GET', 'DELETE', 'POST', 'PUT', 'PATCH']) {
      api.requests.length = 0;
      const tools = toolbox([declared({ method, url: `${api.url}/orders/{orderId}?source=voice`, idempotent: true })]);
      assert.equal((await call(tools, inputs)).outcome, 'ok', method);
      const seen = api.requests[0]!;
      assert.equal(seen.method, method);
      assert.equal(seen.path, '/orders/42');
      if (method === 'GET' || method === 'DELETE') {
        assert.equal(seen.url, '/orders/42?source=voice&status=open&tags=gift&tags=express&limit=5');
        assert.equal(seen.body, '');
      } else {
        assert.equal(seen.url, '/orders/42?source=voice');
        assert.equal(seen.headers['content-type'], 'application/json');
        assert.deepEqual(JSON.parse(seen.body), { status: 'open', tags: ['gift', 'express'], limit: 5 });
      }
    }
  });
});

describe('headers and idempotency', () => {
  test('header values come from the environment and never reach the model, even when the API echoes them', async () => {
    const env = { SHOP_TOKEN: 's3cret-token-123' };
    const tools = toolbox([declared({ headers: { Authorization: 'Bearer ${SHOP_TOKEN}', 'X-Shop': 'main' } })], env);
    api.answer((request) => ({ status: 401, headers: { 'content-type': 'text/plain' }, body: `token ${String(request.headers.authorization)} is not valid` }));
    const refused = await call(tools, { orderId: '1' });
    const seen = api.requests[0]!;
    assert.equal(seen.headers.authorization, 'Bearer s3cret-token-123');
    assert.equal(seen.headers['x-shop'], 'main');
    assert.equal(seen.headers.accept, 'application/json');
    assert.equal(refused.outcome, 'failed');
    assert.equal(message(refused), 'The business API answered 401 Unauthorized: token Bearer … is not valid');

    api.answer((request) => ({ headers: { 'content-type': 'text/plain' }, body: `hello ${String(request.headers.authorization)}` }));
    const echoed = await call(tools, { orderId: '1' });
    assert.deepEqual(echoed.body, { text: 'hello Bearer …' });
  });

  test("a call that is not idempotent carries the call's Idempotency-Key, the same on a retry; a read carries none", async () => {
    const tools = toolbox([
      declared({ name: 'cancel_order', method: 'POST', url: `${api.url}/orders/{orderId}/cancel`, idempotent: false }),
      declared({ name: 'lookup_order' }),
    ]);
    await call(tools, { orderId: '7' }, { name: 'cancel_order', idempotencyKey: 'conv-1:call-7' });
    await call(tools, { orderId: '7' }, { name: 'lookup_order', idempotencyKey: 'conv-1:call-8' });
    // A retry the runner cannot answer from the store (another instance, the answer lost) reaches the API again:
    // with the same key, so the API can recognise it.
    const context: ToolContext = { conversationId: 'conv-1', channel: 'test', locale: 'en', callId: 'call-7', idempotencyKey: 'conv-1:call-7', store, signal: new AbortController().signal };
    await tools.get('cancel_order')!.run({ orderId: '7' }, context);
    assert.deepEqual(
      api.requests.map((request) => [request.method, request.headers['idempotency-key']]),
      [
        ['POST', 'conv-1:call-7'],
        ['GET', undefined],
        ['POST', 'conv-1:call-7'],
      ],
    );
  });

  test('the runner keeps a write to one run per request: a repeated call is answered without a second request', async () => {
    api.answer(() => ({ status: 201, body: { cancelled: true } }));
    const tools = toolbox([declared({ name: 'cancel_order', method: 'POST', url: `${api.url}/orders/{orderId}/cancel`, idempotent: false })]);
    const first = await call(tools, { orderId: '9' }, { idempotencyKey: 'conv-2:call-1' });
    const again = await call(tools, { orderId: '9' }, { idempotencyKey: 'conv-2:call-1' });
    assert.deepEqual([first.body, again.body], [{ cancelled: true }, { cancelled: true }]);
    assert.equal(api.requests.length, 1);
  });
});

describe('answers', () => {
  test('a non-2xx answer is an error with the status and a short excerpt of the body', async () => {
    const tools = toolbox([declared()]);
    api.answer(() => ({ status: 409, body: { error: 'slot_taken', message: 'Someone else booked it.' } }));
    const conflict = await call(tools, { orderId: '1' });
    assert.equal(conflict.outcome, 'failed');
    assert.equal(message(conflict), 'The business API answered 409 Conflict: {"error":"slot_taken","message":"Someone else booked it."}');

    api.answer(() => ({ status: 502, headers: { 'content-type': 'text/html' }, body: `<html>\n<body>${'Bad gateway. '.repeat(200)}</body></html>` }));
    const failed = await call(tools, { orderId: '1' });
    assert.match(message(failed), /^The business API answered 502 Bad Gateway: <html> <body>Bad gateway\. /);
    assert.ok(message(failed).length < 400, 'the excerpt is short');
  });

  test('JSON comes back as it is, or the part responsePath names; text as an excerpt; an empty answer as ok', async () => {
    api.answer(() => ({ body: { data: { items: [{ id: 'A-1', total: 120 }] } } }));
    assert.deepEqual((await call(toolbox([declared()]), { orderId: '1' })).body, { data: { items: [{ id: 'A-1', total: 120 }] } });
    assert.deepEqual((await call(toolbox([declared({ responsePath: 'data.items.0' })]), { orderId: '1' })).body, { id: 'A-1', total: 120 });
    const missing = await call(toolbox([declared({ responsePath: 'data.orders' })]), { orderId: '1' });
    assert.equal(missing.outcome, 'failed');
    assert.equal(message(missing), 'The answer has no data.orders.');

    api.answer(() => ({ headers: { 'content-type': 'text/plain' }, body: 'Order   A-1\nis on its way' }));
    assert.deepEqual((await call(toolbox([declared()]), { orderId: '1' })).body, { text: 'Order A-1 is on its way' });
    api.answer(() => ({ status: 204 }));
    assert.deepEqual((await call(toolbox([declared()]), { orderId: '1' })).body, { ok: true });
    api.answer(() => ({ headers: { 'content-type': 'application/json' }, body: '{"broken":' }));
    assert.match(message(await call(toolbox([declared()]), { orderId: '1' })), /^The business API answered invalid JSON/);
  });

  test('a redirect is not followed (the headers carry credentials) and an oversized answer is refused', async () => {
    api.answer(() => ({ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } }));
    const redirected = await call(toolbox([declared()]), { orderId: '1' });
    assert.equal(redirected.outcome, 'failed');
    assert.match(message(redirected), /answered 302/);
    assert.equal(api.requests.length, 1);

    api.answer(() => ({ headers: { 'content-type': 'text/plain' }, body: 'x'.repeat(300 * 1024) }));
    assert.equal(message(await call(toolbox([declared()]), { orderId: '1' })), 'The answer was larger than 256 KB.');
    // An error page of any size still gives its status.
    api.answer(() => ({ status: 503, headers: { 'content-type': 'text/html' }, body: `<p>${'busy '.repeat(100_000)}</p>` }));
    assert.match(message(await call(toolbox([declared()]), { orderId: '1' })), /^The business API answered 503 Service Unavailable: <p>busy busy /);
  });
});

describe('time and reachability', () => {
  test('a call past its timeout is aborted: the model is told and the API sees the request dropped', async () => {
    api.answer(() => 'hang');
    const tools = toolbox([declared({ timeoutMs: 50 })]);
    const late = await call(tools, { orderId: '1' });
    assert.equal(late.outcome, 'timeout');
    assert.equal(message(late), 'The lookup_order tool did not answer within 50 ms.');
    await api.requests[0]!.abandoned;

    // Outside the runner, the tool's own deadline still holds.
    const tool = tools.get('lookup_order')!;
    const context: ToolContext = { conversationId: 'c', channel: 'test', locale: 'en', callId: 'x', idempotencyKey: 'c:x', store, signal: new AbortController().signal };
    await assert.rejects(tool.run({ orderId: '2' }, context), { message: 'The business API did not answer within 50 ms.' });
    await api.requests[1]!.abandoned;
  });

  test('a read is dropped when the caller interrupts', async () => {
    api.answer(() => 'hang');
    const tools = toolbox([declared()]);
    assert.equal(tools.get('lookup_order')?.cancellable, true);
    const interruption = new AbortController();
    const pending = call(tools, { orderId: '1' }, { signal: interruption.signal });
    await waitUntil(api.updates, () => api.requests.length === 1, 'the request to arrive');
    interruption.abort();
    assert.equal((await pending).outcome, 'cancelled');
    await api.requests[0]!.abandoned;
  });

  test('an API that cannot be reached gives a clear error', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await call(toolbox([declared({ url: `http://127.0.0.1:${port}/orders/{orderId}` })]), { orderId: '1' });
    assert.equal(unreachable.outcome, 'failed');
    assert.equal(message(unreachable), 'The business API could not be reached (ECONNREFUSED).');
  });
});
