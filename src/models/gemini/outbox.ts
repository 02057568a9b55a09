// What the session sends while it moves to a new connection (a few hundred ms): kept in order and sent once the
// new connection is set up. Text, tool results and notes are always kept: losing one would lose a caller's words
// or leave the model waiting for a result. Caller audio is kept up to a bound (the gap is short; a failing move
// must not grow memory without end), dropping the oldest first, since the newest audio is what the caller is
// saying now.

interface Queued {
  readonly message: string;
  readonly audio: boolean;
}

export class Outbox {
  readonly #maxAudio: number;
  #items: Queued[] = [];
  #audio = 0;

  /** `maxAudio` audio messages at most (2 s of 60 ms chunks is 34). */
  constructor(maxAudio: number) {
    this.#maxAudio = maxAudio;
  }

  push(message: string, audio: boolean): void {
    this.#items.push({ message, audio });
    if (!audio) return;
    this.#audio++;
    if (this.#audio > this.#maxAudio) {
      this.#items.splice(this.#items.findIndex((item) => item.audio), 1);
      this.#audio--;
    }
  }

  /** Everything kept, in order; the outbox is empty afterwards. */
  drain(): Queued[] {
    this.#audio = 0;
    return this.#items.splice(0);
  }

  clear(): void {
    this.#items = [];
    this.#audio = 0;
  }
}
