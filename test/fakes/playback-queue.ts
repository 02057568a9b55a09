// The playout buffer of a simulated channel, shared by the channel fakes: audio and marks queue in the order they
// were sent, playing some audio echoes each mark the moment the audio before it has played, and a clear drops the
// queue and says which marks were still waiting. Audio is counted in the fake's own unit (milliseconds, bytes).
type QueueItem = { kind: 'audio'; remaining: number } | { kind: 'mark'; name: string };

export class PlaybackQueue {
  /** Audio played in all, across clears. */
  played = 0;
  #items: QueueItem[] = [];
  readonly #echo: (name: string) => void;

  /** `echo` is called for every mark that plays, in order. */
  constructor(echo: (name: string) => void) {
    this.#echo = echo;
  }

  get isEmpty(): boolean {
    return this.#items.length === 0;
  }

  /** Audio queued and not yet played. */
  get queued(): number {
    return this.#items.reduce((sum, item) => sum + (item.kind === 'audio' ? item.remaining : 0), 0);
  }

  pushAudio(amount: number): void {
    this.#items.push({ kind: 'audio', remaining: amount });
  }

  pushMark(name: string): void {
    this.#items.push({ kind: 'mark', name });
  }

  /** Plays up to `budget` of queued audio and echoes every mark reached (a mark at the head needs no budget). */
  play(budget: number): void {
    while (this.#items.length > 0) {
      const head = this.#items[0]!;
      if (head.kind === 'mark') {
        this.#items.shift();
        this.#echo(head.name);
        continue;
      }
      if (budget <= 0) break;
      const take = Math.min(head.remaining, budget);
      head.remaining -= take;
      budget -= take;
      this.played += take;
      if (head.remaining === 0) this.#items.shift();
    }
  }

  /** Plays everything up to and including mark `name`, which must be queued. */
  playThrough(name: string): void {
    if (!this.#items.some((item) => item.kind === 'mark' && item.name === name)) throw new Error(`mark ${name} is not queued`);
    while (this.#items.length > 0) {
      const head = this.#items.shift()!;
      if (head.kind === 'audio') this.played += head.remaining;
      else {
        this.#echo(head.name);
        if (head.name === name) return;
      }
    }
  }

  /** Drops everything queued; returns the names of the marks dropped, in order. */
  clear(): string[] {
    const dropped = this.#items.flatMap((item) => (item.kind === 'mark' ? [item.name] : []));
    this.#items = [];
    return dropped;
  }
}
