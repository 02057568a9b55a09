// The admin API for linking a number through Baileys: the link's state as JSON, the QR as a PNG to scan, and a new
// pairing after the link stopped (logged out, QR expired). Behind ADMIN_TOKEN like the rest of the admin API.
import type { ChannelHttp, HttpReply, HttpRequest } from '../../src/core/channel.ts';
import { ADMIN_PREFIX, adminRefusal } from '../../src/http/admin-routes.ts';
import type { BaileysTransport } from './baileys/index.ts';
import { qrPng } from './qr.ts';

export const PAIRING_PATH = `${ADMIN_PREFIX}/whatsapp/pairing`;

const json = (status: number, body: unknown): HttpReply => ({ status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(body) });

export function registerPairingRoutes(http: ChannelHttp, baileys: Pick<BaileysTransport, 'pairing' | 'pair'>, adminToken: string | undefined): void {
  const guarded = (handler: (request: HttpRequest) => Promise<HttpReply> | HttpReply) => async (request: HttpRequest) =>
    adminRefusal(request, adminToken) ?? (await handler(request));

  http.route('GET', PAIRING_PATH, guarded(() => json(200, baileys.pairing())));

  http.route(
    'GET',
    `${PAIRING_PATH}.png`,
    guarded(async () => {
      const { qr, status } = baileys.pairing();
      if (!qr) return json(404, { error: `no QR to scan now (the link is ${status})`, status });
      return { status: 200, headers: { 'content-type': 'image/png', 'cache-control': 'no-store' }, body: await qrPng(qr) };
    }),
  );

  http.route('POST', PAIRING_PATH, guarded(() => json(202, baileys.pair())));
}
