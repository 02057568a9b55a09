// Pseudonyms: one per customer whatever the spelling of their address, unguessable without the secret.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeSubject, Pseudonyms } from './pseudonyms.ts';

const SECRET = 'a-test-secret-of-some-length';

describe('Pseudonyms', () => {
  it('gives a phone number the same pseudonym from Twilio, the WhatsApp Cloud API and Baileys', () => {
    const keys = new Pseudonyms(SECRET);
    const spellings = ['+919876543210', '919876543210', '+91 98765-43210', '919876543210@s.whatsapp.net', '919876543210:7@s.whatsapp.net', '00919876543210'];
    assert.equal(new Set(spellings.map((spelling) => keys.subject(spelling))).size, 1);
    assert.notEqual(keys.subject('+919876543211'), keys.subject('+919876543210'));
  });

  it('never contains the number, and differs with another secret', () => {
    const pseudonym = new Pseudonyms(SECRET).subject('+5511987654321');
    assert.match(pseudonym, /^[0-9a-f]{32}$/);
    assert.ok(!pseudonym.includes('987654321'));
    assert.notEqual(new Pseudonyms(`${SECRET}-rotated`).subject('+5511987654321'), pseudonym);
  });

  it('keeps conversation ids and addresses apart even when the strings are equal', () => {
    const keys = new Pseudonyms(SECRET);
    assert.notEqual(keys.conversation('+919876543210'), keys.subject('+919876543210'));
  });

  it('refuses a short secret', () => {
    assert.throws(() => new Pseudonyms('short'), RangeError);
  });

  it('leaves addresses that are not phone numbers as they are, trimmed', () => {
    assert.equal(normalizeSubject('  visitor-7f3a  '), 'visitor-7f3a');
    assert.equal(normalizeSubject('+55 (11) 98765-4321'), '+5511987654321');
  });
});
