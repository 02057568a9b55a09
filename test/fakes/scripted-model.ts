// A speech-to-speech model driven by the test: every call the conversation makes is recorded in order, and the test
// emits whatever ModelEvent it wants, when it wants. It sits exactly at the src/core/model.ts boundary, so what it
// checks holds for every provider. Connecting can be made to fail (ModelUnavailableError: every connect, or only the
// next few) or to wait for the test.
import { EventEmitter } from 'node:events';
import { CANONICAL_SAMPLE_RATE } from '../../src/core/audio.ts';
import {
  ModelUnavailableError,
  type ModelCapabilities,
  type ModelEvent,
  type ModelEventHandler,
  type ModelFailure,
  type ModelSession,
  type ModelSessionOptions,
  type RealtimeModel,
} from '../../src/core/model.ts';
import type { AnyToolSpec } from '../../src/core/tool.ts';

export const SCRIPTED_CAPABILITIES: ModelCapabilities = {
  serverVad: true,
  speechStartEvents: true,
  truncation: true,
  inputSampleRate: CANONICAL_SAMPLE_RATE,
  textInput: true,
  textOutput: true,
  audioOutput: true,
  toolCalls: true,
  local: false,
};

/** One call the conversation made on a session, with its arguments. */
export type ModelCall =
  | { readonly method: 'listen' }
  | { readonly method: 'sendAudio'; readonly samples: number }
  | { readonly method: 'commitAudio' }
  | { readonly method: 'replyWith'; readonly modality: 'text' | 'audio' }
  | { readonly method: 'sendText'; readonly text: string }
  | { readonly method: 'sendDtmf'; readonly digit: string }
  | { readonly method: 'say'; readonly text: string }
  | { readonly method: 'createResponse' }
  | { readonly method: 'cancelResponse' }
  | { readonly method: 'truncate'; readonly itemId: string; readonly playedMs: number }
  | { readonly method: 'sendToolResult'; readonly callId: string; readonly output: string }
  | { readonly method: 'setLocale'; readonly locale: string; readonly instructions: string }
  | { readonly method: 'updateAgent'; readonly instructions: string; readonly tools: readonly string[] }
  | { readonly method: 'close' };

export type ModelMethod = ModelCall['method'];
export type CallOf<M extends ModelMethod> = Extract<ModelCall, { method: M }>;

/** Resolves when `predicate` holds, re-checked whenever `emitter` says 'update'. */
function until(emitter: EventEmitter, predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (predicate()) settle(resolve);
    };
    const timer = setTimeout(() => settle(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
    const settle = (then: () => void): void => {
      clearTimeout(timer);
      emitter.off('update', check);
      then();
    };
    emitter.on('update', check);
  });
}

export class ScriptedSession implements ModelSession {
  readonly capabilities: ModelCapabilities;
  readonly options: ModelSessionOptions;
  /** Every call in the order it was made; sendAudio is recorded as one entry per frame. */
  readonly calls: ModelCall[] = [];
  readonly #events = new EventEmitter();
  #handler: ModelEventHandler | undefined;
  #held: ModelEvent[] = [];
  #closed = false;

  constructor(options: ModelSessionOptions, capabilities: ModelCapabilities) {
    this.options = options;
    this.capabilities = capabilities;
    this.#events.setMaxListeners(100);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get listening(): boolean {
    return this.#handler !== undefined;
  }

  /** Calls of one method, in order. */
  callsOf<M extends ModelMethod>(method: M): CallOf<M>[] {
    return this.calls.filter((call): call is CallOf<M> => call.method === method);
  }

  count(method: ModelMethod): number {
    return this.callsOf(method).length;
  }

  /** The methods called, in order, without sendAudio (there are many of those). */
  get methods(): ModelMethod[] {
    return this.calls.filter((call) => call.method !== 'sendAudio').map((call) => call.method);
  }

