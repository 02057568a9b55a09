// An admin API on real HTTP (127.0.0.1, port 0) over a given store, with the compliance parts it needs, for tests of
// the admin routes; and a fetch that returns status, parsed JSON, raw text and headers.
import type { Store } from '../src/core/store.ts';
import { AuditLog } from '../src/compliance/audit.ts';
import { ConsentStore } from '../src/compliance/consent.ts';
import { Erasure } from '../src/compliance/erasure.ts';
import { Pseudonyms } from '../src/compliance/pseudonyms.ts';
import { ConversationRecords } from '../src/conversation/records.ts';
import { AnalyticsStore } from '../src/analytics/analytics-store.ts';
import { silentLogger } from '../src/log.ts';
import { registerAdminRoutes, type AdminDeps } from '../src/http/admin-routes.ts';
import { createHttpServer } from '../src/http/server.ts';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
export const adminAuth = { authorization: `Bearer ${ADMIN_TOKEN}` };
export const adminPseudonyms = new Pseudonyms('admin-test-secret-0123456789');

export interface AdminServer {
  readonly base: string;
  readonly store: Store;
  readonly records: ConversationRecords;
  readonly consent: ConsentStore;
  readonly audit: AuditLog;
  readonly analytics: AnalyticsStore;
  close(): Promise<void>;
}

export async function startAdmin(store: Store, adminToken: string | undefined, options: Partial<Pick<AdminDeps, 'now' | 'liveMaxAgeMs' | 'channels'>> = {}): Promise<AdminServer> {
  const audit = new AuditLog(store, { pseudonyms: adminPseudonyms });
  const records = new ConversationRecords(store, { pseudonyms: adminPseudonyms, audit, redact: (text) => text.replace(/\d{10,}/g, '[phone]') });
  const consent = new ConsentStore(store, { audit });
  const erasure = new Erasure({ store, records, consent, audit });
  const analytics = new AnalyticsStore(store);
  const server = createHttpServer({ log: silentLogger });
  registerAdminRoutes(server.http, { adminToken, records, consent, audit, erasure, analytics, log: silentLogger, ...options });
  const port = await server.listen(0, '127.0.0.1');
  return { base: `http://127.0.0.1:${port}`, store, records, consent, audit, analytics, close: () => server.close() };
}

export async function call(base: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, headers: response.headers };
}
