// Post-conversation analytics benchmark: what analysing one ended conversation costs with the lexicons (no text
// model), how many conversations the queue and one worker get through on Redis (enqueue, claim, read the record and
// transcript, analyse, save, acknowledge), and how long the dashboard's figures over 10,000 conversations take to
// read and add up. Prints plain lines; run directly with `node --import tsx bench/analytics.bench.ts`.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Store } from '../src/core/store.ts';
import { analyzeConversation } from '../src/analytics/analysis/analyze-conversation.ts';
import { aggregate } from '../src/analytics/aggregates.ts';
import { ANALYTICS_GROUP, ANALYTICS_QUEUE, AnalyticsJob, enqueueAnalytics } from '../src/analytics/analytics-job.ts';
import { AnalyticsStore } from '../src/analytics/analytics-store.ts';
import { JobWorker } from '../src/analytics/job-worker.ts';
import type { ConversationRecord, TranscriptEntry } from '../src/conversation/records.ts';
import { ConversationRecords } from '../src/conversation/records.ts';
import { silentLogger } from '../src/log.ts';
import { RedisStore } from '../src/store/redis-store.ts';
import { analysed } from '../test/analytics-fixtures.ts';
import { startRedis } from '../test/redis-server.ts';

const DAY = '2026-03-02';
const STARTED = Date.parse(`${DAY}T10:00:00Z`);

/** A 20-turn booking call as the gateway stores it, in one of four languages. */
function conversation(index: number): { record: ConversationRecord; transcript: TranscriptEntry[] } {
  const lines = [
    ['hi', 'मुझे कल डॉक्टर से मिलने का समय चाहिए, सुबह दस बजे ठीक रहेगा', 'जी, कल सुबह दस बजे का समय खाली है। बुक कर दूँ?'],
    ['en-IN', 'I would like to book an appointment for tomorrow morning please', 'Tomorrow at ten is free. Shall I book it for you?'],
    ['pt-BR', 'Quero marcar uma consulta para amanhã de manhã, obrigado', 'Amanhã às dez está livre. Posso marcar?'],
    ['es-419', 'Quisiera una cita para mañana en la mañana, gracias', 'Mañana a las diez está libre. ¿La reservo?'],
  ] as const;
  const [locale, user, assistant] = lines[index % lines.length]!;
  const id = randomUUID();
  const transcript: TranscriptEntry[] = [];
  for (let turn = 0; turn < 10; turn++) {
    transcript.push({ at: STARTED + turn * 6_000, role: 'user', kind: 'speech', text: user });
    transcript.push({ at: STARTED + turn * 6_000 + 700, role: 'assistant', kind: 'speech', text: assistant });
  }
  transcript.push({ at: STARTED + 61_000, role: 'assistant', kind: 'tool_call', name: 'book_appointment', text: '{"slotId":"2026-03-03T10:00"}' });
  const stats = {
    turns: 10,
    timeToFirstAudioMs: 640,
    turnLatenciesMs: Array.from({ length: 10 }, (_, turn) => 500 + turn * 30),
    bargeIns: 1,
    toolCalls: 3,
    toolErrors: 0,
    toolsSucceeded: ['hand_off', 'check_availability', 'book_appointment'],
    handOffs: 1,
    transferred: false,
    usage: { openai: { inputAudioMs: 40_000, outputAudioMs: 25_000, inputTokens: 9_000, outputTokens: 1_500 } },
  };
  const record: ConversationRecord = { id, channel: 'twilio', locale, status: 'ended', createdAt: STARTED, startedAt: STARTED, endedAt: STARTED + 65_000, endReason: 'agent_ended', intent: 'booking', stats };
  return { record, transcript };
}

async function analysisCost(): Promise<void> {
  const samples = Array.from({ length: 200 }, (_, i) => conversation(i));
  for (const sample of samples) await analyzeConversation(sample);
  const runs = 5_000;
  const started = performance.now();
  for (let i = 0; i < runs; i++) await analyzeConversation(samples[i % samples.length]!);
  const us = ((performance.now() - started) * 1000) / runs;
  console.log(`analytics: analyse one 20-turn conversation (lexicons, 4 languages)  ${us.toFixed(0)} µs`);
}

/** Conversations per second through the queue with one worker: the job's whole path on a real Redis. */
async function queueThroughput(store: Store): Promise<void> {
  const records = new ConversationRecords(store);
  const analytics = new AnalyticsStore(store);
  const count = 2_000;
  for (let i = 0; i < count; i++) {
    const { record, transcript } = conversation(i);
    await records.create(record);
    for (const entry of transcript) await records.appendTranscript(record.id, entry);
    await enqueueAnalytics(store, record.id);
  }
  const job = new AnalyticsJob({ records, analytics, log: silentLogger });
  let done = 0;
  const worker = new JobWorker({
    store,
    queue: ANALYTICS_QUEUE,
    group: ANALYTICS_GROUP,
    consumer: 'bench',
    concurrency: 4,
    removeWhenDone: true,
    blockMs: 100,
    handle: async (queued) => {
      await job.handle(queued);
      done++;
    },
    log: silentLogger,
  });
  const started = performance.now();
  worker.start();
  while (done < count) await new Promise((resolve) => setTimeout(resolve, 5));
  const seconds = (performance.now() - started) / 1000;
  await worker.stop();
  console.log(`analytics: queue -> analysis -> saved on Redis, one worker (4 at once)  ${(count / seconds).toFixed(0)} conversations/s`);
}

/** The dashboard's by-intent table over 10,000 conversations: reading them back, then adding them up. */
async function dashboardFigures(store: Store): Promise<void> {
  const analytics = new AnalyticsStore(store);
  const intents = ['booking', 'status', 'escalation', 'faq', 'other'] as const;
  // Days of their own, apart from the conversations the throughput run left behind.
  const days = Array.from({ length: 30 }, (_, i) => new Date(Date.parse('2026-05-01T00:00:00Z') + i * 86_400_000).toISOString().slice(0, 10));
  const items = Array.from({ length: 10_000 }, (_, i) =>
    analysed({ day: days[i % days.length]!, intent: intents[i % intents.length]!, turnLatenciesMs: Array.from({ length: 8 }, (_, t) => 400 + ((i * 7 + t * 13) % 500)) }),
  );
  for (let i = 0; i < items.length; i += 500) await Promise.all(items.slice(i, i + 500).map((item) => analytics.save(item)));
  let started = performance.now();
  const found = await analytics.inRange(days[0]!, days.at(-1)!);
  const readMs = performance.now() - started;
  started = performance.now();
  aggregate(found, 'intent', days);
  const sumMs = performance.now() - started;
  console.log(`analytics: 30 days, ${found.length} conversations from Redis / added up by intent  ${readMs.toFixed(0)} ms / ${sumMs.toFixed(1)} ms`);
}

export async function benchAnalytics(): Promise<void> {
  await analysisCost();
  const redis = await startRedis();
  const store = new RedisStore({ url: redis.url, keyPrefix: `bench-analytics-${randomUUID()}:` });
  try {
    await queueThroughput(store);
    await dashboardFigures(store);
  } finally {
    await store.close();
    await redis.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchAnalytics();
