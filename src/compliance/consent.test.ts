// Consent records and the recording opt-out on both stores, each change also in the audit trail.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { storeFixtures } from '../../test/store-fixtures.ts';
import type { Store } from '../core/store.ts';
import { AuditLog } from './audit.ts';
import { ConsentStore } from './consent.ts';
import { Pseudonyms } from './pseudonyms.ts';

const fixtures = await storeFixtures();
after(() => fixtures.close());

const pseudonyms = new Pseudonyms('consent-test-secret-0123456789');
const CALLER = '+919876543210';

for (const fixture of fixtures.all) {
  describe(`ConsentStore on ${fixture.name}`, () => {
    const withConsent = async (run: (consent: ConsentStore, audit: AuditLog, store: Store) => Promise<void>) => {
      const store = await fixture.open();
      try {
        const audit = new AuditLog(store, { pseudonyms });
        await run(new ConsentStore(store, { audit }), audit, store);
      } finally {
        await store.close();
      }
    };

    it('keeps purpose, notice version, language, channel and time, and audits the consent without the number', () =>
      withConsent(async (consent, audit) => {
        const given = await consent.recordConsent({
          conversationId: 'c-1',
          purpose: 'appointment booking',
          noticeVersion: '2026-11',
          language: 'hi',
          channel: 'twilio',
          recording: true,
          at: 1_790_000_000_000,
          subject: CALLER,
        });
        assert.deepEqual(given, { conversationId: 'c-1', purpose: 'appointment booking', noticeVersion: '2026-11', language: 'hi', channel: 'twilio', recording: true, at: 1_790_000_000_000 });
        assert.deepEqual(await consent.getConsent('c-1'), given);
        const [event] = await audit.forConversation('c-1');
        assert.equal(event?.type, 'consent');
        assert.equal(event?.channel, 'twilio');
        assert.equal(event?.subject, pseudonyms.subject(CALLER));
        assert.deepEqual(event?.detail, { purpose: 'appointment booking', noticeVersion: '2026-11', language: 'hi', recording: true });
      }));

    it('stamps the time when none is given, and has no record for an unknown conversation', () =>
      withConsent(async (consent) => {
        const before = Date.now();
        const given = await consent.recordConsent({ conversationId: 'c-2', purpose: 'support', noticeVersion: 'v1', language: 'pt-BR', channel: 'whatsapp', recording: false });
        assert.ok(given.at >= before && given.at <= Date.now());
        assert.equal(await consent.getConsent('nobody'), null);
      }));

    it('turns recording off on opt-out, keeps the consent, and audits the opt-out', () =>
      withConsent(async (consent, audit) => {
        await consent.recordConsent({ conversationId: 'c-3', purpose: 'insurance renewal', noticeVersion: '2026-11', language: 'ta', channel: 'twilio', recording: true });
        const after = await consent.withdrawRecording('c-3');
        assert.equal(after?.recording, false);
        assert.ok(after?.recordingWithdrawnAt);
        assert.equal(after?.withdrawnAt, undefined);
        assert.deepEqual(await consent.getConsent('c-3'), after);
        assert.deepEqual(
          (await audit.forConversation('c-3')).map((event) => [event.type, event.channel]),
          [
            ['consent', 'twilio'],
            ['recording_opt_out', 'twilio'],
          ],
        );
      }));

    it('audits an opt-out that came before any consent record', () =>
      withConsent(async (consent, audit) => {
        assert.equal(await consent.withdrawRecording('c-4', { channel: 'web' }), null);
        const [event] = await audit.forConversation('c-4');
        assert.equal(event?.type, 'recording_opt_out');
        assert.deepEqual(event?.detail, { withoutRecord: true });
      }));

    it('records a withdrawal of consent as easily as it was given', () =>
      withConsent(async (consent, audit) => {
        await consent.recordConsent({ conversationId: 'c-5', purpose: 'support', noticeVersion: 'v1', language: 'es-419', channel: 'whatsapp', recording: true });
        const withdrawn = await consent.withdrawConsent('c-5');
        assert.ok(withdrawn?.withdrawnAt);
        assert.equal(withdrawn?.recording, false);
        const events = await audit.forConversation('c-5');
        assert.deepEqual(events.at(-1)?.detail, { withdrawn: true });
      }));

    it('deletes a record on erasure', () =>
      withConsent(async (consent) => {
        await consent.recordConsent({ conversationId: 'c-6', purpose: 'support', noticeVersion: 'v1', language: 'bn', channel: 'twilio', recording: false });
        await consent.delete('c-6');
        assert.equal(await consent.getConsent('c-6'), null);
      }));
  });
}
