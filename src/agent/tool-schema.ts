// A tool's input schema as plain JSON Schema, for providers' function declarations.
import type { AnyToolSpec } from '../core/tool.ts';

export type JsonSchemaTarget = 'draft-07' | 'draft-2020-12' | 'openapi-3.0';

/** The JSON Schema of a tool's input, without the `$schema` marker providers reject. */
export function toolJsonSchema(tool: AnyToolSpec, target: JsonSchemaTarget = 'draft-07'): Record<string, unknown> {
  const converter = tool.input['~standard'].jsonSchema;
  if (!converter) throw new TypeError(`tool ${tool.name}: its schema library cannot export JSON Schema (zod 4 can)`);
  const { $schema: _ignored, ...schema } = converter.input({ target });
  return schema;
}
