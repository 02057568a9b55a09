// The browser side of the web channel as files: GET /widget.js, which any allowed site embeds with one script tag,
// and GET /, the demo page. Both are read once when the channel starts; the demo page only gets the public origin
// written into its embed snippet.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { ChannelHttp, HttpReply, HttpRequest } from '../../src/core/channel.ts';

export const WIDGET_PATH = '/widget.js';
export const DEMO_PATH = '/';

const PUBLIC_DIR = new URL('./public/', import.meta.url);

/** Short, so a new widget reaches every site within minutes; the ETag makes each revalidation a 304. */
const WIDGET_CACHE = 'public, max-age=300, stale-while-revalidate=86400';

/** The demo page loads nothing but itself and the widget, and talks only to this gateway. */
const DEMO_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly etag: string;
}

export function registerWidgetAssets(http: ChannelHttp): void {
  const widget = readAsset('widget.js');
  const demo = readFileSync(new URL('demo.html', PUBLIC_DIR), 'utf8');
  http.route('GET', WIDGET_PATH, (request) => serveWidget(widget, request));
  http.route('GET', DEMO_PATH, (request) => serveDemo(demo, request));
}

function readAsset(name: string): Asset {
  const body = readFileSync(new URL(name, PUBLIC_DIR));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, gzipped: gzipSync(body, { level: 9 }), etag };
}

function serveWidget(asset: Asset, request: HttpRequest): HttpReply {
  const headers: Record<string, string> = {
    'content-type': 'text/javascript; charset=utf-8',
    'cache-control': WIDGET_CACHE,
    etag: asset.etag,
    vary: 'Accept-Encoding',
    // Any page may load the script (the gateway decides which origins may start a session), also with crossorigin.
    'access-control-allow-origin': '*',
    'cross-origin-resource-policy': 'cross-origin',
    'x-content-type-options': 'nosniff',
  };
  if (matchesEtag(request.headers['if-none-match'], asset.etag)) return { status: 304, headers };
  if (acceptsGzip(request.headers['accept-encoding'])) {
    return { status: 200, headers: { ...headers, 'content-encoding': 'gzip' }, body: asset.gzipped };
  }
  return { status: 200, headers, body: asset.body };
}

function serveDemo(template: string, request: HttpRequest): HttpReply {
  return {
    status: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': DEMO_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    },
    // The origin comes from Host or X-Forwarded-Host when PUBLIC_URL is unset: never trust it as markup.
    body: template.split('{{origin}}').join(escapeHtml(request.publicOrigin)),
  };
}

/** If-None-Match holds a list of tags, maybe weak (W/"..."), or *. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/** Accept-Encoding weighs each coding; an explicit gzip;q=0 means "never gzip", even next to *. */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const weights = new Map<string, number>();
  for (const entry of header.split(',')) {
    const [coding = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    weights.set(coding, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  return (weights.get('gzip') ?? weights.get('*') ?? 0) > 0;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
