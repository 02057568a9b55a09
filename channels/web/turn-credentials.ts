// TURN credentials for the page. A fixed TURN username and password handed to every page would make the TURN server
// a free relay for anyone who asks; with a shared secret (coturn's `use-auth-secret` / `static-auth-secret`, the
// "TURN REST API" scheme) each widget session gets its own credential that expires with it.
import { createHmac, randomBytes } from 'node:crypto';

export interface PageIceServer {
  readonly urls: readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

/** One hour: a credential is checked when the relay is allocated and refreshed, so it must outlive a long call. */
export const TURN_CREDENTIAL_TTL_S = 3600;

/** The ICE servers as one page gets them: STUN as configured, TURN with a fresh time-limited credential. */
export function iceServersForPage(servers: readonly PageIceServer[], turnSecret: string | undefined, nowMs: number): PageIceServer[] {
  return servers.map((server) => {
    const turn = server.urls.some((url) => /^turns?:/i.test(url));
    if (!turn || turnSecret === undefined) return copy(server);
    const username = `${Math.floor(nowMs / 1000) + TURN_CREDENTIAL_TTL_S}:widget-${randomBytes(6).toString('hex')}`;
    const credential = createHmac('sha1', turnSecret).update(username).digest('base64');
    return { urls: [...server.urls], username, credential };
  });
}

function copy(server: PageIceServer): PageIceServer {
  return { urls: [...server.urls], ...(server.username ? { username: server.username } : {}), ...(server.credential ? { credential: server.credential } : {}) };
}
