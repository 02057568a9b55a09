// Tools as Live API function declarations. The Live API ignores `parametersJsonSchema` (calls then arrive with
// empty arguments: googleapis/python-genai#1147, livekit/agents#2940), so parameters go in `parameters`, whose
// Schema is a subset of OpenAPI 3.0: upper-case types, no additionalProperties, const, $ref or exclusive bounds,
// string enums only, and on the Gemini Developer API `format` limited to "enum" and "date-time". Anything else is
// rejected with "Invalid JSON payload received. Unknown name ...", which would cost us the whole session, so the
// tool's OpenAPI 3.0 JSON Schema is rewritten into that subset here; what cannot be expressed moves into the
// description, where the model still reads it.
import type { AnyToolSpec } from '../../core/tool.ts';
import { toolJsonSchema } from '../../agent/tool-schema.ts';

type Json = Record<string, unknown>;

export interface FunctionDeclaration {
  readonly name: string;
  readonly description: string;
  readonly parameters?: Json;
}

const TYPES: Record<string, string> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
};

/** Keys copied as they are when present. */
const PLAIN_KEYS = ['title', 'description', 'nullable', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'minProperties', 'maxProperties', 'default'] as const;
const FORMATS = new Set(['enum', 'date-time']);

export function functionDeclarations(tools: readonly AnyToolSpec[]): FunctionDeclaration[] {
  return tools.map((tool) => {
    const parameters = geminiSchema(toolJsonSchema(tool, 'openapi-3.0'));
    const properties = parameters.properties as Json | undefined;
    // A tool without arguments leaves `parameters` out: an OBJECT with no properties is refused.
    const empty = properties === undefined || Object.keys(properties).length === 0;
    return empty ? { name: tool.name, description: tool.description } : { name: tool.name, description: tool.description, parameters };
  });
}

/** One JSON Schema node rewritten into the Gemini Schema subset. */
export function geminiSchema(node: Json): Json {
  const out: Json = {};
  const notes: string[] = [];
  const merged = mergeAllOf(node);

  let type = merged.type;
  if (Array.isArray(type)) {
    // Draft-style ["string", "null"]: one type plus nullable.
    const types = type.filter((t) => t !== 'null');
    if (types.length !== type.length) out.nullable = true;
    type = types[0];
  }
  if (typeof type === 'string' && TYPES[type]) out.type = TYPES[type];

  for (const key of PLAIN_KEYS) if (merged[key] !== undefined) out[key] = merged[key];
  if (typeof merged.format === 'string') {
    if (FORMATS.has(merged.format)) out.format = merged.format;
    else notes.push(`format: ${merged.format}`);
  }
  // Exclusive bounds do not exist in the subset: the inclusive bound stays and the model reads the rest.
  if (typeof merged.exclusiveMinimum === 'number') out.minimum = merged.exclusiveMinimum;
  if (typeof merged.exclusiveMaximum === 'number') out.maximum = merged.exclusiveMaximum;
  if (merged.exclusiveMinimum !== undefined && out.minimum !== undefined) notes.push(`more than ${String(out.minimum)}`);
  if (merged.exclusiveMaximum !== undefined && out.maximum !== undefined) notes.push(`less than ${String(out.maximum)}`);

  const allowed = merged.const !== undefined ? [merged.const] : Array.isArray(merged.enum) ? merged.enum : undefined;
  if (allowed) {
    if (out.type === 'STRING' || out.type === undefined) {
      out.type = 'STRING';
      out.enum = allowed.filter((value) => value !== null).map(String);
    } else {
      notes.push(`one of ${allowed.map((value) => JSON.stringify(value)).join(', ')}`);
    }
  }

  if (isJson(merged.items)) out.items = geminiSchema(merged.items);
  if (isJson(merged.properties)) {
    const properties: Json = {};
    for (const [name, child] of Object.entries(merged.properties)) if (isJson(child)) properties[name] = geminiSchema(child);
    out.properties = properties;
    if (Array.isArray(merged.required)) out.required = merged.required.filter((name) => typeof name === 'string' && name in properties);
  }
  const alternatives = Array.isArray(merged.anyOf) ? merged.anyOf : Array.isArray(merged.oneOf) ? merged.oneOf : undefined;
  if (alternatives) {
    const options = alternatives.filter(isJson).filter((option) => option.type !== 'null');
    if (options.length !== alternatives.length) out.nullable = true;
    if (options.length === 1) {
      // z.string().nullable() and friends: the one real option, with what the outer node said kept on top.
      for (const [key, value] of Object.entries(geminiSchema(options[0]!))) if (out[key] === undefined) out[key] = value;
    } else if (options.length > 1) out.anyOf = options.map(geminiSchema);
  }

  if (notes.length > 0) {
    const description = typeof out.description === 'string' ? `${out.description} ` : '';
    out.description = `${description}(${notes.join('; ')})`;
  }
  return out;
}

function mergeAllOf(node: Json): Json {
  if (!Array.isArray(node.allOf)) return node;
  const { allOf, ...rest } = node;
  return (allOf as unknown[]).filter(isJson).reduce<Json>((acc, part) => ({ ...part, ...acc }), rest);
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
