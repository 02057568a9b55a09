// The GA session object this gateway asks OpenAI for: PCM16 at 24 kHz both ways (the canonical format, so no
// conversion), the agent's instructions and tools, server-side turn detection that answers and interrupts by
// itself, and transcription of the caller in the conversation's language.
import type { ModelSessionOptions } from '../../core/model.ts';
import { CANONICAL_SAMPLE_RATE } from '../../core/audio.ts';
import type { AnyToolSpec } from '../../core/tool.ts';
import { toolJsonSchema } from '../../agent/tool-schema.ts';
import type { SessionConfig } from './client-events.ts';

export type TurnDetection = 'server_vad' | 'semantic_vad';

export interface SessionConfigSettings {
  readonly voice: string;
  readonly turnDetection: TurnDetection;
  readonly transcriptionModel: string;
}

const PCM_24K = { type: 'audio/pcm', rate: CANONICAL_SAMPLE_RATE } as const;

/**
 * ISO-639-1 codes the OpenAI transcription models accept as a `language` hint (the Whisper language set). A tag
 * outside it is left out rather than sent: an unsupported hint would make the whole session.update fail.
 */
const TRANSCRIPTION_LANGUAGES: ReadonlySet<string> = new Set(
  (
    'af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha he hi hr ht hu hy id is it ' +
    'ja ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my ne nl nn no oc pa pl ps pt ro ru sa sd si sk sl ' +
    'sn so sq sr su sv sw ta te tg th tk tl tr tt uk ur uz vi yi yo zh'
  ).split(' '),
);

/** The transcription language hint for a locale such as `hi-IN` or `pt-BR`, when the models know the language. */
export function transcriptionLanguage(locale: string): string | undefined {
  const primary = locale.toLowerCase().split(/[-_]/u)[0] ?? '';
  return TRANSCRIPTION_LANGUAGES.has(primary) ? primary : undefined;
}

export function transcriptionConfig(locale: string, model: string): Record<string, string> {
  const language = transcriptionLanguage(locale);
  return language === undefined ? { model } : { model, language };
}

/**
 * Phone handsets and voice notes are held close to the mouth; a browser is often a laptop's microphone across
 * the desk.
 */
function noiseReduction(channel: string): 'near_field' | 'far_field' {
  return channel === 'web' || channel === 'widget' ? 'far_field' : 'near_field';
}

/** The full session object of the first `session.update`. Throws when a tool's schema cannot be exported. */
export function buildSessionConfig(options: ModelSessionOptions, settings: SessionConfigSettings): SessionConfig {
  const input = {
    format: PCM_24K,
    transcription: transcriptionConfig(options.locale, settings.transcriptionModel),
    noise_reduction: { type: noiseReduction(options.channel) },
    // Chat channels send whole voice notes and end each with commitAudio(): there, VAD would split a note into
    // several turns and answer each, so the turn is ours to end.
    turn_detection: (options.liveAudio ?? options.audioOutput) ? { type: settings.turnDetection, create_response: true, interrupt_response: true } : null,
  };
  const audio = options.audioOutput ? { input, output: { format: PCM_24K, voice: options.voice ?? settings.voice } } : { input };
  return {
    type: 'realtime',
    output_modalities: [options.audioOutput ? 'audio' : 'text'],
    instructions: options.instructions,
    audio,
    tools: functionTools(options.tools),
    tool_choice: 'auto',
  };
}

/** The agent's tools as GA function tools. Throws when a tool's schema cannot be exported. */
function functionTools(tools: readonly AnyToolSpec[]): Record<string, unknown>[] {
  return tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description, parameters: toolJsonSchema(tool) }));
}

/**
 * A hand-over to another agent: only its instructions and tools. session.update changes just the fields it
 * names, so the voice (fixed after the first audio anyway), formats, turn detection and transcription stay, and
 * the conversation items stay too. `tools` replaces the whole list, so the previous agent's tools are gone.
 */
export function buildAgentUpdate(instructions: string, tools: readonly AnyToolSpec[]): SessionConfig {
  return { type: 'realtime', instructions, tools: functionTools(tools), tool_choice: 'auto' };
}

/** A mid-call language switch: new instructions and transcription language. The voice stays (OpenAI fixes it at the first audio). */
export function buildLocaleUpdate(locale: string, instructions: string, settings: SessionConfigSettings): SessionConfig {
  return { type: 'realtime', instructions, audio: { input: { transcription: transcriptionConfig(locale, settings.transcriptionModel) } } };
}
