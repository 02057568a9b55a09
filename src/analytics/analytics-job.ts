// The post-conversation analytics job: a conversation that ended is queued (enqueueAnalytics), and whichever instance
// claims the job reads its record and redacted transcript, analyses them, keeps the result once and counts it in the
// metrics. Jobs stay pending until handled, so a crash re-runs one; saving once is what keeps the counts right.
import type { Logger } from '../core/channel.ts';
import type { QueuedJob, Store } from '../core/store.ts';
import type { ConversationRecords } from '../conversation/records.ts';
import { analyzeConversation } from './analysis/analyze-conversation.ts';
import type { AnalyticsStore } from './analytics-store.ts';
import type { GatewayMetrics } from './metrics.ts';

export const ANALYTICS_QUEUE = 'analytics';
export const ANALYTICS_GROUP = 'analytics';
/** Far above any backlog a healthy deployment sees; bounds the queue's memory if no instance processes jobs. */
const MAX_QUEUED = 100_000;

/** Queues the analysis of a conversation that has ended; its record and transcript must be written first. */
export function enqueueAnalytics(store: Store, conversationId: string): Promise<string> {
  return store.enqueueJob(ANALYTICS_QUEUE, { conversationId }, { maxLength: MAX_QUEUED });
}

export interface AnalyticsJobDeps {
  readonly records: ConversationRecords;
  readonly analytics: AnalyticsStore;
  /** Absent on an instance that serves no /metrics. */
  readonly metrics?: GatewayMetrics;
  /** How the analysis runs (the text model, when one is configured). */
  readonly analysis?: Parameters<typeof analyzeConversation>[1];
  readonly log: Logger;
}

/** What became of one job: every one of these is done with (acknowledged); a thrown error has the job run again. */
export type AnalyticsJobResult = 'saved' | 'duplicate' | 'missing' | 'malformed';

export class AnalyticsJob {
  constructor(private readonly deps: AnalyticsJobDeps) {}

  /** The JobWorker's handler for the `analytics` queue. */
  readonly handle = async (job: QueuedJob): Promise<void> => {
    await this.run(job);
  };

  /** Runs one job and says what became of it. */
  async run(job: Pick<QueuedJob, 'id' | 'fields'>): Promise<AnalyticsJobResult> {
    const { records, analytics, metrics, log } = this.deps;
    const conversationId = job.fields.conversationId;
    if (!conversationId) {
      // It can never succeed: running it again would only fill the log.
      log.warn({ job: job.id }, 'analytics: job without a conversationId dropped');
      return 'malformed';
    }
    const [record, transcript] = await Promise.all([records.get(conversationId), records.transcript(conversationId)]);
    if (!record) {
      log.info({ conversationId }, 'analytics: conversation no longer stored (erased or expired), nothing to analyse');
      return 'missing';
    }
    const result = await analyzeConversation({ record, transcript }, this.deps.analysis ?? {});
    const first = await analytics.save(result);
    // An erasure that ran while this job analysed: its record is gone, and so must the analysis be (erasure removes
    // records before analytics, so one of the two always sees the other's write).
    if (!(await records.get(conversationId))) {
      await analytics.erase(conversationId);
      log.info({ conversationId }, 'analytics: the conversation was erased meanwhile; its analysis is dropped');
      return 'missing';
    }
    if (!first) {
      log.info({ conversationId }, 'analytics: already analysed, counted once');
      return 'duplicate';
    }
    metrics?.conversationAnalysed(result);
    log.debug({ conversationId, intent: result.intent, outcome: result.outcome, analyzedBy: result.analyzedBy }, 'analytics: conversation analysed');
    return 'saved';
  }
}
