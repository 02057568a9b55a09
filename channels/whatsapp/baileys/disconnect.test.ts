// What the transport does when WhatsApp closes the socket, driven by Boom errors carrying the real disconnect codes:
// which codes open a new socket (never the old one again), which stop and alert, the 440 loop guard, and backoff.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Boom } from '@hapi/boom';
import { BufferJSON } from '@whiskeysockets/baileys';
import { eventually, waitUntil } from '../../../test/wait.ts';
import type { Store } from '../../../src/core/store.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { SendError } from '../transport.ts';
import { PAIRED, startHarness, type Harness } from './test-kit.ts';

const boom = (statusCode: number, message = 'Connection Failure') => new Boom(message, { statusCode });
const RENEWAL_MS = 10_000; // the lease's renewal delay (TTL 30 s / 3), told apart from backoff delays
const retryDelays = { baseMs: 1_000, maxMs: 8_000 };

/** Closes the newest socket with `error` and waits for the transport's reaction: a socket, a backoff or an alert. */
async function closeWith(h: Harness, error: Error): Promise<'socket' | 'backoff' | 'alert'> {
  const sockets = h.sockets.all.length;
  const delays = h.delays.requested.length;
  const alerts = h.sink.alerts.length;
  h.sockets.latest.close(error);
  let reaction: 'socket' | 'backoff' | 'alert' | undefined;
  await waitUntil(
    h.changes,
    () => {
      if (h.sockets.all.length > sockets) reaction = 'socket';
      else if (h.delays.requested.slice(delays).some((ms) => ms !== RENEWAL_MS)) reaction = 'backoff';
      else if (h.sink.alerts.length > alerts) reaction = 'alert';
      return reaction !== undefined;
    },
    `a reaction to ${error.message}`,
  );
  return reaction!;
}

function backoffsRequested(h: Harness): number[] {
  return h.delays.requested.filter((ms) => ms !== RENEWAL_MS);
}

async function releaseBackoff(h: Harness, ms: number): Promise<void> {
  const sockets = h.sockets.all.length;
  assert.equal(h.delays.release(ms), 1, `one backoff of ${ms} ms was waiting`);
  await waitUntil(h.changes, () => h.sockets.all.length > sockets, 'a new socket after the backoff');
}

