// Turning a business API's answer into something for the model: JSON picked by an optional dot path, text cut to
// an excerpt, errors summarised by status and a short excerpt. Answers are read up to a cap, because everything
// returned ends up in the model's context.

/** The most of an answer that is read; a larger one is an error the model is told about. */
export const MAX_REPLY_BYTES = 256 * 1024;
const TEXT_EXCERPT_CHARS = 1_000;
const ERROR_EXCERPT_CHARS = 300;

/** The body up to `limit` bytes; `complete` is false when there was more (the rest is not downloaded). */
export async function readReply(response: Response, limit = MAX_REPLY_BYTES): Promise<{ text: string; complete: boolean }> {
  if (!response.body) return { text: '', complete: true };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return { text: Buffer.concat(chunks).subarray(0, limit).toString('utf8'), complete: false };
    }
  }
  return { text: Buffer.concat(chunks).toString('utf8'), complete: true };
}

export const tooLargeMessage = (limit = MAX_REPLY_BYTES): string => `The answer was larger than ${Math.round(limit / 1024)} KB.`;

export function isJson(response: Response): boolean {
  return /^application\/(?:[\w.+-]+\+)?json\b/i.test(response.headers.get('content-type') ?? '');
}

/** One line of at most `max` characters, with any secret the request carried replaced by "…". */
export function excerpt(text: string, secrets: readonly string[], max = TEXT_EXCERPT_CHARS): string {
  let line = text.replace(/\s+/g, ' ').trim();
  for (const secret of secrets) line = line.replaceAll(secret, '…');
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** The message of a non-2xx answer: the status first, because that is what the model and the operator act on. */
export function statusMessage(response: Response, body: string, secrets: readonly string[]): string {
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const detail = excerpt(body, secrets, ERROR_EXCERPT_CHARS);
  return `The business API answered ${status}${detail ? `: ${detail}` : '.'}`;
}

/** The value at a dot path such as "data.slots" or "items.0.id"; throws when the answer has no such value. */
export function pickPath(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    const container = typeof current === 'object' && current !== null ? (current as Record<string, unknown>) : undefined;
    if (container === undefined || !Object.hasOwn(container, key)) throw new Error(`The answer has no ${path}.`);
    current = container[key];
  }
  return current;
}
