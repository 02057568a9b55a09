// What the Live API sends (BidiGenerateContentServerMessage), checked with zod at the boundary. One message may
// carry several of these fields at once (serverContent with usageMetadata, for instance), so every field is
// optional and the session looks at each. Fields we do not use are stripped, not rejected: the API grows.
import { z } from 'zod';

const part = z.object({
  text: z.string().optional(),
  /** Thinking models mark their reasoning; it is never spoken and never part of a transcript. */
  thought: z.boolean().optional(),
  inlineData: z.object({ mimeType: z.string(), data: z.string() }).optional(),
});

const transcription = z.object({ text: z.string().optional(), finished: z.boolean().optional() });

const serverContent = z.object({
  modelTurn: z.object({ role: z.string().optional(), parts: z.array(part).optional() }).optional(),
  turnComplete: z.boolean().optional(),
  interrupted: z.boolean().optional(),
  generationComplete: z.boolean().optional(),
  inputTranscription: transcription.optional(),
  outputTranscription: transcription.optional(),
});

const functionCall = z.object({
  id: z.string().optional(),
  name: z.string(),
  args: z.record(z.string(), z.unknown()).optional(),
});

// int64 counters may arrive as strings in proto JSON.
const count = z.union([z.number(), z.string().regex(/^\d+$/u).transform(Number)]);

const usageMetadata = z.object({
  promptTokenCount: count.optional(),
  responseTokenCount: count.optional(),
  totalTokenCount: count.optional(),
});

export const serverMessageSchema = z.object({
  setupComplete: z.object({}).optional(),
  serverContent: serverContent.optional(),
  toolCall: z.object({ functionCalls: z.array(functionCall).optional() }).optional(),
  toolCallCancellation: z.object({ ids: z.array(z.string()).optional() }).optional(),
  /** `timeLeft` is a proto Duration: a string such as "50s" or "0.5s". */
  goAway: z.object({ timeLeft: z.string().optional() }).optional(),
  sessionResumptionUpdate: z
    .object({
      newHandle: z.string().optional(),
      resumable: z.boolean().optional(),
      lastConsumedClientMessageIndex: count.optional(),
    })
    .optional(),
  usageMetadata: usageMetadata.optional(),
});

export type ServerMessage = z.infer<typeof serverMessageSchema>;
export type ServerContent = z.infer<typeof serverContent>;
export type FunctionCall = z.infer<typeof functionCall>;
export type UsageMetadata = z.infer<typeof usageMetadata>;

export const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(serverMessageSchema.shape));

/** A proto Duration string ("50s", "1.5s") in milliseconds; `fallbackMs` when absent or unreadable. */
export function durationMs(value: string | undefined, fallbackMs: number): number {
  const match = value === undefined ? null : /^(\d+(?:\.\d+)?)s$/u.exec(value.trim());
  return match ? Math.round(Number(match[1]) * 1000) : fallbackMs;
}

/** The text of a frame: the Live API sends JSON in binary frames, proxies and fakes may use text frames. */
export function frameText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
