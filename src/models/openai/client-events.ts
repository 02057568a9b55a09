// Builders of the client events the gateway sends to the OpenAI Realtime API (GA protocol), each returning the
// JSON text to put on the socket. Event ids carry the kind of request (`rc-`, `tr-`, ...) so an `error` that names
// one can be traced to what caused it.

/** The GA session object sent in `session.update`; built in session-config.ts. */
export type SessionConfig = Readonly<Record<string, unknown>> & { readonly type: 'realtime' };

/** Per-response parameters of `response.create` (GA `RealtimeResponseCreateParams`, the part we use). */
export interface ResponseParams {
  readonly instructions?: string;
  readonly tool_choice?: 'auto' | 'none' | 'required';
  /** Overrides the session's modality for one response (text replies to typed chat on a voice-note channel). */
  readonly output_modalities?: readonly ['text'] | readonly ['audio'];
}

export type ItemRole = 'user' | 'assistant' | 'system';

export const EVENT_PREFIX = {
  sessionUpdate: 'su-',
  item: 'it-',
  responseCreate: 'rc-',
  responseCancel: 'cx-',
  truncate: 'tr-',
  commit: 'cm-',
} as const;

let sequence = 0;
const eventId = (prefix: string): string => `${prefix}${(++sequence).toString(36)}`;

export function sessionUpdate(session: SessionConfig): string {
  return JSON.stringify({ type: 'session.update', event_id: eventId(EVENT_PREFIX.sessionUpdate), session });
}

/**
 * Audio is the hot path (50 events a second per call): the JSON is assembled by hand, since base64 never needs
 * escaping, which saves an object and a scan of the payload per frame.
 */
export function audioAppend(base64: string): string {
  return `{"type":"input_audio_buffer.append","audio":"${base64}"}`;
}

export function audioCommit(): string {
  return JSON.stringify({ type: 'input_audio_buffer.commit', event_id: eventId(EVENT_PREFIX.commit) });
}

export function audioClear(): string {
  return JSON.stringify({ type: 'input_audio_buffer.clear' });
}

/** A text message. Users and system notes take `input_text`; the assistant's own words take `output_text`. */
export function messageItem(role: ItemRole, text: string): string {
  const content = [{ type: role === 'assistant' ? 'output_text' : 'input_text', text }];
  return JSON.stringify({ type: 'conversation.item.create', event_id: eventId(EVENT_PREFIX.item), item: { type: 'message', role, content } });
}

export function functionCallOutput(callId: string, output: string): string {
  return JSON.stringify({
    type: 'conversation.item.create',
    event_id: eventId(EVENT_PREFIX.item),
    item: { type: 'function_call_output', call_id: callId, output },
  });
}

/** Returns the event id too, so the caller can match an `error` that names it. */
export function responseCreate(params?: ResponseParams): { readonly id: string; readonly json: string } {
  const id = eventId(EVENT_PREFIX.responseCreate);
  const event = params === undefined ? { type: 'response.create', event_id: id } : { type: 'response.create', event_id: id, response: params };
  return { id, json: JSON.stringify(event) };
}

/** Without a response id: cancels whatever is in progress in the default conversation. */
export function responseCancel(): string {
  return JSON.stringify({ type: 'response.cancel', event_id: eventId(EVENT_PREFIX.responseCancel) });
}

/** `audioEndMs` must be a whole number no longer than the item's audio, or the server answers with an error. */
export function itemTruncate(itemId: string, audioEndMs: number): string {
  return JSON.stringify({
    type: 'conversation.item.truncate',
    event_id: eventId(EVENT_PREFIX.truncate),
    item_id: itemId,
    content_index: 0,
    audio_end_ms: audioEndMs,
  });
}
