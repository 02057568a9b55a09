// The tools file (TOOLS_FILE): a JSON array of HTTP tool declarations that become tools of the agent, so a business
// connects its own API without writing code. A broken file stops start-up with every problem listed at once, each
// at its position ("tools[2].url: ..."), as the configuration does for the environment.
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import type { AnyToolSpec } from '../../core/tool.ts';
import { declarationSchema, isPlainObject, type HttpToolDeclaration } from './declaration.ts';
import type { Environment } from './env-references.ts';
import { httpTool, type HttpToolOptions } from './http-tool.ts';
import { placeholderNames } from './url-template.ts';

export interface HttpToolsOptions extends HttpToolOptions {
  /** Names of the agent's built-in tools: a declaration may not take one. */
  readonly reservedNames?: Iterable<string>;
}

export class ToolsFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid tools file ${source}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ToolsFileError';
  }
}

/** Reads and checks the tools file at `path`; throws a ToolsFileError listing every problem. */
export async function loadHttpTools(path: string, env: Environment, options: HttpToolsOptions = {}): Promise<AnyToolSpec[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ToolsFileError(path, [`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ToolsFileError(path, [`not valid JSON: ${jsonErrorAt(text, error as Error)}`]);
  }
  return httpToolsFrom(value, env, options, path);
}

/** The tools declared by an already parsed file (`value`); `source` names it in errors. */
export function httpToolsFrom(value: unknown, env: Environment, options: HttpToolsOptions = {}, source = 'tools'): AnyToolSpec[] {
  if (!Array.isArray(value)) throw new ToolsFileError(source, ['tools: expected an array of tool declarations']);
  const schema = declarationSchema(env);
  const problems: string[] = [];
  const declarations: HttpToolDeclaration[] = [];
  value.forEach((entry, index) => {
    const parsed = schema.safeParse(entry);
    if (parsed.success) declarations.push(parsed.data);
    else problems.push(...parsed.error.issues.map((issue) => describeIssue(index, entry, issue)));
    // Checked on the raw entry, so that they are listed along with any field's own problem.
    problems.push(...crossChecks(value, index, options));
  });
  if (problems.length > 0) throw new ToolsFileError(source, problems);
  return declarations.map((declaration) => httpTool(declaration, options));
}

function crossChecks(entries: readonly unknown[], index: number, options: HttpToolsOptions): string[] {
  const entry = entries[index];
  if (!isPlainObject(entry)) return [];
  const at = `tools[${index}]`;
  const problems: string[] = [];
  const { name, url, input } = entry;
  if (typeof name === 'string') {
    if ([...(options.reservedNames ?? [])].includes(name)) problems.push(`${at}.name: "${name}" is a built-in tool; choose another name`);
    const first = entries.findIndex((other) => isPlainObject(other) && other.name === name);
    if (first < index) problems.push(`${at}.name: "${name}" is already declared by tools[${first}]`);
  }
  if (typeof url === 'string') {
    if (url.startsWith('/') && !url.startsWith('//') && !options.baseUrl) problems.push(`${at}.url: a path needs the gateway's own URL; write a full http(s) URL`);
    if (isPlainObject(input)) problems.push(...placeholderProblems(at, placeholderNames(url), input));
  }
  return problems;
}

/** A placeholder must always have a value that fits in a path: a required string, number or boolean. */
function placeholderProblems(at: string, names: readonly string[], input: Record<string, unknown>): string[] {
  const properties = isPlainObject(input.properties) ? input.properties : {};
  const required = Array.isArray(input.required) ? input.required : [];
  const problems: string[] = [];
  for (const name of names) {
    const property = properties[name];
    if (!isPlainObject(property) || !required.includes(name)) {
      problems.push(`${at}.url: placeholder {${name}} must be a required property of input`);
    } else if (!isScalar(property)) {
      problems.push(`${at}.input.properties.${name}: a url placeholder must be a string, number, integer or boolean`);
    }
  }
  return problems;
}

const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean']);
const isScalarValue = (value: unknown): boolean => ['string', 'number', 'boolean'].includes(typeof value);

function isScalar(schema: Record<string, unknown>): boolean {
  if (typeof schema.type === 'string') return SCALAR_TYPES.has(schema.type);
  if (Array.isArray(schema.enum)) return schema.enum.length > 0 && schema.enum.every(isScalarValue);
  return schema.const !== undefined && isScalarValue(schema.const);
}

function describeIssue(index: number, entry: unknown, issue: z.core.$ZodIssue): string {
  const position = `tools[${index}]${issue.path.map(pathStep).join('')}`;
  if (issue.code === 'unrecognized_keys') return `${position}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  if (issue.code === 'invalid_key') return `${position}: expected ${issue.issues[0]?.message ?? issue.message}`;
  if (issue.path.length === 0 && !isPlainObject(entry)) return `${position}: expected an object declaring one tool`;
  const field = issue.path.length === 1 && isPlainObject(entry) ? entry[String(issue.path[0])] : undefined;
  if (issue.code === 'invalid_type' && issue.path.length === 1 && field === undefined) return `${position}: missing`;
  if (issue.code === 'custom') return `${position}: ${issue.message}`;
  // The value as written helps find the mistake; headers are left out (their values are credentials).
  const got = ['string', 'number', 'boolean'].includes(typeof field) && issue.path[0] !== 'headers' ? `, got ${shorten(JSON.stringify(field))}` : '';
  return `${position}: expected ${issue.message.replace(/^Invalid input: /, '')}${got}`;
}

const pathStep = (key: PropertyKey): string => (typeof key === 'number' ? `[${key}]` : /^[\w$-]+$/.test(String(key)) ? `.${String(key)}` : `[${JSON.stringify(String(key))}]`);
const shorten = (text: string): string => (text.length > 60 ? `${text.slice(0, 60)}…` : text);

/** JSON.parse's message with the line and column of its "position N", which an editor can jump to. */
function jsonErrorAt(text: string, error: Error): string {
  const match = /at position (\d+)/.exec(error.message);
  if (!match) return error.message;
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${error.message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}
