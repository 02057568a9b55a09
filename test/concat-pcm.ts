// Joins PCM16 chunks into one buffer, for tests that collect audio piece by piece and then measure it whole.

/** `parts` one after the other, in a new buffer. */
export function concatPcm(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
