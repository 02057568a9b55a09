// A least-recently-used map of synthesized prompts bounded by bytes, not entries: one menu prompt is 10 seconds of
// audio (480 KB at 24 kHz) while "One moment, please." is a tenth of that. Map keeps insertion order, so
// re-inserting on every hit makes the first key the least recently used.

export class PromptCache {
  readonly #entries = new Map<string, Int16Array>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {
    if (!Number.isFinite(maxBytes) || maxBytes < 0) throw new RangeError(`maxBytes must be a size in bytes, got ${maxBytes}`);
  }

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): Int16Array | undefined {
    const pcm = this.#entries.get(key);
    if (pcm !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, pcm);
    }
    return pcm;
  }

  /** Keeps `pcm` (not a copy: callers hand over ownership). A prompt larger than the whole cache is not kept. */
  set(key: string, pcm: Int16Array): void {
    const old = this.#entries.get(key);
    if (old !== undefined) {
      this.#entries.delete(key);
      this.#bytes -= old.byteLength;
    }
    if (pcm.byteLength > this.maxBytes) return;
    this.#entries.set(key, pcm);
    this.#bytes += pcm.byteLength;
    for (const [oldest, value] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= value.byteLength;
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
