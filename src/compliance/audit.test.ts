// The audit trail on both stores: order, no personal data in clear, the per-conversation view, retention by age.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { storeFixtures } from '../../test/store-fixtures.ts';
import { silentLogger } from '../log.ts';
import { AuditLog } from './audit.ts';
import { Pseudonyms } from './pseudonyms.ts';
import { RetentionSweeper } from './retention.ts';

const fixtures = await storeFixtures();
after(() => fixtures.close());

const pseudonyms = new Pseudonyms('audit-test-secret-0123456789');
const CALLER = '+919876543210';

for (const fixture of fixtures.all) {
  describe(`AuditLog on ${fixture.name}`, () => {
    const withAudit = async (run: (audit: AuditLog, contents: () => Promise<string>) => Promise<void>) => {
      const store = await fixture.open();
      try {
        const contents = async () => (await fixture.contents(store)).map((entry) => `${entry.key}\n${entry.text}`).join('\n');
        await run(new AuditLog(store, { pseudonyms }), contents);
      } finally {
        await store.close();
      }
    };

    it('keeps events in the order they were recorded, with increasing ids and times', () =>
      withAudit(async (audit) => {
        const types = ['disclosure', 'consent', 'recording', 'tool_call', 'handoff'] as const;
        for (const type of types) await audit.record({ type, conversationId: 'c-1', channel: 'twilio' });
        const events = await audit.list();
        assert.deepEqual(
          events.map((event) => event.type),
          types,
        );
        for (let i = 1; i < events.length; i++) assert.ok(events[i]!.at >= events[i - 1]!.at);
        assert.equal(new Set(events.map((event) => event.id)).size, events.length);
      }));

    it('stores the caller and the conversation only as pseudonyms, and detail as given', () =>
      withAudit(async (audit, contents) => {
        const event = await audit.record({ type: 'consent', conversationId: 'conv-abc', subject: CALLER, channel: 'twilio', detail: { noticeVersion: '2026-11', recording: true } });
        assert.equal(event.subject, pseudonyms.subject(CALLER));
        assert.equal(event.conversation, pseudonyms.conversation('conv-abc'));
        assert.deepEqual(event.detail, { noticeVersion: '2026-11', recording: true });
        const [listed] = await audit.list();
        assert.deepEqual(listed, event);
        const text = await contents();
        assert.ok(!text.includes('9876543210'), 'the number is nowhere in the store');
        assert.ok(text.includes(pseudonyms.subject(CALLER)));
      }));

    it('shows one conversation its own events without the others, and pages through the trail', () =>
      withAudit(async (audit) => {
        await audit.record({ type: 'disclosure', conversationId: 'a' });
        await audit.record({ type: 'disclosure', conversationId: 'b' });
        await audit.record({ type: 'redaction', conversationId: 'a', detail: { findings: 2 } });
        await audit.record({ type: 'erasure', subject: CALLER });
        assert.deepEqual(
          (await audit.forConversation('a')).map((event) => event.type),
          ['disclosure', 'redaction'],
        );
        assert.deepEqual(await audit.forConversation('nobody'), []);
        const first = await audit.list({ count: 3 });
        const rest = await audit.list({ after: first.at(-1)!.id });
        assert.deepEqual(
          [...first, ...rest].map((event) => event.type),
          ['disclosure', 'disclosure', 'redaction', 'erasure'],
        );
        await audit.forgetConversation('a');
        assert.deepEqual(await audit.forConversation('a'), []);
        assert.equal((await audit.list()).length, 4, 'the trail itself keeps the pseudonymous events');
      }));

    it('refuses an event type it does not know', () =>
      withAudit(async (audit) => {
        await assert.rejects(audit.record({ type: 'gossip' as never }), RangeError);
        assert.deepEqual(await audit.list(), []);
      }));

    it('trims events older than the retention age and keeps the newer ones', () =>
      withAudit(async (audit) => {
        await audit.record({ type: 'disclosure', conversationId: 'old' });
        await audit.record({ type: 'consent', conversationId: 'old' });
        await sleep(120);
        await audit.record({ type: 'disclosure', conversationId: 'new' });
        assert.equal(await audit.trimOlderThan(60), 2);
        assert.deepEqual(
          (await audit.list()).map((event) => event.type),
          ['disclosure'],
        );
        assert.equal(await audit.trimOlderThan(60_000), 0);
        await assert.rejects(audit.trimOlderThan(-1), RangeError);
      }));

    it('runs retention from the sweeper, which only logs when it removed something', () =>
      withAudit(async (audit) => {
        await audit.record({ type: 'tool_call', conversationId: 'x', detail: { tool: 'book_appointment' } });
        await sleep(50);
        const sweeper = new RetentionSweeper({ audit, auditRetentionMs: 20, log: silentLogger });
        assert.equal(await sweeper.runOnce(), 1);
        assert.equal(await sweeper.runOnce(), 0);
        sweeper.start();
        sweeper.stop();
      }));

    it('expires a conversation’s copy of its events after the retention time', async () => {
      const store = await fixture.open();
      try {
        const audit = new AuditLog(store, { pseudonyms, retentionMs: 80 });
        await audit.record({ type: 'handoff', conversationId: 'short' });
        assert.equal((await audit.forConversation('short')).length, 1);
        await sleep(160);
        assert.deepEqual(await audit.forConversation('short'), []);
      } finally {
        await store.close();
      }
    });
  });
}
