// The dashboard's figures behind ADMIN_TOKEN: aggregates of analysed conversations over a range of days, grouped by
// intent, channel, language, day or outcome, and the conversations live right now on each channel. Both read the
// shared store, so every instance answers the same.
import type { ChannelHttp, HttpRequest } from '../core/channel.ts';
import type { AnalyticsResponse } from '../analytics/analytics-types.ts';
import type { AnalyticsStore } from '../analytics/analytics-store.ts';
import { aggregate } from '../analytics/aggregates.ts';
import type { ConversationRecords } from '../conversation/records.ts';
import { ADMIN_PREFIX, guardedBy, json } from './admin-http.ts';
import { DEFAULT_CHANNELS, QueryError, parseFilter, parseGroupBy, parseRange } from './admin-query.ts';

export interface AdminAnalyticsDeps {
  readonly adminToken: string | undefined;
  readonly records: ConversationRecords;
  readonly analytics: AnalyticsStore;
  /** Channel names a filter may ask for. Default twilio, whatsapp, web. */
  readonly channels?: readonly string[];
  /**
   * A record still 'live' after this long belongs to an instance that died mid-conversation: not counted. Give it
   * MAX_CONVERSATION_S plus a little. Default a day, the longest a conversation may be configured to last.
   */
  readonly liveMaxAgeMs?: number;
  readonly now?: () => number;
}

/** How many of the most recent conversations are looked at for live ones. */
const LIVE_SCAN = 1_000;
/** The name the dashboard shows a channel under, when it is not the channel's own. */
const LIVE_GROUP: Readonly<Record<string, string>> = { twilio: 'phone' };

export function registerAdminAnalyticsRoutes(http: ChannelHttp, deps: AdminAnalyticsDeps): void {
  const guarded = guardedBy(deps.adminToken);
  const now = deps.now ?? Date.now;

  http.route(
    'GET',
    `${ADMIN_PREFIX}/analytics`,
    guarded(async (request: HttpRequest) => {
      let query;
      try {
        query = { groupBy: parseGroupBy(request.query), range: parseRange(request.query, now()), filter: parseFilter(request.query, deps.channels ?? DEFAULT_CHANNELS) };
      } catch (error) {
        if (error instanceof QueryError) return json(400, { error: error.message });
        throw error;
      }
      const { groupBy, range, filter } = query;
      const conversations = await deps.analytics.inRange(range.from, range.to, filter);
      const { total, groups } = aggregate(conversations, groupBy, range.days);
      const body: AnalyticsResponse = { groupBy, from: range.from, to: range.to, days: range.days, total, groups };
      return json(200, body);
    }),
  );

  http.route(
    'GET',
    `${ADMIN_PREFIX}/live`,
    guarded(async () => {
      const since = now() - (deps.liveMaxAgeMs ?? 86_400_000);
      const live: Record<string, number> = { phone: 0, whatsapp: 0, web: 0 };
      let total = 0;
      for (const record of await deps.records.recent(LIVE_SCAN)) {
        if (record.status !== 'live' || (record.startedAt ?? record.createdAt) < since) continue;
        const group = LIVE_GROUP[record.channel] ?? record.channel;
        live[group] = (live[group] ?? 0) + 1;
        total += 1;
      }
      return json(200, { live, total });
    }),
  );
}
