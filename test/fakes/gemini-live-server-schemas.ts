// Strict shapes of what a client may send to the Live API (BidiGenerateContentClientMessage), as the fake Gemini
// Live server checks them: every object is strict, so a misspelled or unsupported field (parametersJsonSchema,
// additionalProperties, sessionResumption.transparent, a lower-case schema type) is a recorded violation, as it
// would be a refused setup or a closed session with the real API.
import { z } from 'zod';

const text = z.strictObject({ text: z.string().min(1) });
const content = z.strictObject({ role: z.enum(['user', 'model']), parts: z.array(text).min(1) });
const base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/u, 'base64');
const count = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/u)]);

/** The OpenAPI 3.0 subset the Gemini API takes for function parameters. */
export interface GeminiSchema {
  type?: 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT';
  format?: 'enum' | 'date-time';
  title?: string;
  description?: string;
  nullable?: boolean;
  enum?: string[];
  items?: GeminiSchema;
  minItems?: number | string;
  maxItems?: number | string;
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  minProperties?: number | string;
  maxProperties?: number | string;
  minLength?: number | string;
  maxLength?: number | string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  anyOf?: GeminiSchema[];
  propertyOrdering?: string[];
  default?: unknown;
  example?: unknown;
}

export const geminiSchema: z.ZodType<GeminiSchema> = z.lazy(() =>
  z
    .strictObject({
      type: z.enum(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT']).optional(),
      format: z.enum(['enum', 'date-time']).optional(),
      title: z.string().optional(),
      description: z.string().optional(),
      nullable: z.boolean().optional(),
      enum: z.array(z.string()).optional(),
      items: geminiSchema.optional(),
      minItems: count.optional(),
      maxItems: count.optional(),
      properties: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/u), geminiSchema).optional(),
      required: z.array(z.string()).optional(),
      minProperties: count.optional(),
      maxProperties: count.optional(),
      minLength: count.optional(),
      maxLength: count.optional(),
      pattern: z.string().optional(),
      minimum: z.number().optional(),
      maximum: z.number().optional(),
      anyOf: z.array(geminiSchema).optional(),
      propertyOrdering: z.array(z.string()).optional(),
      default: z.unknown().optional(),
      example: z.unknown().optional(),
    })
    .refine((schema) => schema.type !== undefined || schema.anyOf !== undefined, 'a schema needs a type or anyOf')
    .refine((schema) => (schema.required ?? []).every((name) => name in (schema.properties ?? {})), 'required names a missing property'),
);

const functionDeclaration = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/u),
  description: z.string().min(1),
  parameters: geminiSchema.refine((schema) => schema.type === 'OBJECT', 'parameters must be an OBJECT').optional(),
});

export const setupSchema = z.strictObject({
  model: z.string().regex(/^models\/[\w.-]+$/u),
  generationConfig: z.strictObject({
    responseModalities: z.tuple([z.enum(['AUDIO', 'TEXT'])]),
    speechConfig: z
      .strictObject({
        voiceConfig: z.strictObject({ prebuiltVoiceConfig: z.strictObject({ voiceName: z.string().min(1) }) }).optional(),
        languageCode: z.string().regex(/^[a-z]{2,3}-[A-Z]{2}$/u).optional(),
      })
      .optional(),
  }),
  systemInstruction: z.strictObject({ role: z.string().optional(), parts: z.array(text).min(1) }).optional(),
  tools: z.array(z.strictObject({ functionDeclarations: z.array(functionDeclaration).min(1) })).optional(),
  realtimeInputConfig: z
    .strictObject({
      automaticActivityDetection: z
        .strictObject({
          disabled: z.boolean().optional(),
          startOfSpeechSensitivity: z.enum(['START_SENSITIVITY_HIGH', 'START_SENSITIVITY_LOW']).optional(),
          endOfSpeechSensitivity: z.enum(['END_SENSITIVITY_HIGH', 'END_SENSITIVITY_LOW']).optional(),
          prefixPaddingMs: z.number().int().optional(),
          silenceDurationMs: z.number().int().optional(),
        })
        .optional(),
      activityHandling: z.enum(['START_OF_ACTIVITY_INTERRUPTS', 'NO_INTERRUPTION']).optional(),
      turnCoverage: z.enum(['TURN_INCLUDES_ONLY_ACTIVITY', 'TURN_INCLUDES_ALL_INPUT']).optional(),
    })
    .optional(),
  sessionResumption: z.strictObject({ handle: z.string().min(1).optional() }).optional(),
  contextWindowCompression: z
    .strictObject({ slidingWindow: z.strictObject({ targetTokens: count.optional() }), triggerTokens: count.optional() })
    .optional(),
  inputAudioTranscription: z.strictObject({}).optional(),
  outputAudioTranscription: z.strictObject({}).optional(),
});

const realtimeInput = z.union([
  z.strictObject({ audio: z.strictObject({ data: base64.min(4), mimeType: z.literal('audio/pcm;rate=16000') }) }),
  z.strictObject({ audioStreamEnd: z.literal(true) }),
  z.strictObject({ activityStart: z.strictObject({}) }),
  z.strictObject({ activityEnd: z.strictObject({}) }),
  z.strictObject({ text: z.string().min(1) }),
]);

const clientContent = z.strictObject({ turns: z.array(content).min(1).optional(), turnComplete: z.boolean().optional() });

const toolResponse = z.strictObject({
  functionResponses: z
    .array(z.strictObject({ id: z.string().min(1), name: z.string().min(1), response: z.record(z.string(), z.unknown()) }))
    .min(1),
});

export const clientMessageSchema = z.union([
  z.strictObject({ setup: setupSchema }),
  z.strictObject({ clientContent }),
  z.strictObject({ realtimeInput }),
  z.strictObject({ toolResponse }),
]);

export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type LiveSetup = z.infer<typeof setupSchema>;
export type Content = z.infer<typeof content>;
