// ConversationRecords on both stores: the API the conversation uses, the subject index erasure relies on, retention
// per data class, and redaction of transcript text before it is written.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { storeFixtures } from '../../test/store-fixtures.ts';
import type { Store } from '../core/store.ts';
import { AuditLog } from '../compliance/audit.ts';
import { Pseudonyms } from '../compliance/pseudonyms.ts';
import { redactPii } from '../compliance/redact.ts';
import { ConversationRecords, type ConversationRecord, type ConversationRecordsOptions, type Redactor } from './records.ts';

const fixtures = await storeFixtures();
after(() => fixtures.close());

const pseudonyms = new Pseudonyms('records-test-secret-0123456789');
const CALLER = '+919876543210';

const record = (id: string, extra: Partial<ConversationRecord> = {}): ConversationRecord => ({
  id,
  channel: 'twilio',
  locale: 'hi',
  status: 'prepared',
  createdAt: Date.now(),
  ...extra,
});

/** Stands in for redactPii: masks runs of 10+ digits and reports one finding per run. */
const maskDigits: Redactor = (text, locale) => {
  const findings = [...text.matchAll(/\d{10,}/g)].map(() => ({ kind: 'phone', value: 'never stored' }));
  return { text: text.replace(/\d{10,}/g, `[phone:${locale ?? '?'}]`), findings };
};

