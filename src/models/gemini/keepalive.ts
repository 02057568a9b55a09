// Notices a Live connection that died without a close frame (a NAT dropped it, the far end hung), which would
// otherwise leave a caller talking to nobody until TCP gives up minutes later.
//
// Why not the usual "ping, and fail if no pong within N s": the Live API answers WebSocket pings slowly and
// unevenly; pongs 8-30 s late are normal on healthy sessions (an overloaded frontend queues control frames behind
// model work), so a 20 s pong timeout tears down calls that were fine. Here a ping goes out every `intervalMs`
// (15 s), anything inbound counts as life (a pong, audio, a transcript, a resumption update), and the connection
// is declared dead only after `timeoutMs` (45 s) without any of it: longer than the slowest pong seen, still far
// shorter than TCP's own timeout. During a call the server is rarely silent that long; when it is (the caller is
// quiet and the model waits), the pings keep the pongs coming.
import type { WebSocket } from 'ws';

export interface KeepaliveOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Called once, when nothing arrived for `timeoutMs`. */
  readonly onDead: (silentMs: number) => void;
  readonly now?: () => number;
}

export const DEFAULT_KEEPALIVE_INTERVAL_MS = 15_000;
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 45_000;

export class Keepalive {
  readonly #socket: WebSocket;
  readonly #options: KeepaliveOptions;
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;
  readonly #onPong = (): void => this.alive();
  #lastLife: number;
  #lastPing = Number.NEGATIVE_INFINITY;
  #stopped = false;

  constructor(socket: WebSocket, options: KeepaliveOptions) {
    if (!(options.timeoutMs > options.intervalMs)) throw new RangeError('keepalive timeoutMs must be longer than intervalMs');
    this.#socket = socket;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#lastLife = this.#now();
    socket.on('pong', this.#onPong);
    // Checked at a quarter of the interval, so a dead connection is noticed within ~timeoutMs + interval/4.
    this.#timer = setInterval(() => this.#tick(), Math.max(10, Math.floor(options.intervalMs / 4)));
    this.#timer.unref();
  }

  /** Anything arrived from the server. */
  alive(): void {
    this.#lastLife = this.#now();
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#socket.off('pong', this.#onPong);
  }

  #tick(): void {
    if (this.#stopped) return;
    const now = this.#now();
    const silent = now - this.#lastLife;
    if (silent > this.#options.timeoutMs) {
      this.stop();
      this.#options.onDead(silent);
      return;
    }
    if (now - this.#lastPing >= this.#options.intervalMs && this.#socket.readyState === this.#socket.OPEN) {
      this.#lastPing = now;
      this.#socket.ping();
    }
  }
}
