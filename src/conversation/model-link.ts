// Owns the conversation's model session: opens it, and when it fails reconnects with bounded backoff (history
// restored by the opener), rotates it before the provider's age cap, and falls back to the local engine when the
// provider refuses us or stays down. Events from a replaced session are ignored, so a late event never leaks in.
import type { Logger } from '../core/channel.ts';
import { ModelUnavailableError, type ModelEvent, type ModelFailure, type ModelSession, type RealtimeModel } from '../core/model.ts';
import { describeError } from '../errors.ts';

/** `renewed`: replaced on purpose with a session for another agent (a model that cannot change agent in place). */
export type SwitchKind = 'reconnected' | 'rotated' | 'fallback' | 'renewed';

export interface ModelLinkDeps {
  readonly primary: RealtimeModel;
  /** The local engine, when the primary is a cloud model. */
  readonly fallback?: RealtimeModel;
  /** A session opened before the connection arrived (phone webhook pre-warm). */
  readonly prewarmed?: Promise<ModelSession>;
  /** Opens a session on `model` with the instructions, tools and history as the store has them now. */
  readonly open: (model: RealtimeModel) => Promise<ModelSession>;
  readonly onEvent: (event: ModelEvent) => void;
  /** A new session took over mid-conversation; `interruptedResponse` says an answer was cut off. */
  readonly onSwitched: (kind: SwitchKind, reason: string, interruptedResponse: boolean) => void;
  /** Nothing can serve the conversation any more. */
  readonly onLost: (reason: string) => void;
  readonly log: Logger;
  readonly retryDelaysMs?: readonly number[];
  /** Rotate at this session age, after the current response (providers cap session length). */
  readonly maxSessionAgeMs?: number;
}

export const DEFAULT_RETRY_DELAYS_MS = [100, 1000, 3000] as const;

export class ModelLink {
  private current: ModelSession | null = null;
  private model: RealtimeModel;
  private openedAt = 0;
  private responseActive = false;
  /** Answers begun on the live session, so a rotation can tell whether one began while it was opening. */
  private responsesStarted = 0;
  private recovering = false;
  private rotating = false;
  /** A new session for another agent is opening: input waits for it instead of reaching the one being replaced. */
  private renewing = false;
  private closed = false;
  private rotationTimer: NodeJS.Timeout | undefined;
  private wakeFromBackoff: (() => void) | undefined;

  constructor(private readonly deps: ModelLinkDeps) {
    this.model = deps.primary;
  }

  /** The live session, or null while reconnecting or renewing. */
  get session(): ModelSession | null {
    return this.renewing ? null : this.current;
  }

  /** The provider serving the conversation now. */
  get modelName(): string {
    return this.model.name;
  }

  /** Opens the first session. Resolves with the fallback reason when the local engine took over, else null. */
  async start(): Promise<{ fallbackReason: string | null }> {
    try {
      this.install(await (this.deps.prewarmed ?? this.deps.open(this.model)));
      return { fallbackReason: null };
    } catch (error) {
      const failure = failureOf(error);
      this.deps.log.warn({ model: this.model.name, code: failure.code, reason: failure.message }, 'model session could not be opened');
      if (failure.retryable && !failure.fallback && (await this.retry())) return { fallbackReason: null };
      if (await this.fallBack()) return { fallbackReason: failure.code };
      throw new ModelUnavailableError(failure);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.rotationTimer);
    this.wakeFromBackoff?.();
    const session = this.current;
    this.current = null;
    await session?.close();
  }

  /** Hands the conversation to the local engine on purpose (a model looping on tools); false when already there. */
  async switchToFallback(reason: string): Promise<boolean> {
    if (this.recovering || this.closed) return false;
    const interrupted = this.responseActive;
    if (!(await this.fallBack())) return false;
    this.deps.onSwitched('fallback', reason, interrupted);
    return true;
  }

  /**
   * Replaces the live session with a new one opened now, on the same model: the opener reads the conversation's
   * current agent and history. The caller sends what comes next (a tool result as a note); false when it failed.
   */
  async renew(reason: string): Promise<boolean> {
    if (this.recovering || this.closed || !this.current || this.renewing) return false;
    this.renewing = true;
    try {
      // A rotation or reconnect that installs its session meanwhile opened it for the old agent: open once more.
      for (let attempt = 0; attempt < 2; attempt++) {
        const old: ModelSession | null = this.current;
        let next: ModelSession;
        try {
          next = await this.deps.open(this.model);
        } catch (error) {
          this.deps.log.warn({ model: this.model.name, reason, err: describeError(error) }, 'model session renewal failed');
          return false;
        }
        if (this.closed || this.recovering || !this.current) {
          void next.close().catch(() => undefined);
          return false;
        }
        if (this.current !== old) {
          void next.close().catch(() => undefined);
          continue;
        }
        this.renewing = false;
        if (!this.install(next)) return false;
        this.deps.onSwitched('renewed', reason, false);
        return true;
      }
      return false;
    } finally {
      this.renewing = false;
    }
  }

