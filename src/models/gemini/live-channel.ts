// The connection under a Gemini session, which may change during a call: it holds the current socket and its
// keepalive, sends (or, while moving to a new connection, keeps in the outbox), and performs the move itself.
// Frames and the close of a socket that is no longer current are ignored, so an old connection can never speak
// for the new one. What the messages mean is the session's business, not this file's.
import type { WebSocket } from 'ws';
import type { ModelFailure } from '../../core/model.ts';
import { Keepalive } from './keepalive.ts';
import { closeSocket } from './live-connection.ts';
import type { LiveLink } from './live-connection.ts';
import { Outbox } from './outbox.ts';

export interface ChannelOptions {
  readonly keepaliveIntervalMs: number;
  readonly keepaliveTimeoutMs: number;
  /** Audio messages kept during a move. */
  readonly maxQueuedAudio: number;
  /** A frame from the current connection. */
  readonly onFrame: (text: string) => void;
  /** The current connection closed (code, reason) without being asked to. */
  readonly onClose: (code: number, reason: string) => void;
  /** The current connection went silent past the keepalive timeout. */
  readonly onDead: (failure: ModelFailure) => void;
}

export class LiveChannel {
  readonly #options: ChannelOptions;
  readonly #outbox: Outbox;
  #state: 'live' | 'moving' | 'closed' = 'live';
  #socket: WebSocket | undefined;
  #keepalive: Keepalive | undefined;

  constructor(link: LiveLink, options: ChannelOptions) {
    this.#options = options;
    this.#outbox = new Outbox(options.maxQueuedAudio);
    this.#adopt(link);
  }

  get live(): boolean {
    return this.#state === 'live';
  }

  get closed(): boolean {
    return this.#state === 'closed';
  }

  send(message: string, audio: boolean): void {
    if (this.#state === 'live') {
      const socket = this.#socket;
      if (socket && socket.readyState === socket.OPEN) socket.send(message);
    } else if (this.#state === 'moving') {
      this.#outbox.push(message, audio);
    }
  }

  /** Starts hearing from `link` (held frames first). */
  start(link: LiveLink): void {
    const socket = link.socket;
    link.attach({
      message: (text) => {
        if (this.#socket === socket && this.#state === 'live') {
          this.#keepalive?.alive();
          this.#options.onFrame(text);
        }
      },
      close: (code, reason) => {
        if (this.#socket === socket && this.#state === 'live') this.#options.onClose(code, reason);
      },
    });
  }

  /**
   * Closes the current connection, then opens the next with `open` (a handle is resumed only after the connection
   * that issued it has ended), sends what the outbox kept, and calls `ready` before any frame of the new
   * connection is delivered. Returns the failure when the new connection could not be opened; the channel is then
   * closed. Returns undefined also when close() was called meanwhile.
   */
  async move(open: () => Promise<LiveLink>, ready: () => void): Promise<{ failure?: unknown } | undefined> {
    if (this.#state !== 'live') return undefined;
    this.#state = 'moving';
    const old = this.#socket;
    this.#release();
    if (old) await closeSocket(old, 1000, 'moving to a new connection');
    let link: LiveLink;
    try {
      link = await open();
    } catch (failure) {
      if (this.#state === 'moving') this.#state = 'closed';
      this.#outbox.clear();
      return { failure };
    }
    if (this.#state !== 'moving') {
      link.socket.terminate(); // closed while the new connection was being set up
      return undefined;
    }
    this.#state = 'live';
    this.#adopt(link);
    for (const item of this.#outbox.drain()) this.send(item.message, item.audio);
    ready();
    this.start(link);
    return undefined;
  }

  /** Closes politely (waits for the close handshake, up to a second). */
  async close(code: number, reason: string): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    const socket = this.#socket;
    this.#release();
    this.#outbox.clear();
    if (socket) await closeSocket(socket, code, reason);
  }

  /** Drops the connection at once (it failed). */
  terminate(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    const socket = this.#socket;
    this.#release();
    this.#outbox.clear();
    socket?.terminate();
  }

  #adopt(link: LiveLink): void {
    const socket = link.socket;
    this.#socket = socket;
    this.#keepalive = new Keepalive(socket, {
      intervalMs: this.#options.keepaliveIntervalMs,
      timeoutMs: this.#options.keepaliveTimeoutMs,
      onDead: (silentMs) => {
        if (this.#socket !== socket || this.#state !== 'live') return;
        this.#options.onDead({ code: 'keepalive_timeout', message: `nothing from Gemini Live for ${silentMs} ms (no pong, no message)`, retryable: true, fallback: false });
      },
    });
  }

  #release(): void {
    this.#keepalive?.stop();
    this.#keepalive = undefined;
    this.#socket = undefined;
  }
}
