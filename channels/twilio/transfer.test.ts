// The REST transfer as Twilio's API receives it: the twilio package's own HTTP stack, pointed at a local server that
// stands in for api.twilio.com, so the request's method, path, credentials and TwiML are the real ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import twilio from 'twilio';
import { createRestTransfer } from './transfer.ts';

interface Seen {
  method: string;
  path: string;
  authorization: string;
  form: Record<string, string>;
}

let server: Server;
let origin: string;
const seen: Seen[] = [];

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization ?? '',
        form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sid: 'CA1', status: 'in-progress' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The package's own HTTP client, with api.twilio.com swapped for the local server just before sending. */
function loopbackClient(): twilio.RequestClient {
  const client = new twilio.RequestClient();
  client.axios.interceptors.request.use((config) => {
    config.url = config.url?.replace(/^https:\/\/[^/]+/, origin);
    return config;
  });
  return client;
}

test('transfer updates the live call with <Dial> TwiML through the REST API', async () => {
  const accountSid = 'AC' + '0'.repeat(32);
  const callSid = 'CA' + 'f'.repeat(32);
  const transfer = createRestTransfer(accountSid, 'rest-token', { httpClient: loopbackClient() });
  await transfer(callSid, '+91 22 4000 & 9999');
  assert.equal(seen.length, 1);
  const request = seen[0]!;
  assert.equal(request.method, 'POST');
  assert.equal(request.path, `/2010-04-01/Accounts/${accountSid}/Calls/${callSid}.json`);
  assert.equal(request.authorization, `Basic ${Buffer.from(`${accountSid}:rest-token`).toString('base64')}`);
  assert.equal(request.form.Twiml, '<?xml version="1.0" encoding="UTF-8"?><Response><Dial>+91 22 4000 &amp; 9999</Dial></Response>');
});
