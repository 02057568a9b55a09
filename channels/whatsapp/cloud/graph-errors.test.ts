// What each Graph error means for the shared layer: retry later, give up, stop the account, or send a template.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphSendError, isAuthFailure, kindOf } from './graph-errors.ts';

const body = (code: number, message = 'Meta says no', details?: string) =>
  JSON.stringify({ error: { message: `(#${code}) ${message}`, type: 'OAuthException', code, error_data: { messaging_product: 'whatsapp', details }, fbtrace_id: 'AbCdEf' } });

test('the error code decides before the HTTP status', () => {
  assert.equal(kindOf(400, { code: 131047 }), 'window');
  assert.equal(kindOf(400, { code: 130429 }), 'retryable');
  assert.equal(kindOf(400, { code: 131056 }), 'retryable');
  assert.equal(kindOf(400, { code: 4 }), 'retryable');
  assert.equal(kindOf(500, { code: 3 }), 'rejected', 'a permission problem Meta returns as a 500 will not pass on retry');
  assert.equal(kindOf(500, { code: 131026 }), 'rejected');
  assert.equal(kindOf(403, { code: 200 }), 'rejected');
  assert.equal(kindOf(400, { code: 131031 }), 'banned');
  assert.equal(kindOf(403, { code: 368 }), 'banned');
});

test('without a known code the HTTP status decides: 429 and 5xx are retryable, other 4xx are not', () => {
  assert.equal(kindOf(429, undefined), 'retryable');
  assert.equal(kindOf(502, undefined), 'retryable');
  assert.equal(kindOf(500, { code: 987654 }), 'retryable');
  assert.equal(kindOf(400, { code: 987654 }), 'rejected');
  assert.equal(kindOf(404, undefined), 'rejected');
});

test('the SendError carries Meta\'s code, message, details and trace id, and the status', () => {
  const error = graphSendError('text reply', 400, body(131026, 'Message Undeliverable', 'the recipient is not on WhatsApp'));
  assert.equal(error.kind, 'rejected');
  assert.equal(error.status, 400);
  assert.equal(error.message, 'text reply failed with HTTP 400 (Meta: code 131026: (#131026) Message Undeliverable - the recipient is not on WhatsApp [fbtrace_id AbCdEf])');
});

test('a body that is not a Graph error (a proxy\'s HTML page) is quoted briefly', () => {
  const error = graphSendError('voice note upload', 502, '<html><body>Bad Gateway</body></html>');
  assert.equal(error.kind, 'retryable');
  assert.match(error.message, /HTTP 502 \(Meta: a non-Graph answer: <html><body>Bad Gateway/);
});

test('token failures are recognised by status or code', () => {
  assert.equal(isAuthFailure(401, undefined), true);
  assert.equal(isAuthFailure(400, { code: 190 }), true);
  assert.equal(isAuthFailure(403, { code: 200 }), true);
  assert.equal(isAuthFailure(400, { code: 131047 }), false);
});
