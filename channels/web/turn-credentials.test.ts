import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { iceServersForPage, TURN_CREDENTIAL_TTL_S } from './turn-credentials.ts';

const servers = [{ urls: ['stun:stun.example.com:3478'] }, { urls: ['turn:turn.example.com:3478', 'turns:turn.example.com:5349'], username: 'fixed', credential: 'fixed-password' }];

test('with a shared secret each page gets its own TURN credential, valid for an hour, that the TURN server can check', () => {
  const now = Date.parse('2026-11-24T10:00:00Z');
  const [stun, turn] = iceServersForPage(servers, 'coturn-shared-secret', now);
  assert.deepEqual(stun, { urls: ['stun:stun.example.com:3478'] });
  const [expiry] = turn!.username!.split(':');
  assert.equal(Number(expiry), now / 1000 + TURN_CREDENTIAL_TTL_S);
  assert.equal(turn!.credential, createHmac('sha1', 'coturn-shared-secret').update(turn!.username!).digest('base64'), 'coturn use-auth-secret computes the same');
  assert.notEqual(iceServersForPage(servers, 'coturn-shared-secret', now)[1]!.username, turn!.username, 'a new one per session');
});

test('without a secret the configured credentials are passed on as they are', () => {
  assert.deepEqual(iceServersForPage(servers, undefined, 0), servers);
});
