// Analysed conversations in the Store, counted once each, and found again by day for the dashboard.
//
// Keys:
//   analytics:conversation:<id>   the ConversationAnalytics (JSON), replaced only by a later end; kept `ttlMs`
//   analytics:day:<YYYY-MM-DD>    list of the ids counted under that day (the UTC day the conversation started);
//                                 kept `ttlMs` after its last entry; ids whose analytics expired or were erased are
//                                 skipped when read
import type { Store } from '../core/store.ts';
import type { AnalyticsFilter, ConversationAnalytics } from './analytics-types.ts';
import { dayCount, daysBetween, isDay } from './days.ts';
import { channelLabel, intentLabel, languageLabel, outcomeLabel } from './labels.ts';

export const analyticsKey = (id: string): string => `analytics:conversation:${id}`;
export const analyticsDayKey = (day: string): string => `analytics:day:${day}`;

/** The widest range read at once: a year, with a leap day. */
export const MAX_RANGE_DAYS = 366;
const BATCH = 200;
const DEFAULT_TTL_MS = 365 * 86_400_000;

export interface AnalyticsStoreOptions {
  /** RETENTION_ANALYTICS_DAYS in milliseconds. Default 365 days. */
  readonly ttlMs?: number;
}

export class AnalyticsStore {
  private readonly ttlMs: number;

  constructor(
    private readonly store: Store,
    options: AnalyticsStoreOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  }

  /**
   * Keeps one conversation's analytics. True only the first time: a job delivered twice counts once, and the caller
   * must not count it again (metrics). A chat that woke up and ended again has a later end: its newer analytics
   * replace the kept ones (still counted once, under the same day).
   */
  async save(analytics: ConversationAnalytics): Promise<boolean> {
    const id = analytics.conversationId;
    const won = await this.store.set(analyticsKey(id), JSON.stringify(analytics), { ttlMs: this.ttlMs, onlyIfAbsent: true });
    if (won) {
      await this.store.append(analyticsDayKey(analytics.day), id, { ttlMs: this.ttlMs });
      return true;
    }
    const kept = await this.get(id);
    if (!kept) return false;
    if (analytics.endedAt > kept.endedAt) await this.store.set(analyticsKey(id), JSON.stringify({ ...analytics, day: kept.day }), { ttlMs: this.ttlMs });
    // A worker that wrote the analytics and died before indexing them leaves the job to be delivered again: re-index
    // (remove, then add, so a redelivery after a complete save leaves one entry). Readers drop duplicates anyway.
    await this.store.removeFromList(analyticsDayKey(kept.day), id);
    await this.store.append(analyticsDayKey(kept.day), id, { ttlMs: this.ttlMs });
    return false;
  }

  async get(id: string): Promise<ConversationAnalytics | null> {
    const raw = await this.store.get(analyticsKey(id));
    return raw === null ? null : (JSON.parse(raw) as ConversationAnalytics);
  }

  /** The analytics of several conversations, in the same order; null where there are none. */
  async getMany(ids: readonly string[]): Promise<Array<ConversationAnalytics | null>> {
    const out: Array<ConversationAnalytics | null> = [];
    // The Store has no multi-get: bounded batches keep a year's worth from opening thousands of requests at once.
    for (let i = 0; i < ids.length; i += BATCH) out.push(...(await Promise.all(ids.slice(i, i + BATCH).map((id) => this.get(id)))));
    return out;
  }

  /** Conversations counted under the days from `fromDay` to `toDay` (both included) that match `filter`. */
  async inRange(fromDay: string, toDay: string, filter: AnalyticsFilter = {}): Promise<ConversationAnalytics[]> {
    if (!isDay(fromDay) || !isDay(toDay)) throw new RangeError(`days are YYYY-MM-DD: got ${fromDay} to ${toDay}`);
    const days = dayCount(fromDay, toDay);
    if (days > MAX_RANGE_DAYS) throw new RangeError(`a range of ${days} days is wider than ${MAX_RANGE_DAYS}`);
    const lists = await Promise.all(daysBetween(fromDay, toDay).map((day) => this.store.range(analyticsDayKey(day), 0, -1)));
    const ids = [...new Set(lists.flat())];
    return (await this.getMany(ids)).filter((item): item is ConversationAnalytics => item !== null && matches(item, filter));
  }

  /** Erasure: the analytics and their place in the day index. */
  async erase(id: string): Promise<boolean> {
    const kept = await this.get(id);
    if (!kept) return false;
    await this.store.removeFromList(analyticsDayKey(kept.day), id);
    await this.store.delete(analyticsKey(id));
    return true;
  }
}

/** Filters compare label values, as groups and metrics show them ('other' matches every unserved locale). */
export function matches(analytics: ConversationAnalytics, filter: AnalyticsFilter): boolean {
  return (
    (filter.intent === undefined || intentLabel(analytics.intent) === filter.intent) &&
    (filter.outcome === undefined || outcomeLabel(analytics.outcome) === filter.outcome) &&
    (filter.channel === undefined || channelLabel(analytics.channel) === filter.channel) &&
    (filter.language === undefined || languageLabel(analytics.language) === filter.language)
  );
}
