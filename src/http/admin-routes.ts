// The admin API behind ADMIN_TOKEN: list conversations, look at one (record with masked addresses, the transcript as
// stored, i.e. redacted, its consent record and audit events), and erase a customer. Looking at a conversation is an
// 'export' and erasing is an 'erasure' in the audit trail. Without ADMIN_TOKEN every route answers 404, the same as
// a path that does not exist, so a gateway without admin does not even show that it has one.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ChannelHttp, HttpReply, HttpRequest, Logger } from '../core/channel.ts';
import type { AuditLog } from '../compliance/audit.ts';
import type { ConsentStore } from '../compliance/consent.ts';
import type { Erasure } from '../compliance/erasure.ts';
import type { ConversationRecord, ConversationRecords } from '../conversation/records.ts';

export interface AdminDeps {
  /** ADMIN_TOKEN; unset disables the admin API. */
  readonly adminToken: string | undefined;
  readonly records: ConversationRecords;
  readonly consent: ConsentStore;
  readonly audit: AuditLog;
  readonly erasure: Erasure;
  readonly log: Logger;
}

export const ADMIN_PREFIX = '/admin/api';
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const MAX_ID_LENGTH = 256;

export function registerAdminRoutes(http: ChannelHttp, deps: AdminDeps): void {
  const guarded = (handler: (request: HttpRequest) => Promise<HttpReply>) => async (request: HttpRequest) =>
    adminRefusal(request, deps.adminToken) ?? (await handler(request));

  http.route(
    'GET',
    `${ADMIN_PREFIX}/conversations`,
    guarded(async (request) => {
      const limit = parseLimit(request.query.limit);
      if (limit === undefined) return json(400, { error: `limit must be a whole number from 1 to ${MAX_LIMIT}` });
      const conversations = (await deps.records.recent(limit)).map(summary);
      return json(200, { conversations });
    }),
  );

  http.route(
    'GET',
    `${ADMIN_PREFIX}/conversations/:id`,
    guarded(async (request) => {
      const id = lastSegment(request.path, `${ADMIN_PREFIX}/conversations/`);
      if (id === undefined) return json(400, { error: 'malformed conversation id' });
      const [record, transcript, consent, audit] = await Promise.all([
        deps.records.get(id),
        deps.records.transcript(id),
        deps.consent.getConsent(id),
        deps.audit.forConversation(id),
      ]);
      if (!record && transcript.length === 0) return json(404, { error: 'no such conversation' });
      // Audited before anything leaves: an export that cannot be logged does not happen.
      // The customer's pseudonym goes with it, so "who looked at my data" can be answered from the trail (LGPD art. 18).
      await deps.audit.record({
        type: 'export',
        conversationId: id,
        ...(record ? { channel: record.channel } : {}),
        ...(record?.from ? { subject: record.from } : {}),
        detail: { via: 'admin_api' },
      });
      return json(200, { conversation: record ? masked(record) : null, transcript, consent, audit });
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
}

/** The reply that refuses an admin request (404 without ADMIN_TOKEN, 401, 403), or undefined to let it through. */
export function adminRefusal(request: HttpRequest, adminToken: string | undefined): HttpReply | undefined {
  if (!adminToken) return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not Found' };
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(request.headers.authorization ?? '');
  if (!match) return { ...json(401, { error: 'an Authorization: Bearer <ADMIN_TOKEN> header is required' }), headers: { ...JSON_HEADERS, 'www-authenticate': 'Bearer realm="admin"' } };
  if (!sameSecret(match[1]!, adminToken)) return json(403, { error: 'wrong admin token' });
  return undefined;
}

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
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
function summary(record: ConversationRecord) {
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

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function json(status: number, body: unknown): HttpReply {
  return { status, headers: JSON_HEADERS, body: JSON.stringify(body) };
}
