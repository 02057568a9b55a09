// The admin API over real HTTP on 127.0.0.1, on both stores: token checks (404 when disabled, 401, 403), the list
// newest first without addresses, one conversation with masked numbers, its redacted transcript, consent and audit
// events (and the look itself audited as an export), and erasure of a customer through DELETE, audited.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { storeFixtures } from '../../test/store-fixtures.ts';
import { ADMIN_TOKEN as TOKEN, adminAuth as auth, adminPseudonyms as pseudonyms, call, startAdmin, type AdminServer as Admin } from '../../test/admin-server.ts';
import type { Store } from '../core/store.ts';
import { maskAddress } from './admin-routes.ts';

const fixtures = await storeFixtures();
const admins: Admin[] = [];
after(async () => {
  await Promise.all(admins.map((admin) => admin.close()));
  await fixtures.close();
});

const CALLER = '+919876543210';

async function seed(admin: Admin, id: string, from: string, createdAt: number): Promise<void> {
  await admin.records.create({ id, channel: from.includes('@') ? 'whatsapp' : 'twilio', locale: 'hi', status: 'prepared', createdAt, from, to: '+911140000123' });
  await admin.records.update(id, { status: 'ended', startedAt: createdAt + 1, endedAt: createdAt + 60_000, endReason: 'caller_hangup', model: 'openai', fallbackReason: 'provider timeout' });
  await admin.consent.recordConsent({ conversationId: id, purpose: 'appointment booking', noticeVersion: '2026-11', language: 'hi', channel: 'twilio', recording: false, subject: from });
  await admin.records.appendTranscript(id, { at: createdAt + 2, role: 'user', kind: 'speech', text: 'mera number 9876543210 hai' }, 'hi');
}

describe('maskAddress', () => {
  it('keeps only the last 3 digits of a number or WhatsApp id', () => {
    assert.equal(maskAddress('+919876543210'), '+*********210');
    assert.equal(maskAddress('919876543210:3@s.whatsapp.net'), '*********210');
    assert.equal(maskAddress('12'), '**');
  });
});

