// The client events of the OpenAI Realtime API (GA protocol) as strict zod schemas, written from OpenAI's API
// reference (the RealtimeClientEvent union). Strict objects make every unknown key a violation, so beta-era shapes
// (`modalities`, `input_audio_format`, a top-level `voice`, content type `text`) fail here as they would in
// production, where OpenAI answers them with an error.
import { z } from 'zod';

const eventId = z.string().min(1).max(512).optional();
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/u, 'base64');

const audioFormat = z.union([
  z.strictObject({ type: z.literal('audio/pcm'), rate: z.literal(24_000) }),
  z.strictObject({ type: z.literal('audio/pcmu') }),
  z.strictObject({ type: z.literal('audio/pcma') }),
]);

const serverVad = z.strictObject({
  type: z.literal('server_vad'),
  threshold: z.number().min(0).max(1).optional(),
  prefix_padding_ms: z.int().min(0).optional(),
  silence_duration_ms: z.int().min(0).optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
  idle_timeout_ms: z.int().min(0).nullable().optional(),
});

const semanticVad = z.strictObject({
  type: z.literal('semantic_vad'),
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});

const voice = z.union([z.string().min(1), z.strictObject({ id: z.string().min(1) })]);

/** Providers reject `$schema` in function parameters; the top level must be an object schema. */
const parameters = z.looseObject({ type: z.literal('object'), $schema: z.never().optional() });

const functionTool = z.strictObject({
  type: z.literal('function'),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/u),
  description: z.string().optional(),
  parameters,
});

const toolChoice = z.union([z.enum(['auto', 'none', 'required']), z.strictObject({ type: z.literal('function'), name: z.string() })]);
const modalities = z.array(z.enum(['text', 'audio'])).length(1);

export const realtimeSessionSchema = z.strictObject({
  type: z.literal('realtime'),
  model: z.string().optional(),
  output_modalities: modalities.optional(),
  instructions: z.string().optional(),
  audio: z
    .strictObject({
      input: z
        .strictObject({
          format: audioFormat.optional(),
          transcription: z
            .strictObject({ model: z.string().optional(), language: z.string().regex(/^[a-z]{2}$/u).optional(), prompt: z.string().optional() })
            .nullable()
            .optional(),
          noise_reduction: z.strictObject({ type: z.enum(['near_field', 'far_field']) }).nullable().optional(),
          turn_detection: z.union([serverVad, semanticVad]).nullable().optional(),
        })
        .optional(),
      output: z.strictObject({ format: audioFormat.optional(), voice: voice.optional(), speed: z.number().min(0.25).max(1.5).optional() }).optional(),
    })
    .optional(),
  tools: z.array(functionTool).optional(),
  tool_choice: toolChoice.optional(),
  max_output_tokens: z.union([z.int().min(1).max(4096), z.literal('inf')]).optional(),
  tracing: z.unknown().optional(),
  truncation: z.unknown().optional(),
  include: z.array(z.literal('item.input_audio_transcription.logprobs')).optional(),
});

const itemCommon = { id: z.string().optional(), object: z.literal('realtime.item').optional(), status: z.enum(['completed', 'incomplete', 'in_progress']).optional() };

const item = z.union([
  z.strictObject({
    ...itemCommon,
    type: z.literal('message'),
    role: z.literal('user'),
    content: z
      .array(z.union([z.strictObject({ type: z.literal('input_text'), text: z.string() }), z.strictObject({ type: z.literal('input_audio'), audio: base64, transcript: z.string().optional() })]))
      .min(1),
  }),
  z.strictObject({ ...itemCommon, type: z.literal('message'), role: z.literal('assistant'), content: z.array(z.strictObject({ type: z.literal('output_text'), text: z.string() })).min(1) }),
  z.strictObject({ ...itemCommon, type: z.literal('message'), role: z.literal('system'), content: z.array(z.strictObject({ type: z.literal('input_text'), text: z.string() })).min(1) }),
  z.strictObject({ ...itemCommon, type: z.literal('function_call_output'), call_id: z.string().min(1), output: z.string() }),
  z.strictObject({ ...itemCommon, type: z.literal('function_call'), call_id: z.string().optional(), name: z.string(), arguments: z.string() }),
]);

const responseParams = z.strictObject({
  instructions: z.string().optional(),
  output_modalities: modalities.optional(),
  tool_choice: toolChoice.optional(),
  tools: z.array(functionTool).optional(),
  conversation: z.union([z.literal('auto'), z.literal('none'), z.string()]).optional(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullable().optional(),
  max_output_tokens: z.union([z.int().min(1).max(4096), z.literal('inf')]).optional(),
  input: z.array(z.unknown()).optional(),
  audio: z.strictObject({ output: z.strictObject({ format: audioFormat.optional(), voice: voice.optional() }).optional() }).optional(),
});

export const clientEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('session.update'), event_id: eventId, session: realtimeSessionSchema }),
  z.strictObject({ type: z.literal('input_audio_buffer.append'), event_id: eventId, audio: base64.min(4) }),
  z.strictObject({ type: z.literal('input_audio_buffer.commit'), event_id: eventId }),
  z.strictObject({ type: z.literal('input_audio_buffer.clear'), event_id: eventId }),
  z.strictObject({ type: z.literal('output_audio_buffer.clear'), event_id: eventId }),
  z.strictObject({ type: z.literal('conversation.item.create'), event_id: eventId, previous_item_id: z.string().nullable().optional(), item }),
  z.strictObject({ type: z.literal('conversation.item.retrieve'), event_id: eventId, item_id: z.string() }),
  z.strictObject({ type: z.literal('conversation.item.delete'), event_id: eventId, item_id: z.string() }),
  z.strictObject({ type: z.literal('conversation.item.truncate'), event_id: eventId, item_id: z.string().min(1), content_index: z.literal(0), audio_end_ms: z.int().min(0) }),
  z.strictObject({ type: z.literal('response.create'), event_id: eventId, response: responseParams.optional() }),
  z.strictObject({ type: z.literal('response.cancel'), event_id: eventId, response_id: z.string().optional() }),
]);

export type ClientEvent = z.infer<typeof clientEventSchema>;
export type RealtimeSessionConfig = z.infer<typeof realtimeSessionSchema>;

/** Parses one client frame; a problem comes back as text for the violations list. */
export function parseClientEvent(text: string): { event: ClientEvent } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { problem: `not JSON: ${text.slice(0, 80)}` };
  }
  const parsed = clientEventSchema.safeParse(raw);
  if (parsed.success) return { event: parsed.data };
  const type = (raw as { type?: unknown } | null)?.type;
  return { problem: `${typeof type === 'string' ? type : '(no type)'}: ${z.prettifyError(parsed.error).replace(/\n/gu, ' ')}` };
}

/** The session object as OpenAI's session.created describes a fresh session (GA shape, defaults). */
export function defaultSession(id: string, model: string): Record<string, unknown> {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions: 'You are a helpful assistant.',
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    expires_at: Math.floor(Date.now() / 1000) + 3600,
    audio: {
      input: { format: { type: 'audio/pcm', rate: 24_000 }, transcription: null, noise_reduction: null, turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 200, idle_timeout_ms: null, create_response: true, interrupt_response: true } },
      output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'alloy', speed: 1 },
    },
    include: null,
  };
}
