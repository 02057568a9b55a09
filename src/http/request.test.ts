import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { clientAddressOf } from './request.ts';

const request = (remoteAddress: string, forwardedFor?: string): IncomingMessage =>
  ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

test('without trusted proxies the socket is the client, whatever X-Forwarded-For claims', () => {
  assert.equal(clientAddressOf(request('198.51.100.9', '203.0.113.5'), 0), '198.51.100.9');
});

test('behind one proxy the client is the last X-Forwarded-For entry, not what the client wrote before it', () => {
  assert.equal(clientAddressOf(request('10.0.0.2', '1.2.3.4, 203.0.113.5'), 1), '203.0.113.5');
  assert.equal(clientAddressOf(request('10.0.0.2', '203.0.113.5, 10.0.0.9'), 2), '203.0.113.5');
  assert.equal(clientAddressOf(request('10.0.0.2'), 1), '10.0.0.2', 'no header: the socket');
});
