// The number's auth state in the store: every signal key type and the creds come back exactly as written, from a
// fresh load and from a new store client on the same Redis (a process restart); deletes, wipes and refused writes.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { BufferJSON, initAuthCreds, proto } from '@whiskeysockets/baileys';
import type { SignalDataSet } from '@whiskeysockets/baileys';
import type { Store } from '../../../src/core/store.ts';
import { silentLogger } from '../../../src/log.ts';
import { MemoryStore } from '../../../src/store/memory-store.ts';
import { RedisStore } from '../../../src/store/redis-store.ts';
import { startRedis, type TestRedis } from '../../../test/redis-server.ts';
import { storeFixtures, type StoreFixtures } from '../../../test/store-fixtures.ts';
import { SIGNAL_KEY_TYPES } from './auth-keys.ts';
import { AuthStateUnreadableError, loadAuthState, wipeAuthState, type WriteGuard } from './auth-state.ts';
import { baileysLogger } from './baileys-logger.ts';

const allowed: WriteGuard = async () => undefined;
const load = (store: Store, guard: WriteGuard = allowed) =>
  loadAuthState({ store, account: 'shop', guard, log: silentLogger, baileysLogger: baileysLogger(silentLogger, 'silent') });

/** One value of every signal key type, shaped as Baileys writes them (bytes as Buffers, app state keys as protobuf). */
function everyKeyType(): SignalDataSet {
  const bytes = (size: number, fill: number) => Buffer.alloc(size, fill);
  return {
    'pre-key': { '1': { public: bytes(33, 1), private: bytes(32, 2) } },
    session: { '919876543210.0': bytes(180, 3) },
    'sender-key': { '120363025246125486@g.us::919876543210::0': bytes(90, 4) },
    'sender-key-memory': { '120363025246125486@g.us': { '919876543210:0@s.whatsapp.net': true, '204863570126981:3@lid': false } },
    'app-state-sync-key': { AAAAAJ7X: proto.Message.AppStateSyncKeyData.fromObject({ keyData: bytes(32, 5), fingerprint: { rawId: 7, currentIndex: 2, deviceIndexes: [0, 1] }, timestamp: 1_750_000_000 }) },
    'app-state-sync-version': { regular_high: { version: 12, hash: bytes(128, 6), indexValueMap: { '3q2+7w==': { valueMac: bytes(32, 7) } } } },
    'lid-mapping': { '919876543210': '204863570126981', '204863570126981_reverse': '919876543210' },
    'device-list': { '919876543210': ['0', '3', '17'] },
    tctoken: { '204863570126981@lid': { token: bytes(24, 8), timestamp: '1750000000', senderTimestamp: 1_750_000_001 } },
    'identity-key': { '919876543210.0': bytes(33, 9) },
  };
}

