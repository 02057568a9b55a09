// The admin API behind ADMIN_TOKEN: list conversations (with what their analytics concluded, and filters on it), look
// at one (record with masked addresses, the transcript as stored, i.e. redacted, its consent record, audit events and
// analytics), erase a customer, and the dashboard's figures (admin-analytics-routes.ts). Looking at a conversation is
// an 'export' and erasing is an 'erasure' in the audit trail. Without ADMIN_TOKEN every route answers 404, the same
// as a path that does not exist, so a gateway without admin does not even show that it has one.
import type { ChannelHttp, Logger } from '../core/channel.ts';
import type { AuditLog } from '../compliance/audit.ts';
import type { ConsentStore } from '../compliance/consent.ts';
import type { Erasure } from '../compliance/erasure.ts';
import type { ConversationRecord, ConversationRecords } from '../conversation/records.ts';
import type { AnalyticsFilter, ConversationAnalytics } from '../analytics/analytics-types.ts';
import type { AnalyticsStore } from '../analytics/analytics-store.ts';
import { channelLabel, intentLabel, languageLabel } from '../analytics/labels.ts';
import { ADMIN_PREFIX, guardedBy, json } from './admin-http.ts';
import { registerAdminAnalyticsRoutes, type AdminAnalyticsDeps } from './admin-analytics-routes.ts';
import { DEFAULT_CHANNELS, QueryError, parseFilter } from './admin-query.ts';

export { ADMIN_PREFIX, adminRefusal } from './admin-http.ts';

