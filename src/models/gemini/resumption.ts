// The session resumption handle: the server's name for a conversation's context. The latest resumable one is
// kept in memory (the goAway renewal uses it) and in the store, so a conversation that reconnects by opening a new
// session (after a dropped socket, on another instance) continues where it was instead of replaying history.
import type { Logger } from '../../core/channel.ts';
import type { Store } from '../../core/store.ts';

/** The Live API keeps a handle valid for 2 hours after the session it names has ended. */
export const HANDLE_TTL_MS = 2 * 60 * 60 * 1000;

export function handleKey(conversationId: string): string {
  return `model:${conversationId}:gemini-handle`;
}

export class ResumptionHandles {
  readonly #store: Store | undefined;
  readonly #key: string;
  readonly #log: Logger;
  #latest: string | undefined;
  /** Writes go out in order, so a slow older write never lands after a newer one. */
  #writes: Promise<void> = Promise.resolve();

  constructor(store: Store | undefined, conversationId: string, log: Logger) {
    this.#store = store;
    this.#key = handleKey(conversationId);
    this.#log = log;
  }

  get latest(): string | undefined {
    return this.#latest;
  }

  /** The stored handle, if any. A store that cannot be read means starting fresh, not failing the call. */
  async load(): Promise<string | undefined> {
    if (!this.#store) return undefined;
    try {
      this.#latest = (await this.#store.get(this.#key)) ?? undefined;
    } catch (error) {
      this.#log.warn({ err: error }, 'gemini: could not read the resumption handle; starting a new session');
    }
    return this.#latest;
  }

  save(handle: string): void {
    this.#latest = handle;
    const store = this.#store;
    if (!store) return;
    this.#writes = this.#writes
      .then(() => store.set(this.#key, handle, { ttlMs: HANDLE_TTL_MS }))
      .then(
        () => undefined,
        (error: unknown) => this.#log.warn({ err: error }, 'gemini: could not store the resumption handle'),
      );
  }

  /** Drops a handle the server no longer accepts, so the next session does not try it again. */
  async forget(): Promise<void> {
    this.#latest = undefined;
    const store = this.#store;
    if (!store) return;
    this.#writes = this.#writes.then(() => store.delete(this.#key)).catch(() => undefined);
    await this.#writes;
  }

  /** Waits for pending writes (tests, and close, so a handle saved just before is not lost). */
  flush(): Promise<void> {
    return this.#writes;
  }
}
