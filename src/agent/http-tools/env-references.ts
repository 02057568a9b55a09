// `${NAME}` references to environment variables inside a tools file, so that secrets (API tokens) stay out of the
// file. An empty variable counts as unset, as it does for the gateway's own configuration.

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export type Environment = Readonly<Record<string, string | undefined>>;

/** The names referenced in `text` whose variable is unset or empty, each once, in order. */
export function missingVariables(text: string, env: Environment): string[] {
  const missing = new Set<string>();
  for (const match of text.matchAll(REFERENCE)) if (!env[match[1]!]?.trim()) missing.add(match[1]!);
  return [...missing];
}

/** `text` with every reference replaced by its variable's value; call after missingVariables found none. */
export function substituteVariables(text: string, env: Environment): string {
  return text.replace(REFERENCE, (_reference, name: string) => env[name] ?? '');
}

/** The values `text` takes from the environment: scrubbed from anything the model or a log may see. */
export function referencedValues(text: string, env: Environment): string[] {
  return [...text.matchAll(REFERENCE)].map((match) => env[match[1]!] ?? '').filter((value) => value.length > 0);
}
