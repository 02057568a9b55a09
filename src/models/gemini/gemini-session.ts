// One conversation with Gemini Live behind the ModelSession contract. It maps server messages to events (through
// TurnTracker), converts audio both ways, and, when the server announces the end of a connection (goAway, about a
// minute ahead; connections last ~10 minutes), moves the conversation to a new connection itself (LiveChannel),
// resuming the server-side context with the latest handle: the conversation keeps this same session object and
// only sees a `reconnected` event.
//
// When to move: once nothing is in flight (no turn, no awaited answer, no tool call) and a resumable handle has
// arrived since, or at the latest a few seconds before the deadline (a turn cut short then ends `incomplete`).
// The old socket is closed first and only then the new one opened, since a handle resumes a session whose
// connection has ended. Nothing is replayed: the handle carries the context. Caller audio of the gap (a few
// hundred ms) is kept, up to 2 s, and sent once the new connection is set up; text, tool results and notes are
// always kept.
import type { Logger } from '../../core/channel.ts';
import { emitEvent } from '../emit-event.ts';
import type { Pcm16Frame } from '../../core/audio.ts';
import { ModelUnavailableError } from '../../core/model.ts';
import type { ModelCapabilities, ModelEvent, ModelEventHandler, ModelFailure, ModelSession } from '../../core/model.ts';
import { ACTIVITY_END, ACTIVITY_START, AUDIO_STREAM_END, RESPOND_NOW, dtmfNote, localeNote, sayPrompt, toolResponse, userText } from './client-messages.ts';
import type { ReplyMode } from './client-messages.ts';
import { failureFromClose, failureFromError } from './failures.ts';
import { LiveChannel } from './live-channel.ts';
import type { LiveLink } from './live-connection.ts';
import type { ResumptionHandles } from './resumption.ts';
import { KNOWN_FIELDS, durationMs, serverMessageSchema } from './server-messages.ts';
import type { ServerMessage } from './server-messages.ts';
import { TurnTracker } from './turns.ts';
import { AudioDownlink, AudioUplink, INPUT_SAMPLE_RATE } from './wire-audio.ts';

export const GEMINI_CAPABILITIES: ModelCapabilities = {
  serverVad: true,
  speechStartEvents: false,
  truncation: false,
  inputSampleRate: INPUT_SAMPLE_RATE,
  textInput: true,
  textOutput: true,
  audioOutput: true,
  toolCalls: true,
  local: false,
};

export interface GeminiSessionSetup {
  readonly id: string;
  readonly log: Logger;
  readonly locale: string;
  readonly instructions: string;
  /** How the model answers (speech, text, or speech used only for its transcription). */
  readonly replyMode: ReplyMode;
  /** False for voice notes: the session brackets each note with activityStart/activityEnd. */
  readonly liveAudio: boolean;
  readonly handles: ResumptionHandles;
  readonly keepaliveIntervalMs: number;
  readonly keepaliveTimeoutMs: number;
  readonly audioChunkMs: number;
  /** Opens a connection that resumes `handle`, with the session's current language and instructions. */
  readonly reopen: (handle: string, locale: string, instructions: string) => Promise<LiveLink>;
}

/** Caller audio kept while the connection is renewed; beyond this the oldest is dropped. */
const MAX_QUEUED_AUDIO_MS = 2000;
/** When the server has not gone idle, the move is forced this long before its deadline. */
const FORCE_MARGIN_MS = 3000;
/** A goAway without a readable timeLeft: assume the shortest notice seen. */
const DEFAULT_GO_AWAY_MS = 10_000;

export class GeminiLiveSession implements ModelSession {
  readonly capabilities = GEMINI_CAPABILITIES;
  readonly #setup: GeminiSessionSetup;
  readonly #log: Logger;
  readonly #uplink: AudioUplink;
  /** Between activityStart and activityEnd of a voice note. */
  #inActivity = false;
  readonly #downlink: AudioDownlink;
  readonly #tracker: TurnTracker;
  readonly #channel: LiveChannel;
  #handler: ModelEventHandler | undefined;
  #ended = false;
  #locale: string;
  #instructions: string;
  #goingAway = false;
  #goAwayTimer: NodeJS.Timeout | undefined;
  /** A resumable handle arrived after the last thing that changed the context. */
  #handleFresh = false;
  #unknownMessages = 0;

