// The optional cloud text model that writes a conversation's summary and judges its sentiment (and its intent when
// the router set none): one call to an OpenAI-compatible chat completions endpoint with a strict JSON schema for the
// answer. Only the redacted dialogue goes out, capped at MAX_TRANSCRIPT_CHARS. Any failure (HTTP error, timeout,
// refusal, an answer that is not the JSON asked for or out of range) is returned as a reason, logged once here
// without the transcript; the caller falls back to the lexicon.
import { z } from 'zod';
import { INTENTS, type Intent } from '../../agent/intents.ts';
import type { Logger } from '../../core/channel.ts';
import { describeError } from '../../errors.ts';
import { keepStartAndEnd, renderDialogue, type DialogueLine } from './conversation-text.ts';

export const MAX_TRANSCRIPT_CHARS = 8_000;
const DEFAULT_TIMEOUT_MS = 15_000;
/** An error body is read only this far: enough for its code, never a whole page from a misconfigured proxy. */
const MAX_ERROR_BODY_CHARS = 2_000;

export const SYSTEM_PROMPT = [
  'You analyse one conversation between a customer and the AI agent of a business, for its analytics dashboard.',
  'The transcript may be in Hindi, Tamil, Telugu, Bengali, Marathi, Kannada, English, Portuguese or Spanish, in their own scripts or romanised, or mixed. Identifiers in it (phone numbers, ID and card numbers, e-mail addresses) have been replaced by placeholders; names and addresses may remain.',
  'Answer in English with:',
  '- summary: one or two sentences on what the customer wanted and how it ended. No names, numbers or other personal data.',
  "- sentiment: the customer's feeling by the end, from -1 (angry) through 0 (neutral) to 1 (delighted).",
  '- intent: booking (make or change an appointment), status (an existing booking, a payment, what they owe), escalation (they wanted a person), faq (a question about the business: hours, prices, location, services), other.',
].join('\n');

const RESPONSE_FORMAT = {
  type: 'json_schema',
  json_schema: {
    name: 'conversation_analysis',
    strict: true,
    schema: {
      type: 'object',
      properties: {
        summary: { type: 'string', description: 'One or two sentences in English, without personal data.' },
        sentiment: { type: 'number', description: "The customer's sentiment by the end, from -1 to 1." },
        intent: { type: 'string', enum: [...INTENTS] },
      },
      required: ['summary', 'sentiment', 'intent'],
      additionalProperties: false,
    },
  },
} as const;

const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }).optional(),
});

const answerSchema = z.object({
  summary: z.string().trim().min(1).max(1_000),
  sentiment: z.number().min(-1).max(1),
  intent: z.enum(INTENTS),
});

export interface TextModelUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export interface TextModelAnswer {
  readonly summary: string;
  readonly sentiment: number;
  readonly intent: Intent;
}

export type TextModelResult =
  | { readonly ok: true; readonly answer: TextModelAnswer; readonly usage?: TextModelUsage }
  /** `usage` when the endpoint billed the call even though its answer was unusable. */
  | { readonly ok: false; readonly reason: string; readonly usage?: TextModelUsage };

export interface TextModelRequest {
  readonly conversationId: string;
  readonly locale: string;
  readonly channel: string;
  readonly endReason: string;
  /** Tools that returned ok, so the summary can say what was done. */
  readonly toolsSucceeded: readonly string[];
  readonly dialogue: readonly DialogueLine[];
}

export interface TextModel {
  /** The model name, for pricing its usage. */
  readonly model: string;
  analyze(request: TextModelRequest): Promise<TextModelResult>;
}

export interface TextModelOptions {
  /** ANALYTICS_MODEL_URL: the full chat completions URL. */
  readonly url: string;
  readonly model: string;
  readonly apiKey: string;
  readonly log: Logger;
  readonly timeoutMs?: number;
}

/** The user message: a few facts the job already knows, then the dialogue, capped. */
export function userMessage(request: TextModelRequest): string {
  const facts = [
    `Language: ${request.locale}. Channel: ${request.channel}. End reason: ${request.endReason || 'unknown'}.`,
    `Tools that succeeded: ${request.toolsSucceeded.length > 0 ? request.toolsSucceeded.join(', ') : 'none'}.`,
    '',
    'Transcript:',
  ].join('\n');
  return `${facts}\n${keepStartAndEnd(renderDialogue(request.dialogue), MAX_TRANSCRIPT_CHARS)}`;
}

