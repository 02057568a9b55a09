// The widget's HTTP endpoints against a real server, as pages (and people pretending to be pages) call them.
import { WEB_CAPABILITIES } from './web-call.ts';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { RTCPeerConnection } from 'werift';
import type { HttpRequest } from '../../src/core/channel.ts';
import { postJson, WebRtcClient } from '../../test/fakes/webrtc-client.ts';
import { OriginPolicy } from './origins.ts';
import { startWebHarness, type WebHarness } from './test-harness.ts';
import { createPreflightRoute, pickLocale } from './widget-routes.ts';
import { WidgetTokens } from './widget-token.ts';

const SECRET = 'routes-test-secret-0123456789abcdef';
const PARTNER = 'https://shop.example.com';
const OTHER_PARTNER = 'https://clinic.example.org';

describe('widget HTTP endpoints', () => {
  let harness: WebHarness;
  let origin: string;
  let offerSdp: string;
  const clients: WebRtcClient[] = [];

  before(async () => {
    harness = await startWebHarness({ secret: SECRET, allowedOrigins: [PARTNER, `${OTHER_PARTNER}/`], offersPerMinute: 1000 });
    origin = harness.baseUrl;
    const client = new WebRtcClient();
    clients.push(client);
    offerSdp = await client.createOffer();
  });

  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await harness.close();
  });

  const session = (from: string | undefined, body: unknown = {}) => postJson(`${harness.baseUrl}/widget/session`, body, from === undefined ? {} : { origin: from });
  const offer = (from: string | undefined, body: unknown) => postJson(`${harness.baseUrl}/widget/offer`, body, from === undefined ? {} : { origin: from });
  const tokenFor = async (from: string) => (await session(from)).body.token as string;

  describe('POST /widget/session', () => {
    it('gives the gateway\'s own page a token, the ICE servers and the languages, readable through CORS', async () => {
      const reply = await session(origin, { locale: 'pt-br' });
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('access-control-allow-origin'), origin);
      assert.equal(reply.headers.get('vary'), 'Origin');
      assert.match(reply.body.token, /^[\w-]+\.[\w-]+$/);
      assert.ok(reply.body.expiresAt > Date.now() + 100_000 && reply.body.expiresAt <= Date.now() + 120_000);
      assert.deepEqual(reply.body.iceServers, []);
      assert.deepEqual(reply.body.locales, ['en', 'hi', 'pt-BR']);
      assert.equal(reply.body.defaultLocale, 'pt-BR', 'the page\'s language, matched to the configured spelling');
    });

    it('serves the partner sites in WIDGET_ALLOWED_ORIGINS, however they spell their origin', async () => {
      for (const [from, expected] of [[PARTNER, PARTNER], ['https://SHOP.example.com:443', PARTNER], [OTHER_PARTNER, OTHER_PARTNER]] as const) {
        const reply = await session(from);
        assert.equal(reply.status, 200, from);
        assert.equal(reply.headers.get('access-control-allow-origin'), expected);
      }
    });

    it('refuses any other page with 403 and no CORS headers', async () => {
      for (const from of ['https://evil.example', 'http://shop.example.com', 'null', undefined]) {
        const reply = await session(from);
        assert.equal(reply.status, 403, String(from));
        assert.equal(reply.headers.get('access-control-allow-origin'), null);
        assert.match(reply.body.error, /may not use the widget/);
      }
    });

    it('refuses a body that is not JSON or a locale that is not a language tag', async () => {
      assert.equal((await session(origin, '{oops')).status, 400);
      const badLocale = await session(origin, { locale: '<script>' });
      assert.equal(badLocale.status, 400);
      assert.match(badLocale.body.error, /locale/);
      assert.equal((await session(origin, '')).status, 200, 'an empty body is an empty request');
    });
  });

  describe('POST /widget/offer', () => {
    it('answers a good offer with SDP and a conversation id, prepared for the page\'s site and language', async () => {
      const reply = await offer(PARTNER, { token: await tokenFor(PARTNER), sdp: offerSdp, locale: 'hi-IN' });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.headers.get('access-control-allow-origin'), PARTNER);
      assert.match(reply.body.sdp, /^v=0\r\n/);
      assert.match(reply.body.sdp, /a=candidate:.* 127\.0\.0\.1 \d+ typ host/, 'a browser on this machine gets a loopback candidate');
      assert.doesNotMatch(reply.body.sdp, / 192\.0\.2\.\d+ \d+ typ/, 'no documentation addresses');
      assert.match(reply.body.sdp, /a=rtpmap:\d+ (?:OPUS|opus)\/48000\/2/);
      assert.doesNotMatch(reply.body.sdp, /PCMU/, 'Opus only');
      assert.equal(typeof reply.body.conversationId, 'string');
      assert.deepEqual(harness.prepared.at(-1), { channel: 'web', capabilities: WEB_CAPABILITIES, locale: 'hi', to: PARTNER });
    });

    it('accepts the body as text/plain too (a cross-site page can then skip the preflight)', async () => {
      const reply = await postJson(`${harness.baseUrl}/widget/offer`, JSON.stringify({ token: await tokenFor(origin), sdp: offerSdp }), { origin, contentType: 'text/plain;charset=UTF-8' });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
    });

    it('401 for a missing, forged or expired token', async () => {
      const token = await tokenFor(origin);
      const [body, signature] = token.split('.') as [string, string];
      const forged = `${body.slice(0, -2)}${body.endsWith('A') ? 'B' : 'A'}A.${signature}`;
      const stale = new WidgetTokens(SECRET, () => Date.now() - 121_000).issue(origin).token;
      const otherKey = new WidgetTokens('some-other-secret-0123456789abcdef').issue(origin).token;
      for (const [what, value] of [['missing', undefined], ['forged', forged], ['expired', stale], ['signed elsewhere', otherKey], ['not a string', 42]] as const) {
        const reply = await offer(origin, { token: value, sdp: offerSdp });
        assert.equal(reply.status, 401, what);
        assert.match(reply.body.error, what === 'expired' ? /expired/ : /invalid session token/, what);
      }
    });

    it('403 when a page spends a token issued to another page', async () => {
      const reply = await offer(OTHER_PARTNER, { token: await tokenFor(PARTNER), sdp: offerSdp });
      assert.equal(reply.status, 403);
      assert.match(reply.body.error, /another page/);
      assert.equal((await offer(undefined, { token: await tokenFor(PARTNER), sdp: offerSdp })).status, 403, 'no Origin at all');
    });

    it('400 "not an SDP offer" for garbage SDP, and 400 for an offer without audio', async () => {
      const token = await tokenFor(origin);
      for (const garbage of ['hello', 'v=0\r\nthis is not sdp', '']) {
        const reply = await offer(origin, { token, sdp: garbage });
        assert.equal(reply.status, 400);
        assert.match(reply.body.error, /not an SDP offer/);
      }
      const dataOnly = new RTCPeerConnection({ iceServers: [] });
      dataOnly.createDataChannel('chat');
      await dataOnly.setLocalDescription(await dataOnly.createOffer());
      const noAudio = await offer(origin, { token, sdp: dataOnly.localDescription!.sdp });
      await dataOnly.close();
      assert.equal(noAudio.status, 400);
      assert.match(noAudio.body.error, /no audio/);
      // Audio, but not a codec we speak: werift refuses it, the page hears why.
      const pcmuOnly = offerSdp.replace(/^m=audio (\d+) (\S+) .*$/m, 'm=audio $1 $2 0').replace(/^a=rtpmap:(?!0 ).*\r\n/gm, '');
      const noOpus = await offer(origin, { token, sdp: pcmuOnly });
      assert.equal(noOpus.status, 400, JSON.stringify(noOpus.body));
    });

    it('400 for a body that is not JSON, and for one over the limit; the server itself caps bodies at 1 MiB (413)', async () => {
      const notJson = await offer(origin, '{"token": ');
      assert.equal(notJson.status, 400);
      assert.match(notJson.body.error, /not JSON/);
      const large = await offer(origin, { token: await tokenFor(origin), sdp: `${offerSdp}a=x:${'y'.repeat(100_000)}\r\n` });
      assert.equal(large.status, 400);
      assert.match(large.body.error, /too large/);
      assert.equal(await rawPost(`${harness.baseUrl}/widget/offer`, origin, Buffer.alloc(2 * 1024 * 1024, 0x78)), 413);
      const good = await offer(origin, { token: await tokenFor(origin), sdp: offerSdp });
      assert.equal(good.status, 200, 'the endpoint still serves the next page');
    });
  });

  it('answers CORS preflights for allowed pages only', () => {
    const preflight = createPreflightRoute(new OriginPolicy([PARTNER]));
    const request = (from?: string): HttpRequest => ({
      method: 'OPTIONS', url: '/widget/offer', path: '/widget/offer', query: {}, headers: from ? { origin: from } : {},
      publicOrigin: 'https://voice.example.com', remoteAddress: '203.0.113.5', rawBody: new Uint8Array(0), form: {},
    });
    const allowed = preflight(request(PARTNER));
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers?.['access-control-allow-origin'], PARTNER);
    assert.match(allowed.headers?.['access-control-allow-methods'] ?? '', /POST/);
    assert.match(allowed.headers?.['access-control-allow-headers'] ?? '', /content-type/);
    assert.equal(preflight(request('https://voice.example.com')).status, 204, 'the gateway\'s own page');
    const refused = preflight(request('https://evil.example'));
    assert.equal(refused.status, 403);
    assert.equal(refused.headers?.['access-control-allow-origin'], undefined);
  });

  it('picks a served language for what the page asked', () => {
    const locales = ['hi', 'en-IN', 'pt-BR', 'es-419'];
    assert.deepEqual(
      ['hi', 'HI', 'hi-IN', 'en-US', 'pt', 'es-MX', 'fr', undefined].map((requested) => pickLocale(requested, locales, 'en-IN')),
      ['hi', 'hi', 'hi', 'en-IN', 'pt-BR', 'es-419', 'en-IN', 'en-IN'],
    );
  });
});

