// Turns the Live API's stream of serverContent into the contract's response lifecycle. The API has no response
// ids or start events: a model turn begins with its first part and ends with turnComplete, or with interrupted
// (the caller spoke, or a client turn replaced it) followed by a turnComplete of its own. Transcripts of both sides
// arrive in pieces and in no guaranteed order, so they are gathered and emitted at the turn boundary.
import { CANONICAL_SAMPLE_RATE } from '../../core/audio.ts';
import type { ModelEvent, ModelUsage } from '../../core/model.ts';
import type { ReplyMode } from './client-messages.ts';
import type { AudioDownlink } from './wire-audio.ts';
import type { FunctionCall, ServerContent, UsageMetadata } from './server-messages.ts';

interface Turn {
  readonly responseId: string;
  samples: number;
}

const SPEECH_STARTED: ModelEvent = Object.freeze({ type: 'speech_started' });

export class TurnTracker {
  readonly #id: string;
  readonly #emit: (event: ModelEvent) => void;
  readonly #downlink: AudioDownlink;
  /** Where the model's words come from (text parts or the transcription) and whether its audio is passed on. */
  readonly #mode: ReplyMode;
  #turn: Turn | undefined;
  #responses = 0;
  /** cancelResponse(): the server still finishes the turn; what it sends until the turn ends is dropped. */
  #discarding = false;
  /** A turnComplete was sent and no model turn has answered it yet. */
  #awaitingReply = false;
  #userText = '';
  #assistantText = '';
  #usage: UsageMetadata | undefined;
  readonly #pendingCalls = new Map<string, string>();
  #calls = 0;

  constructor(id: string, emit: (event: ModelEvent) => void, downlink: AudioDownlink, mode: ReplyMode) {
    this.#id = id;
    this.#emit = emit;
    this.#downlink = downlink;
    this.#mode = mode;
  }

  /** Nothing in flight: no turn, no answer awaited, no tool call outstanding (safe to move to a new connection). */
  get idle(): boolean {
    return this.#turn === undefined && !this.#discarding && !this.#awaitingReply && this.#pendingCalls.size === 0;
  }

  get responding(): boolean {
    return this.#turn !== undefined || this.#awaitingReply;
  }

  /** A client message with turnComplete went out: the model will answer. */
  requested(): void {
    this.#awaitingReply = true;
  }

