// The dashboard's files over a real socket: what a browser gets for /admin and each asset (content types, a strict
// Content-Security-Policy, revalidation), that every module the page imports is served, and that a gateway without
// ADMIN_TOKEN does not show a dashboard at all.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { silentLogger } from '../../log.ts';
import { createHttpServer, type GatewayHttp } from '../server.ts';
import { registerDashboard } from './dashboard-routes.ts';

const running: GatewayHttp[] = [];
after(async () => {
  await Promise.all(running.map((server) => server.close()));
});

async function serve(adminToken: string | undefined): Promise<string> {
  const server = createHttpServer({ log: silentLogger });
  running.push(server);
  registerDashboard(server.http, { adminToken });
  return `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
}

describe('the dashboard routes', () => {
  test('/admin and /admin/ serve the page under a policy that allows no inline script and no other origin', async () => {
    const base = await serve('secret-token');
    for (const path of ['/admin', '/admin/']) {
      const response = await fetch(`${base}${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
      const policy = response.headers.get('content-security-policy') ?? '';
      assert.match(policy, /default-src 'self'/);
      assert.match(policy, /script-src 'self'(;|$)/);
      assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval|https?:/);
      assert.match(policy, /frame-ancestors 'none'/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      const html = await response.text();
      assert.match(html, /<script type="module" src="\/admin\/assets\/dashboard\.js"><\/script>/);
      assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]|\sstyle=|\son[a-z]+=/i, 'no inline script, style or handler');
    }
  });

  test('every module the page imports is served as JavaScript, and the stylesheet as CSS', async () => {
    const base = await serve('secret-token');
    const seen = new Set<string>();
    const queue = ['dashboard.js'];
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (seen.has(name)) continue;
      seen.add(name);
      const response = await fetch(`${base}/admin/assets/${name}`);
      assert.equal(response.status, 200, name);
      assert.equal(response.headers.get('content-type'), 'text/javascript; charset=utf-8', name);
      for (const match of (await response.text()).matchAll(/from '\.\/([\w-]+\.js)'/g)) queue.push(match[1]!);
    }
    assert.ok(seen.size >= 6, `followed the imports to ${[...seen].join(', ')}`);
    const css = await fetch(`${base}/admin/assets/dashboard.css`);
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(await css.text(), readFileSync(new URL('./public/dashboard.css', import.meta.url), 'utf8'));
  });

  test('a browser revalidating with the ETag gets 304; a file that is not one of the assets is 404', async () => {
    const base = await serve('secret-token');
    const first = await fetch(`${base}/admin/assets/charts.js`);
    const etag = first.headers.get('etag');
    assert.ok(etag);
    assert.equal((await fetch(`${base}/admin/assets/charts.js`, { headers: { 'if-none-match': `W/${etag}` } })).status, 304);
    for (const path of ['/admin/assets/dashboard-routes.ts', '/admin/assets/..%2Fdashboard-routes.ts', '/admin/assets/chart-scale.d.ts', '/admin/index.html']) {
      assert.equal((await fetch(`${base}${path}`)).status, 404, path);
    }
  });

  test('without ADMIN_TOKEN the page and its files answer 404, like the admin API', async () => {
    const base = await serve(undefined);
    for (const path of ['/admin', '/admin/', '/admin/assets/dashboard.js', '/admin/assets/dashboard.css']) {
      assert.equal((await fetch(`${base}${path}`)).status, 404, path);
    }
  });
});
