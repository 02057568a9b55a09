// The dashboard's endpoints over real HTTP on both stores: aggregates by group over a range of days (defaults, filters,
// and a clear 400 for every bad parameter), the conversation list with analytics and filters, one conversation's
// analytics, and live conversations per channel counted from the shared records.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { storeFixtures } from '../../test/store-fixtures.ts';
import { analysed } from '../../test/analytics-fixtures.ts';
import { ADMIN_TOKEN, adminAuth as auth, call, startAdmin, type AdminServer } from '../../test/admin-server.ts';
import type { AnalyticsResponse, ConversationAnalytics } from '../analytics/analytics-types.ts';
import type { ConversationRecord } from '../conversation/records.ts';
import type { Store } from '../core/store.ts';

const fixtures = await storeFixtures();
const admins: AdminServer[] = [];
after(async () => {
  await Promise.all(admins.map((admin) => admin.close()));
  await fixtures.close();
});

const NOW = Date.parse('2026-03-10T12:00:00Z');

/** An ended conversation's record, and its analytics when given. */
async function conversation(admin: AdminServer, record: Partial<ConversationRecord>, analytics?: Partial<ConversationAnalytics>): Promise<string> {
  const id = record.id ?? randomUUID();
  await admin.records.create({ id, channel: 'twilio', locale: 'hi', status: 'ended', createdAt: NOW - 3_600_000, startedAt: NOW - 3_600_000, endedAt: NOW - 3_540_000, ...record });
  if (analytics) assert.equal(await admin.analytics.save(analysed({ conversationId: id, ...analytics })), true);
  return id;
}

const get = (admin: AdminServer, path: string) => call(admin.base, path, { headers: auth });

