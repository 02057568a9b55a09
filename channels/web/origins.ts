// Which pages may use the widget, and the CORS headers they get. The gateway's own origin (the demo page) is always
// allowed; other sites are listed in WIDGET_ALLOWED_ORIGINS. Origins are compared in URL-normalised form, so
// https://Example.com:443 and https://example.com are the same page.
import type { HttpRequest } from '../../src/core/channel.ts';

/** `https://example.com` from any spelling of it, or null for anything that is not an http(s) origin ("null", paths). */
export function normaliseOrigin(value: string | undefined): string | null {
  if (!value || value === 'null') return null;
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

export class OriginPolicy {
  readonly #allowed: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[]) {
    const allowed = new Set<string>();
    for (const origin of allowedOrigins) {
      const normal = normaliseOrigin(origin);
      if (!normal) throw new Error(`WIDGET_ALLOWED_ORIGINS: "${origin}" is not an http(s) origin such as https://shop.example.com`);
      allowed.add(normal);
    }
    this.#allowed = allowed;
  }

  /** The request's page origin when it may use the widget, else null. */
  allowedOriginOf(request: HttpRequest): string | null {
    const origin = normaliseOrigin(request.headers.origin);
    if (!origin) return null;
    return origin === normaliseOrigin(request.publicOrigin) || this.#allowed.has(origin) ? origin : null;
  }
}

/** Headers that let the page at `origin` read our reply. */
export function corsHeaders(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, vary: 'Origin' };
}

/** The reply to a CORS preflight from an allowed page. */
export function preflightHeaders(origin: string): Record<string, string> {
  return {
    ...corsHeaders(origin),
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
    'access-control-max-age': '600',
  };
}