class ChatCompletionsTextModel implements TextModel {
  readonly model: string;

  constructor(private readonly options: TextModelOptions) {
    this.model = options.model;
  }

  async analyze(request: TextModelRequest): Promise<TextModelResult> {
    const result = await this.call(request);
    if (!result.ok) {
      this.options.log.warn({ conversationId: request.conversationId, model: this.model, reason: result.reason }, 'text model analysis failed; the lexicon analysis is used');
    }
    return result;
  }

  private async call(request: TextModelRequest): Promise<TextModelResult> {
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let response: Response;
    let body: string;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.apiKey}` },
        body: JSON.stringify({
          model: this.model,
          messages: [
            { role: 'system', content: SYSTEM_PROMPT },
            { role: 'user', content: userMessage(request) },
          ],
          response_format: RESPONSE_FORMAT,
        }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, reason: `no answer within ${timeoutMs} ms` };
      return { ok: false, reason: `request failed: ${describeError(error)}` };
    }
    if (!response.ok) return { ok: false, reason: `HTTP ${response.status}${errorCode(body)}` };
    return parseCompletion(body);
  }
}

/** Reads a 200 answer; exported for the tests of what counts as unusable. */
export function parseCompletion(body: string): TextModelResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'the response body is not JSON' };
  }
  const completion = completionSchema.safeParse(json);
  if (!completion.success) return { ok: false, reason: 'the response is not a chat completion' };
  const { choices, usage: reported } = completion.data;
  const usage = reported ? { promptTokens: reported.prompt_tokens, completionTokens: reported.completion_tokens } : undefined;
  const withUsage = usage ? { usage } : {};
  const message = choices[0]!.message;
  if (message.refusal) return { ok: false, reason: 'the model refused', ...withUsage };
  if (!message.content) return { ok: false, reason: 'the answer is empty', ...withUsage };
  let answer: unknown;
  try {
    answer = JSON.parse(message.content);
  } catch {
    const cut = choices[0]!.finish_reason === 'length' ? ' (cut off at the token limit)' : '';
    return { ok: false, reason: `the answer is not JSON${cut}`, ...withUsage };
  }
  const checked = answerSchema.safeParse(answer);
  if (!checked.success) {
    const fields = [...new Set(checked.error.issues.map((issue) => issue.path.join('.') || 'answer'))].join(', ');
    return { ok: false, reason: `the answer does not fit the schema (${fields})`, ...withUsage };
  }
  return { ok: true, answer: checked.data, ...withUsage };
}

/** The provider's error code ("rate_limit_exceeded"), never its message: a message may echo the request. */
function errorCode(body: string): string {
  try {
    const parsed = JSON.parse(body.slice(0, MAX_ERROR_BODY_CHARS)) as { error?: { code?: unknown; type?: unknown } };
    const code = parsed.error?.code ?? parsed.error?.type;
    return typeof code === 'string' && /^[\w.-]{1,64}$/u.test(code) ? ` (${code})` : '';
  } catch {
    return '';
  }
}

export function createTextModel(options: TextModelOptions): TextModel {
  return new ChatCompletionsTextModel(options);
}

/**
 * The text model the configuration asks for, or undefined: ANALYTICS_API_KEY (else OPENAI_API_KEY) with
 * ANALYTICS_MODEL at ANALYTICS_MODEL_URL; none without a key or with the key `none`.
 */
export function textModelFromConfig(
  config: { readonly ANALYTICS_MODEL_URL: string; readonly ANALYTICS_MODEL: string; readonly ANALYTICS_API_KEY?: string | undefined; readonly OPENAI_API_KEY?: string | undefined },
  log: Logger,
): TextModel | undefined {
  // The realtime key goes only to OpenAI itself: another endpoint gets its own key or nothing.
  const apiKey = config.ANALYTICS_API_KEY ?? (isOpenAi(config.ANALYTICS_MODEL_URL) ? config.OPENAI_API_KEY : undefined);
  if (!apiKey || apiKey.trim().toLowerCase() === 'none') return undefined;
  return createTextModel({ url: config.ANALYTICS_MODEL_URL, model: config.ANALYTICS_MODEL, apiKey, log });
}

function isOpenAi(url: string): boolean {
  try {
    return new URL(url).hostname === 'api.openai.com';
  } catch {
    return false;
  }
}
