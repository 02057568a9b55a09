// What every admin route shares: the bearer-token check (404 when the admin API is off, 401, 403) and JSON replies
// that no proxy or browser keeps.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpReply, HttpRequest } from '../core/channel.ts';

export const ADMIN_PREFIX = '/admin/api';

/** The reply that refuses an admin request (404 without ADMIN_TOKEN, 401, 403), or undefined to let it through. */
export function adminRefusal(request: HttpRequest, adminToken: string | undefined): HttpReply | undefined {
  if (!adminToken) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not Found' };
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '');
  if (!match) return { ...json(401, { error: 'an Authorization: Bearer <ADMIN_TOKEN> header is required' }), headers: { ...JSON_HEADERS, 'www-authenticate': 'Bearer realm="admin"' } };
  if (!sameSecret(match[1]!, adminToken)) return json(403, { error: 'wrong admin token' });
  return undefined;
}

/** Wraps a handler so it runs only for a request that passes adminRefusal. */
export function guardedBy(adminToken: string | undefined) {
  return (handler: (request: HttpRequest) => Promise<HttpReply>) => async (request: HttpRequest) =>
    adminRefusal(request, adminToken) ?? (await handler(request));
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(status: number, body: unknown): HttpReply {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}
