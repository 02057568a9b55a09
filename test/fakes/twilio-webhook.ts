// The fake Twilio's voice webhook: the signed, form-encoded POST Twilio sends when a call comes in, and the TwiML
// answer read the way Twilio reads it (<Connect><Stream> with its parameters). It signs with the twilio package, not
// with our code; the media stream's signed upgrade uses the same signature header (twilio-media-stream.ts).
import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export const sid = (prefix: string): string => prefix + randomBytes(16).toString('hex');

/** How a request (the webhook, or the stream's upgrade) is signed. */
export interface TwilioSigning {
  /** Signs the request like Twilio when given. */
  readonly authToken?: string;
  /** Overrides the X-Twilio-Signature header: null sends none, a string is sent as is. */
  readonly signature?: string | null;
  /** The URL Twilio believes it requested, when a proxy sits in front (signed instead of the one requested). */
  readonly signedUrl?: string;
}

export interface WebhookOptions extends TwilioSigning {
  /** Where the gateway listens, such as http://127.0.0.1:4321. */
  readonly baseUrl: string;
  readonly path?: string;
  readonly query?: Readonly<Record<string, string>>;
  /** Parameters changed after signing: an altered or forged request. */
  readonly tamper?: Readonly<Record<string, string>>;
  readonly callSid?: string;
  readonly accountSid?: string;
  readonly from?: string;
  readonly to?: string;
  /** Parameters to add, replace, or (with undefined) leave out. */
  readonly params?: Readonly<Record<string, string | undefined>>;
  /**
   * Send with node:http on a socket closed after the answer instead of fetch. For tests that mock setTimeout: fetch
   * keeps its connection alive on timers of its own, which a moved clock fires after the request is gone.
   */
  readonly plainHttp?: boolean;
}

export interface WebhookResult {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly stream?: { readonly url: string; readonly parameters: Readonly<Record<string, string>> };
}

/** POSTs the form-encoded voice webhook Twilio sends when a call comes in. */
export async function postVoiceWebhook(options: WebhookOptions): Promise<WebhookResult> {
  const url = new URL(options.path ?? '/twilio/voice', options.baseUrl);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const accountSid = options.accountSid ?? sid('AC');
  const base: Record<string, string | undefined> = {
    AccountSid: accountSid,
    ApiVersion: '2010-04-01',
    CallSid: options.callSid ?? sid('CA'),
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: options.from ?? '+919812345678',
    To: options.to ?? '+912240001234',
    Caller: options.from ?? '+919812345678',
    Called: options.to ?? '+912240001234',
    ...options.params,
  };
  const params = Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
  const headers = { 'content-type': 'application/x-www-form-urlencoded', ...signatureHeader(options, options.signedUrl ?? url.href, params) };
  const body = new URLSearchParams({ ...params, ...options.tamper }).toString();
  const response = options.plainHttp ? await postPlain(url, headers, body) : await viaFetch(url, headers, body);
  return { ...response, stream: parseStreamTwiml(response.body) };
}

/** Reads <Connect><Stream url><Parameter name value/></Stream> the way Twilio would (XML entities decoded). */
export function parseStreamTwiml(xml: string): WebhookResult['stream'] {
  const stream = /<Connect>\s*<Stream\s+([^>]*?)\/?>([\s\S]*?)(?:<\/Stream>)?\s*<\/Connect>/.exec(xml);
  if (!stream) return undefined;
  const url = attribute(stream[1]!, 'url');
  if (!url) return undefined;
  const parameters: Record<string, string> = {};
  for (const match of stream[2]!.matchAll(/<Parameter\s+([^>]*?)\/>/g)) {
    const name = attribute(match[1]!, 'name');
    const value = attribute(match[1]!, 'value');
    if (name !== undefined && value !== undefined) parameters[name] = value;
  }
  return { url, parameters };
}

function attribute(attributes: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(attributes);
  return match?.[1]!.replace(/&(amp|lt|gt|quot|apos);/g, (_m, entity: string) => XML_ENTITIES[entity]!);
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The X-Twilio-Signature header Twilio would send, or the override a test asked for (null: none). */
export function signatureHeader(options: TwilioSigning, url: string, params: Record<string, string>): Record<string, string> {
  const signature =
    options.signature !== undefined ? options.signature : options.authToken ? twilio.getExpectedTwilioSignature(options.authToken, url, params) : null;
  return signature === null ? {} : { 'x-twilio-signature': signature };
}

async function viaFetch(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; contentType: string; body: string }> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
}

function postPlain(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; contentType: string; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { ...headers, connection: 'close' }, agent: false }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '', body: text }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
