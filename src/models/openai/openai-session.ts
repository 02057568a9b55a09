// One conversation with OpenAI Realtime over one WebSocket, behind the ModelSession contract. Opening it runs the
// handshake (session.created -> session.update -> session.updated -> history restored); after that, caller input
// goes out as client events and server events come back as ModelEvents; a language switch or a hand-over to
// another agent is a later session.update on the same connection. The socket is watched by a heartbeat, and
// whatever ends it (our close, a dropped socket, an expired session, a dead peer) produces exactly one `closed`.
import { WebSocket } from 'ws';
import type { Pcm16Frame } from '../../core/audio.ts';
import { CANONICAL_SAMPLE_RATE } from '../../core/audio.ts';
import type { Logger } from '../../core/channel.ts';
import { ModelUnavailableError } from '../../core/model.ts';
import type { ModelCapabilities, ModelEvent, ModelEventHandler, ModelFailure, ModelSession, ModelSessionOptions } from '../../core/model.ts';
import type { AnyToolSpec } from '../../core/tool.ts';
import * as wire from './client-events.ts';
import type { ResponseParams } from './client-events.ts';
import { classifyServerError, connectTimeout, handshakeFailure, heartbeatTimeout, networkFailure, socketClosed } from './failures.ts';
import { EventMapper } from './event-mapper.ts';
import { Heartbeat } from './heartbeat.ts';
import { historyEvents } from './history.ts';
import { encodePcm16 } from './pcm-base64.ts';
import { ResponseGate } from './response-gate.ts';
import { parseServerEvent } from './server-events.ts';
import type { RealtimeErrorBody, ServerEvent } from './server-events.ts';
import { buildAgentUpdate, buildLocaleUpdate, buildSessionConfig } from './session-config.ts';
import type { SessionConfigSettings } from './session-config.ts';
import { dial } from './socket.ts';