export interface AdminDeps extends AdminAnalyticsDeps {
  /** ADMIN_TOKEN; unset disables the admin API. */
  readonly adminToken: string | undefined;
  readonly records: ConversationRecords;
  readonly analytics: AnalyticsStore;
  readonly consent: ConsentStore;
  readonly audit: AuditLog;
  readonly erasure: Erasure;
  readonly log: Logger;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const MAX_ID_LENGTH = 256;
/** With a filter, the most recent conversations looked through for `limit` that match. */
const FILTER_SCAN = 5_000;
const BATCH = 200;

export function registerAdminRoutes(http: ChannelHttp, deps: AdminDeps): void {
  const guarded = guardedBy(deps.adminToken);

  http.route(
    'GET',
    `${ADMIN_PREFIX}/conversations`,
    guarded(async (request) => {
      const limit = parseLimit(request.query.limit);
      if (limit === undefined) return json(400, { error: `limit must be a whole number from 1 to ${MAX_LIMIT}` });
      let filter: AnalyticsFilter;
      try {
        filter = parseFilter(request.query, deps.channels ?? DEFAULT_CHANNELS);
      } catch (error) {
        if (error instanceof QueryError) return json(400, { error: error.message });
        throw error;
      }
      return json(200, { conversations: await listConversations(deps, limit, filter) });
    }),
  );

  http.route(
    'GET',
    `${ADMIN_PREFIX}/conversations/:id`,
    guarded(async (request) => {
      const id = lastSegment(request.path, `${ADMIN_PREFIX}/conversations/`);
      if (id === undefined) return json(400, { error: 'malformed conversation id' });
      const [record, transcript, consent, audit, analytics] = await Promise.all([
        deps.records.get(id),
        deps.records.transcript(id),
        deps.consent.getConsent(id),
        deps.audit.forConversation(id),
        deps.analytics.get(id),
      ]);
      // Analytics are kept longer than transcripts: a conversation may be known by its analytics alone.
      if (!record && transcript.length === 0 && !analytics) return json(404, { error: 'no such conversation' });
      // Audited before anything leaves: an export that cannot be logged does not happen.
      // The customer's pseudonym goes with it, so "who looked at my data" can be answered from the trail (LGPD art. 18).
      await deps.audit.record({
        type: 'export',
        conversationId: id,
        ...(record ? { channel: record.channel } : {}),
        ...(record?.from ? { subject: record.from } : {}),
        detail: { via: 'admin_api' },
      });
      return json(200, { conversation: record ? masked(record) : null, transcript, consent, audit, analytics });
    }),
  );

  http.route(
    'DELETE',
    `${ADMIN_PREFIX}/subjects/:id`,
    guarded(async (request) => {
      const subject = lastSegment(request.path, `${ADMIN_PREFIX}/subjects/`);
      if (subject === undefined || subject.trim() === '') return json(400, { error: 'malformed subject: a URL-encoded phone number or WhatsApp id' });
      const receipt = await deps.erasure.eraseSubject(subject);
      deps.log.info({ subject: receipt.subject, conversations: receipt.conversations }, 'admin: subject erased');
      return json(200, receipt);
    }),
  );

  registerAdminAnalyticsRoutes(http, deps);
}

type Summary = ReturnType<typeof summary>;

/**
 * The newest conversations with what their analytics concluded. With a filter, up to FILTER_SCAN of the newest are
 * looked through, newest first, until `limit` match.
 */
async function listConversations(deps: AdminDeps, limit: number, filter: AnalyticsFilter): Promise<Summary[]> {
  const filtered = Object.keys(filter).length > 0;
  const ids = await deps.records.recentIds(filtered ? FILTER_SCAN : limit);
  const out: Summary[] = [];
  for (let i = 0; i < ids.length && out.length < limit; i += BATCH) {
    const batch = ids.slice(i, i + BATCH);
    const [records, analytics] = await Promise.all([Promise.all(batch.map((id) => deps.records.get(id))), deps.analytics.getMany(batch)]);
    for (const [j, record] of records.entries()) {
      // An expired record is skipped, as the list did before analytics (its analytics stay in the aggregates).
      if (!record) continue;
      const item = summary(record, analytics[j] ?? null);
      // The language the analytics counted it under (its last locale), else the record's.
      if (listed(item, analytics[j]?.language ?? record.locale, filter)) out.push(item);
      if (out.length === limit) break;
    }
  }
  return out;
}

/** Filters compare label values, as the analytics endpoint does; a conversation not yet analysed has no outcome. */
function listed(item: Summary, language: string, filter: AnalyticsFilter): boolean {
  return (
    (filter.intent === undefined || (item.intent !== null && intentLabel(item.intent) === filter.intent)) &&
    (filter.outcome === undefined || item.outcome === filter.outcome) &&
    (filter.channel === undefined || channelLabel(item.channel) === filter.channel) &&
    (filter.language === undefined || languageLabel(language) === filter.language)
  );
}

function parseLimit(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return DEFAULT_LIMIT;
  if (!/^\d+$/.test(raw)) return undefined;
  const limit = Number(raw);
  return limit >= 1 && limit <= MAX_LIMIT ? limit : undefined;
}

/** The decoded path segment after `prefix`; undefined when it is not one well-formed segment. */
function lastSegment(path: string, prefix: string): string | undefined {
  const raw = path.slice(prefix.length);
  if (!path.startsWith(prefix) || raw === '' || raw.includes('/')) return undefined;
  try {
    const id = decodeURIComponent(raw);
    return id.length <= MAX_ID_LENGTH ? id : undefined;
  } catch {
    return undefined;
  }
}

/** What the list shows: no addresses at all. */
function summary(record: ConversationRecord, analytics: ConversationAnalytics | null) {
  const ran = record.startedAt !== undefined && record.endedAt !== undefined ? record.endedAt - record.startedAt : null;
  return {
    id: record.id,
    channel: record.channel,
    locale: record.locale,
    status: record.status,
    createdAt: record.createdAt,
    startedAt: record.startedAt ?? null,
    endedAt: record.endedAt ?? null,
    endReason: record.endReason ?? null,
    model: record.model ?? null,
    fallbackReason: record.fallbackReason ?? null,
    intent: analytics?.intent ?? record.intent ?? null,
    outcome: analytics?.outcome ?? null,
    sentimentLabel: analytics?.sentimentLabel ?? null,
    durationMs: analytics?.durationMs ?? ran,
  };
}

function masked(record: ConversationRecord): ConversationRecord {
  return {
    ...record,
    ...(record.from !== undefined ? { from: maskAddress(record.from) } : {}),
    ...(record.to !== undefined ? { to: maskAddress(record.to) } : {}),
  };
}

/** "+919876543210" -> "+*********210", "919876543210@s.whatsapp.net" -> "*********210": the last 3 digits. */
export function maskAddress(address: string): string {
  // A Baileys JID may carry a device after a colon: 919876543210:12@s.whatsapp.net.
  const local = (address.split('@')[0] ?? '').replace(/:\d+$/, '');
  const plus = local.startsWith('+') ? '+' : '';
  const rest = local.slice(plus.length);
  if (rest.length <= 3) return `${plus}${'*'.repeat(rest.length)}`;
  return `${plus}${'*'.repeat(rest.length - 3)}${rest.slice(-3)}`;
}
