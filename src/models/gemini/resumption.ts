// The session resumption handle: the server's name for a conversation's context. The latest resumable one is
// kept in memory (the goAway renewal uses it) and in the store, so a conversation that reconnects by opening a new
// session (after a dropped socket, on another instance) continues where it was instead of replaying history.
//
// A handle is stored with a short hash of the setup it belongs to (instructions and tool declarations). A session
// opened for another agent of the team must not resume the previous agent's server session, which would bring
// that agent's instructions and tools back (or at least leave it unclear which apply): it starts fresh and gets
// the history instead, and the other agent's handle is dropped so that a later return to that agent does not
// resume a context that misses everything said in between.
import { createHash } from 'node:crypto';
import type { Logger } from '../../core/channel.ts';
import type { Store } from '../../core/store.ts';
import type { AnyToolSpec } from '../../core/tool.ts';
import { functionDeclarations } from './function-declarations.ts';

/** The Live API keeps a handle valid for 2 hours after the session it names has ended. */
export const HANDLE_TTL_MS = 2 * 60 * 60 * 1000;

export function handleKey(conversationId: string): string {
  return `model:${conversationId}:gemini-handle`;
}

/** What the store holds under handleKey(). */
export interface StoredHandle {
  readonly handle: string;
  /** setupHash() of the setup the handle was issued under. */
  readonly setup: string;
}

/**
 * 16 hex digits naming an agent setup: its instructions and its tools as declared to the Live API (names,
 * descriptions, parameter schemas). Throws, as the setup itself would, when a tool's schema cannot be exported.
 */
export function setupHash(instructions: string, tools: readonly AnyToolSpec[]): string {
  const described = JSON.stringify({ instructions, tools: functionDeclarations(tools) });
  return createHash('sha256').update(described).digest('hex').slice(0, 16);
}

export function formatStoredHandle(stored: StoredHandle): string {
  return JSON.stringify({ handle: stored.handle, setup: stored.setup });
}

/** The stored value read back; anything else (a bare handle written by an older version, junk) is undefined. */
export function parseStoredHandle(value: string | null | undefined): StoredHandle | undefined {
  if (!value?.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(value) as Partial<StoredHandle> | null;
    const valid = typeof parsed?.handle === 'string' && parsed.handle !== '' && typeof parsed.setup === 'string';
    return valid ? { handle: parsed.handle!, setup: parsed.setup! } : undefined;
  } catch {
    return undefined;
  }
}

export class ResumptionHandles {
  readonly #store: Store | undefined;
  readonly #key: string;
  readonly #log: Logger;
  #latest: string | undefined;
  readonly #tools: readonly AnyToolSpec[];
  /** setupHash() of the setup the handles arriving from now on belong to. */
  #setup: string;
  /** Writes go out in order, so a slow older write never lands after a newer one. */
  #writes: Promise<void> = Promise.resolve();

  /** For a session set up with `agent`'s instructions and tools. Throws when a tool cannot be declared. */
  constructor(store: Store | undefined, conversationId: string, log: Logger, agent: { readonly instructions: string; readonly tools: readonly AnyToolSpec[] }) {
    this.#store = store;
    this.#key = handleKey(conversationId);
    this.#log = log;
    this.#tools = agent.tools;
    this.#setup = setupHash(agent.instructions, agent.tools);
  }

  /**
   * Handles issued from now on belong to these instructions. A language switch puts the new instructions into the
   * context at once and into the setup of the next connection, so later handles carry them.
   */
  serves(instructions: string): void {
    this.#setup = setupHash(instructions, this.#tools);
  }

  get latest(): string | undefined {
    return this.#latest;
  }

  /**
   * The stored handle when it belongs to this session's setup. One of another setup (another agent, or written
   * before setups were recorded) is dropped. A store that cannot be read means starting fresh, not failing the call.
   */
  async load(): Promise<string | undefined> {
    const store = this.#store;
    if (!store) return undefined;
    let value: string | null;
    try {
      value = await store.get(this.#key);
    } catch (error) {
      this.#log.warn({ err: error }, 'gemini: could not read the resumption handle; starting a new session');
      return undefined;
    }
    if (value === null) return undefined;
    const stored = parseStoredHandle(value);
    if (stored?.setup === this.#setup) return (this.#latest = stored.handle);
    this.#log.info({ storedSetup: stored?.setup, setup: this.#setup }, 'gemini: the stored resumption handle belongs to another agent setup; starting fresh with the history');
    await this.forget();
    return undefined;
  }

  save(handle: string): void {
    this.#latest = handle;
    const store = this.#store;
    if (!store) return;
    const value = formatStoredHandle({ handle, setup: this.#setup });
    this.#writes = this.#writes
      .then(() => store.set(this.#key, value, { ttlMs: HANDLE_TTL_MS }))
      .then(
        () => undefined,
        (error: unknown) => this.#log.warn({ err: error }, 'gemini: could not store the resumption handle'),
      );
  }

  /** Drops a handle the server no longer accepts (or of another setup), so the next session does not try it. */
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
