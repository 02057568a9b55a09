// How many offers one client address may make per minute: a sliding window of the last accepted attempts' times.
// In memory, per instance: with N instances behind a balancer a client gets at most N times the limit, which still
// stops a loop of offers from one page from exhausting ports and CPU.
const WINDOW_MS = 60_000;
/** Addresses remembered at most; past it, the ones with nothing in their window are forgotten. */
const SWEEP_AT = 10_000;

export class OfferLimiter {
  readonly #attempts = new Map<string, number[]>();
  #sweptAt = 0;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(perMinute) || perMinute < 1) throw new RangeError(`offers per minute must be a positive integer, got ${perMinute}`);
  }

  /** Counts an attempt from `address`; false when it is over the limit (a refused attempt is not counted). */
  take(address: string): boolean {
    const now = this.now();
    address = clientKey(address);
    // Swept at most once a second: a crowd of new addresses must not make every offer walk the whole map.
    if (this.#attempts.size >= SWEEP_AT && now - this.#sweptAt >= 1_000) this.#sweep(now);
    let times = this.#attempts.get(address);
    if (!times) {
      times = [];
      this.#attempts.set(address, times);
    }
    while (times.length > 0 && times[0]! <= now - WINDOW_MS) times.shift();
    if (times.length >= this.perMinute) return false;
    times.push(now);
    return true;
  }

  /** Addresses currently remembered (for tests and metrics). */
  get size(): number {
    return this.#attempts.size;
  }

  #sweep(now: number): void {
    this.#sweptAt = now;
    for (const [address, times] of this.#attempts) {
      if (times.length === 0 || times[times.length - 1]! <= now - WINDOW_MS) this.#attempts.delete(address);
    }
  }
}

/** IPv6 clients get a whole /64 from their provider: counting per address would let one client rotate through it. */
export function clientKey(address: string): string {
  if (!address.includes(':') || address.startsWith('::ffff:')) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
