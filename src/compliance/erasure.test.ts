// Erasure on both stores: after a customer's calls and chats left records, transcripts, consent, audit events,
// provider state and analytics behind, erasing them leaves nothing in the store that names the number or the
// conversations (checked by listing the whole store), keeps other customers' data, and is itself audited.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { storeFixtures } from '../../test/store-fixtures.ts';
import type { Store } from '../core/store.ts';
import { ConversationRecords, type Redactor } from '../conversation/records.ts';
import { AuditLog } from './audit.ts';
import { ConsentStore } from './consent.ts';
import { Erasure } from './erasure.ts';
import { Pseudonyms } from './pseudonyms.ts';
import { AnalyticsStore } from '../analytics/analytics-store.ts';
import { analysed } from '../../test/analytics-fixtures.ts';
import { customerBookingsKey } from '../agent/tools/booking-records.ts';

const fixtures = await storeFixtures();
after(() => fixtures.close());

const pseudonyms = new Pseudonyms('erasure-test-secret-0123456789');
const maskDigits: Redactor = (text) => ({ text: text.replace(/\d{10,}/g, '[phone]'), findings: [...text.matchAll(/\d{10,}/g)].map(() => ({ kind: 'phone' })) });

interface Parts {
  readonly store: Store;
  readonly records: ConversationRecords;
  readonly consent: ConsentStore;
  readonly audit: AuditLog;
  readonly erasure: Erasure;
}

function build(store: Store): Parts {
  const audit = new AuditLog(store, { pseudonyms });
  const records = new ConversationRecords(store, { pseudonyms, audit, redact: maskDigits });
  const consent = new ConsentStore(store, { audit });
  return { store, records, consent, audit, erasure: new Erasure({ store, records, consent, audit }) };
}

/** One conversation as the gateway leaves it behind. */
async function converse(parts: Parts, options: { id: string; channel: string; from: string; name: string }): Promise<void> {
  const { records, consent, audit, store } = parts;
  const { id, channel, from, name } = options;
  await records.create({ id, channel, locale: 'hi', status: 'prepared', createdAt: Date.now(), from, to: '+911140000000', providerId: `CA${id.replaceAll('-', '')}` });
  await records.update(id, { status: 'live', startedAt: Date.now(), model: 'local' });
  await audit.record({ type: 'disclosure', conversationId: id, subject: from, channel });
  await consent.recordConsent({ conversationId: id, purpose: 'appointment booking', noticeVersion: '2026-11', language: 'hi', channel, recording: true, subject: from });
  await audit.record({ type: 'recording', conversationId: id, channel });
  await records.appendTranscript(id, { at: Date.now(), role: 'user', kind: 'speech', text: `I am ${name}, my number is 9876543210` });
  await records.appendTranscript(id, { at: Date.now(), role: 'assistant', kind: 'speech', text: `Thank you ${name}.` });
  await audit.record({ type: 'tool_call', conversationId: id, channel, detail: { tool: 'book_appointment' } });
  await consent.withdrawRecording(id);
  await audit.record({ type: 'handoff', conversationId: id, channel, detail: { reason: 'asked_for_human' } });
  await store.set(`model:${id}:gemini-handle`, `handle-for-${id}`, { ttlMs: 60_000 });
  await new AnalyticsStore(store).save(analysed({ conversationId: id, channel, summary: `${name} booked a visit` }));
  await store.append(customerBookingsKey(from), `BK${id.slice(0, 6)}`); // the demo diary's list of their bookings
  await records.update(id, { status: 'ended', endedAt: Date.now(), endReason: 'caller_hangup' });
}

for (const fixture of fixtures.all) {
  describe(`Erasure on ${fixture.name}`, () => {
    it('leaves no trace of the customer: no number, no conversation id, no transcript, in any key or value', async () => {
      const store = await fixture.open();
      try {
        const parts = build(store);
        const call = randomUUID();
        const chat = randomUUID();
        const other = randomUUID();
        await converse(parts, { id: call, channel: 'twilio', from: '+919876543210', name: 'Priya Raman' });
        await converse(parts, { id: chat, channel: 'whatsapp', from: '919876543210@s.whatsapp.net', name: 'Priya Raman' });
        await converse(parts, { id: other, channel: 'twilio', from: '+5511987654321', name: 'João Silva' });

        const dump = async () => (await fixture.contents(store)).map((entry) => `${entry.key}\n${entry.text}`).join('\n');
        const before = await dump();
        assert.ok(before.includes(call) && before.includes(chat) && before.includes('Priya') && before.includes('919876543210'), 'the data is there to erase');

        // The request spells the number as a person would type it.
        const receipt = await parts.erasure.eraseSubject('+91 98765 43210');
        assert.deepEqual({ ...receipt, auditEventId: undefined }, {
          subject: pseudonyms.subject('+919876543210'),
          conversations: 2,
          transcriptEntries: 4,
          consentRecords: 2,
          auditEventId: undefined,
        });

        const afterErasure = await dump();
        for (const form of ['+919876543210', '919876543210@s.whatsapp.net']) assert.deepEqual(await store.range(customerBookingsKey(form), 0, -1), [], `no bookings listed for ${form}`);
        assert.equal((await store.range(customerBookingsKey('+5511987654321'), 0, -1)).length, 1, 'the other customer keeps theirs');
        const traces = ['9876543210', call, chat, 'Priya', `handle-for-${call}`, `handle-for-${chat}`, `CA${call.replaceAll('-', '')}`];
        for (const trace of traces) assert.ok(!afterErasure.includes(trace), `nothing in the store contains ${JSON.stringify(trace)}`);

        // The other customer is untouched.
        assert.equal((await parts.records.get(other))?.from, '+5511987654321');
        assert.equal((await parts.records.transcript(other)).length, 2);
        assert.ok(await parts.consent.getConsent(other));
        assert.ok((await parts.audit.forConversation(other)).length >= 6);
        assert.equal(await store.get(`model:${other}:gemini-handle`), `handle-for-${other}`);
        assert.ok(afterErasure.includes('João Silva'));
        assert.deepEqual(
          (await parts.records.recent(10)).map((record) => record.id),
          [other],
        );

        // What stays: one erasure event naming the customer by pseudonym, with counts.
        const erasures = (await parts.audit.list()).filter((event) => event.type === 'erasure');
        assert.equal(erasures.length, 1);
        assert.equal(erasures[0]?.id, receipt.auditEventId);
        assert.equal(erasures[0]?.subject, receipt.subject);
        assert.deepEqual(erasures[0]?.detail, { conversations: 2, transcriptEntries: 4, consentRecords: 2 });
      } finally {
        await store.close();
      }
    });

    it('audits a repeated request that finds nothing, and a customer never seen', async () => {
      const store = await fixture.open();
      try {
        const parts = build(store);
        await converse(parts, { id: randomUUID(), channel: 'twilio', from: '+919876543210', name: 'Asha' });
        assert.equal((await parts.erasure.eraseSubject('+919876543210')).conversations, 1);
        const again = await parts.erasure.eraseSubject('+919876543210');
        assert.equal(again.conversations, 0);
        const stranger = await parts.erasure.eraseSubject('+15550000000');
        assert.equal(stranger.transcriptEntries, 0);
        assert.equal((await parts.audit.list()).filter((event) => event.type === 'erasure').length, 3);
      } finally {
        await store.close();
      }
    });
  });
}
