// The few Graph API calls the Cloud transport makes, over global fetch: a bearer token on every request, a timeout on
// every request, URLs joined onto a base that may carry a path prefix (a proxy, a BSP, the fake in tests), and every
// failure turned into a SendError that says whose fault it was. The token never appears in an error or a log line.
import { SendError } from '../transport.ts';
import { graphSendError, isAuthFailure, parseGraphError } from './graph-errors.ts';

export interface GraphClientOptions {
  readonly token: string;
  /** Such as https://graph.facebook.com/v23.0; a path prefix is kept. */
  readonly apiUrl: string;
  readonly timeoutMs: number;
  /** Told when Meta says the token no longer works, so an operator can renew it. */
  readonly onAuthFailure?: (detail: { readonly what: string; readonly status: number; readonly code?: number }) => void;
}

type Path = readonly string[];

export class GraphClient {
  readonly #options: GraphClientOptions;
  readonly #base: string;

  constructor(options: GraphClientOptions) {
    this.#options = options;
    this.#base = normaliseApiUrl(options.apiUrl);
  }

  /** The base URL plus path segments, each escaped: a URL never gains or loses a level because of an id. */
  url(path: Path): string {
    return `${this.#base}/${path.map(pathSegment).join('/')}`;
  }

  async getJson(path: Path, what: string): Promise<unknown> {
    const response = await this.#request(this.url(path), { method: 'GET' }, what);
    return this.#whileReading(() => readJson(response, what), what);
  }

  async postJson(path: Path, body: unknown, what: string): Promise<unknown> {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    const response = await this.#request(this.url(path), init, what);
    return this.#whileReading(() => readJson(response, what), what);
  }

  /** multipart/form-data; fetch writes the boundary. */
  async postForm(path: Path, form: FormData, what: string): Promise<unknown> {
    const response = await this.#request(this.url(path), { method: 'POST', body: form }, what);
    return this.#whileReading(() => readJson(response, what), what);
  }

  /** The bytes at a URL Meta handed out (a media URL), with the bearer token, refused past `maxBytes`. */
  async getBytes(url: string, maxBytes: number, what: string): Promise<Uint8Array> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new SendError(`${what}: Meta gave a media URL that does not parse`, 'rejected');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new SendError(`${what}: Meta gave a ${parsed.protocol} media URL; only http(s) is fetched`, 'rejected');
    }
    const response = await this.#request(parsed.href, { method: 'GET' }, what);
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new SendError(`${what}: ${declared} bytes is over the ${maxBytes}-byte limit`, 'rejected');
    }
    return this.#whileReading(() => readCapped(response, maxBytes, what), what);
  }

  /** The timeout covers the body too; a connection cut mid-body is as retryable as one that never opened. */
  async #whileReading<T>(read: () => Promise<T>, what: string): Promise<T> {
    try {
      return await read();
    } catch (error) {
      throw error instanceof SendError ? error : networkError(what, error, this.#options.timeoutMs);
    }
  }

  async #request(url: string, init: RequestInit, what: string): Promise<Response> {
    const headers = { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.#options.token}` };
    let response: Response;
    try {
      response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(this.#options.timeoutMs) });
    } catch (error) {
      throw networkError(what, error, this.#options.timeoutMs);
    }
    if (response.ok) return response;
    const bodyText = await response.text().catch(() => '');
    const graphError = parseGraphError(bodyText);
    if (isAuthFailure(response.status, graphError)) {
      this.#options.onAuthFailure?.({ what, status: response.status, code: graphError?.code });
    }
    throw graphSendError(what, response.status, bodyText);
  }
}

/** Checks the configured base URL once, so a typo fails at startup with a sentence instead of on the first reply. */
export function normaliseApiUrl(apiUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(apiUrl);
  } catch {
    throw new Error(`the WhatsApp Cloud API URL "${apiUrl}" is not a URL (expected such as https://graph.facebook.com/v23.0)`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('the WhatsApp Cloud API URL must be http(s)');
  if (parsed.search || parsed.hash) throw new Error('the WhatsApp Cloud API URL must not carry a query or fragment');
  return parsed.href.replace(/\/+$/, '');
}

function pathSegment(segment: string): string {
  // encodeURIComponent leaves dots alone, and fetch would resolve "." and ".." away from the API version.
  if (segment === '' || segment === '.' || segment === '..') throw new SendError(`"${segment}" is not a Graph API id`, 'rejected');
  return encodeURIComponent(segment);
}

async function readJson(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new SendError(`${what}: Meta answered ${response.status} with a body that is not JSON`, 'retryable', response.status);
  }
}

async function readCapped(response: Response, maxBytes: number, what: string): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new SendError(`${what}: the media is over the ${maxBytes}-byte limit`, 'rejected');
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function networkError(what: string, error: unknown, timeoutMs: number): SendError {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return new SendError(`${what}: Meta did not answer within ${timeoutMs} ms`, 'retryable');
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new SendError(`${what}: could not reach Meta (${reason})`, 'retryable');
}
