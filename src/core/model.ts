// What a speech-to-speech model is: a session factory with declared capabilities. The conversation checks
// capabilities, never vendor names.
import type { Pcm16Frame } from './audio.ts';
import type { Logger } from './channel.ts';
import type { Store } from './store.ts';
import type { AnyToolSpec } from './tool.ts';

export interface ModelCapabilities {
  /** Detects the caller's speech itself and emits speech_started / speech_stopped. */
  readonly serverVad: boolean;
  /**
   * Emits speech_started as soon as the caller talks, even over audio it finished generating. Gemini Live only
   * reports an interruption while it is still generating, so the conversation runs its own VAD for it.
   */
  readonly speechStartEvents: boolean;
  /** Can cut its memory of an answer at the milliseconds actually played. */
  readonly truncation: boolean;
  /** The rate the provider wants; sessions still take canonical 24 kHz frames and convert inside. */
  readonly inputSampleRate: number;
  readonly textInput: boolean;
  readonly textOutput: boolean;
  readonly audioOutput: boolean;
  readonly toolCalls: boolean;
  /** Needs no network and no key: usable as the fallback. */
  readonly local: boolean;
}

/** One turn of conversation history, as kept in the store and restored into a new session. */
export interface HistoryItem {
  readonly role: 'user' | 'assistant' | 'tool';
  readonly text: string;
  /** For tool items: the tool name and call id. */
  readonly toolName?: string;
  readonly callId?: string;
  readonly at: number;
}

export interface ModelSessionOptions {
  readonly conversationId: string;
  readonly channel: string;
  readonly locale: string;
  readonly instructions: string;
  readonly tools: readonly AnyToolSpec[];
  /** Restored into the session before the first turn (reconnect, rotation, fallback). */
  readonly history: readonly HistoryItem[];
  readonly voice?: string;
  /** False for text-only channels: the session answers with transcript events only and synthesises no audio. */
  readonly audioOutput: boolean;
  /**
   * The customer's audio is a live stream whose turns the model's VAD ends (phone, widget). False for voice notes:
   * each note is sent whole and ended with commitAudio(). Defaults to `audioOutput`.
   */
  readonly liveAudio?: boolean;
  /** Start with a spoken choice of language answered on the keypad (phone calls). Defaults to `liveAudio`. */
  readonly languageChoice?: boolean;
  readonly log: Logger;
  /** For provider state that must outlive a socket (resumption handles), under keys `model:<conversationId>:...`. */
  readonly store?: Store;
  /** Aborts connecting. */
  readonly signal?: AbortSignal;
}

export type ModelEvent =
  /** Output audio, canonical 24 kHz, any length; valid only during the handler call. */
  | { readonly type: 'audio'; readonly pcm: Pcm16Frame; readonly responseId: string; readonly itemId: string }
  | { readonly type: 'response_started'; readonly responseId: string }
  | { readonly type: 'response_done'; readonly responseId: string; readonly status: 'completed' | 'cancelled' | 'failed' | 'incomplete'; readonly usage?: ModelUsage }
  /** The caller started talking over us (server or local VAD). */
  | { readonly type: 'speech_started' }
  | { readonly type: 'speech_stopped' }
  | { readonly type: 'transcript'; readonly role: 'user' | 'assistant'; readonly text: string; readonly itemId?: string }
  | { readonly type: 'tool_call'; readonly callId: string; readonly name: string; readonly arguments: string }
  | { readonly type: 'tool_call_cancelled'; readonly callIds: readonly string[] }
  /** The model (or the local menu) wants the conversation finished or handed over. */
  | { readonly type: 'end_requested'; readonly reason: string }
  | { readonly type: 'transfer_requested'; readonly reason: string }
  /** The provider renewed its own connection without losing context (Gemini goAway + resumption handle). */
  | { readonly type: 'reconnected'; readonly reason: string }
  /** The conversation's language changed (detected or chosen). */
  | { readonly type: 'locale_changed'; readonly locale: string }
  /** A non-fatal problem (logged, counted); fatal ones arrive as `closed` with an error. */
  | { readonly type: 'warning'; readonly code: string; readonly message: string }
  /** The session is gone. `error` is set when it did not close on request. */
  | { readonly type: 'closed'; readonly error?: ModelFailure };

export interface ModelUsage {
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly inputAudioMs?: number;
  readonly outputAudioMs?: number;
}

export interface ModelFailure {
  readonly code: string;
  readonly message: string;
  /** Reconnecting may help (dropped socket) versus it will not (bad key). */
  readonly retryable: boolean;
  /** The provider refused us (401, 429): fall back instead of retrying. */
  readonly fallback: boolean;
}

/** What connect() rejects with when the provider cannot be used; `failure` says whether to retry or fall back. */
export class ModelUnavailableError extends Error {
  constructor(readonly failure: ModelFailure) {
    super(failure.message);
    this.name = 'ModelUnavailableError';
  }
}

export type ModelEventHandler = (event: ModelEvent) => void;

/** One live model conversation over one persistent connection. */
export interface ModelSession {
  readonly capabilities: ModelCapabilities;
  listen(handler: ModelEventHandler): void;
  /** One canonical 24 kHz frame of the caller's audio. */
  sendAudio(frame: Pcm16Frame): void;
  /** Ends the caller's turn when the model has no server VAD (a voice note, push-to-talk). */
  commitAudio(): void;
  /** Typed text from the customer; a response follows. */
  sendText(text: string): void;
  /** A keypad digit. */
  sendDtmf(digit: string): void;
  /** Speaks `text` as it is (the disclosure greeting, notices). */
  say(text: string): void;
  /**
   * How the next responses should come, for channels that answer text with text and voice notes with voice notes.
   * Optional: a session that cannot choose per response answers as opened, and the conversation drops the audio.
   */
  replyWith?(modality: 'text' | 'audio'): void;
  /** Asks for a response now. */
  createResponse(): void;
  /** Stops the response being generated. Harmless when none is. */
  cancelResponse(): void;
  /** Forgets what the caller did not hear: the item keeps only its first `playedMs`. */
  truncate(itemId: string, playedMs: number): void;
  /** The result of a tool call; the model continues with it. */
  sendToolResult(callId: string, output: string): void;
  /** Switches the language of instructions and voice. */
  setLocale(locale: string, instructions: string): void;
  /**
   * Serves another agent from now on: new instructions and tools on the same connection, history kept (OpenAI's
   * session.update). Optional: for a session without it (Gemini Live fixes both at setup), the conversation opens a
   * new session with the new agent and the history instead.
   */
  updateAgent?(instructions: string, tools: readonly AnyToolSpec[]): void;
  /** Closes the connection; a `closed` event without error follows. */
  close(): Promise<void>;
}

export interface RealtimeModel {
  readonly name: string;
  readonly capabilities: ModelCapabilities;
  connect(options: ModelSessionOptions): Promise<ModelSession>;
  /** Loads what the first session would otherwise wait for (voices, wasm, sockets pools). */
  warmUp?(): Promise<void>;
  /** Releases what the model shares between sessions, at shutdown. */
  close?(): Promise<void>;
}