export const OPENAI_CAPABILITIES: ModelCapabilities = {
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

export interface OpenAISessionSetup {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly options: ModelSessionOptions;
  readonly settings: SessionConfigSettings;
  readonly connectTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
}

/** OpenAI rejects a commit of less than 100 ms of audio. */
const MIN_COMMIT_SAMPLES = CANONICAL_SAMPLE_RATE / 10;
/** About 15 s of queued caller audio: the network is not keeping up, and late audio is worse than lost audio. */
const MAX_BUFFERED_BYTES = 1 << 20;
const KEYPAD = /^[0-9*#A-D]$/iu;
const CLOSE_WAIT_MS = 1_000;

const sayInstructions = (text: string): string =>
  'Say exactly the text below to the caller, word for word, in the language it is written in, and nothing else: ' +
  'no greeting, question or comment of your own, and no tool calls.\n\n' +
  text;

export class OpenAISession implements ModelSession {
  readonly capabilities = OPENAI_CAPABILITIES;
  /** What the session serves now: a language switch or a new agent replaces the options' locale, instructions and tools. */
  #setup: OpenAISessionSetup;
  readonly #log: Logger;
  readonly #socket: WebSocket;
  readonly #heartbeat: Heartbeat;
  readonly #gate: ResponseGate;
  readonly #mapper: EventMapper;
  #phase: 'connecting' | 'open' | 'closed' = 'connecting';
  #handshake: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  #handler: ModelEventHandler | undefined;
  /** Events that came between connect() resolving and listen(). */
  #early: ModelEvent[] = [];
  #closing: Promise<void> | undefined;
  #uncommittedSamples = 0;
  /** Answer in text although the session has audio output: typed chat on a voice-note channel. */
  #textReplies = false;
  #dropping = false;

  static async open(setup: OpenAISessionSetup): Promise<OpenAISession> {
    setup.options.signal?.throwIfAborted();
    const session = new OpenAISession(setup);
    await session.#connect();
    return session;
  }

  private constructor(setup: OpenAISessionSetup) {
    this.#setup = setup;
    this.#log = setup.options.log.child({ model: 'openai', conversation: setup.options.conversationId });
    this.#gate = new ResponseGate((params) => {
      const { id, json } = wire.responseCreate(params);
      this.#send(json);
      return id;
    });
    this.#mapper = new EventMapper({
      emit: (event) => this.#emit(event),
      gate: this.#gate,
      onCommitted: () => (this.#uncommittedSamples = 0),
      onError: (error) => this.#onError(error),
    });
    this.#socket = dial(setup.url, { ...setup.headers }, (failure) => this.#failHandshake(failure));
    this.#heartbeat = new Heartbeat(this.#socket, setup.heartbeatIntervalMs, setup.heartbeatTimeoutMs, () => {
      const failure = heartbeatTimeout(setup.heartbeatTimeoutMs);
      this.#failHandshake(failure);
      this.#lost(failure);
    });
    this.#socket.on('open', () => this.#heartbeat.start());
    this.#socket.on('pong', () => this.#heartbeat.seen());
    this.#socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.#heartbeat.seen();
      if (!isBinary) this.#onText(data.toString('utf8'));
    });
    this.#socket.on('error', (error) => {
      this.#log.debug({ err: error }, 'openai socket error');
      this.#failHandshake(networkFailure(error));
    });
    this.#socket.on('close', (code, reason) => {
      this.#heartbeat.stop();
      const failure = socketClosed(code, reason.toString('utf8'));
      this.#failHandshake(failure);
      this.#lost(failure);
    });
  }

  listen(handler: ModelEventHandler): void {
    this.#handler = handler;
    const early = this.#early;
    this.#early = [];
    for (const event of early) this.#emit(event);
  }

  sendAudio(frame: Pcm16Frame): void {
    if (this.#phase !== 'open') return;
    if (this.#socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      if (!this.#dropping) this.#emit({ type: 'warning', code: 'audio_backlog', message: 'the connection to OpenAI is not keeping up; caller audio is being dropped' });
      this.#dropping = true;
      return;
    }
    this.#dropping = false;
    this.#uncommittedSamples += frame.length;
    this.#send(wire.audioAppend(encodePcm16(frame)));
  }

  commitAudio(): void {
    if (this.#phase !== 'open') return;
    const samples = this.#uncommittedSamples;
    this.#uncommittedSamples = 0;
    // Server VAD may have committed the turn already; a tiny remainder would only draw an error.
    if (samples < MIN_COMMIT_SAMPLES) {
      if (samples > 0) this.#send(wire.audioClear());
      return;
    }
    this.#send(wire.audioCommit());
    this.#request();
  }

  sendText(text: string): void {
    if (this.#phase !== 'open') return;
    this.#send(wire.messageItem('user', text));
    this.#request();
  }

  sendDtmf(digit: string): void {
    if (this.#phase !== 'open' || !KEYPAD.test(digit)) return;
    this.#send(wire.messageItem('user', `[The caller pressed key ${digit.toUpperCase()} on the keypad]`));
    this.#request();
  }

  say(text: string): void {
    if (this.#phase !== 'open') return;
    this.#request({ instructions: sayInstructions(text), tool_choice: 'none' });
  }

  /** Every response.create goes through here, so a text reply is asked for at request time. */
  #request(params?: ResponseParams): void {
    this.#gate.request(this.#textReplies ? { ...params, output_modalities: ['text'] } : params);
  }

  replyWith(modality: 'text' | 'audio'): void {
    // A session opened without audio output can only answer in text.
    this.#textReplies = modality === 'text' || !this.#setup.options.audioOutput;
  }

  createResponse(): void {
    if (this.#phase === 'open') this.#request();
  }

  cancelResponse(): void {
    // Requests still waiting are dropped too: they were asked for before the caller interrupted.
    if (this.#phase === 'open' && this.#gate.cancel()) this.#send(wire.responseCancel());
  }

  truncate(itemId: string, playedMs: number): void {
    if (this.#phase !== 'open') return;
    const receivedMs = this.#mapper.receivedMs(itemId);
    if (receivedMs === undefined) {
      this.#log.debug({ itemId }, 'openai: truncate of an item this session did not play, skipped');
      return;
    }
    // Whole milliseconds, never past the audio received: the server rejects anything longer.
    const endMs = Math.max(0, Math.min(Math.floor(playedMs), Math.floor(receivedMs)));
    this.#mapper.truncated(itemId, endMs);
    this.#send(wire.itemTruncate(itemId, endMs));
  }

  sendToolResult(callId: string, output: string): void {
    if (this.#phase !== 'open') return;
    this.#send(wire.functionCallOutput(callId, output));
    this.#request();
  }

  setLocale(locale: string, instructions: string): void {
    if (this.#phase !== 'open') return;
    this.#serve({ locale, instructions });
    this.#send(wire.sessionUpdate(buildLocaleUpdate(locale, instructions, this.#setup.settings)));
  }

  /**
   * Hands the conversation to another agent on this connection: the items stay, so the new agent hears everything
   * said so far. A tool whose schema cannot be exported ends the session as it would have refused to open with it
   * (`invalid_tools`, fall back): carrying on with the old agent's tools while the conversation runs the new
   * agent's would let the model call tools nobody answers.
   */
  updateAgent(instructions: string, tools: readonly AnyToolSpec[]): void {
    if (this.#phase !== 'open') return;
    let update: wire.SessionConfig;
    try {
      update = buildAgentUpdate(instructions, tools);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return this.#lost({ code: 'invalid_tools', message, retryable: false, fallback: true });
    }
    this.#serve({ instructions, tools });
    this.#send(wire.sessionUpdate(update));
  }

  #serve(change: Partial<Pick<ModelSessionOptions, 'locale' | 'instructions' | 'tools'>>): void {
    this.#setup = { ...this.#setup, options: { ...this.#setup.options, ...change } };
  }

  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    const wasClosed = this.#phase === 'closed';
    this.#shutDown();
    this.#closing = new Promise<void>((resolve) => {
      const socket = this.#socket;
      if (socket.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => socket.terminate(), CLOSE_WAIT_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'conversation closed');
      else socket.terminate();
    }).then(() => {
      if (!wasClosed) this.#emit({ type: 'closed' });
    });
    return this.#closing;
  }

  #connect(): Promise<void> {
    const { options, connectTimeoutMs } = this.#setup;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.#failHandshake(connectTimeout(connectTimeoutMs)), connectTimeoutMs);
      const onAbort = (): void => this.#failHandshake(options.signal?.reason ?? new Error('aborted'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const settled = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.#handshake = undefined;
      };
      this.#handshake = {
        resolve: () => (settled(), resolve()),
        reject: (error) => (settled(), reject(error)),
      };
    });
  }

  /** Rejects connect() once; an abort rejects with the signal's reason, everything else with ModelUnavailableError. */
  #failHandshake(problem: unknown): void {
    const handshake = this.#handshake;
    if (this.#phase !== 'connecting' || handshake === undefined) return;
    this.#shutDown();
    this.#socket.terminate();
    const failure = problem as Partial<ModelFailure>;
    const isFailure = typeof failure?.code === 'string' && typeof failure.retryable === 'boolean';
    handshake.reject(isFailure ? new ModelUnavailableError(problem as ModelFailure) : problem);
  }

  #onHandshakeEvent(event: ServerEvent): void {
    if (event.type === 'session.created') {
      this.#log.debug({ session: event.session.id }, 'openai session created');
      let config: wire.SessionConfig;
      try {
        config = buildSessionConfig(this.#setup.options, this.#setup.settings);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return this.#failHandshake({ code: 'invalid_tools', message, retryable: false, fallback: true });
      }
      this.#send(wire.sessionUpdate(config));
    } else if (event.type === 'session.updated') {
      // Sent in order on one socket, so the restored items precede anything the conversation sends next.
      for (const json of historyEvents(this.#setup.options.history)) this.#send(json);
      this.#phase = 'open';
      this.#handshake?.resolve();
    } else if (event.type === 'error') {
      this.#failHandshake(handshakeFailure(event.error));
    }
  }

  #onText(text: string): void {
    const parsed = parseServerEvent(text);
    if (parsed.kind === 'ignored') return void this.#log.debug({ eventType: parsed.type }, 'openai event ignored');
    if (parsed.kind === 'invalid') return void this.#log.debug({ eventType: parsed.type, problem: parsed.problem }, 'openai event not understood');
    if (this.#phase === 'connecting') this.#onHandshakeEvent(parsed.event);
    else if (this.#phase === 'open') this.#mapper.handle(parsed.event);
  }

  #onError(error: RealtimeErrorBody): void {
    const verdict = classifyServerError(error);
    if (verdict.kind === 'fatal') return this.#lost(verdict.failure);
    if (verdict.code === 'conversation_already_has_active_response') this.#gate.refused(error.event_id ?? undefined, true);
    else if (error.event_id?.startsWith(wire.EVENT_PREFIX.responseCreate)) this.#gate.refused(error.event_id, false);
    const fields = { code: verdict.code, param: error.param, eventId: error.event_id, reason: error.message };
    if (verdict.benign) this.#log.debug(fields, 'openai: benign error');
    else this.#log.warn(fields, 'openai: error event');
    this.#emit({ type: 'warning', code: verdict.code, message: error.message || verdict.code });
  }

  /** The session ended without being asked to: one `closed` with the failure, and the socket goes. */
  #lost(failure: ModelFailure): void {
    if (this.#phase !== 'open') return;
    this.#shutDown();
    this.#log.info({ code: failure.code, reason: failure.message }, 'openai session lost');
    this.#emit({ type: 'closed', error: failure });
    this.#socket.terminate();
  }

  #shutDown(): void {
    this.#phase = 'closed';
    this.#heartbeat.stop();
    this.#gate.reset();
  }

  #send(json: string): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    this.#socket.send(json);
  }

  #emit(event: ModelEvent): void {
    const handler = this.#handler;
    if (handler === undefined) {
      // Audio is only valid during the call, and none can be due before listen(); everything else waits.
      if (event.type !== 'audio') this.#early.push(event);
      return;
    }
    try {
      handler(event);
    } catch (error) {
      this.#log.error({ err: error, event: event.type }, 'openai: event handler threw');
    }
  }
}
