// PCM16 <-> base64, the audio encoding of the Realtime JSON events. Decoding writes into one growing buffer per
// session instead of allocating per delta; the samples it returns are valid until the next decode, which is what
// the ModelEvent contract promises listeners ("valid only during the handler call").
import { bytesFromInt16, int16FromBytes } from '../../audio/pcm.ts';

export function encodePcm16(samples: Int16Array): string {
  return bytesFromInt16(samples).toString('base64');
}

export class Pcm16Decoder {
  #bytes = Buffer.alloc(0);
  /** A byte left over when a delta ended mid-sample; it starts the next one. */
  #carry = -1;

  /** The samples in `base64`, in a buffer reused by the next call. */
  decode(base64: string): Int16Array {
    const needed = Math.ceil(base64.length / 4) * 3 + 1;
    if (this.#bytes.length < needed) {
      // Grown to a power of two so a call settles on one size; a fresh ArrayBuffer keeps 16-bit alignment.
      this.#bytes = Buffer.from(new ArrayBuffer(2 ** Math.ceil(Math.log2(needed))));
    }
    let offset = 0;
    if (this.#carry >= 0) {
      this.#bytes[0] = this.#carry;
      this.#carry = -1;
      offset = 1;
    }
    let length = offset + this.#bytes.write(base64, offset, 'base64');
    if (length % 2 === 1) {
      length -= 1;
      this.#carry = this.#bytes[length]!;
    }
    return int16FromBytes(this.#bytes.subarray(0, length));
  }

  /** Forgets a carried byte: the next delta belongs to another item. */
  reset(): void {
    this.#carry = -1;
  }
}
