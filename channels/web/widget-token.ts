// Short-lived widget session tokens: a page asks POST /widget/session for one, then spends it on POST /widget/offer.
// Shape: base64url(JSON {o: origin, e: expiry ms, n: nonce}) '.' base64url(HMAC-SHA256(secret, first part)).
// Stateless on purpose: any instance sharing WIDGET_SECRET can check a token another one issued.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const TOKEN_LIFETIME_MS = 120_000;
/** Far more than a real token (~150 characters); longer input is refused before any hashing. */
const MAX_TOKEN_CHARS = 1024;

const claimsSchema = z.object({ o: z.string().min(1).max(512), e: z.number().int().positive(), n: z.string().min(8).max(64) });

export interface TokenClaims {
  /** The page origin the token was issued to. */
  readonly origin: string;
  readonly expiresAt: number;
}

export type TokenCheck = { readonly ok: true; readonly claims: TokenClaims } | { readonly ok: false; readonly reason: 'malformed' | 'bad-signature' | 'expired' };

export class WidgetTokens {
  readonly #secret: Buffer;

  /** `secret` signs every token; without one, a random per-process key (tokens then die with a restart). */
  constructor(secret?: string, private readonly now: () => number = Date.now) {
    this.#secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  issue(origin: string, lifetimeMs: number = TOKEN_LIFETIME_MS): { token: string; expiresAt: number } {
    const expiresAt = this.now() + lifetimeMs;
    const body = Buffer.from(JSON.stringify({ o: origin, e: expiresAt, n: randomBytes(12).toString('base64url') })).toString('base64url');
    return { token: `${body}.${this.#sign(body).toString('base64url')}`, expiresAt };
  }

  check(token: unknown): TokenCheck {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed' };
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return { ok: false, reason: 'malformed' };
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = this.#sign(body);
    // timingSafeEqual needs equal lengths; the length of an HMAC is public anyway.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
    let claims: z.infer<typeof claimsSchema>;
    try {
      const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
      if (!parsed.success) return { ok: false, reason: 'malformed' };
      claims = parsed.data;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (claims.e <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, claims: { origin: claims.o, expiresAt: claims.e } };
  }

  #sign(body: string): Buffer {
    return createHmac('sha256', this.#secret).update(body).digest();
  }
}
