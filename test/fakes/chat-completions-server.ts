// A fake OpenAI-compatible chat completions endpoint on 127.0.0.1, speaking the real wire format: POST
// /v1/chat/completions with a bearer key (401 invalid_api_key otherwise), the body checked the way OpenAI checks it
// (model, messages with known roles, and a json_schema response_format whose strict schema lists every property as
// required and forbids additional ones; 400 invalid_request_error otherwise), and a chat.completion answer with
// choices[0].message.content and a usage block. Tests script the next answers: any content, an HTTP error (500,
// 429 with retry-after), a request left hanging, or a body that is not JSON.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export const CHAT_COMPLETIONS_PATH = '/v1/chat/completions';

export interface ChatRequestBody {
  readonly model: string;
  readonly messages: ReadonlyArray<{ readonly role: string; readonly content: string }>;
  readonly response_format?: { readonly type: string; readonly json_schema?: { readonly name: string; readonly strict?: boolean; readonly schema: Record<string, unknown> } };
  readonly [key: string]: unknown;
}

export interface RecordedChatRequest {
  readonly authorization?: string;
  /** Parsed JSON, or undefined when the body was not JSON. */
  readonly body?: ChatRequestBody;
  /** The 4xx the fake answered with, when it refused the request. */
  readonly rejected?: string;
}

export type ScriptedReply =
  /** A chat.completion whose message content is `content` (objects are sent as their JSON). */
  | { readonly kind: 'answer'; readonly content: string | Record<string, unknown>; readonly usage?: { readonly promptTokens: number; readonly completionTokens: number }; readonly finishReason?: string }
  | { readonly kind: 'refusal'; readonly refusal: string }
  | { readonly kind: 'http-error'; readonly status: number; readonly code?: string; readonly message?: string }
  /** Never answers; the socket stays open until the client gives up or the fake closes. */
  | { readonly kind: 'hang' }
  /** 200 with a body that is not JSON, as a misbehaving proxy might send. */
  | { readonly kind: 'not-json' };

export interface FakeChatCompletions {
  /** The full endpoint URL, for ANALYTICS_MODEL_URL. */
  readonly url: string;
  readonly requests: RecordedChatRequest[];
  /** Queues replies for the next requests, in order; with none queued, `defaultReply` answers. */
  script(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

export interface FakeChatCompletionsOptions {
  readonly apiKey: string;
  readonly defaultReply?: ScriptedReply;
}

const ROLES = new Set(['system', 'developer', 'user', 'assistant']);

function openAiError(res: ServerResponse, status: number, message: string, type: string, code: string | null, param: string | null = null): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type, param, code } }));
}

/** What OpenAI would refuse in this body, or undefined when it is acceptable. */
function invalid(body: unknown): { readonly message: string; readonly param: string } | undefined {
  if (typeof body !== 'object' || body === null) return { message: 'We could not parse the JSON body of your request.', param: 'body' };
  const request = body as Record<string, unknown>;
  if (typeof request.model !== 'string' || request.model === '') return { message: 'you must provide a model parameter', param: 'model' };
  if (!Array.isArray(request.messages) || request.messages.length === 0) return { message: "'messages' must contain at least one message.", param: 'messages' };
  for (const [index, message] of request.messages.entries()) {
    const { role, content } = (message ?? {}) as Record<string, unknown>;
    if (typeof role !== 'string' || !ROLES.has(role)) return { message: `Invalid value for 'role'.`, param: `messages[${index}].role` };
    if (typeof content !== 'string') return { message: `Invalid type for 'content': expected a string.`, param: `messages[${index}].content` };
  }
  const format = request.response_format as Record<string, unknown> | undefined;
  if (format === undefined) return undefined;
  if (format.type === 'json_object' || format.type === 'text') return undefined;
  if (format.type !== 'json_schema') return { message: `Invalid value for 'response_format.type'.`, param: 'response_format.type' };
  const spec = format.json_schema as Record<string, unknown> | undefined;
  if (typeof spec?.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/u.test(spec.name)) return { message: "Missing or invalid 'response_format.json_schema.name'.", param: 'response_format.json_schema.name' };
  const schema = spec.schema as Record<string, unknown> | undefined;
  if (typeof schema !== 'object' || schema === null) return { message: "Missing required parameter: 'response_format.json_schema.schema'.", param: 'response_format.json_schema.schema' };
  if (spec.strict === true) {
    const properties = Object.keys((schema.properties ?? {}) as Record<string, unknown>);
    const required = Array.isArray(schema.required) ? schema.required : [];
    if (schema.additionalProperties !== false) return { message: "Invalid schema for response_format: 'additionalProperties' is required to be supplied and to be false.", param: 'response_format' };
    const missing = properties.filter((name) => !required.includes(name));
    if (missing.length > 0) return { message: `Invalid schema for response_format: 'required' is required to include every key in properties. Missing '${missing[0]}'.`, param: 'response_format' };
  }
  return undefined;
}

