// A fake Graph API for the WhatsApp Cloud transport, on 127.0.0.1, speaking Meta's wire format: bearer tokens checked
// (a Graph 401 with code 190 otherwise), media metadata at GET /{media-id} with a download URL that points back here
// (as Meta's lookaside URLs do, bearer required), multipart uploads at POST /{phone-number-id}/media parsed for real
// (the bytes are kept so tests can run ffprobe on them), and POST /{phone-number-id}/messages recorded and checked the
// way Meta checks them. A test can make the next request to an endpoint fail with any Graph error.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface FakeGraphOptions {
  /** The only token accepted. */
  readonly token: string;
  readonly phoneNumberId: string;
  /** The API path before the ids, such as /v23.0 or /proxy/graph/v23.0. */
  readonly prefix?: string;
}

export interface StoredMedia {
  readonly id: string;
  readonly bytes: Uint8Array;
  readonly mimeType: string;
  /** As given to GET /{media-id}: hex SHA-256 of the bytes unless a test overrode it. */
  readonly sha256: string;
  readonly filename?: string;
  /** The other multipart fields of an upload (messaging_product, type). */
  readonly fields?: Readonly<Record<string, string>>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly contentType?: string;
}

export interface GraphFailure {
  /** HTTP status, such as 400, 429 or 500. */
  readonly status: number;
  /** Graph error code, such as 131047 or 130429. */
  readonly code: number;
  readonly message?: string;
  readonly details?: string;
}

export type FailingEndpoint = 'messages' | 'media-upload' | 'media-lookup' | 'media-download';

export interface FakeGraph {
  /** Base URL for the transport's apiUrl: origin plus prefix. */
  readonly apiUrl: string;
  readonly origin: string;
  /** Every request, in order, with its Authorization header. */
  readonly requests: RecordedRequest[];
  /** Accepted POST /messages bodies (texts, audio, templates, read receipts), in order. */
  readonly messages: Array<Record<string, unknown>>;
  readonly uploads: StoredMedia[];
  /** Serves media as if a customer had sent it; returns its media id. */
  addMedia(bytes: Uint8Array, mimeType: string, overrides?: { readonly sha256?: string; readonly fileSize?: number | string }): string;
  /** The next request to this endpoint fails with this Graph error. */
  failNext(endpoint: FailingEndpoint, failure: GraphFailure): void;
  close(): Promise<void>;
}

