// The operator dashboard at /admin: one HTML page, its ES modules and its stylesheet, read from ./public once at
// start. The page itself holds no data and asks for the admin token in the browser; every figure comes from the
// admin API with that token. Without ADMIN_TOKEN nothing is registered, so /admin answers 404 like the API does.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ChannelHttp, HttpReply, HttpRequest } from '../../core/channel.ts';

export const DASHBOARD_PATH = '/admin';
export const DASHBOARD_ASSETS = '/admin/assets';

export interface DashboardOptions {
  /** ADMIN_TOKEN; unset disables the dashboard. */
  readonly adminToken: string | undefined;
}

const PUBLIC_DIR = new URL('./public/', import.meta.url);

/** The files the page loads; nothing else under /admin/assets exists. */
const ASSETS: Readonly<Record<string, string>> = {
  'dashboard.js': 'text/javascript; charset=utf-8',
  'api.js': 'text/javascript; charset=utf-8',
  'format.js': 'text/javascript; charset=utf-8',
  'dom.js': 'text/javascript; charset=utf-8',
  'chart-scale.js': 'text/javascript; charset=utf-8',
  'charts.js': 'text/javascript; charset=utf-8',
  'tables.js': 'text/javascript; charset=utf-8',
  'conversation-view.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
};

/**
 * Only this gateway's own files and API: no inline script or style (the page builds its DOM with createElement and
 * SVG attributes), no framing (clickjacking an operator), no form posting anywhere.
 */
export const DASHBOARD_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const COMMON_HEADERS = {
  'content-security-policy': DASHBOARD_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // Revalidated on every load (the ETag makes that a 304), so a new gateway version shows its new page at once.
  'cache-control': 'no-cache',
};

interface Asset {
  readonly body: Buffer;
  readonly etag: string;
  readonly contentType: string;
}

export function registerDashboard(http: ChannelHttp, options: DashboardOptions): void {
  if (!options.adminToken) return;
  const page = readAsset('index.html', 'text/html; charset=utf-8');
  http.route('GET', DASHBOARD_PATH, (request) => serve(page, request));
  http.route('GET', `${DASHBOARD_PATH}/`, (request) => serve(page, request));
  for (const [name, contentType] of Object.entries(ASSETS)) {
    const asset = readAsset(name, contentType);
    http.route('GET', `${DASHBOARD_ASSETS}/${name}`, (request) => serve(asset, request));
  }
}

function readAsset(name: string, contentType: string): Asset {
  const body = readFileSync(new URL(name, PUBLIC_DIR));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
  return { body, etag, contentType };
}

function serve(asset: Asset, request: HttpRequest): HttpReply {
  const headers = { ...COMMON_HEADERS, 'content-type': asset.contentType, etag: asset.etag };
  const tags = request.headers['if-none-match']?.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (tags?.includes(asset.etag)) return { status: 304, headers };
  return { status: 200, headers, body: asset.body };
}
