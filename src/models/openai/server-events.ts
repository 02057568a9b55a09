// The server events of the OpenAI Realtime API (GA protocol) this gateway acts on, parsed with zod at the boundary.
// Schemas are loose: they name only the fields we read, so a field OpenAI adds later never breaks a call. Anything
// else (unknown types, or a known type whose shape does not match) comes back as data to log, never as a throw.
import { z } from 'zod';

const id = z.string().min(1);

const functionCallItem = z.looseObject({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: id,
  name: z.string(),
  arguments: z.string(),
  status: z.string().optional(),
});

/** Any item of a response's output; only function calls are read field by field. */
const outputItem = z.looseObject({ type: z.string() });

const realtimeError = z.looseObject({
  type: z.string().optional(),
  code: z.string().nullish(),
  message: z.string().default(''),
  param: z.string().nullish(),
  event_id: z.string().nullish(),
});

const usage = z.looseObject({
  input_tokens: z.number().optional(),
  output_tokens: z.number().optional(),
});

const response = z.looseObject({
  id,
  status: z.string().optional(),
  status_details: z
    .looseObject({ reason: z.string().nullish(), error: z.looseObject({ type: z.string().nullish(), code: z.string().nullish() }).nullish() })
    .nullish(),
  output: z.array(outputItem).optional(),
  usage: usage.nullish(),
});

const serverEvent = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('session.created'), session: z.looseObject({}) }),
  z.looseObject({ type: z.literal('session.updated'), session: z.looseObject({}) }),
  z.looseObject({ type: z.literal('error'), error: realtimeError }),
  z.looseObject({ type: z.literal('response.created'), response }),
  z.looseObject({ type: z.literal('response.done'), response }),
  z.looseObject({ type: z.literal('response.output_audio.delta'), response_id: id, item_id: id, delta: z.string() }),
  z.looseObject({ type: z.literal('response.output_audio_transcript.done'), response_id: z.string().optional(), item_id: id, transcript: z.string() }),
  z.looseObject({ type: z.literal('response.output_text.done'), response_id: z.string().optional(), item_id: id, text: z.string() }),
  z.looseObject({ type: z.literal('response.output_item.done'), response_id: z.string().optional(), item: outputItem }),
  z.looseObject({ type: z.literal('response.function_call_arguments.done'), call_id: id, arguments: z.string() }),
  z.looseObject({ type: z.literal('input_audio_buffer.speech_started'), item_id: z.string().optional() }),
  z.looseObject({ type: z.literal('input_audio_buffer.speech_stopped'), item_id: z.string().optional() }),
  z.looseObject({ type: z.literal('input_audio_buffer.committed'), item_id: z.string().optional() }),
  z.looseObject({ type: z.literal('conversation.item.input_audio_transcription.completed'), item_id: id, transcript: z.string() }),
  z.looseObject({ type: z.literal('conversation.item.input_audio_transcription.failed'), item_id: id, error: realtimeError.optional() }),
]);

export type ServerEvent = z.infer<typeof serverEvent>;
export type RealtimeErrorBody = z.infer<typeof realtimeError>;
export type FunctionCallItem = z.infer<typeof functionCallItem>;

/** Beta-era names some proxies and older deployments still send, read as their GA equivalents. */
const BETA_ALIASES: Readonly<Record<string, ServerEvent['type']>> = {
  'response.audio.delta': 'response.output_audio.delta',
  'response.audio_transcript.done': 'response.output_audio_transcript.done',
  'response.text.done': 'response.output_text.done',
};

const KNOWN_TYPES: ReadonlySet<string> = new Set(serverEvent.options.map((option) => option.shape.type.value));

export type ParsedServerEvent =
  | { readonly kind: 'event'; readonly event: ServerEvent }
  /** A type this gateway does not act on (rate_limits.updated, response.output_audio.done, ...). */
  | { readonly kind: 'ignored'; readonly type: string }
  /** Not JSON, not an event, or a known type with an unexpected shape. */
  | { readonly kind: 'invalid'; readonly type: string | undefined; readonly problem: string };

/** Parses one text frame from the server. Never throws. */
export function parseServerEvent(text: string): ParsedServerEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'invalid', type: undefined, problem: 'not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || typeof (raw as { type?: unknown }).type !== 'string') {
    return { kind: 'invalid', type: undefined, problem: 'not an object with a string type' };
  }
  const record = raw as Record<string, unknown> & { type: string };
  const alias = BETA_ALIASES[record.type];
  if (alias !== undefined) record.type = alias;
  if (!KNOWN_TYPES.has(record.type)) return { kind: 'ignored', type: record.type };
  const parsed = serverEvent.safeParse(record);
  if (!parsed.success) return { kind: 'invalid', type: record.type, problem: z.prettifyError(parsed.error) };
  return { kind: 'event', event: parsed.data };
}

/** The item as a function call, when it is a complete one (cancelled calls arrive with status `incomplete`). */
export function completedFunctionCall(item: z.infer<typeof outputItem>): FunctionCallItem | undefined {
  if (item.type !== 'function_call') return undefined;
  const parsed = functionCallItem.safeParse(item);
  if (!parsed.success || parsed.data.status === 'incomplete') return undefined;
  return parsed.data;
}
