// Tool schemas as the Live API accepts them, and the smaller wire decisions (speech language, tool results, goAway
// durations): each is a setup or message the real service would otherwise refuse or misread.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { defineTool } from '../../core/tool.ts';
import { geminiSchema as strictGeminiSchema } from '../../../test/fakes/gemini-live-server-schemas.ts';
import { speechLanguage, toolResponse } from './client-messages.ts';
import { functionDeclarations, geminiSchema } from './function-declarations.ts';
import { durationMs } from './server-messages.ts';

const run = async (): Promise<unknown> => ({});

test('zod tools become Gemini schemas: upper-case types, no additionalProperties/const/$schema, enums as strings', () => {
  const tool = defineTool(
    'update_booking',
    'Changes a booking.',
    z.strictObject({
      bookingId: z.string().uuid().describe('The booking to change.'),
      seats: z.number().int().positive().max(8),
      kind: z.enum(['visit', 'video']),
      exact: z.literal('yes'),
      tags: z.array(z.string()).max(3).optional(),
      note: z.string().nullable(),
      when: z.iso.datetime(),
      level: z.union([z.literal(1), z.literal(2)]),
    }),
    run,
  );
  const [declaration] = functionDeclarations([tool]);
  const parameters = declaration!.parameters!;
  assert.equal(strictGeminiSchema.safeParse(parameters).success, true, JSON.stringify(strictGeminiSchema.safeParse(parameters).error?.issues));
  const properties = parameters.properties as Record<string, Record<string, unknown>>;
  assert.equal(parameters.type, 'OBJECT');
  assert.equal('additionalProperties' in parameters, false);
  assert.equal(properties.bookingId!.type, 'STRING');
  assert.match(String(properties.bookingId!.description), /The booking to change\..*uuid/u);
  assert.equal(properties.seats!.type, 'INTEGER');
  assert.equal(properties.seats!.maximum, 8);
  assert.deepEqual(properties.kind!.enum, ['visit', 'video']);
  assert.deepEqual(properties.exact!.enum, ['yes']);
  assert.equal((properties.tags!.items as Record<string, unknown>).type, 'STRING');
  assert.equal(properties.note!.nullable, true);
  assert.equal(properties.note!.type, 'STRING');
  assert.equal(properties.when!.format, 'date-time');
  assert.deepEqual((parameters.required as string[]).sort(), ['bookingId', 'exact', 'kind', 'level', 'note', 'seats', 'when']);
});

test('a tool without arguments is declared without parameters (an empty OBJECT is refused)', () => {
  const [declaration] = functionDeclarations([defineTool('hang_up', 'Ends the call.', z.object({}), run)]);
  assert.deepEqual(declaration, { name: 'hang_up', description: 'Ends the call.' });
});

test('draft-style nullable types and allOf are folded into the subset', () => {
  const schema = geminiSchema({ type: ['integer', 'null'], allOf: [{ minimum: 1 }, { description: 'count' }] });
  assert.deepEqual(schema, { nullable: true, type: 'INTEGER', description: 'count', minimum: 1 });
});

test('speech language: codes only for half-cascade models, from the Live API list (Kannada has none)', () => {
  const halfCascade = 'models/gemini-live-2.5-flash-preview';
  assert.equal(speechLanguage(halfCascade, 'hi-IN'), 'hi-IN');
  assert.equal(speechLanguage(halfCascade, 'en-IN'), 'en-IN');
  assert.equal(speechLanguage(halfCascade, 'bn'), 'bn-BD');
  assert.equal(speechLanguage(halfCascade, 'es-419'), 'es-US');
  assert.equal(speechLanguage(halfCascade, 'pt-BR'), 'pt-BR');
  assert.equal(speechLanguage(halfCascade, 'kn'), undefined);
  assert.equal(speechLanguage('models/gemini-2.0-flash-live-001', 'ta'), 'ta-IN');
  assert.equal(speechLanguage('models/gemini-2.5-flash-native-audio-preview-12-2025', 'hi'), undefined);
});

test('tool results are objects on the wire; goAway durations are read from proto Duration strings', () => {
  const wire = (output: string): unknown => (JSON.parse(toolResponse('c1', 'f', output)) as { toolResponse: { functionResponses: [{ response: unknown }] } }).toolResponse.functionResponses[0].response;
  assert.deepEqual(wire('{"ok":true}'), { ok: true });
  assert.deepEqual(wire('[1,2]'), { output: [1, 2] });
  assert.deepEqual(wire('plain words'), { output: 'plain words' });
  assert.equal(durationMs('50s', 1), 50_000);
  assert.equal(durationMs('0.5s', 1), 500);
  assert.equal(durationMs(undefined, 7), 7);
  assert.equal(durationMs('soon', 7), 7);
});
