// The widget files as a browser on another site and the demo page's visitors get them, through the real HTTP server.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { Script } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { createHttpServer, type GatewayHttp } from '../../src/http/server.ts';
import { silentLogger } from '../../src/log.ts';
import { registerWidgetAssets } from './static.ts';

const widgetSource = readFileSync(new URL('./public/widget.js', import.meta.url));

interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

/** node:http, not fetch: fetch would decompress and add its own Accept-Encoding. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('widget assets', () => {
  let server: GatewayHttp;
  let port: number;

  before(async () => {
    server = createHttpServer({ log: silentLogger });
    registerWidgetAssets(server.http);
    port = await server.listen(0, '127.0.0.1');
  });

  after(() => server.close());

  test('widget.js is JavaScript any site may load, cached and revalidated', async () => {
    const reply = await get(port, '/widget.js', { origin: 'https://shop.example' });
    assert.equal(reply.status, 200);
    assert.match(String(reply.headers['content-type']), /^text\/javascript; charset=utf-8$/);
    assert.equal(reply.headers['access-control-allow-origin'], '*');
    assert.equal(reply.headers['cross-origin-resource-policy'], 'cross-origin');
    assert.equal(reply.headers['x-content-type-options'], 'nosniff');
    assert.match(String(reply.headers['cache-control']), /max-age=\d+/);
    assert.equal(reply.headers['content-encoding'], undefined, 'no gzip unless asked');
    assert.deepEqual(reply.body, widgetSource);

    const etag = String(reply.headers.etag);
    assert.match(etag, /^"[\w-]+"$/);
    const revalidated = await get(port, '/widget.js', { 'if-none-match': `W/"other", ${etag}` });
    assert.equal(revalidated.status, 304);
    assert.equal(revalidated.body.length, 0);
    assert.equal(revalidated.headers['access-control-allow-origin'], '*');
    assert.equal((await get(port, '/widget.js', { 'if-none-match': '"stale"' })).status, 200);
  });

  test('widget.js goes out gzipped to browsers that accept it, and not to those that refuse it', async () => {
    const zipped = await get(port, '/widget.js', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers.vary, 'Accept-Encoding');
    assert.ok(zipped.body.length < widgetSource.length / 2, `gzipped ${zipped.body.length} of ${widgetSource.length} bytes`);
    assert.deepEqual(gunzipSync(zipped.body), widgetSource);

    for (const refusal of ['gzip;q=0, *', 'identity', 'gzip;q=nonsense', 'br']) {
      const plain = await get(port, '/widget.js', { 'accept-encoding': refusal });
      assert.equal(plain.headers['content-encoding'], undefined, refusal);
      assert.deepEqual(plain.body, widgetSource, refusal);
    }
  });

  test('widget.js parses as a classic script: no modules, no build step', () => {
    assert.doesNotThrow(() => new Script(widgetSource.toString('utf8'), { filename: 'widget.js' }));
    assert.doesNotMatch(widgetSource.toString('utf8'), /^\s*(import|export)\s/m);
  });

  test('the demo page embeds the widget with one script tag and shows the snippet for this gateway', async () => {
    const reply = await get(port, '/', { host: 'voice.example.com:8443' });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(reply.headers['content-security-policy']), /connect-src 'self'/);
    const html = reply.body.toString('utf8');
    assert.match(html, /<script src="\/widget\.js"[^>]* async><\/script>/);
    assert.ok(html.includes('&lt;script src="http://voice.example.com:8443/widget.js"'), 'the snippet names this gateway');
    assert.doesNotMatch(html, /https?:\/\/(?!voice\.example\.com)[\w.-]+\.(com|net|org|io)\//, 'no external CDN or font');
  });

  test('a forged Host header cannot put markup into the demo page', async () => {
    const reply = await get(port, '/', { 'x-forwarded-host': 'evil"><script>alert(1)</script>' });
    const html = reply.body.toString('utf8');
    assert.equal(reply.status, 200);
    assert.ok(!html.includes('<script>alert(1)'), 'the header is not written as markup');
    assert.ok(html.includes('evil&#34;&#62;&#60;script&#62;'), 'it is shown as text');
  });
});