  content(content: ServerContent): void {
    // Interrupted comes first: any parts in the same message belong to whatever follows.
    if (content.interrupted) this.#interrupted();
    if (content.inputTranscription?.text) this.#userText += content.inputTranscription.text;
    for (const part of content.modelTurn?.parts ?? []) {
      if (part.thought) continue;
      if (part.inlineData) this.#audio(part.inlineData.data, part.inlineData.mimeType);
      else if (part.text && this.#mode === 'text') this.#words(part.text);
    }
    // The transcription of speech never opens a turn: it is sent independently of the audio and may come
    // before it, so it waits for the turn its audio opens (a piece after turnComplete joins the next one).
    if (content.outputTranscription?.text && this.#mode !== 'text' && !this.#discarding) this.#assistantText += content.outputTranscription.text;
    if (content.turnComplete) this.#complete();
  }

  usage(usage: UsageMetadata): void {
    this.#usage = usage;
  }

  toolCalls(calls: readonly FunctionCall[]): void {
    for (const call of calls) {
      const callId = call.id ?? `${this.#id}-call-${++this.#calls}`;
      this.#pendingCalls.set(callId, call.name);
      this.#emit({ type: 'tool_call', callId, name: call.name, arguments: JSON.stringify(call.args ?? {}) });
    }
  }

  toolCallsCancelled(ids: readonly string[]): void {
    const known = ids.filter((id) => this.#pendingCalls.delete(id));
    if (known.length > 0) this.#emit({ type: 'tool_call_cancelled', callIds: known });
  }

  /** The tool name of a call still awaiting its result (the response must name it), or undefined. */
  answer(callId: string): string | undefined {
    const name = this.#pendingCalls.get(callId);
    if (name !== undefined) {
      this.#pendingCalls.delete(callId);
      this.#awaitingReply = true;
    }
    return name;
  }

  /** cancelResponse(): ends the current (or awaited) response now and drops the rest of its turn. */
  cancel(): void {
    if (this.#turn) this.#finish('cancelled');
    else if (!this.#awaitingReply) return;
    this.#assistantText = '';
    this.#awaitingReply = false;
    this.#discarding = true;
  }

  /**
   * The connection is going away mid-turn (a forced renewal, a close): the open response ends with `status`, and
   * calls the next connection will not know of are cancelled.
   */
  abandon(status: 'incomplete' | 'failed' | 'cancelled'): void {
    if (this.#turn) this.#finish(status);
    this.#discarding = false;
    this.#awaitingReply = false;
    this.#userText = '';
    this.#assistantText = '';
    if (this.#pendingCalls.size > 0) {
      const callIds = [...this.#pendingCalls.keys()];
      this.#pendingCalls.clear();
      this.#emit({ type: 'tool_call_cancelled', callIds });
    }
  }

  #start(): Turn {
    const turn: Turn = { responseId: `${this.#id}-resp-${++this.#responses}`, samples: 0 };
    this.#turn = turn;
    this.#awaitingReply = false;
    this.#emit({ type: 'response_started', responseId: turn.responseId });
    return turn;
  }

  #audio(data: string, mimeType: string): void {
    if (this.#discarding) return;
    if (this.#mode === 'transcript') {
      // A chat answer from a native-audio model: the audio only marks the turn; nothing is decoded or sent.
      if (!this.#turn) this.#start();
      return;
    }
    const pcm = this.#downlink.decode(data, mimeType);
    if (pcm === undefined || pcm.length === 0) return;
    const turn = this.#turn ?? this.#start();
    turn.samples += pcm.length;
    this.#emit({ type: 'audio', pcm, responseId: turn.responseId, itemId: turn.responseId });
  }

  #words(text: string): void {
    if (this.#discarding) return;
    if (!this.#turn) this.#start();
    this.#assistantText += text;
  }

  #interrupted(): void {
    this.#emit(SPEECH_STARTED);
    if (this.#turn) this.#finish('cancelled');
    this.#assistantText = '';
    this.#discarding = false;
    this.#awaitingReply = false;
  }

  #complete(): void {
    this.#flushUser();
    if (this.#turn) this.#finish('completed');
    else this.#assistantText = '';
    this.#discarding = false;
    this.#awaitingReply = false;
  }

  #flushUser(): void {
    const text = this.#userText.trim();
    this.#userText = '';
    if (text !== '') this.#emit({ type: 'transcript', role: 'user', text });
  }

  #finish(status: 'completed' | 'cancelled' | 'incomplete' | 'failed'): void {
    const turn = this.#turn;
    if (!turn) return;
    this.#turn = undefined;
    const text = this.#assistantText.trim();
    this.#assistantText = '';
    // Words of a cut-off answer are not what the caller heard; only completed answers become transcripts.
    if (status === 'completed' && text !== '') this.#emit({ type: 'transcript', role: 'assistant', text, itemId: turn.responseId });
    this.#emit({ type: 'response_done', responseId: turn.responseId, status, usage: this.#takeUsage(turn) });
  }

  #takeUsage(turn: Turn): ModelUsage {
    const usage = this.#usage;
    this.#usage = undefined;
    return {
      ...(usage?.promptTokenCount !== undefined ? { inputTokens: usage.promptTokenCount } : {}),
      ...(usage?.responseTokenCount !== undefined ? { outputTokens: usage.responseTokenCount } : {}),
      outputAudioMs: Math.round((turn.samples * 1000) / CANONICAL_SAMPLE_RATE),
    };
  }
}
