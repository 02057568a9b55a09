import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createHttpServer, type GatewayHttp } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import type { PairingState } from './baileys/index.ts';
import { PAIRING_PATH, registerPairingRoutes } from './pairing-routes.ts';
import { qrForTerminal } from './qr.ts';

const TOKEN = 'admin-token-0123456789';
let state: PairingState = { status: 'connecting', updatedAt: 1 };
let pairs = 0;
let server: GatewayHttp;
let base: string;

before(async () => {
  server = createHttpServer({ log: silentLogger });
  registerPairingRoutes(server.http, { pairing: () => state, pair: () => (pairs++, (state = { status: 'connecting', updatedAt: 2 })) }, TOKEN);
  base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
});
after(() => server.close());

const get = (path: string, token: string | null = TOKEN) => fetch(`${base}${path}`, token !== null ? { headers: { authorization: `Bearer ${token}` } } : {});

test('the link state is shown to an operator with the admin token only', async () => {
  assert.equal((await get(PAIRING_PATH, null)).status, 401);
  assert.equal((await get(PAIRING_PATH, 'wrong-token-0123456789')).status, 403);
  const answer = await get(PAIRING_PATH);
  assert.equal(answer.status, 200);
  assert.deepEqual(await answer.json(), state);
});

test('the QR is served as a PNG while there is one to scan, and a new pairing can be asked for', async () => {
  const none = await get(`${PAIRING_PATH}.png`);
  assert.equal(none.status, 404);
  assert.match(((await none.json()) as { error: string }).error, /no QR to scan now/);
  state = { status: 'qr', qr: '2@abcdefghijklmnopqrstuvwxyz0123456789,KEY1,KEY2,ADV', updatedAt: 3 };
  const png = await get(`${PAIRING_PATH}.png`);
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  const bytes = new Uint8Array(await png.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const posted = await fetch(`${base}${PAIRING_PATH}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(posted.status, 202);
  assert.equal(pairs, 1);
});

test('the terminal QR is square, with a quiet zone, two module rows per line', () => {
  const lines = qrForTerminal('2@abcdefghijklmnopqrstuvwxyz').split('\n');
  const width = lines[0]!.length;
  assert.ok(lines.every((line) => line.length === width));
  assert.equal(lines.length, Math.ceil(width / 2));
  assert.ok(/^█+$/.test(lines[0]!), 'the first line is all quiet zone (drawn light)');
});
