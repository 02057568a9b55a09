// The analytics job end to end on both stores: a conversation that ended is queued, claimed, analysed from its record
// and redacted transcript, kept and counted in /metrics once, however often the job is delivered; a conversation
// erased before its job ran, and a job without a conversation id, are done with quietly.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { storeFixtures } from '../../test/store-fixtures.ts';
import type { Store } from '../core/store.ts';
import { ConversationRecords } from '../conversation/records.ts';
import { silentLogger } from '../log.ts';
import { ANALYTICS_GROUP, ANALYTICS_QUEUE, AnalyticsJob, enqueueAnalytics } from './analytics-job.ts';
import { AnalyticsStore } from './analytics-store.ts';
import { GatewayMetrics } from './metrics.ts';
import { JobWorker } from './job-worker.ts';
import { pollFor } from '../../test/wait.ts';

const fixtures = await storeFixtures();
after(() => fixtures.close());

const STARTED = Date.parse('2026-03-02T10:00:00Z');
const CLAIM = { count: 10, blockMs: 0, reclaimAfterMs: 60_000 };

for (const fixture of fixtures.all) {
  describe(`AnalyticsJob on ${fixture.name}`, () => {
    const stores: Store[] = [];
    after(() => Promise.all(stores.map((store) => store.close())));
    const open = async () => {
      const store = await fixture.open();
      stores.push(store);
      const records = new ConversationRecords(store);
      const analytics = new AnalyticsStore(store);
      const metrics = new GatewayMetrics();
      return { store, records, analytics, metrics, job: new AnalyticsJob({ records, analytics, metrics, log: silentLogger }) };
    };

    it('analyses a queued conversation, keeps the result and counts it once even when the job runs twice', async () => {
      const { store, records, analytics, metrics, job } = await open();
      const id = randomUUID();
      await records.create({ id, channel: 'twilio', locale: 'hi', status: 'ended', createdAt: STARTED, startedAt: STARTED, endedAt: STARTED + 90_000, endReason: 'caller_hangup', intent: 'booking' });
      await records.appendTranscript(id, { at: STARTED + 1_000, role: 'user', kind: 'speech', text: 'I want to book an appointment for tomorrow' });
      await records.appendTranscript(id, { at: STARTED + 3_000, role: 'assistant', kind: 'speech', text: 'Your appointment is booked for tomorrow at ten. Thank you!' });
      await enqueueAnalytics(store, id);

      const [claimed] = await store.claimJobs(ANALYTICS_QUEUE, ANALYTICS_GROUP, 'worker-1', CLAIM);
      assert.ok(claimed);
      assert.equal(await job.run(claimed), 'saved');
      await store.ackJob(ANALYTICS_QUEUE, ANALYTICS_GROUP, claimed.id);
      const kept = await analytics.get(id);
      assert.equal(kept?.conversationId, id);
      assert.equal(kept?.channel, 'twilio');
      assert.equal(kept?.intent, 'booking', 'the router set it');
      assert.equal(kept?.day, '2026-03-02');
      assert.deepEqual(
        (await analytics.inRange('2026-03-02', '2026-03-02')).map((a) => a.conversationId),
        [id],
      );

      // A worker that analysed it and died before acknowledging: the job is delivered again.
      assert.equal(await job.run(claimed), 'duplicate');
      const text = await metrics.registry.metrics();
      const samples = text.split('\n').filter((line) => line.startsWith('gateway_conversation_outcomes_total{'));
      assert.equal(samples.length, 1);
      assert.match(samples[0]!, /channel="twilio",intent="booking",outcome="\w+",language="hi"\} 1$/);
      assert.deepEqual(await store.claimJobs(ANALYTICS_QUEUE, ANALYTICS_GROUP, 'worker-1', CLAIM), [], 'nothing left to do');
    });

    it('runs under the JobWorker: conversations queued as they end are analysed by whichever worker claims them', async () => {
      const { store, records, analytics, job } = await open();
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const [i, id] of ids.entries()) {
        await records.create({ id, channel: 'web', locale: 'en', status: 'ended', createdAt: STARTED + i, startedAt: STARTED + i, endedAt: STARTED + 30_000, endReason: 'client_closed' });
        await records.appendTranscript(id, { at: STARTED + 1_000, role: 'user', kind: 'text', text: 'What are your opening hours?' });
      }
      ids.push(randomUUID()); // erased before its job ran
      const workers = ['a', 'b'].map((consumer) => new JobWorker({ store, queue: ANALYTICS_QUEUE, group: ANALYTICS_GROUP, consumer, handle: job.handle, blockMs: 50, log: silentLogger }));
      for (const worker of workers) worker.start();
      try {
        for (const id of ids) await enqueueAnalytics(store, id);
        const found = await pollFor('three conversations analysed', async () => {
          const kept = await analytics.inRange('2026-03-02', '2026-03-02');
          return kept.length === 3 ? kept : undefined;
        });
        assert.deepEqual(new Set(found.map((a) => a.conversationId)), new Set(ids.slice(0, 3)));
      } finally {
        await Promise.all(workers.map((worker) => worker.stop()));
      }
    });

    it('drops the analysis of a conversation erased while it was being analysed', async () => {
      const { store, records, analytics, metrics } = await open();
      const id = randomUUID();
      await records.create({ id, channel: 'whatsapp', locale: 'pt-BR', status: 'ended', createdAt: STARTED, startedAt: STARTED, endedAt: STARTED + 60_000, endReason: 'idle' });
      await records.appendTranscript(id, { at: STARTED + 1_000, role: 'user', kind: 'text', text: 'Quero marcar uma consulta' });
      // The erasure request lands while the text model is writing the summary.
      const erasingTextModel = {
        model: 'gpt-4o-mini',
        analyze: async () => {
          await records.erase(id);
          return { ok: true as const, answer: { summary: 'Customer wanted an appointment.', sentiment: 0.2, intent: 'booking' as const } };
        },
      };
      const job = new AnalyticsJob({ records, analytics, metrics, log: silentLogger, analysis: { textModel: erasingTextModel } });
      await enqueueAnalytics(store, id);
      const [claimed] = await store.claimJobs(ANALYTICS_QUEUE, ANALYTICS_GROUP, 'worker-1', CLAIM);
      assert.equal(await job.run(claimed!), 'missing');
      assert.equal(await analytics.get(id), null);
      assert.deepEqual(await analytics.inRange('2026-03-02', '2026-03-02'), []);
      assert.doesNotMatch(await metrics.registry.metrics(), /^gateway_conversation_outcomes_total\{/m);
    });

    it('is done with a conversation erased or expired before its job ran, and with a job that names none', async () => {
      const { store, analytics, metrics, job } = await open();
      const id = randomUUID();
      await enqueueAnalytics(store, id);
      const [claimed] = await store.claimJobs(ANALYTICS_QUEUE, ANALYTICS_GROUP, 'worker-1', CLAIM);
      assert.equal(await job.run(claimed!), 'missing');
      assert.equal(await analytics.get(id), null);
      assert.equal(await job.run({ id: claimed!.id, fields: { conversation: id } }), 'malformed');
      assert.doesNotMatch(await metrics.registry.metrics(), /^gateway_conversation_outcomes_total\{/m);
    });
  });
}
