// The Twilio Media Streams wire format, and nothing else: zod schemas for what Twilio sends, a parser that never
// throws, and encoders for what we send back. No I/O here; media-stream.ts owns the socket.
import { z } from 'zod';

// Twilio sends every number on this socket as a string except mediaFormat's.
const numericString = z.string().regex(/^\d+$/);

const connectedSchema = z.object({
  event: z.literal('connected'),
  protocol: z.string(),
  version: z.string(),
});

const startSchema = z.object({
  event: z.literal('start'),
  sequenceNumber: numericString.optional(),
  streamSid: z.string().min(1).optional(),
  start: z.object({
    streamSid: z.string().min(1),
    accountSid: z.string().min(1),
    callSid: z.string().min(1),
    tracks: z.array(z.string()).optional(),
    customParameters: z.record(z.string(), z.string()).optional(),
    // Only <Connect><Stream> mu-law is decoded here; another format would come out as noise, so it is refused.
    mediaFormat: z
      .object({ encoding: z.literal('audio/x-mulaw'), sampleRate: z.literal(8000), channels: z.literal(1) })
      .optional(),
  }),
});

const mediaSchema = z.object({
  event: z.literal('media'),
  sequenceNumber: numericString.optional(),
  streamSid: z.string().optional(),
  media: z.object({
    track: z.string().optional(),
    chunk: numericString.optional(),
    timestamp: numericString.optional(),
    payload: z.string(),
  }),
});

const dtmfSchema = z.object({
  event: z.literal('dtmf'),
  sequenceNumber: numericString.optional(),
  streamSid: z.string().optional(),
  dtmf: z.object({ track: z.string().optional(), digit: z.string().regex(/^[0-9*#A-Da-d]$/) }),
});

const markSchema = z.object({
  event: z.literal('mark'),
  sequenceNumber: numericString.optional(),
  streamSid: z.string().optional(),
  mark: z.object({ name: z.string() }),
});

const stopSchema = z.object({
  event: z.literal('stop'),
  sequenceNumber: numericString.optional(),
  streamSid: z.string().optional(),
  stop: z.object({ accountSid: z.string().optional(), callSid: z.string().optional() }).optional(),
});

const schemas = {
  connected: connectedSchema,
  start: startSchema,
  media: mediaSchema,
  dtmf: dtmfSchema,
  mark: markSchema,
  stop: stopSchema,
} as const;

export type ConnectedMessage = z.infer<typeof connectedSchema>;
export type StartMessage = z.infer<typeof startSchema>;
export type MediaMessage = z.infer<typeof mediaSchema>;
export type DtmfMessage = z.infer<typeof dtmfSchema>;
export type MarkMessage = z.infer<typeof markSchema>;
export type StopMessage = z.infer<typeof stopSchema>;
export type TwilioMessage = ConnectedMessage | StartMessage | MediaMessage | DtmfMessage | MarkMessage | StopMessage;
export type TwilioEventName = TwilioMessage['event'];

export type TwilioParseError =
  | { readonly kind: 'malformed-json'; readonly detail: string }
  /** A known event whose shape is wrong, or a value that is not an object with a string `event`. */
  | { readonly kind: 'invalid-message'; readonly event?: string; readonly detail: string }
  /** Well-formed, but an event this codec does not know: log it and carry on (Twilio may add events). */
  | { readonly kind: 'unknown-event'; readonly event: string };

export type TwilioParseResult =
  | { readonly ok: true; readonly message: TwilioMessage }
  | { readonly ok: false; readonly error: TwilioParseError };

function isKnownEvent(event: string): event is TwilioEventName {
  return Object.prototype.hasOwnProperty.call(schemas, event);
}

/** Parses one text frame from Twilio. Never throws. */
export function parseTwilioMessage(text: string): TwilioParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: { kind: 'malformed-json', detail: (error as Error).message } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: { kind: 'invalid-message', detail: 'not a JSON object' } };
  }
  const event = (value as { event?: unknown }).event;
  if (typeof event !== 'string') {
    return { ok: false, error: { kind: 'invalid-message', detail: 'no string "event" field' } };
  }
  if (!isKnownEvent(event)) return { ok: false, error: { kind: 'unknown-event', event } };
  const parsed = schemas[event].safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    return { ok: false, error: { kind: 'invalid-message', event, detail } };
  }
  return { ok: true, message: parsed.data };
}

/**
 * Builds the messages we send for one stream. The streamSid is escaped once, so the per-frame media message is a
 * string concatenation rather than a JSON.stringify of a fresh object (base64 needs no escaping).
 */
export interface OutboundEncoder {
  media(payloadBase64: string): string;
  mark(name: string): string;
  clear(): string;
}

export function createOutboundEncoder(streamSid: string): OutboundEncoder {
  const sid = JSON.stringify(streamSid);
  const mediaPrefix = `{"event":"media","streamSid":${sid},"media":{"payload":"`;
  const clear = `{"event":"clear","streamSid":${sid}}`;
  return {
    media: (payloadBase64) => `${mediaPrefix}${payloadBase64}"}}`,
    mark: (name) => `{"event":"mark","streamSid":${sid},"mark":{"name":${JSON.stringify(name)}}}`,
    clear: () => clear,
  };
}