  /** Makes `session` the live one; false (and the session closed) when the link was closed meanwhile. */
  private install(session: ModelSession): boolean {
    if (this.closed) {
      // The conversation ended while this session was opening: nobody will use it, and cloud sessions bill.
      void session.close().catch(() => undefined);
      return false;
    }
    const previous = this.current;
    this.current = session;
    this.openedAt = Date.now();
    this.responseActive = false;
    session.listen((event) => {
      if (session === this.current) this.onEvent(event);
    });
    if (previous) void previous.close().catch(() => undefined);
    this.scheduleRotation();
    return true;
  }

  private onEvent(event: ModelEvent): void {
    if (event.type === 'response_started') {
      this.responseActive = true;
      this.responsesStarted++;
    }
    if (event.type === 'response_done') {
      this.responseActive = false;
      if (this.rotationDue()) void this.rotate();
    }
    if (event.type === 'closed' && event.error) {
      void this.recover(event.error);
      return;
    }
    this.deps.onEvent(event);
  }

  private async recover(failure: ModelFailure): Promise<void> {
    // Not blocked by a rotation in flight: it sees the session it meant to replace is gone and stands down.
    if (this.recovering || this.closed) return;
    this.recovering = true;
    const interrupted = this.responseActive;
    const dead = this.current;
    this.current = null;
    void dead?.close().catch(() => undefined);
    clearTimeout(this.rotationTimer);
    this.deps.log.warn({ model: this.model.name, code: failure.code, reason: failure.message }, 'model session lost');
    try {
      if (failure.retryable && !failure.fallback && this.model !== this.deps.fallback && (await this.retry())) {
        this.deps.onSwitched(failure.code === 'session_expired' ? 'rotated' : 'reconnected', failure.code, interrupted);
      } else if (await this.fallBack()) {
        this.deps.onSwitched('fallback', failure.code, interrupted);
      } else if (!this.closed) {
        this.deps.onLost(failure.code);
      }
    } finally {
      this.recovering = false;
    }
  }

  /** Waits `ms`, or less when the link is closed meanwhile. */
  private backoff(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeFromBackoff = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakeFromBackoff = wake;
    });
  }

  /** Reopens on the same model with backoff; false when every attempt failed or the provider refused us. */
  private async retry(): Promise<boolean> {
    for (const delayMs of this.deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS) {
      await this.backoff(delayMs);
      if (this.closed) return false;
      try {
        return this.install(await this.deps.open(this.model));
      } catch (error) {
        const failure = failureOf(error);
        this.deps.log.warn({ model: this.model.name, code: failure.code, delayMs }, 'model reconnect failed');
        if (failure.fallback) return false;
      }
    }
    return false;
  }

  private async fallBack(): Promise<boolean> {
    const { fallback } = this.deps;
    if (!fallback || this.model === fallback || this.closed) return false;
    try {
      const session = await this.deps.open(fallback);
      this.model = fallback;
      return this.install(session);
    } catch (error) {
      this.deps.log.error({ err: describeError(error) }, 'the fallback model could not be opened either');
      return false;
    }
  }

  private rotationDue(): boolean {
    const maxAge = this.deps.maxSessionAgeMs;
    return maxAge !== undefined && !this.model.capabilities.local && Date.now() - this.openedAt >= maxAge;
  }

  private scheduleRotation(): void {
    clearTimeout(this.rotationTimer);
    const maxAge = this.deps.maxSessionAgeMs;
    if (maxAge === undefined || this.model.capabilities.local) return;
    // At the cap: rotate now if idle, else response_done does it when the current answer ends.
    this.rotationTimer = setTimeout(() => void (this.responseActive ? undefined : this.rotate()), maxAge);
    this.rotationTimer.unref();
  }

  /** Opens the next session before closing the old one, so the caller hears no gap. */
  private async rotate(): Promise<void> {
    if (this.recovering || this.rotating || this.closed || !this.current) return;
    this.rotating = true;
    const old = this.current;
    const answersBefore = this.responsesStarted;
    let again = false;
    try {
      const next = await this.deps.open(this.model);
      if (this.current === old && this.responsesStarted === answersBefore) {
        if (this.install(next)) this.deps.onSwitched('rotated', 'max_session_age', false);
      } else {
        // The old session was closed or lost meanwhile (close() or recover() own that), or an answer began on it:
        // switching now would cut it off, and `next` was opened with a history that lacks it. Open another after it.
        void next.close().catch(() => undefined);
        again = this.current === old && !this.responseActive;
      }
    } catch (error) {
      // The old session still works: try again at the next response's end.
      this.deps.log.warn({ model: this.model.name, err: describeError(error) }, 'model session rotation failed');
    } finally {
      this.rotating = false;
    }
    if (again) void this.rotate();
  }
}

function failureOf(error: unknown): ModelFailure {
  if (error instanceof ModelUnavailableError) return error.failure;
  return { code: 'connect_failed', message: describeError(error), retryable: true, fallback: false };
}
