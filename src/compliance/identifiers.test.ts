// Identifiers without check digits: their structure is all there is, so the edges of it are tested here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indianMobileNational, isEmail, isIndianMobile, isUpiId, isValidPan } from './identifiers.ts';

test('PAN: five letters, four digits, a letter, with a valid holder status in fourth place', () => {
  assert.ok(isValidPan('ABCPE1234F'));
  assert.ok(isValidPan('AAACB1234C')); // company
  assert.ok(!isValidPan('ABCXE1234F'), 'X is no holder status');
  assert.ok(!isValidPan('ABCPE12345'));
  assert.ok(!isValidPan('abcpe1234f'), 'callers upper-case first');
  assert.ok(!isValidPan('ABCPE1234FG'));
});

test('Indian mobile: 6-9 then nine digits, after +91, 91 or 0', () => {
  for (const number of ['9876543210', '+91 98765 43210', '+91-98765-43210', '09876543210', '919876543210', '6000000000']) {
    assert.ok(isIndianMobile(number), number);
  }
  for (const number of ['5876543210', '1234567890', '987654321', '98765432101', '929876543210']) {
    assert.ok(!isIndianMobile(number), number);
  }
  assert.equal(indianMobileNational('919876543210'), '9876543210');
});

test('UPI ids and e-mail addresses are told apart by the host', () => {
  assert.ok(isUpiId('rahul.k@okhdfcbank'));
  assert.ok(isUpiId('9876543210@ybl'));
  assert.ok(isUpiId('priya-s@newbankpay'), 'an unlisted handle that follows the VPA grammar');
  assert.ok(!isUpiId('priya@example.com'));
  assert.ok(!isUpiId('a@ybl'), 'a name of one character');
  assert.ok(!isUpiId('rahul@ok1bank'), 'handles are letters only');
  assert.ok(isEmail('priya@example.com'));
  assert.ok(isEmail('first.last+tag@mail.example.co.in'));
  assert.ok(!isEmail('rahul@okhdfcbank'));
  assert.ok(!isEmail('priya@example.c'), 'a one-letter top-level domain');
  assert.ok(!isEmail('.priya@example.com'));
  assert.ok(!isEmail('priya@-example.com'));
});