describe('Baileys disconnect codes', () => {
  test('515 after pairing: a new socket at once, sharing the same creds, the closed one never reused', async () => {
    const h = await startHarness({ retryDelays });
    const first = h.sockets.latest;
    first.credsUpdate(PAIRED);
    assert.equal(await closeWith(h, boom(515, 'Stream Errored (restart required)')), 'socket');
    const second = h.sockets.latest;
    assert.notEqual(second, first);
    assert.equal(second.settings.auth.creds, first.settings.auth.creds, 'the paired creds carry over');
    assert.deepEqual(backoffsRequested(h), []);
    assert.equal(h.handle.pairing().status, 'connecting');
    second.open();
    assert.equal(h.handle.pairing().status, 'connected');
    assert.equal(h.handle.pairing().user, '911234567890:7@s.whatsapp.net');
    await h.handle.stop();
    assert.ok(second.ended, 'stop ends the live socket');
  });

  test('401 logged out: no new socket, auth wiped, alert, and a new pairing only when asked', async () => {
    const h = await startHarness({ retryDelays });
    const first = h.sockets.latest;
    first.open();
    first.credsUpdate(PAIRED);
    await first.settings.auth.keys.set({ session: { '919876543210.0': Buffer.alloc(8, 1) } });
    await eventually('the creds saved', async () => (await h.store.get('whatsapp:shop:auth:creds')) !== null);
    assert.notEqual(await h.store.get('whatsapp:shop:auth:key:session:919876543210.0'), null);
    assert.equal(await closeWith(h, boom(401, 'Stream Errored (conflict)')), 'alert');
    assert.deepEqual(h.sink.alerts.map((a) => a.kind), ['logged_out']);
    assert.equal(h.sink.alerts[0]!.detail.status, 401);
    assert.equal(h.handle.pairing().status, 'logged_out');
    assert.equal(h.sockets.all.length, 1);
    assert.equal(await h.store.get('whatsapp:shop:auth:creds'), null, 'creds wiped before the alert');
    assert.equal(await h.store.get('whatsapp:shop:auth:key:session:919876543210.0'), null, 'signal keys wiped too');
    first.credsUpdate({ nextPreKeyId: 77 });
    await assert.rejects(Promise.resolve(first.settings.auth.keys.set({ session: { '919876543210.0': Buffer.alloc(8, 2) } })), /retired/);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await h.store.get('whatsapp:shop:auth:creds'), null, 'a late update of the dead socket does not bring the creds back');
    await assert.rejects(h.handle.transport.sendText('919876543210@s.whatsapp.net', 'hello'), (e: unknown) => e instanceof SendError && e.kind === 'retryable');

    h.handle.pair();
    await waitUntil(h.changes, () => h.sockets.all.length === 2, 'a pairing socket');
    const fresh = h.sockets.latest.settings.auth.creds;
    assert.equal(fresh.me, undefined, 'the new socket pairs from scratch');
    assert.ok(!Buffer.from(fresh.noiseKey.private).equals(Buffer.from(first.settings.auth.creds.noiseKey.private)));
    await h.handle.stop();
  });

  test('403 forbidden: stops with an alert and keeps the keys', async () => {
    const h = await startHarness({ retryDelays });
    h.sockets.latest.credsUpdate(PAIRED);
    assert.equal(await closeWith(h, boom(403)), 'alert');
    assert.deepEqual(h.sink.alerts.map((a) => a.kind), ['forbidden']);
    assert.equal(h.handle.pairing().status, 'forbidden');
    assert.equal(h.sockets.all.length, 1);
    const creds = await h.store.get('whatsapp:shop:auth:creds');
    assert.equal(JSON.parse(creds!, BufferJSON.reviver).me.id, '911234567890:7@s.whatsapp.net');
    await h.handle.stop();
  });

  test('440 replaced: reconnects three times within five minutes, then stops and alerts; later ones are allowed again', async () => {
    const h = await startHarness({ retryDelays });
    for (let i = 0; i < 3; i++) {
      h.clock.advance(30_000);
      assert.equal(await closeWith(h, boom(440, 'Stream Errored (conflict)')), 'socket', `replacement ${i + 1} reconnects`);
    }
    h.clock.advance(30_000);
    assert.equal(await closeWith(h, boom(440, 'Stream Errored (conflict)')), 'alert');
    assert.deepEqual(h.sink.alerts.map((a) => a.kind), ['replaced']);
    assert.equal(h.handle.pairing().status, 'replaced');
    assert.equal(h.sockets.all.length, 4);
    assert.deepEqual(backoffsRequested(h), []);

    // An operator closed the other session and asked for the number back.
    h.handle.pair();
    await waitUntil(h.changes, () => h.sockets.all.length === 5, 'a socket after pair()');
    h.clock.advance(6 * 60_000);
    assert.equal(await closeWith(h, boom(440)), 'socket', 'an occasional replacement is fought back');
    await h.handle.stop();
  });

  test('408, 428, 503 and unknown failures back off, doubling up to the cap, and reset once connected', async () => {
    const h = await startHarness({ retryDelays });
    const failures = [boom(408, 'Connection was lost'), boom(428, 'Connection Closed'), boom(503), new Error('getaddrinfo ENOTFOUND web.whatsapp.com'), boom(500, 'Stream Errored (unknown)')];
    const expected = [1_000, 2_000, 4_000, 8_000, 8_000];
    for (const [at, failure] of failures.entries()) {
      assert.equal(await closeWith(h, failure), 'backoff', failure.message);
      assert.equal(h.handle.pairing().status, 'reconnecting');
      assert.equal(h.sockets.all.length, at + 1, 'no socket before the delay ends');
      await releaseBackoff(h, expected[at]!);
    }
    assert.deepEqual(backoffsRequested(h), expected);
    h.sockets.latest.open();
    assert.equal(await closeWith(h, boom(428, 'Connection Closed')), 'backoff');
    assert.equal(backoffsRequested(h).at(-1), 1_000, 'a connection that opened starts the backoff over');
    assert.deepEqual(h.sink.alerts, []);
    await h.handle.stop();
  });

  test('408 "QR refs attempts ended": nobody scanned, so it stops instead of showing codes forever', async () => {
    const h = await startHarness({ retryDelays });
    h.sockets.latest.qr('2@AbCdEf==,NoiseKey==,IdentityKey==,AdvSecret==,0');
    assert.equal(await closeWith(h, boom(408, 'QR refs attempts ended')), 'alert');
    assert.deepEqual(h.sink.alerts.map((a) => a.kind), ['pairing_expired']);
    assert.equal(h.handle.pairing().status, 'pairing_expired');
    assert.equal(h.sockets.all.length, 1);
    await h.handle.stop();
  });

  test('a socket factory that throws counts as a failed connection and is retried after a backoff', async () => {
    let calls = 0;
    const h = await startHarness({
      retryDelays,
      socketFactory: (settings) => {
        calls++;
        if (calls === 1) throw boom(503, 'Service Unavailable');
        return h.sockets.factory(settings);
      },
    });
    await waitUntil(h.changes, () => h.delays.waiting(1_000) === 1, 'a backoff');
    await releaseBackoff(h, 1_000);
    assert.equal(calls, 2);
    await h.handle.stop();
  });
});

describe('Baileys auth state loading', () => {
  test('a store that does not answer at load is retried after a backoff, not given up', async () => {
    const memory = new MemoryStore();
    let failures = 1;
    const store = Object.assign(Object.create(null) as Store, {
      kind: memory.kind,
      acquireLease: memory.acquireLease.bind(memory),
      renewLease: memory.renewLease.bind(memory),
      releaseLease: memory.releaseLease.bind(memory),
      set: memory.set.bind(memory),
      range: memory.range.bind(memory),
      get: async (key: string) => {
        if (failures-- > 0) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
        return memory.get(key);
      },
    });
    const h = await startHarness({ store, retryDelays });
    assert.equal(h.sockets.all.length, 0);
    assert.equal(h.handle.pairing().status, 'reconnecting');
    await waitUntil(h.changes, () => h.delays.waiting(1_000) === 1, 'a backoff');
    await releaseBackoff(h, 1_000);
    assert.equal(h.sockets.all.length, 1);
    await h.handle.stop();
  });
});
