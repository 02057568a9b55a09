// G.711 mu-law codec (ITU-T G.711, same output as the classic Sun g711.c): the phone wire format of Twilio Media
// Streams. Both directions write into buffers the caller owns, so a channel converts each 20 ms frame without
// allocating.

/** Added to the magnitude before encoding so every segment's step lines up (G.711's 0x84). */
const BIAS = 0x84;
/** Largest magnitude that still fits the top segment once the bias is added (32635 + 132 = 0x7FFF). */
const CLIP = 32635;

/** All 256 code words decoded once; decoding is then a single lookup per sample. */
const DECODE_TABLE = buildDecodeTable();

function buildDecodeTable(): Int16Array {
  const table = new Int16Array(256);
  for (let code = 0; code < 256; code++) {
    // Code words are sent inverted, so that silence (0xFF) has many ones on the line.
    const u = ~code & 0xff;
    const exponent = (u >> 4) & 0x07;
    const mantissa = u & 0x0f;
    const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
    table[code] = u & 0x80 ? -magnitude : magnitude;
  }
  return table;
}

/** Decodes mu-law bytes into PCM16 samples. `dst` must have the same length as `src`. */
export function decodeMulaw(src: Uint8Array, dst: Int16Array): void {
  const n = src.length;
  if (dst.length !== n) throw new RangeError(`decodeMulaw: dst has ${dst.length} samples, src has ${n} bytes`);
  for (let i = 0; i < n; i++) dst[i] = DECODE_TABLE[src[i]!]!;
}

/** Encodes one PCM16 sample. Values outside the int16 range are clipped like any loud sample. */
export function encodeMulawSample(sample: number): number {
  let sign = 0;
  let magnitude = sample;
  if (magnitude < 0) {
    sign = 0x80;
    magnitude = -magnitude;
  }
  if (magnitude > CLIP) magnitude = CLIP;
  magnitude += BIAS; // now 132..32767: the highest set bit (7..14) picks the segment
  const exponent = 24 - Math.clz32(magnitude); // 31 - clz32 is the highest bit; segments start at bit 7
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Encodes PCM16 samples into mu-law bytes. `dst` must have the same length as `src`. */
export function encodeMulaw(src: Int16Array, dst: Uint8Array): void {
  const n = src.length;
  if (dst.length !== n) throw new RangeError(`encodeMulaw: dst has ${dst.length} bytes, src has ${n} samples`);
  for (let i = 0; i < n; i++) dst[i] = encodeMulawSample(src[i]!);
}

/** The linear value a mu-law byte decodes to (for tests and one-off conversions). */
export function decodeMulawSample(code: number): number {
  return DECODE_TABLE[code & 0xff]!;
}