for (const fixture of fixtures.all) {
  describe(`Admin API on ${fixture.name}`, () => {
    const stores: Store[] = [];
    after(() => Promise.all(stores.map((store) => store.close())));
    const open = async (adminToken: string | undefined) => {
      const store = await fixture.open();
      stores.push(store);
      const admin = await startAdmin(store, adminToken);
      admins.push(admin);
      return admin;
    };

    it('answers 404 on every route when no ADMIN_TOKEN is configured, as for a path that does not exist', async () => {
      const { base } = await open(undefined);
      const unknown = await call(base, '/admin/api/nothing-here');
      for (const [method, path] of [
        ['GET', '/admin/api/conversations'],
        ['GET', '/admin/api/conversations/abc'],
        ['GET', '/admin/api/analytics'],
        ['GET', '/admin/api/live'],
        ['DELETE', '/admin/api/subjects/%2B919876543210'],
      ] as const) {
        const reply = await call(base, path, { method, headers: auth });
        assert.equal(reply.status, 404, `${method} ${path}`);
        assert.equal(reply.text, unknown.text);
      }
    });

    it('answers 401 without a bearer token and 403 with a wrong one, and does nothing', async () => {
      const admin = await open(TOKEN);
      await seed(admin, randomUUID(), CALLER, Date.now());
      const refused: Array<Record<string, string>> = [{}, { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` }, { authorization: 'Bearer' }, { authorization: 'Bearer   ' }];
      for (const headers of refused) {
        const reply = await call(admin.base, '/admin/api/conversations', { headers });
        assert.equal(reply.status, 401);
        assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
      for (const token of ['wrong', `${TOKEN}x`, TOKEN.slice(0, -1), TOKEN.toUpperCase()]) {
        assert.equal((await call(admin.base, '/admin/api/conversations', { headers: { authorization: `Bearer ${token}` } })).status, 403);
        assert.equal((await call(admin.base, `/admin/api/subjects/${encodeURIComponent(CALLER)}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status, 403);
      }
      assert.equal((await admin.records.conversationsOf(CALLER)).length, 1, 'a refused DELETE erased nothing');
      assert.equal((await call(admin.base, '/admin/api/conversations', { headers: { authorization: `bearer ${TOKEN}` } })).status, 200);
    });

    it('lists conversations newest first, honours limit, and shows no phone numbers', async () => {
      const admin = await open(TOKEN);
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const [i, id] of ids.entries()) await seed(admin, id, `+91987654321${i}`, 1_790_000_000_000 + i);
      const all = await call(admin.base, '/admin/api/conversations', { headers: auth });
      assert.equal(all.status, 200);
      const list = (all.body as { conversations: Array<Record<string, unknown>> }).conversations;
      assert.deepEqual(
        list.map((c) => c.id),
        [...ids].reverse(),
      );
      assert.deepEqual(list[0], {
        id: ids[2],
        channel: 'twilio',
        locale: 'hi',
        status: 'ended',
        createdAt: 1_790_000_000_002,
        startedAt: 1_790_000_000_003,
        endedAt: 1_790_000_060_002,
        endReason: 'caller_hangup',
        model: 'openai',
        fallbackReason: 'provider timeout',
        intent: null, // not analysed yet, and no router hand-off recorded
        outcome: null,
        sentimentLabel: null,
        durationMs: 59_999, // from the record while there are no analytics
      });
      assert.ok(!/98765|140000/.test(all.text));
      const two = await call(admin.base, '/admin/api/conversations?limit=2', { headers: auth });
      assert.equal((two.body as { conversations: unknown[] }).conversations.length, 2);
      for (const bad of ['0', '-1', 'ten', '501', '1.5']) assert.equal((await call(admin.base, `/admin/api/conversations?limit=${bad}`, { headers: auth })).status, 400);
    });

    it('shows one conversation with masked numbers, the redacted transcript, consent and audit events, and audits the export', async () => {
      const admin = await open(TOKEN);
      const id = randomUUID();
      await seed(admin, id, CALLER, Date.now());
      const reply = await call(admin.base, `/admin/api/conversations/${id}`, { headers: auth });
      assert.equal(reply.status, 200);
      const body = reply.body as {
        conversation: { from: string; to: string; id: string };
        transcript: Array<{ text: string }>;
        consent: { noticeVersion: string; language: string };
        audit: Array<{ type: string }>;
        analytics: unknown;
      };
      assert.equal(body.conversation.id, id);
      assert.equal(body.conversation.from, '+*********210');
      assert.equal(body.conversation.to, '+*********123');
      assert.deepEqual(
        body.transcript.map((entry) => entry.text),
        ['mera number [phone] hai'],
      );
      assert.equal(body.consent.noticeVersion, '2026-11');
      assert.deepEqual(
        body.audit.map((event) => event.type),
        ['consent', 'redaction'],
      );
      assert.ok(!reply.text.includes('9876543210'));
      assert.equal(reply.headers.get('cache-control'), 'no-store');
      const events = await admin.audit.forConversation(id);
      assert.equal(events.at(-1)?.type, 'export');
      assert.equal(events.at(-1)?.subject, pseudonyms.subject(CALLER));
      assert.equal(body.analytics, null, 'not analysed yet');
      assert.equal((await call(admin.base, `/admin/api/conversations/${randomUUID()}`, { headers: auth })).status, 404);
    });

    it('erases a customer through DELETE with the number URL-encoded, answers with counts, and audits it', async () => {
      const admin = await open(TOKEN);
      const call1 = randomUUID();
      const chat = randomUUID();
      const keep = randomUUID();
      await seed(admin, call1, CALLER, Date.now());
      await seed(admin, chat, '919876543210@s.whatsapp.net', Date.now() + 1);
      await seed(admin, keep, '+5511987654321', Date.now() + 2);
      const reply = await call(admin.base, `/admin/api/subjects/${encodeURIComponent(CALLER)}`, { method: 'DELETE', headers: auth });
      assert.equal(reply.status, 200);
      assert.deepEqual({ ...(reply.body as object), auditEventId: undefined }, {
        subject: pseudonyms.subject(CALLER),
        conversations: 2,
        transcriptEntries: 2,
        consentRecords: 2,
        auditEventId: undefined,
      });
      assert.equal((await call(admin.base, `/admin/api/conversations/${call1}`, { headers: auth })).status, 404);
      const list = await call(admin.base, '/admin/api/conversations', { headers: auth });
      assert.deepEqual(
        (list.body as { conversations: Array<{ id: string }> }).conversations.map((c) => c.id),
        [keep],
      );
      const erasures = (await admin.audit.list()).filter((event) => event.type === 'erasure');
      assert.equal(erasures.length, 1);
      assert.equal(erasures[0]?.subject, pseudonyms.subject(CALLER));
      const everything = (await fixture.contents(admin.store)).map((entry) => `${entry.key} ${entry.text}`).join('\n');
      for (const trace of ['9876543210', call1, chat]) assert.ok(!everything.includes(trace), `no ${trace} left`);

      // A WhatsApp id works as the path parameter too, unencoded.
      const again = await call(admin.base, '/admin/api/subjects/5511987654321@s.whatsapp.net', { method: 'DELETE', headers: auth });
      assert.equal((again.body as { conversations: number }).conversations, 1);
      assert.equal((await call(admin.base, '/admin/api/subjects/%E0%A4', { method: 'DELETE', headers: auth })).status, 400);
    });
  });
}