  constructor(setup: GeminiSessionSetup, link: LiveLink, first: readonly string[] = []) {
    this.#setup = setup;
    this.#log = setup.log;
    this.#locale = setup.locale;
    this.#instructions = setup.instructions;
    this.#uplink = new AudioUplink(setup.audioChunkMs, (message) => this.#channel.send(message, true));
    this.#downlink = new AudioDownlink((message) => this.#emit({ type: 'warning', code: 'bad_audio', message }));
    this.#tracker = new TurnTracker(setup.id, (event) => this.#emit(event), this.#downlink, setup.replyMode);
    this.#channel = new LiveChannel(link, {
      keepaliveIntervalMs: setup.keepaliveIntervalMs,
      keepaliveTimeoutMs: setup.keepaliveTimeoutMs,
      maxQueuedAudio: Math.ceil(MAX_QUEUED_AUDIO_MS / setup.audioChunkMs),
      onFrame: (text) => this.#onFrame(text),
      onClose: (code, reason) => this.#onClose(code, reason),
      onDead: (failure) => this.#fail(failure),
    });
    for (const message of first) this.#channel.send(message, false);
    this.#channel.start(link);
  }

  listen(handler: ModelEventHandler): void {
    this.#handler = handler;
  }

  sendAudio(frame: Pcm16Frame): void {
    if (this.#ended) return;
    if (!this.#setup.liveAudio && !this.#inActivity) {
      this.#inActivity = true;
      this.#channel.send(ACTIVITY_START, false);
    }
    this.#uplink.push(frame);
  }

  commitAudio(): void {
    if (this.#ended) return;
    this.#uplink.flush();
    if (this.#setup.liveAudio) return this.#channel.send(AUDIO_STREAM_END, false);
    if (!this.#inActivity) return;
    this.#inActivity = false;
    this.#channel.send(ACTIVITY_END, false);
  }

  sendText(text: string): void {
    if (text.trim() !== '') this.#userTurn(text);
  }

  sendDtmf(digit: string): void {
    if (/^[0-9*#A-D]$/u.test(digit)) this.#userTurn(dtmfNote(digit));
    else this.#emit({ type: 'warning', code: 'bad_dtmf', message: `not a keypad key: ${JSON.stringify(digit)}` });
  }

  say(text: string): void {
    if (text.trim() !== '') this.#userTurn(sayPrompt(text));
  }

  /**
   * Live answers on its own after every completed turn, so this asks only when nothing is pending: an answer
   * already on its way is the response (say() then createResponse() yields one answer, not two, and a second
   * turnComplete would interrupt the first). Otherwise a short user note asks for a turn now.
   */
  createResponse(): void {
    if (!this.#tracker.responding) this.#userTurn(RESPOND_NOW);
  }

  /** Nothing to send: Live stops on its own when the caller speaks. The rest of the turn is not passed on. */
  cancelResponse(): void {
    this.#tracker.cancel();
  }

  truncate(): void {
    // No truncation capability: the Live API keeps no item the client can cut.
  }

  sendToolResult(callId: string, output: string): void {
    if (this.#ended) return;
    const name = this.#tracker.answer(callId);
    if (name === undefined) {
      this.#log.debug({ callId }, 'gemini: result for a call that is no longer pending, dropped');
      return;
    }
    this.#handleFresh = false;
    this.#channel.send(toolResponse(callId, name, output), false);
  }

  /**
   * The system instruction is fixed when a connection is set up, so the change goes in as a note now and as the
   * real system instruction (and speech language) of the next connection, which a resumption may reconfigure.
   */
  setLocale(locale: string, instructions: string): void {
    if (this.#ended) return;
    this.#locale = locale;
    this.#instructions = instructions;
    this.#setup.handles.serves(instructions);
    this.#channel.send(userText(localeNote(locale, instructions), false), false);
  }

  async close(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    this.#teardown();
    await this.#channel.close(1000, 'conversation ended');
    await this.#setup.handles.flush();
    this.#emit({ type: 'closed' });
    this.#handler = undefined;
  }

  #userTurn(text: string): void {
    if (this.#ended) return;
    this.#handleFresh = false;
    this.#channel.send(userText(text), false);
    this.#tracker.requested();
  }

  #onFrame(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.#unknown('not JSON', text.length);
    }
    const parsed = serverMessageSchema.safeParse(json);
    if (!parsed.success) return this.#unknown(parsed.error.issues[0]?.message ?? 'invalid', json);
    try {
      this.#handle(parsed.data, json);
    } catch (error) {
      this.#log.error({ err: error }, 'gemini: handling a server message failed');
    }
    this.#maybeMove();
  }

  #handle(message: ServerMessage, raw: unknown): void {
    let known = message.setupComplete !== undefined;
    if (message.usageMetadata) {
      known = true;
      this.#tracker.usage(message.usageMetadata);
    }
    if (message.sessionResumptionUpdate) {
      known = true;
      const { resumable, newHandle } = message.sessionResumptionUpdate;
      if (resumable && newHandle) {
        this.#setup.handles.save(newHandle);
        this.#handleFresh = true;
      }
    }
    if (message.serverContent) {
      known = true;
      this.#handleFresh = false;
      this.#tracker.content(message.serverContent);
    }
    if (message.toolCall) {
      known = true;
      this.#handleFresh = false;
      this.#tracker.toolCalls(message.toolCall.functionCalls ?? []);
    }
    if (message.toolCallCancellation) {
      known = true;
      this.#tracker.toolCallsCancelled(message.toolCallCancellation.ids ?? []);
    }
    if (message.goAway) {
      known = true;
      this.#onGoAway(durationMs(message.goAway.timeLeft, DEFAULT_GO_AWAY_MS));
    }
    if (!known) this.#unknown('unknown message', raw);
  }

  /** Kept and counted, never thrown: the API adds message types, and one odd message must not end a call. */
  #unknown(why: string, raw: unknown): void {
    this.#unknownMessages++;
    const fields = typeof raw === 'object' && raw !== null ? Object.keys(raw).filter((key) => !KNOWN_FIELDS.has(key)) : [];
    this.#log.debug({ why, fields, count: this.#unknownMessages }, 'gemini: server message not understood, ignored');
  }

  #onGoAway(timeLeftMs: number): void {
    if (this.#goingAway) return;
    this.#goingAway = true;
    this.#log.info({ timeLeftMs }, 'gemini: connection ending soon; moving to a new one when idle');
    const forceAfterMs = Math.max(0, Math.min(timeLeftMs - FORCE_MARGIN_MS, timeLeftMs * 0.8));
    this.#goAwayTimer = setTimeout(() => void this.#move('go_away'), forceAfterMs);
    this.#goAwayTimer.unref();
  }

  #maybeMove(): void {
    if (this.#goingAway && this.#handleFresh && this.#tracker.idle) void this.#move('go_away');
  }

  async #move(reason: string): Promise<void> {
    if (this.#ended || !this.#channel.live) return;
    clearTimeout(this.#goAwayTimer);
    const handle = this.#setup.handles.latest;
    if (handle === undefined) {
      return this.#fail({ code: 'go_away', message: 'Gemini Live ended the connection without a resumption handle', retryable: true, fallback: false });
    }
    const startedAt = Date.now();
    // A forced move cuts a turn short; calls the new connection will not know of are cancelled.
    this.#tracker.abandon('incomplete');
    const outcome = await this.#channel.move(
      () => this.#setup.reopen(handle, this.#locale, this.#instructions),
      () => {
        this.#goingAway = false;
        this.#handleFresh = false;
        this.#log.info({ gapMs: Date.now() - startedAt }, 'gemini: moved to a new connection');
        this.#emit({ type: 'reconnected', reason });
      },
    );
    if (outcome === undefined) return;
    const failure = outcome.failure instanceof ModelUnavailableError ? outcome.failure.failure : failureFromError(outcome.failure);
    if (failure.code === 'invalid_argument' || failure.code === 'rejected') await this.#setup.handles.forget();
    this.#fail({ code: 'resume_failed', message: `could not resume on a new connection: ${failure.message}`, retryable: true, fallback: failure.fallback });
  }

  #onClose(code: number, reason: string): void {
    // Closed before we moved: the handle is still good for two hours, so move now.
    if (this.#goingAway) return void this.#move('go_away');
    this.#fail(failureFromClose(code, reason));
  }

  #fail(failure: ModelFailure): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#log.warn({ code: failure.code, retryable: failure.retryable, fallback: failure.fallback }, `gemini: session lost: ${failure.message}`);
    this.#tracker.abandon('failed');
    this.#teardown();
    this.#channel.terminate();
    this.#emit({ type: 'closed', error: failure });
    this.#handler = undefined;
  }

  #teardown(): void {
    clearTimeout(this.#goAwayTimer);
    this.#uplink.dispose();
    this.#downlink.dispose();
  }

  #emit(event: ModelEvent): void {
    emitEvent(this.#handler, event, this.#log, 'gemini');
  }
}