for (const fixture of fixtures.all) {
  describe(`Admin analytics API on ${fixture.name}`, () => {
    const stores: Store[] = [];
    after(() => Promise.all(stores.map((store) => store.close())));
    const open = async (options: Parameters<typeof startAdmin>[2] = {}) => {
      const store = await fixture.open();
      stores.push(store);
      const admin = await startAdmin(store, ADMIN_TOKEN, { now: () => NOW, ...options });
      admins.push(admin);
      return admin;
    };

    it('refuses the dashboard endpoints without the right token', async () => {
      const admin = await open();
      for (const path of ['/admin/api/analytics', '/admin/api/live']) {
        assert.equal((await call(admin.base, path)).status, 401);
        assert.equal((await call(admin.base, path, { headers: { authorization: 'Bearer wrong' } })).status, 403);
      }
    });

    it('aggregates the last 7 days by intent by default, with a trend per day', async () => {
      const admin = await open();
      await conversation(admin, {}, { day: '2026-03-10', intent: 'booking', outcome: 'completed', durationMs: 60_000 });
      await conversation(admin, {}, { day: '2026-03-04', intent: 'booking', outcome: 'escalated' });
      await conversation(admin, {}, { day: '2026-03-04', intent: 'faq', outcome: 'completed', durationMs: 20_000 });
      await conversation(admin, {}, { day: '2026-03-03', intent: 'faq' }); // the day before the default week
      const reply = await get(admin, '/admin/api/analytics');
      assert.equal(reply.status, 200);
      assert.equal(reply.headers.get('cache-control'), 'no-store');
      const body = reply.body as AnalyticsResponse;
      assert.deepEqual([body.groupBy, body.from, body.to], ['intent', '2026-03-04', '2026-03-10']);
      assert.deepEqual(body.days, ['2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10']);
      assert.equal(body.total.conversations, 3);
      assert.deepEqual(body.total.trend, [2, 0, 0, 0, 0, 0, 1]);
      assert.deepEqual(
        body.groups.map((g) => [g.key, g.conversations, g.completionRate, g.meanResolutionMs]),
        [
          ['booking', 2, 0.5, 60_000],
          ['faq', 1, 1, 20_000],
        ],
      );
    });

    it('groups by channel, language, day or outcome over the range asked for, and filters', async () => {
      const admin = await open();
      await conversation(admin, {}, { day: '2026-02-01', channel: 'twilio', language: 'hi', intent: 'status', outcome: 'completed' });
      await conversation(admin, {}, { day: '2026-02-01', channel: 'whatsapp', language: 'hi-IN', intent: 'status', outcome: 'abandoned' });
      await conversation(admin, {}, { day: '2026-02-02', channel: 'whatsapp', language: 'ta', intent: 'booking', outcome: 'completed' });
      const groups = async (query: string) => {
        const reply = await get(admin, `/admin/api/analytics?from=2026-02-01&to=2026-02-02&${query}`);
        assert.equal(reply.status, 200, reply.text);
        return (reply.body as AnalyticsResponse).groups.map((g) => [g.key, g.conversations]);
      };
      assert.deepEqual(await groups('groupBy=channel'), [
        ['whatsapp', 2],
        ['twilio', 1],
      ]);
      assert.deepEqual(await groups('groupBy=language'), [
        ['hi', 1],
        ['other', 1], // hi-IN is not a served locale
        ['ta', 1],
      ]);
      assert.deepEqual(await groups('groupBy=day'), [
        ['2026-02-01', 2],
        ['2026-02-02', 1],
      ]);
      assert.deepEqual(await groups('groupBy=outcome&channel=whatsapp'), [
        ['abandoned', 1],
        ['completed', 1],
      ]);
      assert.deepEqual(await groups('groupBy=channel&intent=status&outcome=completed'), [['twilio', 1]]);
      assert.deepEqual(await groups('groupBy=intent&language=other'), [['status', 1]]);
      // Empty parameters are "not given", as a form sends them.
      assert.deepEqual(await groups('groupBy=intent&intent=&outcome=&channel=&language='), [
        ['status', 2],
        ['booking', 1],
      ]);
      const leap = await get(admin, '/admin/api/analytics?from=2024-01-01&to=2024-12-31');
      assert.equal((leap.body as AnalyticsResponse).days.length, 366);
    });

    it('answers 400 with a clear message for every bad parameter', async () => {
      const admin = await open();
      const cases: Array<[string, RegExp]> = [
        ['groupBy=week', /groupBy must be one of intent, channel, language, day, outcome/],
        ['from=2026-3-1', /from must be a date as YYYY-MM-DD/],
        ['from=2026-02-30', /from must be a date as YYYY-MM-DD/],
        ['to=yesterday', /to must be a date as YYYY-MM-DD/],
        ['from=2026-03-05&to=2026-03-04', /from \(2026-03-05\) is after to \(2026-03-04\)/],
        ['from=2026-03-11', /is after to \(2026-03-10\)/], // to defaults to today
        ['from=2025-01-01&to=2026-01-02', /the range is 367 days; at most 366/],
        ['intent=refund', /intent must be one of booking, status, escalation, faq, other/],
        ['outcome=won', /outcome must be one of completed, escalated, abandoned, failed/],
        ['channel=fax', /channel must be one of twilio, whatsapp, web/],
        ['language=xx', /language must be one of en, hi, .*, other/],
      ];
      for (const [query, message] of cases) {
        const reply = await get(admin, `/admin/api/analytics?${query}`);
        assert.equal(reply.status, 400, query);
        assert.match((reply.body as { error: string }).error, message, query);
      }
      for (const query of ['intent=refund', 'outcome=won', 'channel=fax', 'language=xx']) {
        assert.equal((await get(admin, `/admin/api/conversations?${query}`)).status, 400, `list ${query}`);
      }
    });

    it('lists conversations with their intent, outcome, sentiment and duration, and filters on them', async () => {
      const admin = await open();
      const booked = await conversation(admin, { createdAt: NOW - 3, channel: 'twilio' }, { intent: 'booking', outcome: 'completed', sentimentLabel: 'positive', durationMs: 61_000, language: 'hi' });
      const escalated = await conversation(admin, { createdAt: NOW - 2, channel: 'whatsapp', locale: 'ta' }, { channel: 'whatsapp', intent: 'status', outcome: 'escalated', sentimentLabel: 'negative', language: 'ta' });
      // Ended moments ago: the router set its intent, its analytics are not written yet.
      const pending = await conversation(admin, { createdAt: NOW - 1, channel: 'web', locale: 'en', intent: 'booking' });
      const list = async (query: string) => {
        const reply = await get(admin, `/admin/api/conversations${query}`);
        assert.equal(reply.status, 200, reply.text);
        return (reply.body as { conversations: Array<Record<string, unknown>> }).conversations;
      };
      const all = await list('');
      assert.deepEqual(
        all.map((c) => [c.id, c.intent, c.outcome, c.sentimentLabel, c.durationMs]),
        [
          [pending, 'booking', null, null, 60_000],
          [escalated, 'status', 'escalated', 'negative', 60_000],
          [booked, 'booking', 'completed', 'positive', 61_000],
        ],
      );
      const ids = async (query: string) => (await list(query)).map((c) => c.id);
      assert.deepEqual(await ids('?intent=booking'), [pending, booked]);
      assert.deepEqual(await ids('?outcome=completed'), [booked], 'a conversation not analysed has no outcome yet');
      assert.deepEqual(await ids('?channel=whatsapp'), [escalated]);
      assert.deepEqual(await ids('?language=en'), [pending]);
      assert.deepEqual(await ids('?intent=booking&limit=1'), [pending]);
      assert.deepEqual(await ids('?intent=faq'), []);
    });

    it('finds matches beyond the newest page when filtering', async () => {
      const admin = await open();
      const wanted = await conversation(admin, { createdAt: NOW - 1_000 }, { intent: 'escalation', outcome: 'escalated' });
      for (let i = 0; i < 60; i++) await conversation(admin, { createdAt: NOW - 999 + i }, { intent: 'faq' });
      assert.equal(((await get(admin, '/admin/api/conversations')).body as { conversations: unknown[] }).conversations.length, 50);
      const filtered = (await get(admin, '/admin/api/conversations?intent=escalation')).body as { conversations: Array<{ id: string }> };
      assert.deepEqual(
        filtered.conversations.map((c) => c.id),
        [wanted],
      );
    });

    it("shows one conversation's analytics, also once its record and transcript are gone", async () => {
      const admin = await open();
      const id = await conversation(admin, {}, { intent: 'faq', summary: 'Asked for opening hours.' });
      const reply = await get(admin, `/admin/api/conversations/${id}`);
      assert.equal(reply.status, 200);
      assert.equal((reply.body as { analytics: ConversationAnalytics }).analytics.summary, 'Asked for opening hours.');
      await admin.records.erase(id);
      const later = await get(admin, `/admin/api/conversations/${id}`);
      assert.equal(later.status, 200);
      assert.deepEqual((later.body as { conversation: unknown; analytics: ConversationAnalytics }).conversation, null);
      assert.equal((later.body as { analytics: ConversationAnalytics }).analytics.intent, 'faq');
    });

    it('counts live conversations per channel from the shared records, not ended or abandoned ones', async () => {
      const admin = await open({ liveMaxAgeMs: 3_600_000 });
      const live = (channel: string, startedAt = NOW - 60_000) => conversation(admin, { channel, status: 'live', startedAt });
      await live('twilio');
      await live('twilio');
      await live('whatsapp');
      await conversation(admin, { channel: 'web', status: 'ended' });
      await conversation(admin, { channel: 'web', status: 'prepared' });
      // Left 'live' by an instance that died two hours ago: past the longest a conversation may last.
      await live('web', NOW - 7_200_000);
      const reply = await get(admin, '/admin/api/live');
      assert.equal(reply.status, 200);
      assert.deepEqual(reply.body, { live: { phone: 2, whatsapp: 1, web: 0 }, total: 3 });
    });
  });
}