  /** Resolves once `method` has been called `times` times in all. */
  waitForCall(method: ModelMethod, times = 1, timeoutMs = 2000): Promise<void> {
    return until(this.#events, () => this.count(method) >= times, `${times} ${method} call(s)`, timeoutMs);
  }

  /** Hands an event to the conversation (held until it listens, as a real session would buffer it). */
  emit(event: ModelEvent): void {
    if (this.#handler) this.#handler(event);
    else this.#held.push(event);
  }

  /**
   * Emits `ms` of output audio for one item, in chunks of `chunkMs` (any length, as providers send deltas), at a
   * constant level so a listener can tell it from silence.
   */
  emitAudio(options: { responseId: string; itemId: string; ms: number; chunkMs?: number; level?: number }): void {
    const chunkMs = options.chunkMs ?? 100;
    const level = options.level ?? 8000;
    let left = Math.round((options.ms * CANONICAL_SAMPLE_RATE) / 1000);
    const chunkSamples = Math.max(1, Math.round((chunkMs * CANONICAL_SAMPLE_RATE) / 1000));
    while (left > 0) {
      const samples = Math.min(chunkSamples, left);
      const pcm = new Int16Array(samples);
      for (let i = 0; i < samples; i++) pcm[i] = i % 2 === 0 ? level : -level;
      this.emit({ type: 'audio', pcm, responseId: options.responseId, itemId: options.itemId });
      left -= samples;
    }
  }

  listen(handler: ModelEventHandler): void {
    this.#handler = handler;
    this.#record({ method: 'listen' });
    const held = this.#held;
    this.#held = [];
    for (const event of held) handler(event);
  }

  sendAudio(frame: Int16Array): void {
    this.#record({ method: 'sendAudio', samples: frame.length });
  }

  commitAudio(): void {
    this.#record({ method: 'commitAudio' });
  }

  replyWith(modality: 'text' | 'audio'): void {
    this.#record({ method: 'replyWith', modality });
  }

  sendText(text: string): void {
    this.#record({ method: 'sendText', text });
  }

  sendDtmf(digit: string): void {
    this.#record({ method: 'sendDtmf', digit });
  }

  say(text: string): void {
    this.#record({ method: 'say', text });
  }

  createResponse(): void {
    this.#record({ method: 'createResponse' });
  }

  cancelResponse(): void {
    this.#record({ method: 'cancelResponse' });
  }

  truncate(itemId: string, playedMs: number): void {
    this.#record({ method: 'truncate', itemId, playedMs });
  }

  sendToolResult(callId: string, output: string): void {
    this.#record({ method: 'sendToolResult', callId, output });
  }

  setLocale(locale: string, instructions: string): void {
    this.#record({ method: 'setLocale', locale, instructions });
  }

  /** Present unless the model was made without it (`updatesAgent: false`, as Gemini Live). */
  updateAgent?: (instructions: string, tools: readonly AnyToolSpec[]) => void = (instructions, tools) => {
    this.#record({ method: 'updateAgent', instructions, tools: tools.map((tool) => tool.name) });
  };

  async close(): Promise<void> {
    this.#record({ method: 'close' });
    if (this.#closed) return;
    this.#closed = true;
    this.#handler?.({ type: 'closed' });
  }

  /** The provider drops the session on its own (`closed` with an error). */
  fail(failure: ModelFailure): void {
    this.#closed = true;
    this.emit({ type: 'closed', error: failure });
  }

  #record(call: ModelCall): void {
    this.calls.push(call);
    this.#events.emit('update');
  }
}

export interface ScriptedModelOptions {
  readonly name?: string;
  /** Overrides of the default capabilities (server VAD, truncation, tool calls ...). */
  readonly capabilities?: Partial<ModelCapabilities>;
  /** Every connect rejects with ModelUnavailableError carrying this failure. */
  readonly failWith?: ModelFailure;
  /** Every connect waits this long first (aborted by the options' signal). */
  readonly connectDelayMs?: number;
  /** False: sessions cannot change agent in place (as Gemini Live), so a hand-off opens a new session. */
  readonly updatesAgent?: boolean;
}

export const UNAVAILABLE: ModelFailure = { code: 'unavailable', message: 'the provider refused the connection (HTTP 401)', retryable: false, fallback: true };

export class ScriptedModel implements RealtimeModel {
  readonly name: string;
  readonly capabilities: ModelCapabilities;
  /** Options of every connect call, including those that failed. */
  readonly connects: ModelSessionOptions[] = [];
  readonly sessions: ScriptedSession[] = [];
  /** Set to make the following connects fail; undefined to let them succeed again. */
  failWith: ModelFailure | undefined;
  connectDelayMs: number;
  readonly updatesAgent: boolean;
  readonly #events = new EventEmitter();
  #held: Array<() => void> | undefined;
  #failNext: { count: number; failure: ModelFailure } | undefined;
  closed = false;

  constructor(options: ScriptedModelOptions = {}) {
    this.name = options.name ?? 'scripted';
    this.capabilities = { ...SCRIPTED_CAPABILITIES, ...options.capabilities };
    this.failWith = options.failWith;
    this.connectDelayMs = options.connectDelayMs ?? 0;
    this.updatesAgent = options.updatesAgent ?? true;
    this.#events.setMaxListeners(100);
  }

  /** Connects from now on wait until release() (a slow provider the test controls exactly). */
  hold(): void {
    this.#held ??= [];
  }

  /** Lets every held connect go on, and stops holding. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const go of held) go();
  }

  /** The next `count` connects reject with `failure` (after `failWith`, which still applies to every connect). */
  failNext(count: number, failure: ModelFailure): void {
    this.#failNext = count > 0 ? { count, failure } : undefined;
  }

  /** Resolves once connect has been called `times` times in all (failed attempts count). */
  waitForConnects(times: number, timeoutMs = 2000): Promise<void> {
    return until(this.#events, () => this.connects.length >= times, `${times} connect attempt(s)`, timeoutMs);
  }

  async connect(options: ModelSessionOptions): Promise<ScriptedSession> {
    this.connects.push(options);
    this.#events.emit('update');
    if (this.#held) await new Promise<void>((resolve) => this.#held!.push(resolve));
    if (this.connectDelayMs > 0) await delay(this.connectDelayMs, options.signal);
    if (this.failWith) throw new ModelUnavailableError(this.failWith);
    const next = this.#failNext;
    if (next) {
      if (--next.count === 0) this.#failNext = undefined;
      throw new ModelUnavailableError(next.failure);
    }
    const session = new ScriptedSession(options, this.capabilities);
    if (!this.updatesAgent) session.updateAgent = undefined;
    this.sessions.push(session);
    this.#events.emit('update');
    return session;
  }

  /** Resolves with the `index`-th session (0 = the first) once it has been opened. */
  async session(index = 0, timeoutMs = 2000): Promise<ScriptedSession> {
    await until(this.#events, () => this.sessions.length > index, `model session #${index + 1}`, timeoutMs);
    return this.sessions[index]!;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