export async function startFakeChatCompletions(options: FakeChatCompletionsOptions): Promise<FakeChatCompletions> {
  const requests: RecordedChatRequest[] = [];
  const queue: ScriptedReply[] = [];
  const sockets = new Set<Socket>();
  const fallback: ScriptedReply = options.defaultReply ?? { kind: 'answer', content: { summary: 'Customer contacted the business.', sentiment: 0, intent: 'other' } };

  function reply(res: ServerResponse, body: ChatRequestBody, scripted: ScriptedReply): void {
    switch (scripted.kind) {
      case 'hang':
        return;
      case 'not-json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('<html>upstream temporarily unavailable</html>');
        return;
      case 'http-error': {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (scripted.status === 429) headers['retry-after'] = '1';
        res.writeHead(scripted.status, headers);
        const type = scripted.status === 429 ? 'requests' : scripted.status >= 500 ? 'server_error' : 'invalid_request_error';
        res.end(JSON.stringify({ error: { message: scripted.message ?? `The server had an error (${scripted.status}).`, type, param: null, code: scripted.code ?? null } }));
        return;
      }
      case 'refusal':
      case 'answer': {
        const content = scripted.kind === 'refusal' ? null : typeof scripted.content === 'string' ? scripted.content : JSON.stringify(scripted.content);
        const promptChars = body.messages.reduce((sum, message) => sum + message.content.length, 0);
        const usage = scripted.kind === 'answer' && scripted.usage ? scripted.usage : { promptTokens: Math.ceil(promptChars / 4), completionTokens: Math.ceil((content ?? '').length / 4) };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: `chatcmpl-${randomBytes(12).toString('hex')}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: body.model,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content, refusal: scripted.kind === 'refusal' ? scripted.refusal : null, annotations: [] },
                logprobs: null,
                finish_reason: scripted.kind === 'answer' ? (scripted.finishReason ?? 'stop') : 'stop',
              },
            ],
            usage: { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.promptTokens + usage.completionTokens },
          }),
        );
        return;
      }
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const authorization = req.headers.authorization;
    const record = (entry: Omit<RecordedChatRequest, 'authorization'>): void => {
      requests.push({ ...(authorization === undefined ? {} : { authorization }), ...entry });
    };
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== CHAT_COMPLETIONS_PATH) {
      record({ rejected: 'not found' });
      return openAiError(res, 404, `Invalid URL (${req.method} ${req.url})`, 'invalid_request_error', null);
    }
    if (authorization !== `Bearer ${options.apiKey}`) {
      record({ rejected: 'invalid_api_key' });
      return openAiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      record({ rejected: 'body is not JSON' });
      return openAiError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
    }
    const problem = invalid(body);
    if (problem) {
      record({ body: body as ChatRequestBody, rejected: problem.message });
      return openAiError(res, 400, problem.message, 'invalid_request_error', null, problem.param);
    }
    record({ body: body as ChatRequestBody });
    reply(res, body as ChatRequestBody, queue.shift() ?? fallback);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) openAiError(res, 500, String(error), 'server_error', null);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the fake chat completions server has no address');

  return {
    url: `http://127.0.0.1:${address.port}${CHAT_COMPLETIONS_PATH}`,
    requests,
    script: (...replies) => void queue.push(...replies),
    close: async () => {
      // Hanging requests keep their sockets open: end them, or close() would wait for the client's timeout.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
