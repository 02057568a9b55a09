// Notices a connection that died without closing (a NAT dropping the flow, a stalled proxy): a WebSocket ping every
// `intervalMs`, and if nothing at all arrived for `timeoutMs` (no pong, no event) the connection is declared dead.
// Any inbound frame counts, so a busy session spends no extra timers and a slow pong is fine while events flow.
// Death is noticed at most `intervalMs + timeoutMs` after the last frame.

export interface Pingable {
  ping(): void;
}

export class Heartbeat {
  #timer: NodeJS.Timeout | undefined;
  #lastSeen = 0;

  constructor(
    private readonly socket: Pingable,
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly onDead: () => void,
  ) {}

  start(): void {
    this.#lastSeen = Date.now();
    this.#timer = setInterval(() => this.#tick(), this.intervalMs);
    this.#timer.unref();
  }

  /** Something arrived: a pong or any message. */
  seen(): void {
    this.#lastSeen = Date.now();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    if (Date.now() - this.#lastSeen >= this.timeoutMs) {
      this.stop();
      this.onDead();
      return;
    }
    try {
      this.socket.ping();
    } catch {
      // The socket is closing; its close event reports that.
    }
  }
}
