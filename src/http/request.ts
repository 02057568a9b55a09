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

/**
 * The client's address. Behind a TLS proxy every request comes from the proxy, so with `trustedProxies` hops the
 * client is the X-Forwarded-For entry that many places from the right (each proxy appends the address it saw;
 * entries further left are whatever the client claimed).
 */
export function clientAddressOf(req: IncomingMessage, trustedProxies: number): string {
  const socket = req.socket.remoteAddress ?? '';
  if (trustedProxies <= 0) return socket;
  const forwarded = (firstHeader(req.headers['x-forwarded-for']) ?? '').split(',').map((part) => part.trim()).filter(Boolean);
  return forwarded[forwarded.length - trustedProxies] ?? forwarded[0] ?? socket;
}

export function toHttpRequest(req: IncomingMessage, rawBody: Uint8Array, publicUrl: string | undefined, trustedProxies = 0): HttpRequest {
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
    remoteAddress: clientAddressOf(req, trustedProxies),
    rawBody,
    form,
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
