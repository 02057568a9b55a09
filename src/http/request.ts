// Turns a Node request into the framework-free HttpRequest that channels see.
import type { IncomingMessage } from 'node:http';
import type { HttpRequest } from '../core/channel.ts';

/** The origin the client used: PUBLIC_URL when set, else derived from the proxy headers and Host. */
export function publicOriginOf(req: IncomingMessage, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const forwardedProto = firstHeader(req.headers['x-forwarded-proto']);
  const forwardedHost = firstHeader(req.headers['x-forwarded-host']);
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const proto = forwardedProto?.split(',')[0]?.trim() || (encrypted ? 'https' : 'http');
  const host = forwardedHost?.split(',')[0]?.trim() || req.headers.host || 'localhost';
  return `${proto}://${host}`;
}

export function toHttpRequest(req: IncomingMessage, rawBody: Uint8Array, publicUrl: string | undefined): HttpRequest {
  const url = req.url ?? '/';
  const parsed = new URL(url, 'http://placeholder');
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) headers[name] = firstHeader(value);
  const contentType = headers['content-type'] ?? '';
  const form = contentType.startsWith('application/x-www-form-urlencoded')
    ? Object.fromEntries(new URLSearchParams(Buffer.from(rawBody).toString('utf8')))
    : {};
  return {
    method: req.method ?? 'GET',
    url,
    path: parsed.pathname,
    query: Object.fromEntries(parsed.searchParams),
    headers,
    publicOrigin: publicOriginOf(req, publicUrl),
    remoteAddress: req.socket.remoteAddress ?? '',
    rawBody,
    form,
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
