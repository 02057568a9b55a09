// The url of an HTTP tool: `{param}` placeholders filled from the tool's validated input at each call, `${NAME}`
// environment references filled once at start-up. A placeholder may only stand after the host, so the model never
// chooses which server receives the request (nor the credentials in its headers).
import { missingVariables, substituteVariables, type Environment } from './env-references.ts';

export type UrlPart = string | { readonly param: string };

export interface UrlTemplate {
  readonly parts: readonly UrlPart[];
  /** Placeholder names, each once, in order. */
  readonly params: readonly string[];
  /** Written as /path: resolved against the gateway's own URL at each call. */
  readonly relative: boolean;
}

const TOKEN = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\{([A-Za-z_][A-Za-z0-9_]*)\}|[{}]/g;
/** Scheme and host, ended by the start of a path, query or fragment. */
const FIXED_ORIGIN = /^https?:\/\/[^/?#]+[/?#]/i;
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Placeholder names in a url as written, for checks that run before (or without) a full parse. */
export function placeholderNames(text: string): string[] {
  return [...new Set([...text.replace(/\$\{[^}]*\}/g, '').matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

export function parseUrlTemplate(text: string, env: Environment): { template: UrlTemplate; problems?: undefined } | { problems: string[] } {
  const problems = missingVariables(text, env).map((name) => `environment variable ${name} is not set`);
  const parts: UrlPart[] = [];
  let literal = '';
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    literal += text.slice(last, match.index);
    last = match.index + match[0].length;
    if (match[1] !== undefined) literal += substituteVariables(match[0], env);
    else if (match[2] !== undefined) {
      parts.push(literal, { param: match[2] });
      literal = '';
    } else problems.push(`"${match[0]}" is not part of a placeholder such as {slotId}`);
  }
  parts.push(literal + text.slice(last));
  if (problems.length > 0) return { problems };

  const head = parts[0] as string;
  const relative = head.startsWith('/') && !head.startsWith('//');
  const hasParams = parts.length > 1;
  if (!relative && !/^https?:\/\//i.test(head)) return { problems: ['expected a full http(s) URL, or a path starting with / on the gateway itself'] };
  if (!relative && hasParams && !FIXED_ORIGIN.test(head)) return { problems: ['a {placeholder} may stand in the path or query only, never in the host'] };
  const sample = parts.map((part) => (typeof part === 'string' ? part : 'x')).join('');
  try {
    new URL(sample, 'http://gateway.invalid');
  } catch {
    return { problems: ['not a valid URL'] };
  }
  const params = [...new Set(parts.filter((part) => typeof part !== 'string').map((part) => part.param))];
  return { template: { parts, params, relative } };
}

/** The request URL for one call, and the inputs no placeholder used (they go in the query or the body). */
export function fillUrl(template: UrlTemplate, input: Readonly<Record<string, unknown>>, base?: string): { url: URL; rest: Record<string, unknown> } {
  let text = '';
  for (const part of template.parts) text += typeof part === 'string' ? part : encodePathValue(part.param, input[part.param]);
  const rest: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) if (value !== undefined && !template.params.includes(name)) rest[name] = value;
  return { url: template.relative ? new URL(text, base) : new URL(text), rest };
}

function encodePathValue(name: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`${name} must be a string or a number.`);
  const text = String(value);
  // Dot segments are normalised away by every URL parser, even percent-encoded: "/bookings/.." would name the
  // collection (or its parent) instead of one booking.
  if (text === '' || text === '.' || text === '..') throw new Error(`${name} must not be empty, "." or "..".`);
  return encodeURIComponent(text);
}

/** Adds inputs to the query: arrays as repeated keys, objects as JSON, nulls left out. */
export function appendQuery(url: URL, values: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(values)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || item === undefined) continue;
      url.searchParams.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
    }
  }
}
