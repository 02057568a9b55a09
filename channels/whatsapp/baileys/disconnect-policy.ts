// What to do when WhatsApp closes a socket, by the status code Baileys puts on the Boom error
// (`lastDisconnect.error.output.statusCode`). Pure: the session carries the decision out.

export interface Disconnect {
  readonly status?: number;
  readonly message: string;
}

export type DisconnectDecision =
  /** Open a new socket at once (515 after pairing, a replaced session within the loop guard). */
  | { readonly action: 'reconnect' }
  /** Open a new socket after the next backoff delay. */
  | { readonly action: 'backoff' }
  /** Open nothing until an operator acts; `alert` names what they must do. */
  | { readonly action: 'stop'; readonly alert: StopReason; readonly wipe: boolean };

export type StopReason = 'logged_out' | 'forbidden' | 'replaced' | 'pairing_expired';

/** Status code and message of whatever Baileys closed the socket with: a Boom error, a plain error, or nothing. */
export function readDisconnect(error: unknown): Disconnect {
  if (error === undefined || error === null) return { message: 'closed without an error' };
  const status = (error as { output?: { statusCode?: unknown } }).output?.statusCode;
  const message = error instanceof Error ? error.message : String(error);
  return typeof status === 'number' ? { status, message } : { message };
}

/** Allows `limit` events within `windowMs`, then refuses (a session replaced over and over by another client). */
export class LoopGuard {
  readonly #times: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  allow(now: number): boolean {
    while (this.#times.length > 0 && now - this.#times[0]! >= this.windowMs) this.#times.shift();
    if (this.#times.length >= this.limit) return false;
    this.#times.push(now);
    return true;
  }

  /** Forgets past events (an operator asked for a fresh start). */
  reset(): void {
    this.#times.length = 0;
  }
}

/**
 * `restarts` guards 515: WhatsApp asks for one restart after pairing, and a number that keeps asking is in trouble:
 * reconnecting at once in a loop looks like abuse to WhatsApp, so past the guard it backs off like any drop.
 */
export function decideAfterDisconnect(disconnect: Disconnect, replaced: LoopGuard, now: number, restarts?: LoopGuard): DisconnectDecision {
  switch (disconnect.status) {
    case 401: // logged out from the phone: these keys are dead
      return { action: 'stop', alert: 'logged_out', wipe: true };
    case 403: // the account is barred from WhatsApp Web
      return { action: 'stop', alert: 'forbidden', wipe: false };
    case 515: // restart required, as WhatsApp asks right after pairing
      return !restarts || restarts.allow(now) ? { action: 'reconnect' } : { action: 'backoff' };
    case 440: // another client took the session: fight back a few times, then leave it
      return replaced.allow(now) ? { action: 'reconnect' } : { action: 'stop', alert: 'replaced', wipe: false };
    case 408:
      // Baileys reports the last pairing QR expiring as a timeout too; retrying would only show codes nobody scans.
      if (/QR refs attempts ended/i.test(disconnect.message)) return { action: 'stop', alert: 'pairing_expired', wipe: false };
      return { action: 'backoff' };
    default: // 428 closed, 503 unavailable, network errors and anything unknown
      return { action: 'backoff' };
  }
}
