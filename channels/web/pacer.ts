// One 20 ms clock for every widget call of the process. One timer instead of one per call: a thousand calls cost one
// wake-up every 20 ms, not a thousand, and every call's frames go out in the same pass. The clock counts ticks from
// its start and catches up after a late wake-up (a busy event loop) by ticking again, up to MAX_CATCH_UP ticks;
// later than that it skips ahead, because a burst of old audio would only pile up in the browser's jitter buffer.
import { FRAME_MS } from '../../src/core/audio.ts';
import type { Logger } from '../../src/core/channel.ts';

export interface Paced {
  tick(): void;
}

const MAX_CATCH_UP = 5;

export class Pacer {
  readonly #members = new Set<Paced>();
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #ticks = 0;
  /** Ticks skipped because the event loop was too late to catch up. */
  skipped = 0;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get size(): number {
    return this.#members.size;
  }

  add(member: Paced): void {
    this.#members.add(member);
    if (this.#timer === undefined) {
      this.#startedAt = this.now();
      this.#ticks = 0;
      this.#schedule();
    }
  }

  remove(member: Paced): void {
    this.#members.delete(member);
    if (this.#members.size === 0) this.stop();
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    const nextAt = this.#startedAt + (this.#ticks + 1) * FRAME_MS;
    this.#timer = setTimeout(() => this.#run(), Math.max(0, nextAt - this.now()));
    // The calls' sockets keep the process alive; the clock alone must not.
    this.#timer.unref();
  }

  #run(): void {
    let due = Math.floor((this.now() - this.#startedAt) / FRAME_MS) - this.#ticks;
    if (due > MAX_CATCH_UP) {
      this.skipped += due - 1;
      this.#ticks += due - 1;
      due = 1;
    }
    for (let i = 0; i < due; i++) {
      this.#ticks++;
      for (const member of this.#members) {
        try {
          member.tick();
        } catch (error) {
          // One call's failure must not silence the others (calls end themselves on their own errors; this is the
          // last guard, and it stops the ticks that failed instead of logging them 50 times a second).
          this.log.error({ err: error }, 'widget audio tick failed');
          this.#members.delete(member);
        }
      }
    }
    if (this.#members.size > 0) this.#schedule();
    else this.#timer = undefined;
  }
}
