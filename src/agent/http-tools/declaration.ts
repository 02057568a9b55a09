// One declaration of a tools file, checked with zod. Each field's problem is reported at its own position, and what
// comes out is ready to build a tool from: the url parsed, header references filled in, the input schema converted.
import { z } from 'zod';
import type { ToolSchema } from '../../core/tool.ts';
import { missingVariables, referencedValues, substituteVariables, type Environment } from './env-references.ts';
import { parseUrlTemplate, type UrlTemplate } from './url-template.ts';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export const DEFAULT_TIMEOUT_MS = 5_000;
export const MAX_TIMEOUT_MS = 30_000;

export interface HttpToolDeclaration {
  readonly name: string;
  readonly description: string;
  /** Validates the model's arguments and exports them back to JSON Schema for the providers. */
  readonly input: ToolSchema<Record<string, unknown>>;
  readonly method: HttpMethod;
  readonly url: UrlTemplate;
  /** Values with their environment references filled in. */
  readonly headers: Readonly<Record<string, string>>;
  /** Values taken from the environment, kept out of anything the model or a log sees. */
  readonly secrets: readonly string[];
  readonly timeoutMs: number;
  readonly idempotent: boolean;
  readonly responsePath?: string;
}

/** The same rule defineTool applies, checked here so the file's author gets the position. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** An HTTP token (RFC 9110), the only thing a header name may be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the gateway writes itself: declaring them would be ignored or break the request. */
const OWN_HEADERS = new Set(['idempotency-key', 'content-length', 'content-type', 'host', 'transfer-encoding', 'connection']);
/** Targets the providers ask for (OpenAI: draft-07, Gemini: OpenAPI 3.0): a schema must export to both. */
const PROVIDER_TARGETS = ['draft-07', 'openapi-3.0'] as const;

export function declarationSchema(env: Environment) {
  return z
    .strictObject({
      name: z.string('text').regex(TOOL_NAME, 'letters, digits, _ and - only, at most 64 characters'),
      description: z.string('text').trim().min(1, 'a description telling the model when to call the tool').max(1024, 'at most 1024 characters'),
      input: z.record(z.string(), z.unknown(), 'a JSON Schema object').transform((json, ctx) => {
        const converted = convertInputSchema(json);
        if (typeof converted === 'string') {
          ctx.addIssue({ code: 'custom', message: converted });
          return z.NEVER;
        }
        return converted;
      }),
      method: z.enum(HTTP_METHODS, `one of ${HTTP_METHODS.join(', ')}`),
      url: z.string('text').transform((text, ctx) => {
        const parsed = parseUrlTemplate(text, env);
        if (parsed.problems) {
          for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
          return z.NEVER;
        }
        return parsed.template;
      }),
      headers: z
        .record(z.string(), z.string('text'), 'an object of header names and values')
        .default({})
        .transform((declared, ctx) => {
          const headers: Record<string, string> = {};
          const secrets: string[] = [];
          for (const [name, value] of Object.entries(declared)) {
            const problems = headerProblems(name, value, env);
            for (const message of problems) ctx.addIssue({ code: 'custom', message, path: [name] });
            if (problems.length > 0) continue;
            headers[name] = substituteVariables(value, env);
            secrets.push(...referencedValues(value, env));
          }
          return { headers, secrets };
        }),
      timeoutMs: z
        .number('a number of milliseconds')
        .int(`a whole number from 1 to ${MAX_TIMEOUT_MS}`)
        .min(1, `a whole number from 1 to ${MAX_TIMEOUT_MS}`)
        .max(MAX_TIMEOUT_MS, `a whole number from 1 to ${MAX_TIMEOUT_MS}`)
        .default(DEFAULT_TIMEOUT_MS),
      idempotent: z.boolean('true when repeating the call is harmless (a read), false to send an Idempotency-Key header'),
      responsePath: z
        .string('text')
        .regex(/^[^.\s]+(\.[^.\s]+)*$/, 'a dot path such as data.slots')
        .optional(),
    })
    .transform(({ headers, ...declaration }): HttpToolDeclaration => ({ ...declaration, headers: headers.headers, secrets: headers.secrets }));
}

function headerProblems(name: string, value: string, env: Environment): string[] {
  if (!HEADER_NAME.test(name)) return ['expected a header name (letters, digits and -)'];
  if (OWN_HEADERS.has(name.toLowerCase())) return [`${name} is set by the gateway and cannot be declared`];
  const missing = missingVariables(value, env);
  if (missing.length > 0) return missing.map((variable) => `environment variable ${variable} is not set`);
  // Checked after substitution (a variable may hold the line break), and reported without the value: it may be a token.
  if (/[\r\n\0]/.test(substituteVariables(value, env))) return ['the value contains a line break'];
  return [];
}

/** The zod schema for a declared JSON Schema, or what is wrong with it. */
function convertInputSchema(json: Record<string, unknown>): ToolSchema<Record<string, unknown>> | string {
  // Providers take an object of named arguments; fromJSONSchema is lenient with malformed keywords, so the parts
  // that decide what reaches the API are checked here.
  if (json.type !== 'object') return 'expected a JSON Schema with "type": "object" (a tool takes named arguments)';
  const properties = json.properties;
  if (properties !== undefined && !isPlainObject(properties)) return '"properties" must be an object of schemas';
  if (isPlainObject(properties)) {
    const bad = Object.entries(properties).find(([, child]) => !isPlainObject(child));
    if (bad) return `"properties.${bad[0]}" must be a schema object`;
  }
  if (json.required !== undefined) {
    if (!Array.isArray(json.required) || !json.required.every((name) => typeof name === 'string')) return '"required" must be a list of property names';
    const unknown = json.required.find((name) => !isPlainObject(properties) || !Object.hasOwn(properties, name));
    if (unknown !== undefined) return `"required" names ${unknown}, which is not in "properties"`;
  }
  let schema: ToolSchema<Record<string, unknown>>;
  try {
    schema = z.fromJSONSchema(json as Parameters<typeof z.fromJSONSchema>[0]) as unknown as ToolSchema<Record<string, unknown>>;
  } catch (error) {
    return `not a usable JSON Schema: ${(error as Error).message}`;
  }
  for (const target of PROVIDER_TARGETS) {
    try {
      schema['~standard'].jsonSchema?.input({ target });
    } catch (error) {
      return `cannot be given to the models (${target}): ${(error as Error).message}`;
    }
  }
  return schema;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
