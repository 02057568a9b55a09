import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeFixtures, type StoreFixtures } from '../../test/store-fixtures.ts';
import { Inbox } from './inbox.ts';
import type { IncomingMessage, MessageContent } from './transport.ts';

let fixtures: StoreFixtures;
before(async () => (fixtures = await storeFixtures()));
after(() => fixtures.close());

const message = (id: string, content: MessageContent, chat = '919812345678@s.whatsapp.net'): IncomingMessage => ({
  transport: 'baileys',
  id,
  chat,
  timestamp: 1_700_000_000,
  content,
  raw: JSON.stringify({ key: { id }, content }),
});

for (const kind of ['MemoryStore', 'RedisStore'] as const) {
  describe(`inbox on ${kind}`, () => {
    const open = async (now = () => Date.now()) => {
      const store = await fixtures.all.find((fixture) => fixture.name === kind)!.open();
      return { store, inbox: new Inbox(store, { retentionMs: 60_000, now }) };
    };

    test('a message is kept before processing, and a redelivery of it is not processed again', async () => {
      const { store, inbox } = await open();
      const first = message('A1', { kind: 'text', text: 'hello' });
      assert.equal(await inbox.accept(first), true);
      assert.equal(await inbox.status(first), 'received');
      assert.equal(await inbox.accept(first), false, 'the redelivery is a duplicate');
      await inbox.settle(first, 'handled');
      assert.equal(await inbox.accept(first), false, 'still a duplicate once handled');
      assert.equal(await inbox.status(first), 'handled');
      await store.close();
    });

    test('an undecryptable stub is kept but not processed, and its resend under the same key gets through once', async () => {
      const { store, inbox } = await open();
      const stub = message('B1', { kind: 'pending', reason: 'CIPHERTEXT' });
      assert.equal(await inbox.accept(stub), false);
      assert.equal(await inbox.status(stub), 'pending');
      assert.equal(await inbox.accept(stub), false, 'a second stub changes nothing');
      const resend = message('B1', { kind: 'text', text: 'my appointment' });
      assert.equal(await inbox.accept(resend), true);
      assert.equal(await inbox.accept(resend), false, 'and only once');
      assert.equal(await inbox.accept(stub), false, 'a late stub does not reopen it');
      assert.equal(await inbox.status(resend), 'received');
      await store.close();
    });

    test('messages stored but never settled are found again after a restart, and only those', async () => {
      let now = 1_000_000;
      const { store, inbox } = await open(() => now);
      const handled = message('C1', { kind: 'text', text: 'one' });
      const lost = message('C2', { kind: 'audio', mimeType: 'audio/ogg; codecs=opus', ptt: true, seconds: 3 });
      await inbox.accept(handled);
      await inbox.accept(lost);
      await inbox.settle(handled, 'rejected', 'unsupported:image');
      assert.deepEqual(await inbox.unhandled(30_000), [], 'too recent: another instance may be on it');
      now += 60_000;
      const again = new Inbox(store, { retentionMs: 60_000, now: () => now }); // a new process
      assert.deepEqual(await again.unhandled(30_000), [lost]);
      await again.settle(lost, 'handled');
      assert.deepEqual(await again.unhandled(0), []);
      assert.equal(await again.status(handled), 'rejected');
      await store.close();
    });
  });
}
