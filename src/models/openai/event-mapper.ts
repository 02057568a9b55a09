// What the server says, as ModelEvents: responses start and end (with usage), audio deltas become PCM (decoded into
// one reused buffer), transcripts of both sides, caller speech from server VAD, and tool calls, exactly once per
// call id. It also remembers how much audio each item carried, which is the ceiling for truncation.
import { CANONICAL_SAMPLE_RATE, samplesToMs } from '../../core/audio.ts';
import type { ModelEvent } from '../../core/model.ts';
import { Pcm16Decoder } from './pcm-base64.ts';
import type { ResponseGate } from './response-gate.ts';
import { completedFunctionCall } from './server-events.ts';
import type { RealtimeErrorBody, ServerEvent } from './server-events.ts';

export interface EventMapperDeps {
  readonly emit: (event: ModelEvent) => void;
  readonly gate: ResponseGate;
  /** The server committed the input audio buffer (server VAD ended a turn). */
  readonly onCommitted: () => void;
  readonly onError: (error: RealtimeErrorBody) => void;
}

/** Items and call ids remembered; a barge-in only ever names a recent item. */
const MEMORY = 64;

const SPEECH_STARTED: ModelEvent = Object.freeze({ type: 'speech_started' });
const SPEECH_STOPPED: ModelEvent = Object.freeze({ type: 'speech_stopped' });

type Response = Extract<ServerEvent, { type: 'response.done' }>['response'];

export class EventMapper {
  readonly #decoder = new Pcm16Decoder();
  readonly #itemSamples = new Map<string, number>();
  readonly #toolCalls = new Set<string>();
  #responseSamples = 0;

  constructor(private readonly deps: EventMapperDeps) {}

  /** Milliseconds of audio received for an item of this session, or undefined for an unknown item. */
  receivedMs(itemId: string): number | undefined {
    const samples = this.#itemSamples.get(itemId);
    return samples === undefined ? undefined : samplesToMs(samples);
  }

  /** The item now holds only its first `ms`: a later truncation may not reach past that either. */
  truncated(itemId: string, ms: number): void {
    if (this.#itemSamples.has(itemId)) this.#itemSamples.set(itemId, Math.floor((ms * CANONICAL_SAMPLE_RATE) / 1000));
  }

  handle(event: ServerEvent): void {
    const { emit } = this.deps;
    switch (event.type) {
      case 'response.created':
        this.deps.gate.started(event.response.id);
        this.#responseSamples = 0;
        return emit({ type: 'response_started', responseId: event.response.id });
      case 'response.output_audio.delta': {
        const pcm = this.#decoder.decode(event.delta);
        if (pcm.length === 0) return;
        this.#itemSamples.set(event.item_id, (this.#itemSamples.get(event.item_id) ?? 0) + pcm.length);
        forgetOldest(this.#itemSamples);
        this.#responseSamples += pcm.length;
        return emit({ type: 'audio', pcm, responseId: event.response_id, itemId: event.item_id });
      }
      case 'response.output_audio_transcript.done':
        return this.#assistantSaid(event.transcript, event.item_id);
      case 'response.output_text.done':
        return this.#assistantSaid(event.text, event.item_id);
      case 'response.output_item.done':
        return this.#toolCall(event.item);
      case 'response.done':
        return this.#responseDone(event.response);
      case 'input_audio_buffer.speech_started':
        return emit(SPEECH_STARTED);
      case 'input_audio_buffer.speech_stopped':
        return emit(SPEECH_STOPPED);
      case 'input_audio_buffer.committed':
        return this.deps.onCommitted();
      case 'conversation.item.input_audio_transcription.completed': {
        const text = event.transcript.trim();
        if (text !== '') emit({ type: 'transcript', role: 'user', text, itemId: event.item_id });
        return;
      }
      case 'conversation.item.input_audio_transcription.failed':
        return emit({ type: 'warning', code: 'transcription_failed', message: event.error?.message || 'caller speech could not be transcribed' });
      case 'error':
        return this.deps.onError(event.error);
      default:
        // session.* after the handshake, and response.function_call_arguments.done: tool calls are taken from the
        // finished item instead, which also says whether the call completed or was cut off by a cancel.
        return;
    }
  }

  #responseDone(response: Response): void {
    // A call whose output_item.done went missing still runs; the set keeps it to one tool_call per call id.
    for (const item of response.output ?? []) this.#toolCall(item);
    const status = response.status === 'completed' || response.status === 'cancelled' || response.status === 'incomplete' ? response.status : 'failed';
    if (status === 'failed') {
      const error = response.status_details?.error;
      this.deps.emit({ type: 'warning', code: error?.code ?? error?.type ?? 'response_failed', message: `response ${response.id} failed` });
    }
    const usage = response.usage;
    this.deps.emit({
      type: 'response_done',
      responseId: response.id,
      status,
      usage: { inputTokens: usage?.input_tokens, outputTokens: usage?.output_tokens, outputAudioMs: samplesToMs(this.#responseSamples) },
    });
    this.#responseSamples = 0;
    this.#decoder.reset();
    this.deps.gate.done(response.id);
  }

  #toolCall(item: { readonly type: string }): void {
    const call = completedFunctionCall(item);
    if (call === undefined || this.#toolCalls.has(call.call_id)) return;
    this.#toolCalls.add(call.call_id);
    forgetOldest(this.#toolCalls);
    this.deps.emit({ type: 'tool_call', callId: call.call_id, name: call.name, arguments: call.arguments });
  }

  #assistantSaid(text: string, itemId: string): void {
    const trimmed = text.trim();
    if (trimmed !== '') this.deps.emit({ type: 'transcript', role: 'assistant', text: trimmed, itemId });
  }
}

/** Maps and sets iterate in insertion order: the first key is the oldest. */
function forgetOldest(store: Map<string, unknown> | Set<string>): void {
  if (store.size > MEMORY) store.delete(store.keys().next().value as string);
}