for (const fixture of fixtures.all) {
  describe(`ConversationRecords on ${fixture.name}`, () => {
    const withRecords = async (options: ConversationRecordsOptions, run: (records: ConversationRecords, store: Store) => Promise<void>) => {
      const store = await fixture.open();
      try {
        await run(new ConversationRecords(store, options), store);
      } finally {
        await store.close();
      }
    };
    const allText = async (store: Store) => (await fixture.contents(store)).map((entry) => `${entry.key}\n${entry.text}`).join('\n');

    it('keeps the API the conversation uses: create, update, transcript, history, recent ids', () =>
      withRecords({}, async (records) => {
        await records.create(record('c-1', { from: CALLER }));
        await records.create(record('c-2'));
        assert.equal((await records.update('c-1', { status: 'live', locale: 'ta' }))?.status, 'live');
        assert.equal(await records.update('missing', { status: 'live' }), null);
        await records.appendTranscript('c-1', { at: 1, role: 'user', kind: 'speech', text: 'வணக்கம்' });
        await records.appendTranscript('c-1', { at: 2, role: 'user', kind: 'dtmf', text: '1' });
        await records.appendTranscript('c-1', { at: 3, role: 'system', kind: 'event', text: 'barge-in' });
        assert.equal((await records.get('c-1'))?.locale, 'ta');
        assert.equal((await records.transcript('c-1')).length, 3);
        assert.deepEqual(
          (await records.history('c-1')).map((item) => item.text),
          ['வணக்கம்', '[The caller pressed key 1]'],
        );
        assert.deepEqual(await records.recentIds(10), ['c-2', 'c-1']);
      }));

    it('finds every conversation of a customer whatever the spelling, with no number in any key or value of the index', () =>
      withRecords({ pseudonyms }, async (records, store) => {
        await records.create(record('call-1', { from: CALLER, to: '+911140000000' }));
        await records.create(record('wa-1', { channel: 'whatsapp', from: '919876543210@s.whatsapp.net' }));
        await records.create(record('other', { from: '+5511987654321' }));
        await records.create(record('widget'));
        await records.create(record('late'));
        await records.update('late', { from: '+91 98765 43210' });
        assert.deepEqual(await records.conversationsOf('+919876543210'), ['call-1', 'wa-1', 'late']);
        assert.deepEqual(await records.conversationsOf('+5511987654321'), ['other']);
        assert.deepEqual(await records.conversationsOf('+10000000000'), []);
        const index = (await fixture.contents(store)).filter((entry) => entry.key.startsWith('subject:'));
        assert.equal(index.length, 2);
        for (const entry of index) assert.ok(!/987654321/.test(entry.key + entry.text));
        await records.forgetSubject(CALLER);
        assert.deepEqual(await records.conversationsOf(CALLER), []);
      }));

    it('keeps the customer index as long as the longest-kept data, analytics included, so erasure still finds it', () =>
      withRecords({ pseudonyms, recordTtlMs: 100, transcriptTtlMs: 100, otherDataTtlMs: 60_000 }, async (records) => {
        await records.create(record('analysed', { from: CALLER }));
        await sleep(300);
        assert.equal(await records.get('analysed'), null);
        assert.deepEqual(await records.conversationsOf(CALLER), ['analysed']);
      }));

    it('refuses to look a customer up when built without pseudonyms', () =>
      withRecords({}, async (records) => {
        await assert.rejects(records.conversationsOf(CALLER), /pseudonyms/);
      }));

    it('keeps records and transcripts for their own retention times', () =>
      withRecords({ pseudonyms, recordTtlMs: 100, transcriptTtlMs: 400 }, async (records) => {
        await records.create(record('short', { from: CALLER }));
        await records.appendTranscript('short', { at: 1, role: 'user', kind: 'text', text: 'hello' });
        await sleep(200);
        assert.equal(await records.get('short'), null);
        assert.equal((await records.transcript('short')).length, 1);
        assert.deepEqual(await records.conversationsOf(CALLER), ['short'], 'the index outlives what it points to');
        await sleep(300);
        assert.deepEqual(await records.transcript('short'), []);
      }));

    it('redacts the hand-off context kept on the record, at any depth, in the conversation\'s language', async () => {
      const store = await fixture.open();
      try {
        const records = new ConversationRecords(store, { pseudonyms, redact: maskDigits });
        await records.create(record('c-h', { locale: 'ta' }));
        const handOff = { intent: 'status', summary: 'Caller 9876543210 asks about the bill', customerName: 'Priya', details: { callback: '9123456789', paid: false } };
        const updated = await records.update('c-h', { agent: 'status', handOff });
        const expected = { intent: 'status', summary: 'Caller [phone:ta] asks about the bill', customerName: 'Priya', details: { callback: '[phone:ta]', paid: false } };
        assert.deepEqual(updated?.handOff, expected);
        assert.deepEqual((await records.get('c-h'))?.handOff, expected);
        const text = await allText(store);
        for (const number of ['9876543210', '9123456789']) assert.ok(!text.includes(number), `${number} is not stored`);
      } finally {
        await store.close();
      }
    });

    it('redacts transcript text before storing it and audits how many findings, never their values', async () => {
      const store = await fixture.open();
      try {
        const audit = new AuditLog(store, { pseudonyms });
        const records = new ConversationRecords(store, { pseudonyms, audit, redact: maskDigits });
        await records.create(record('c-r', { locale: 'mr' }));
        await records.appendTranscript('c-r', { at: 1, role: 'user', kind: 'speech', text: 'my number is 9876543210 and 9123456789' }, 'hi');
        await records.appendTranscript('c-r', { at: 2, role: 'user', kind: 'speech', text: 'call me at 9876501234' });
        await records.appendTranscript('c-r', { at: 3, role: 'assistant', kind: 'speech', text: 'Thank you.' });
        assert.deepEqual(
          (await records.transcript('c-r')).map((entry) => entry.text),
          ['my number is [phone:hi] and [phone:hi]', 'call me at [phone:mr]', 'Thank you.'],
        );
        const events = await audit.forConversation('c-r');
        assert.deepEqual(
          events.map((event) => [event.type, event.detail]),
          [
            ['redaction', { entry: 'speech', findings: 2, kinds: 'phone' }],
            ['redaction', { entry: 'speech', findings: 1, kinds: 'phone' }],
          ],
        );
        const text = await allText(store);
        for (const number of ['9876543210', '9123456789', '9876501234', 'never stored']) assert.ok(!text.includes(number), `${number} is not stored`);
      } finally {
        await store.close();
      }
    });

    it('works with redactPii wired as the lead wires it, auditing the identifier types', async () => {
      const store = await fixture.open();
      try {
        const audit = new AuditLog(store, { pseudonyms });
        const records = new ConversationRecords(store, { audit, redact: (text, locale) => redactPii(text, { locale }) });
        await records.appendTranscript('c-p', { at: 1, role: 'user', kind: 'speech', text: 'my mobile is +91 98765 43210' }, 'en-IN');
        const [entry] = await records.transcript('c-p');
        assert.ok(!entry?.text.includes('98765'));
        const [event] = await audit.forConversation('c-p');
        assert.deepEqual(event?.detail, { entry: 'speech', findings: 1, kinds: 'mobile_in' });
      } finally {
        await store.close();
      }
    });

    it('takes a redactor that returns only the text', () =>
      withRecords({ redact: (text) => text.replaceAll('4111111111111111', '[card]') }, async (records) => {
        await records.appendTranscript('c-s', { at: 1, role: 'user', kind: 'text', text: 'card 4111111111111111' }, 'en');
        assert.equal((await records.transcript('c-s'))[0]?.text, 'card [card]');
      }));

    it('writes nothing when the redactor fails', () =>
      withRecords(
        {
          redact: () => {
            throw new Error('redactor broke');
          },
        },
        async (records) => {
          await assert.rejects(records.appendTranscript('c-f', { at: 1, role: 'user', kind: 'text', text: 'Aadhaar 2345 6789 0123' }, 'hi'), /redactor broke/);
          assert.deepEqual(await records.transcript('c-f'), []);
        },
      ));

    it('lists recent records newest first and skips erased ones; erase removes record, transcript and index entry', () =>
      withRecords({ pseudonyms }, async (records, store) => {
        for (const id of ['a', 'b', 'c']) await records.create(record(id, { from: CALLER }));
        await records.appendTranscript('b', { at: 1, role: 'user', kind: 'text', text: 'hi' });
        assert.deepEqual(
          (await records.recent(10)).map((r) => r.id),
          ['c', 'b', 'a'],
        );
        assert.deepEqual(await records.erase('b'), { record: true, transcriptEntries: 1 });
        assert.deepEqual(
          (await records.recent(10)).map((r) => r.id),
          ['c', 'a'],
        );
        assert.deepEqual(await records.recentIds(10), ['c', 'a']);
        const keys = (await fixture.contents(store)).map((entry) => entry.key);
        assert.ok(!keys.includes('conversation:b') && !keys.includes('conversation:b:transcript'));
        assert.deepEqual(await records.erase('never'), { record: false, transcriptEntries: 0 });
      }));
  });
}