/** The status of a POST sent with node:http (fetch reports a reset when the server answers before reading it all). */
function rawPost(url: string, origin: string, body: Buffer): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { origin, 'content-type': 'application/json', 'content-length': String(body.length) } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('widget HTTP endpoints under pressure', () => {
  it('429 past the offers per minute of one address; the refused attempts do not count', async () => {
    const harness = await startWebHarness({ offersPerMinute: 3 });
    const client = new WebRtcClient();
    try {
      const origin = harness.baseUrl;
      const sdp = await client.createOffer();
      const token = (await postJson(`${origin}/widget/session`, {}, { origin })).body.token;
      const statuses: number[] = [];
      // Bad requests count too: a loop of forged tokens is limited like a loop of calls.
      statuses.push((await postJson(`${origin}/widget/offer`, { token: 'forged.x', sdp }, { origin })).status);
      for (let i = 0; i < 3; i++) statuses.push((await postJson(`${origin}/widget/offer`, { token, sdp }, { origin })).status);
      assert.deepEqual(statuses.slice(0, 3), [401, 200, 200]);
      assert.equal(statuses[3], 429);
      const reply = await postJson(`${origin}/widget/offer`, { token, sdp }, { origin });
      assert.equal(reply.status, 429);
      assert.match(reply.body.error, /too many/);
      assert.equal(reply.headers.get('access-control-allow-origin'), origin, 'the page can read why');
    } finally {
      await client.close();
      await harness.close();
    }
  });

  it('503 for sessions and offers while the gateway drains', async () => {
    const harness = await startWebHarness();
    const client = new WebRtcClient();
    try {
      const origin = harness.baseUrl;
      const sdp = await client.createOffer();
      const token = (await postJson(`${origin}/widget/session`, {}, { origin })).body.token;
      await harness.stopChannel();
      assert.equal((await postJson(`${origin}/widget/session`, {}, { origin })).status, 503);
      const reply = await postJson(`${origin}/widget/offer`, { token, sdp }, { origin });
      assert.equal(reply.status, 503);
      assert.equal(harness.prepared.length, 0, 'no conversation was prepared');
    } finally {
      await client.close();
      await harness.close();
    }
  });
});
