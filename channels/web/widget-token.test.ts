import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { TOKEN_LIFETIME_MS, WidgetTokens } from './widget-token.ts';

const SECRET = 'a-widget-secret-of-at-least-32-characters';

describe('widget session tokens', () => {
  it('a token issued to a page is accepted for that page until it expires', () => {
    let now = 1_000_000;
    const tokens = new WidgetTokens(SECRET, () => now);
    const { token, expiresAt } = tokens.issue('https://shop.example.com');
    assert.equal(expiresAt, 1_000_000 + TOKEN_LIFETIME_MS);
    assert.deepEqual(tokens.check(token), { ok: true, claims: { origin: 'https://shop.example.com', expiresAt } });
    now = expiresAt - 1;
    assert.equal(tokens.check(token).ok, true);
    now = expiresAt;
    assert.deepEqual(tokens.check(token), { ok: false, reason: 'expired' });
  });

  it('two tokens for the same page differ (a random nonce)', () => {
    const tokens = new WidgetTokens(SECRET);
    assert.notEqual(tokens.issue('https://a.example').token, tokens.issue('https://a.example').token);
  });

  it('refuses a token whose claims were edited (another origin, a later expiry)', () => {
    const tokens = new WidgetTokens(SECRET);
    const { token } = tokens.issue('https://shop.example.com');
    const [body, signature] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { o: string; e: number; n: string };
    for (const edited of [{ ...claims, o: 'https://evil.example' }, { ...claims, e: claims.e + 3_600_000 }]) {
      const forged = `${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${signature}`;
      assert.deepEqual(tokens.check(forged), { ok: false, reason: 'bad-signature' });
    }
  });

  it('refuses a token signed with another secret (another deployment, or a restart without WIDGET_SECRET)', () => {
    const theirs = new WidgetTokens('another-secret-that-is-also-32-characters-long').issue('https://shop.example.com').token;
    assert.deepEqual(new WidgetTokens(SECRET).check(theirs), { ok: false, reason: 'bad-signature' });
    assert.equal(new WidgetTokens().check(new WidgetTokens().issue('https://a.example').token).ok, false);
  });

  it('refuses garbage without throwing', () => {
    const tokens = new WidgetTokens(SECRET);
    for (const garbage of [undefined, 42, '', 'no-dot', 'a.b.c', '.sig', 'x'.repeat(5000), `${'a'.repeat(10)}.${'b'.repeat(43)}`]) {
      const result = tokens.check(garbage);
      assert.equal(result.ok, false, String(garbage).slice(0, 20));
    }
  });

  it('refuses a correctly signed body that does not hold our claims', () => {
    const tokens = new WidgetTokens(SECRET);
    const sign = (body: string) => `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    assert.deepEqual(tokens.check(sign(encode({ o: 'https://a.example', e: Date.now() + 60_000, n: 'abcdefgh' }))).ok, true, 'the control case');
    for (const claims of [{ o: 'https://a.example', e: 'later', n: 'abcdefgh' }, { o: 'https://a.example', e: Date.now() + 60_000 }, 'a string']) {
      assert.deepEqual(tokens.check(sign(encode(claims))), { ok: false, reason: 'malformed' }, JSON.stringify(claims));
    }
    assert.deepEqual(tokens.check(sign('not-base64-json')), { ok: false, reason: 'malformed' });
  });
});
