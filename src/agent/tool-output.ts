// What a tool's answer looks like to the model: compact JSON, never longer than a cap, so a chatty API (a full order
// history, an HTML error page in a message) cannot blow the model's context or its per-turn cost. A result over the
// cap is replaced by a small JSON object that says so and carries the start of the text; it stays valid JSON because
// Gemini takes tool results as objects.

export const DEFAULT_MAX_OUTPUT_BYTES = 4_096;
/** Room for the truncation marker and a useful start of the text. */
export const MIN_OUTPUT_BYTES = 128;

/** Compact JSON of a tool's result; nothing (undefined, null) reads as plain success. Throws for values JSON cannot hold. */
export function resultJson(value: unknown): string {
  const json = JSON.stringify(value ?? { ok: true });
  // JSON.stringify answers undefined for a function or a symbol: not an answer a model can read.
  if (json === undefined) throw new TypeError(`the tool returned a ${typeof value}, which is not JSON`);
  return json;
}

export function checkMaxOutputBytes(maxBytes: number): number {
  if (!Number.isInteger(maxBytes) || maxBytes < MIN_OUTPUT_BYTES) {
    throw new RangeError(`maxOutputBytes must be a whole number of at least ${MIN_OUTPUT_BYTES}, not ${maxBytes}`);
  }
  return maxBytes;
}

/** `json` itself when it fits in `maxBytes` of UTF-8, else `{"truncated":true,"fullBytes":N,"partial":"<start>"}`. */
export function capOutput(json: string, maxBytes: number = DEFAULT_MAX_OUTPUT_BYTES): string {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short answers (nearly all) skip the byte count.
  if (json.length * 3 <= maxBytes) return json;
  const fullBytes = Buffer.byteLength(json);
  if (fullBytes <= maxBytes) return json;
  const marker = (partial: string): string => `{"truncated":true,"fullBytes":${fullBytes},"partial":${JSON.stringify(partial)}}`;
  // Escaping makes the cost of a prefix uneven (a quote is two bytes, a control character six): search the longest
  // prefix whose marker fits. Rare path, about a dozen short stringifications.
  let fits = 0;
  let tooLong = Math.min(json.length, maxBytes) + 1;
  while (tooLong - fits > 1) {
    const middle = (fits + tooLong) >>> 1;
    if (Buffer.byteLength(marker(json.slice(0, middle))) <= maxBytes) fits = middle;
    else tooLong = middle;
  }
  // Do not end on half of a surrogate pair (an emoji): it would read as a broken character.
  const last = json.charCodeAt(fits - 1);
  if (last >= 0xd800 && last <= 0xdbff) fits--;
  return marker(json.slice(0, fits));
}
