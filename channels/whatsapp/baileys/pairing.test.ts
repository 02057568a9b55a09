// Linking the number: the QR text or the pairing code reaches the admin getter and the terminal, a code is asked for
// once per socket when a number is configured, and bad settings are refused with a clear message.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GatewayError } from '../../../src/errors.ts';
import { silentLogger } from '../../../src/log.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { waitUntil } from '../../../test/wait.ts';
import { createBaileysTransport } from './index.ts';
import { startHarness } from './test-kit.ts';

const QR_1 = '2@first-ref,bm9pc2U=,aWRlbnRpdHk=,YWR2,1';
const QR_2 = '2@second-ref,bm9pc2U=,aWRlbnRpdHk=,YWR2,1';

describe('pairing the WhatsApp number', () => {
  test('QR codes are shown as they rotate, printed as a picture with instructions, then connected', async () => {
    const h = await startHarness();
    assert.equal(h.handle.pairing().status, 'connecting');
    h.sockets.latest.qr(QR_1);
    assert.deepEqual({ status: h.handle.pairing().status, qr: h.handle.pairing().qr }, { status: 'qr', qr: QR_1 });
    h.sockets.latest.qr(QR_2);
    assert.equal(h.handle.pairing().qr, QR_2);
    assert.equal(h.printed.length, 2);
    assert.match(h.printed[1]!, /█/, 'a QR picture');
    assert.match(h.printed[1]!, /Linked devices > Link a device/);
    assert.ok(h.printed[1]!.includes(QR_2), 'the raw text too, for a QR generator or the admin page');
    assert.deepEqual(h.sockets.latest.pairingCodeRequests, [], 'no code without a configured number');

    h.sockets.latest.open();
    const state = h.handle.pairing();
    assert.equal(state.status, 'connected');
    assert.equal(state.qr, undefined, 'a used QR is no longer shown');
    assert.equal(state.user, '911234567890:7@s.whatsapp.net');
    await h.handle.stop();
    assert.equal(h.handle.pairing().status, 'stopped');
  });

  test('with a number configured, a pairing code is asked for once, on the first QR, and shown', async () => {
    const h = await startHarness({ number: '+91 12345-67890' });
    h.sockets.latest.qr(QR_1);
    await waitUntil(h.changes, () => h.handle.pairing().status === 'code', 'the pairing code');
    h.sockets.latest.qr(QR_2);
    assert.deepEqual(h.sockets.latest.pairingCodeRequests, ['911234567890']);
    const state = h.handle.pairing();
    assert.equal(state.status, 'code');
    assert.equal(state.code, 'ABCD2345');
    assert.equal(state.qr, QR_2, 'the QR stays available as a fallback');
    assert.ok(h.printed.some((text) => text.includes('ABCD-2345') && /Link with phone number instead/.test(text)));
    await h.handle.stop();
  });

  test('when the code cannot be had, the QR is still offered', async () => {
    const h = await startHarness({ number: '911234567890' });
    h.sockets.latest.requestPairingCode = async () => {
      throw new Error('Connection Closed');
    };
    h.sockets.latest.qr(QR_1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(h.handle.pairing().status, 'qr');
    assert.equal(h.handle.pairing().qr, QR_1);
    await h.handle.stop();
  });

  test('a bad pairing number or account name is refused at creation with a clear message', () => {
    const base = { store: new MemoryStore(), log: silentLogger, groups: false };
    assert.throws(
      () => createBaileysTransport({ ...base, account: 'shop', number: '98765' }),
      (error: unknown) => error instanceof GatewayError && error.code === 'config_invalid' && /country code/.test(error.message),
    );
    assert.throws(() => createBaileysTransport({ ...base, account: 'shop:main' }), /account name "shop:main"/);
    assert.throws(() => createBaileysTransport({ ...base, account: '' }), GatewayError);
  });

  test('starting twice is refused', async () => {
    const h = await startHarness();
    assert.throws(() => h.handle.start(h.sink), /already started/);
    await h.handle.stop();
  });
});
