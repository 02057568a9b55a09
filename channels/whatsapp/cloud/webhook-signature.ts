// Proof that a webhook came from Meta: X-Hub-Signature-256 is "sha256=" + the hex HMAC-SHA256 of the raw body, keyed
// with the app secret. It must be checked over the bytes as received (re-serialised JSON differs in escapes and
// spacing), before anything parses them, and compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

export type SignatureVerdict = 'valid' | 'missing' | 'malformed' | 'mismatch';

const SIGNATURE_PATTERN = /^sha256=([0-9a-f]{64})$/i;

export function verifySignature(appSecret: string, header: string | undefined, rawBody: Uint8Array): SignatureVerdict {
  if (!header) return 'missing';
  const match = SIGNATURE_PATTERN.exec(header.trim());
  if (!match) return 'malformed';
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  // Both are 32 bytes here (the pattern fixed the length), as timingSafeEqual requires.
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex')) ? 'valid' : 'mismatch';
}

/** Constant-time equality of two secrets of any length (the verify token of the subscription handshake). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHmac('sha256', 'compare').update(given).digest();
  const b = createHmac('sha256', 'compare').update(expected).digest();
  return timingSafeEqual(a, b);
}
