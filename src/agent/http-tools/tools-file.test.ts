// Loading a tools file as an operator meets it at start-up: a good file gives tools whose schemas validate the
// model's arguments and export to each provider; a bad one stops start-up listing every problem at its position,
// naming missing environment variables but never showing a secret.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { toolJsonSchema } from '../tool-schema.ts';
import { functionDeclarations } from '../../models/gemini/function-declarations.ts';
import { httpToolsFrom, loadHttpTools, ToolsFileError } from './tools-file.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tools-file-'));
});
after(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** The problems a load reports, or a failure when it loads. */
async function problemsOf(load: () => Promise<unknown> | unknown): Promise<readonly string[]> {
  try {
    await load();
  } catch (error) {
    assert.ok(error instanceof ToolsFileError, String(error));
    return error.problems;
  }
  assert.fail('the file loaded');
}

const trackOrder = {
  name: 'track_order',
  description: 'Tells where an order is.',
  input: {
    type: 'object',
    properties: { orderId: { type: 'string', pattern: '^[A-Z]-\\d+$', description: 'As printed on the receipt, such as A-123.' }, verbose: { type: 'boolean' } },
    required: ['orderId'],
    additionalProperties: false,
  },
  method: 'GET',
  url: 'https://shop.example.com/api/orders/{orderId}',
  headers: { Authorization: 'Bearer ${SHOP_TOKEN}' },
  idempotent: true,
};

test('a good file gives tools that validate arguments and export their schema to every provider', async () => {
  const path = await file('good.json', JSON.stringify([trackOrder]));
  const [tool, ...rest] = await loadHttpTools(path, { SHOP_TOKEN: 'abc' });
  assert.equal(rest.length, 0);
  assert.equal(tool!.name, 'track_order');
  assert.equal(tool!.description, 'Tells where an order is.');
  assert.equal(tool!.timeoutMs, 5000);

  const bad = await tool!.input['~standard'].validate({ orderId: 'order 5' });
  assert.equal(bad.issues?.[0]?.path?.[0], 'orderId');
  const good = await tool!.input['~standard'].validate({ orderId: 'A-123', verbose: true });
  assert.deepEqual(good.issues, undefined);

  // What OpenAI is sent (draft-07) and what Gemini is sent (its OpenAPI subset) both carry the declared rules.
  assert.deepEqual(toolJsonSchema(tool!), {
    type: 'object',
    properties: { orderId: { type: 'string', pattern: '^[A-Z]-\\d+$', description: 'As printed on the receipt, such as A-123.' }, verbose: { type: 'boolean' } },
    required: ['orderId'],
    additionalProperties: false,
  });
  assert.deepEqual(functionDeclarations([tool!])[0]?.parameters, {
    type: 'OBJECT',
    properties: { orderId: { type: 'STRING', pattern: '^[A-Z]-\\d+$', description: 'As printed on the receipt, such as A-123.' }, verbose: { type: 'BOOLEAN' } },
    required: ['orderId'],
  });
});

test('a malformed file fails loading with every problem listed, each at its position', async () => {
  const problems = await problemsOf(() =>
    httpToolsFrom(
      [
        { name: 'bad name', description: '', input: { type: 'array' }, method: 'FETCH', url: 'https://{host}/x', timeoutMs: 60_000, timeout: 3 },
        { ...trackOrder, headers: { 'Idempotency-Key': 'mine', 'bad header': 'x' }, idempotent: 'yes', responsePath: 'a..b' },
        { ...trackOrder, input: { type: 'object', properties: { orderId: { type: 'object' } }, required: ['orderId'] }, headers: {} },
        { ...trackOrder, name: 'check_availability', input: { type: 'object', properties: { q: { type: 'string', pattern: '(' } } }, url: 'ftp://files.example.com', headers: {} },
        'track_order',
        { ...trackOrder, url: '/orders/{orderId}', headers: {} },
      ],
      { SHOP_TOKEN: 'abc' },
      { reservedNames: ['check_availability', 'book_appointment'] },
    ),
  );
  assert.deepEqual(problems, [
    'tools[0].name: expected letters, digits, _ and - only, at most 64 characters, got "bad name"',
    'tools[0].description: expected a description telling the model when to call the tool, got ""',
    'tools[0].input: expected a JSON Schema with "type": "object" (a tool takes named arguments)',
    'tools[0].method: expected one of GET, POST, PUT, PATCH, DELETE, got "FETCH"',
    'tools[0].url: a {placeholder} may stand in the path or query only, never in the host',
    'tools[0].timeoutMs: expected a whole number from 1 to 30000, got 60000',
    'tools[0].idempotent: missing',
    'tools[0]: unknown field "timeout"',
    'tools[0].url: placeholder {host} must be a required property of input',
    'tools[1].headers.Idempotency-Key: Idempotency-Key is set by the gateway and cannot be declared',
    'tools[1].headers["bad header"]: expected a header name (letters, digits and -)',
    'tools[1].idempotent: expected true when repeating the call is harmless (a read), false to send an Idempotency-Key header, got "yes"',
    'tools[1].responsePath: expected a dot path such as data.slots, got "a..b"',
    'tools[2].name: "track_order" is already declared by tools[1]',
    'tools[2].input.properties.orderId: a url placeholder must be a string, number, integer or boolean',
    'tools[3].input: not a usable JSON Schema: Invalid regular expression: /(/: Unterminated group',
    'tools[3].url: expected a full http(s) URL, or a path starting with / on the gateway itself',
    'tools[3].name: "check_availability" is a built-in tool; choose another name',
    'tools[4]: expected an object declaring one tool',
    'tools[5].name: "track_order" is already declared by tools[1]',
    "tools[5].url: a path needs the gateway's own URL; write a full http(s) URL",
  ]);
});

test('missing environment variables are start-up errors naming each one, and no value is ever shown', async () => {
  const problems = await problemsOf(() =>
    httpToolsFrom(
      [
        { ...trackOrder, url: '${SHOP_API}/orders/{orderId}', headers: { Authorization: 'Bearer ${SHOP_TOKEN}', 'X-Tenant': '${SHOP_TENANT}' } },
        { ...trackOrder, name: 'list_orders', url: 'https://shop.example.com/orders', headers: { 'X-Signature': 'sig=${SIGNING_KEY}', 'X-Trace': '${TRACE_ID}' } },
      ],
      { SHOP_TENANT: 'tenant-secret-42', SHOP_TOKEN: '   ', SIGNING_KEY: 'line\r\nInjected: yes' },
    ),
  );
  assert.deepEqual(problems, [
    'tools[0].url: environment variable SHOP_API is not set',
    'tools[0].headers.Authorization: environment variable SHOP_TOKEN is not set', // blank counts as unset
    'tools[1].headers.X-Signature: the value contains a line break',
    'tools[1].headers.X-Trace: environment variable TRACE_ID is not set',
  ]);
  assert.ok(!problems.join('\n').includes('tenant-secret-42'));
  assert.ok(!problems.join('\n').includes('Injected'));
});

test('a file that cannot be read, is not JSON, or is not a list says so', async () => {
  assert.deepEqual(await problemsOf(() => loadHttpTools(join(dir, 'absent.json'), {})), ['cannot be read (ENOENT)']);
  const broken = await file('broken.json', '[\n  { "name": "a",\n    "method": "GET", }\n]');
  const [problem] = await problemsOf(() => loadHttpTools(broken, {}));
  assert.match(problem!, /^not valid JSON: .* at line 3, column 22$/);
  const object = await file('object.json', JSON.stringify({ tools: [trackOrder] }));
  assert.deepEqual(await problemsOf(() => loadHttpTools(object, {})), ['tools: expected an array of tool declarations']);
  const error = (await loadHttpTools(object, {}).catch((caught: unknown) => caught)) as Error;
  assert.equal(error.message, `Invalid tools file ${object}:\n  - tools: expected an array of tool declarations`);
});

test('an empty list loads no tools', async () => {
  assert.deepEqual(await loadHttpTools(await file('empty.json', '[]'), {}), []);
});