/** Comparable form: Buffers and protobuf objects as plain JSON, the way Baileys reads them. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value, BufferJSON.replacer));

async function assertEveryKeyReadable(store: Store, written: SignalDataSet): Promise<void> {
  const { state } = await load(store);
  for (const type of SIGNAL_KEY_TYPES) {
    const ids = Object.keys(written[type] ?? {});
    assert.ok(ids.length > 0, `the test writes a ${type}`);
    const read = await state.keys.get(type, ids);
    assert.deepEqual(plain(read), plain(written[type]), `${type} comes back as written`);
  }
  const appKey = (await state.keys.get('app-state-sync-key', ['AAAAAJ7X'])).AAAAAJ7X;
  assert.ok(appKey instanceof proto.Message.AppStateSyncKeyData, 'app state sync keys come back as protobuf objects');
  assert.ok(Buffer.isBuffer((await state.keys.get('session', ['919876543210.0']))['919876543210.0']), 'bytes come back as Buffers');
}

describe('WhatsApp auth state in the store', () => {
  let fixtures: StoreFixtures;
  before(async () => {
    fixtures = await storeFixtures();
  });
  after(async () => {
    await fixtures.close();
  });

  for (const kind of ['MemoryStore', 'RedisStore'] as const) {
    describe(kind, () => {
      const open = () => fixtures.all.find((fixture) => fixture.name === kind)!.open();

      test('every signal key type comes back as written, through a fresh load', async () => {
        const store = await open();
        const { state } = await load(store);
        const written = everyKeyType();
        await state.keys.set(written);
        await assertEveryKeyReadable(store, written);
        await store.close();
      });

      test('keys live under whatsapp:<account>:auth:, creds included, and a null deletes', async () => {
        const store = await open();
        const auth = await load(store);
        await auth.state.keys.set(everyKeyType());
        await auth.saveCreds();
        await auth.state.keys.set({ session: { '919876543210.0': null } });
        const keys = (await fixtures.all.find((fixture) => fixture.name === kind)!.contents(store)).map((entry) => entry.key);
        assert.ok(keys.includes('whatsapp:shop:auth:creds'));
        assert.ok(keys.includes('whatsapp:shop:auth:key:lid-mapping:204863570126981_reverse'));
        assert.ok(keys.includes('whatsapp:shop:auth:key:tctoken:204863570126981@lid'));
        assert.ok(!keys.includes('whatsapp:shop:auth:key:session:919876543210.0'), 'the deleted session is gone');
        assert.ok(keys.every((key) => key.startsWith('whatsapp:shop:auth:')), `only auth keys: ${keys.join(', ')}`);
        const fresh = await load(store);
        assert.deepEqual(await fresh.state.keys.get('session', ['919876543210.0']), {});
        await store.close();
      });

      test('a wipe leaves nothing of the number behind, and the next load starts a new identity', async () => {
        const store = await open();
        const auth = await load(store);
        await auth.state.keys.set(everyKeyType());
        await auth.saveCreds();
        const removed = await wipeAuthState(store, 'shop', allowed);
        assert.equal(removed, Object.values(everyKeyType()).reduce((sum, ids) => sum + Object.keys(ids).length, 0));
        assert.deepEqual(await fixtures.all.find((fixture) => fixture.name === kind)!.contents(store), []);
        const next = await load(store);
        assert.ok(!Buffer.from(next.state.creds.noiseKey.private).equals(Buffer.from(auth.state.creds.noiseKey.private)));
        await store.close();
      });

      test('a paused owner whose lease passed to another instance cannot overwrite its keys: the store fences the write', async () => {
        const store = await open();
        const first = await store.acquireLease('whatsapp:shop', 'instance-a', 100);
        assert.ok(first);
        // Instance A's own clock still says it owns the number (it was paused): only the store can tell.
        const staleA = await load(store, async () => first);
        await staleA.saveCreds();
        await new Promise((resolve) => setTimeout(resolve, 150));
        const second = await store.acquireLease('whatsapp:shop', 'instance-b', 10_000);
        assert.ok(second);
        const b = await load(store, async () => second);
        await b.state.keys.set({ session: { '919876543210.0': Buffer.from('from-b') } });
        await assert.rejects(async () => staleA.state.keys.set({ session: { '919876543210.0': Buffer.from('stale-a') } }), (error: Error) => error.name === 'FenceError');
        const kept = await b.state.keys.get('session', ['919876543210.0']);
        assert.equal(Buffer.from(kept['919876543210.0'] as Uint8Array).toString(), 'from-b');
        await store.releaseLease(second);
        await store.close();
      });

      test('writes are refused once the guard says the number is no longer ours', async () => {
        const store = await open();
        let owned = true;
        const guard: WriteGuard = async () => {
          if (!owned) throw new Error('lease lost');
          return undefined;
        };
        const auth = await load(store, guard);
        await auth.saveCreds();
        const saved = await store.get('whatsapp:shop:auth:creds');
        owned = false;
        auth.state.creds.nextPreKeyId = 9_999;
        await assert.rejects(auth.saveCreds(), /lease lost/);
        await assert.rejects(Promise.resolve(auth.state.keys.set({ session: { '919876543210.0': Buffer.alloc(4, 1) } })), /lease lost/);
        assert.equal(await store.get('whatsapp:shop:auth:creds'), saved, 'the creds in the store did not change');
        assert.equal(await store.get('whatsapp:shop:auth:key:session:919876543210.0'), null);
        await store.close();
      });
    });
  }
});

describe('WhatsApp auth state across a process restart (real Redis)', () => {
  let redis: TestRedis;
  const keyPrefix = `test:${randomUUID()}:`;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis.stop();
  });

  test('a new store client on the same Redis reads the same creds back byte for byte, and every key', async () => {
    const first = new RedisStore({ url: redis.url, keyPrefix });
    const auth = await load(first);
    auth.state.creds.me = { id: '911234567890:7@s.whatsapp.net', name: 'Asha Clinic', lid: '204863570126981:7@lid' };
    auth.state.creds.account = proto.ADVSignedDeviceIdentity.fromObject({ details: Buffer.alloc(40, 1), accountSignatureKey: Buffer.alloc(32, 2), accountSignature: Buffer.alloc(64, 3), deviceSignature: Buffer.alloc(64, 4) });
    auth.state.creds.routingInfo = Buffer.from([8, 8, 8, 5]);
    await auth.saveCreds();
    const written = everyKeyType();
    await auth.state.keys.set(written);
    await first.close();

    const second = new RedisStore({ url: redis.url, keyPrefix });
    const restarted = await load(second);
    assert.equal(JSON.stringify(restarted.state.creds, BufferJSON.replacer), JSON.stringify(auth.state.creds, BufferJSON.replacer));
    for (const name of ['noiseKey', 'signedIdentityKey', 'pairingEphemeralKeyPair'] as const) {
      assert.ok(Buffer.from(restarted.state.creds[name].private).equals(Buffer.from(auth.state.creds[name].private)), `${name} private key`);
      assert.ok(Buffer.from(restarted.state.creds[name].public).equals(Buffer.from(auth.state.creds[name].public)), `${name} public key`);
    }
    assert.equal(restarted.state.creds.registrationId, auth.state.creds.registrationId);
    assert.equal(restarted.state.creds.me?.id, '911234567890:7@s.whatsapp.net');
    await assertEveryKeyReadable(second, written);
    await wipeAuthState(second, 'shop', allowed);
    await second.close();
  });
});

describe('WhatsApp creds that cannot be used as they are', () => {
  test('unreadable creds give a clear error naming the account', async () => {
    const store = new MemoryStore();
    await store.set('whatsapp:shop:auth:creds', '{"noiseKey": ');
    await assert.rejects(load(store), (error: unknown) => error instanceof AuthStateUnreadableError && /"shop"/.test(error.message));
  });

  test('a pairing code that was never confirmed is forgotten, so the next start pairs instead of logging in', async () => {
    const store = new MemoryStore();
    const creds = { ...initAuthCreds(), me: { id: '911234567890@s.whatsapp.net', name: '~' }, pairingCode: 'ABCD2345' };
    await store.set('whatsapp:shop:auth:creds', JSON.stringify(creds, BufferJSON.replacer));
    const { state } = await load(store);
    assert.equal(state.creds.me, undefined);
    assert.equal(state.creds.pairingCode, undefined);
    assert.ok(Buffer.from(state.creds.noiseKey.private).equals(creds.noiseKey.private), 'the keys are kept');
  });
});
