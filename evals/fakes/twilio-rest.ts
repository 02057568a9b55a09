// Twilio's REST API as the phone channel's transfer reaches it: a local server standing in for api.twilio.com that
// records every call update (method, path, the TwiML sent), and the twilio package's own HTTP client pointed at it,
// so the request is the one production would send. Evals check a hand-off by the <Dial> this server received.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { createRestTransfer, type TransferCall } from '../../channels/twilio/transfer.ts';

export interface CallUpdate {
  readonly path: string;
  /** The call's SID, from the path. */
  readonly callSid: string;
  readonly twiml: string;
}

export interface FakeTwilioRest {
  readonly accountSid: string;
  readonly updates: CallUpdate[];
  /** The channel's transfer, sending through the fake. */
  readonly transfer: TransferCall;
  close(): Promise<void>;
}

export async function startFakeTwilioRest(): Promise<FakeTwilioRest> {
  const accountSid = `AC${'e'.repeat(32)}`;
  const updates: CallUpdate[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const call = /\/Calls\/(CA[0-9a-f]{32})\.json$/u.exec(path);
      if (request.method !== 'POST' || !call) return void response.writeHead(404, { 'content-type': 'application/json' }).end('{"code":20404,"status":404}');
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      updates.push({ path, callSid: call[1]!, twiml: form.get('Twiml') ?? '' });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: call[1], status: 'in-progress' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const httpClient = new twilio.RequestClient();
  httpClient.axios.interceptors.request.use((config) => {
    config.url = config.url?.replace(/^https:\/\/[^/]+/u, origin);
    return config;
  });
  return {
    accountSid,
    updates,
    transfer: createRestTransfer(accountSid, 'eval-rest-token', { httpClient }),
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