export async function startFakeGraph(options: FakeGraphOptions): Promise<FakeGraph> {
  const prefix = (options.prefix ?? '/v23.0').replace(/\/+$/, '');
  const requests: RecordedRequest[] = [];
  const messages: Array<Record<string, unknown>> = [];
  const uploads: StoredMedia[] = [];
  const media = new Map<string, StoredMedia & { readonly fileSize?: number | string }>();
  const failures = new Map<FailingEndpoint, GraphFailure[]>();
  let origin = '';

  function nextFailure(endpoint: FailingEndpoint): GraphFailure | undefined {
    return failures.get(endpoint)?.shift();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const body = await readBody(req);
    requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search, authorization: req.headers.authorization, contentType: req.headers['content-type'] });

    if (url.pathname === '/whatsapp_business/attachments/') return serveDownload(url, req, res);
    if (!url.pathname.startsWith(`${prefix}/`)) return graphError(res, { status: 404, code: 803, message: 'Some of the aliases you requested do not exist' });
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      return graphError(res, { status: 401, code: 190, message: 'Invalid OAuth access token - Cannot parse access token' });
    }
    const ids = url.pathname.slice(prefix.length + 1).split('/').map(decodeURIComponent);

    if (req.method === 'GET' && ids.length === 1) return lookupMedia(ids[0]!, res);
    if (req.method === 'POST' && ids.length === 2 && ids[0] === options.phoneNumberId && ids[1] === 'messages') return acceptMessage(body, res);
    if (req.method === 'POST' && ids.length === 2 && ids[0] === options.phoneNumberId && ids[1] === 'media') return acceptUpload(req, body, res);
    return graphError(res, {
      status: 400,
      code: 100,
      message: `Unsupported ${req.method?.toLowerCase()} request. Object with ID '${ids[0]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`,
    });
  }

  function lookupMedia(id: string, res: ServerResponse): void {
    const failure = nextFailure('media-lookup');
    if (failure) return graphError(res, failure);
    const stored = media.get(id);
    if (!stored) return graphError(res, { status: 400, code: 100, message: 'Invalid parameter', details: `media ${id} does not exist` });
    const expiry = Math.floor(Date.now() / 1000) + 300;
    json(res, 200, {
      messaging_product: 'whatsapp',
      url: `${origin}/whatsapp_business/attachments/?mid=${id}&ext=${expiry}&hash=${randomBytes(8).toString('hex')}`,
      mime_type: stored.mimeType,
      sha256: stored.sha256,
      file_size: stored.fileSize ?? stored.bytes.byteLength,
      id,
    });
  }

  function serveDownload(url: URL, req: IncomingMessage, res: ServerResponse): void {
    // The lookaside host answers a missing token with a bare 401, not a Graph error.
    if (req.headers.authorization !== `Bearer ${options.token}`) return plain(res, 401, 'Unauthorized');
    const failure = nextFailure('media-download');
    if (failure) return graphError(res, failure);
    const stored = media.get(url.searchParams.get('mid') ?? '');
    if (!stored) return plain(res, 404, 'Not Found');
    res.writeHead(200, { 'content-type': stored.mimeType, 'content-length': stored.bytes.byteLength });
    res.end(Buffer.from(stored.bytes));
  }

  function acceptMessage(body: Buffer, res: ServerResponse): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return graphError(res, { status: 400, code: 100, message: 'Invalid parameter', details: 'the request body is not JSON' });
    }
    const problem = checkMessage(message, (id) => media.has(id));
    if (problem) return graphError(res, { status: 400, code: 100, message: 'Invalid parameter', details: problem });
    const failure = nextFailure('messages');
    if (failure) return graphError(res, failure);
    messages.push(message);
    if (message.status === 'read') return json(res, 200, { success: true });
    const input = (message.to ?? message.recipient) as string;
    const contact = message.to === undefined ? { input, user_id: input } : { input, wa_id: input };
    json(res, 200, { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: `wamid.${randomBytes(24).toString('base64url')}` }] });
  }

  function acceptUpload(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
    if (!req.headers['content-type']?.startsWith('multipart/form-data') || !boundary) {
      return graphError(res, { status: 400, code: 100, message: 'Invalid parameter', details: 'expected multipart/form-data' });
    }
    let parts: MultipartPart[];
    try {
      parts = parseMultipart(body, boundary[1] ?? boundary[2]!);
    } catch (error) {
      return graphError(res, { status: 400, code: 100, message: 'Invalid parameter', details: (error as Error).message });
    }
    const fields: Record<string, string> = {};
    for (const part of parts) if (part.filename === undefined) fields[part.name] = part.data.toString('utf8');
    const file = parts.find((part) => part.name === 'file' && part.filename !== undefined);
    if (fields.messaging_product !== 'whatsapp') return graphError(res, { status: 400, code: 100, message: 'The parameter messaging_product is required.' });
    if (!file) return graphError(res, { status: 400, code: 100, message: 'The parameter file is required.' });
    if (!fields.type) return graphError(res, { status: 400, code: 100, message: 'The parameter type is required.' });
    const failure = nextFailure('media-upload');
    if (failure) return graphError(res, failure);
    const bytes = new Uint8Array(file.data);
    const stored: StoredMedia = { id: mediaId(), bytes, mimeType: fields.type, sha256: sha256Hex(bytes), filename: file.filename, fields };
    media.set(stored.id, stored);
    uploads.push(stored);
    json(res, 200, { id: stored.id });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) graphError(res, { status: 500, code: 1, message: `fake Graph failed: ${String(error)}` });
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
  origin = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${origin}${prefix}`,
    origin,
    requests,
    messages,
    uploads,
    addMedia(bytes, mimeType, overrides = {}) {
      const id = mediaId();
      media.set(id, { id, bytes, mimeType, sha256: overrides.sha256 ?? sha256Hex(bytes), fileSize: overrides.fileSize });
      return id;
    },
    failNext(endpoint, failure) {
      const queue = failures.get(endpoint) ?? [];
      queue.push(failure);
      failures.set(endpoint, queue);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What Meta checks synchronously on POST /messages; undefined when the body would be accepted. */
function checkMessage(message: Record<string, unknown>, mediaExists: (id: string) => boolean): string | undefined {
  if (message.messaging_product !== 'whatsapp') return 'messaging_product must be "whatsapp"';
  if (message.status === 'read') {
    if (typeof message.message_id !== 'string') return 'message_id is required with status read';
    const typing = message.typing_indicator as { type?: unknown } | undefined;
    if (typing !== undefined && typing.type !== 'text') return 'typing_indicator.type must be "text"';
    return undefined;
  }
  if (typeof message.to !== 'string' && typeof message.recipient !== 'string') return 'to (or recipient) is required';
  const type = message.type ?? 'text';
  if (type === 'text') {
    const text = message.text as { body?: unknown } | undefined;
    if (typeof text?.body !== 'string' || text.body === '') return 'text.body is required';
    if (text.body.length > 4096) return 'text.body is longer than 4096 characters';
    return undefined;
  }
  if (type === 'audio') {
    const audio = message.audio as { id?: unknown; link?: unknown } | undefined;
    if (typeof audio?.id === 'string') return mediaExists(audio.id) ? undefined : `media ${audio.id} does not exist`;
    return typeof audio?.link === 'string' ? undefined : 'audio.id or audio.link is required';
  }
  if (type === 'template') {
    const template = message.template as { name?: unknown; language?: { code?: unknown } } | undefined;
    if (typeof template?.name !== 'string') return 'template.name is required';
    if (typeof template.language?.code !== 'string') return 'template.language.code is required';
    return undefined;
  }
  return undefined;
}

interface MultipartPart {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

/** RFC 7578 multipart/form-data: parts between "--boundary" lines, each with headers, a blank line, then bytes. */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const separator = Buffer.from(`\r\n--${boundary}`);
  let position = body.indexOf(delimiter);
  if (position < 0) throw new Error('the multipart body has no boundary line');
  const parts: MultipartPart[] = [];
  for (;;) {
    position += delimiter.length;
    const after = body.subarray(position, position + 2).toString('latin1');
    if (after === '--') return parts;
    if (after !== '\r\n') throw new Error('a multipart boundary line is not followed by CRLF');
    position += 2;
    const end = body.indexOf(separator, position);
    if (end < 0) throw new Error('a multipart part is not terminated');
    const part = body.subarray(position, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) throw new Error('a multipart part has no header section');
    const headers = part.subarray(0, headerEnd).toString('utf8').split('\r\n');
    const disposition = headers.find((line) => /^content-disposition:/i.test(line)) ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new Error('a multipart part has no name');
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const contentType = headers.find((line) => /^content-type:/i.test(line))?.replace(/^content-type:\s*/i, '');
    parts.push({ name, filename, contentType, data: Buffer.from(part.subarray(headerEnd + 4)) });
    position = end + 2;
  }
}

function graphError(res: ServerResponse, failure: GraphFailure): void {
  json(res, failure.status, {
    error: {
      message: `(#${failure.code}) ${failure.message ?? 'Graph error'}`,
      type: 'OAuthException',
      code: failure.code,
      error_data: { messaging_product: 'whatsapp', details: failure.details ?? failure.message ?? 'Graph error' },
      fbtrace_id: randomBytes(9).toString('base64url'),
    },
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function plain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function mediaId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e6)).padStart(6, '0')}`;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
