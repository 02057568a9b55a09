// What the gateway sends to the Live API (BidiGenerateContentClientMessage): the setup, conversation turns
// (clientContent), realtime audio (realtimeInput) and tool results (toolResponse), as JSON strings ready for the
// socket. The prompts that stand in for features the Live API lacks (say this text, a key was pressed, the
// language changed) are worded here, in one place.
import type { HistoryItem } from '../../core/model.ts';
import type { AnyToolSpec } from '../../core/tool.ts';
import { functionDeclarations } from './function-declarations.ts';

export interface SetupParams {
  readonly model: string;
  readonly audioOutput: boolean;
  /** False for voice notes: each note is bracketed with activityStart/activityEnd instead of the server's VAD. */
  readonly liveAudio: boolean;
  readonly voice?: string;
  readonly locale: string;
  readonly instructions: string;
  readonly tools: readonly AnyToolSpec[];
  /** Resumes the server-side session this handle names; without it a new session starts. */
  readonly handle?: string;
}

interface Content {
  readonly role: 'user' | 'model';
  readonly parts: { text: string }[];
}

/**
 * How the model answers. `audio`: speech, with its transcription as the words. `text`: TEXT modality, for chat
 * channels on models that offer it. `transcript`: chat channels on native-audio models, which refuse TEXT ("1007
 * Cannot extract voices from a non-audio request"): they speak, the audio is dropped and the transcription is the
 * answer.
 */
export type ReplyMode = 'audio' | 'text' | 'transcript';

export function replyMode(model: string, audioOutput: boolean): ReplyMode {
  if (audioOutput) return 'audio';
  return HALF_CASCADE.test(model) ? 'text' : 'transcript';
}

/** The first message of every connection. */
export function setupMessage(params: SetupParams): string {
  const mode = replyMode(params.model, params.audioOutput);
  const languageCode = mode === 'audio' ? speechLanguage(params.model, params.locale) : undefined;
  const speechConfig =
    mode === 'audio' && (params.voice || languageCode)
      ? {
          ...(params.voice ? { voiceConfig: { prebuiltVoiceConfig: { voiceName: params.voice } } } : {}),
          ...(languageCode ? { languageCode } : {}),
        }
      : undefined;
  const declarations = functionDeclarations(params.tools);
  const setup = {
    model: params.model.startsWith('models/') ? params.model : `models/${params.model}`,
    generationConfig: {
      responseModalities: [mode === 'text' ? 'TEXT' : 'AUDIO'],
      ...(speechConfig ? { speechConfig } : {}),
    },
    ...(params.instructions.trim() ? { systemInstruction: { parts: [{ text: params.instructions }] } } : {}),
    ...(declarations.length > 0 ? { tools: [{ functionDeclarations: declarations }] } : {}),
    // The server hears when the caller starts and stops; a start interrupts the model (the documented default,
    // stated so a change of default cannot silently turn barge-in off).
    // A voice note is one turn however long its pauses: the session marks where it starts and ends.
    realtimeInputConfig: params.liveAudio
      ? { automaticActivityDetection: { disabled: false }, activityHandling: 'START_OF_ACTIVITY_INTERRUPTS' }
      : { automaticActivityDetection: { disabled: true } },
    // Handles on every resumable point. `transparent` is Vertex-only: the Gemini API refuses the whole setup.
    sessionResumption: params.handle ? { handle: params.handle } : {},
    // Without compression an audio session ends at 15 minutes of context; a sliding window lifts the limit.
    contextWindowCompression: { slidingWindow: {} },
    inputAudioTranscription: {},
    ...(mode === 'text' ? {} : { outputAudioTranscription: {} }),
  };
  return JSON.stringify({ setup });
}

/**
 * Languages the half-cascade Live models accept in speechConfig.languageCode (Live API "supported languages"
 * table). Native-audio models pick the language from the conversation and do not take a code, so none is sent
 * to them: the system instructions carry the language instead.
 */
const LANGUAGE_CODES: Record<string, string> = {
  ar: 'ar-EG', bn: 'bn-BD', de: 'de-DE', en: 'en-US', 'en-in': 'en-IN', es: 'es-US', fr: 'fr-FR', hi: 'hi-IN',
  id: 'id-ID', it: 'it-IT', ja: 'ja-JP', ko: 'ko-KR', mr: 'mr-IN', nl: 'nl-NL', pl: 'pl-PL', pt: 'pt-BR',
  ro: 'ro-RO', ru: 'ru-RU', ta: 'ta-IN', te: 'te-IN', th: 'th-TH', tr: 'tr-TR', uk: 'uk-UA', vi: 'vi-VN',
};

/**
 * gemini-2.0-flash-live-001, gemini-live-2.5-flash(-preview): the half-cascade models, which synthesise speech from
 * text and so take a language code and the TEXT modality. Google shut both down on the Gemini API on 9 December
 * 2025 (Vertex AI still serves gemini-live-2.5-flash); current Live models are native audio.
 */
const HALF_CASCADE = /(^|\/)gemini-(2\.0-flash-live|live-2\.5-flash(-preview)?)(-\d+)?$/u;

export function speechLanguage(model: string, locale: string): string | undefined {
  if (!HALF_CASCADE.test(model)) return undefined;
  const lower = locale.toLowerCase().replace(/_/gu, '-');
  return LANGUAGE_CODES[lower] ?? LANGUAGE_CODES[lower.split('-')[0] ?? ''];
}

/** The most history restored into a new session; older turns are what context compression would drop anyway. */
const MAX_HISTORY_ITEMS = 60;

/** Stored history as conversation turns, consecutive items of one role merged (the API alternates roles). */
export function historyTurns(history: readonly HistoryItem[]): Content[] {
  const turns: Content[] = [];
  for (const item of history.slice(-MAX_HISTORY_ITEMS)) {
    if (item.text.trim() === '') continue;
    // Tool results become notes in the user's turn: a functionResponse part would need the call it answers.
    const role = item.role === 'assistant' ? 'model' : 'user';
    const text = item.role === 'tool' ? `[Result of the tool ${item.toolName ?? 'call'}: ${item.text}]` : item.text;
    const last = turns.at(-1);
    if (last?.role === role) last.parts.push({ text });
    else turns.push({ role, parts: [{ text }] });
  }
  return turns;
}

/** Turns appended to the conversation; `turnComplete` asks the model to answer now. */
export function clientContent(turns: readonly Content[], turnComplete: boolean): string {
  return JSON.stringify({ clientContent: turns.length > 0 ? { turns, turnComplete } : { turnComplete } });
}

export function userText(text: string, turnComplete = true): string {
  return clientContent([{ role: 'user', parts: [{ text }] }], turnComplete);
}

/** Live has no "speak this text" request: the model is asked to say it word for word. */
export function sayPrompt(text: string): string {
  return `Say exactly the following words, in the language they are written in, and nothing else: "${text}"`;
}

export function dtmfNote(digit: string): string {
  return `[The caller pressed key ${digit} on the keypad]`;
}

/** setupComplete fixes the system instruction for the connection; the change is announced as a note instead. */
export function localeNote(locale: string, instructions: string): string {
  return `[The conversation language is now ${locale}. From now on answer only in that language. Updated instructions: ${instructions}]`;
}

/** Asks for a turn when nothing is pending (after restored history, or to speak first). */
export const RESPOND_NOW = '[Please respond now.]';

/** Flushes the server's audio buffer: the caller's audio ended (a voice note, push-to-talk). */
export const AUDIO_STREAM_END = JSON.stringify({ realtimeInput: { audioStreamEnd: true } });
/** Bracket a voice note when the server's activity detection is off. */
export const ACTIVITY_START = JSON.stringify({ realtimeInput: { activityStart: {} } });
export const ACTIVITY_END = JSON.stringify({ realtimeInput: { activityEnd: {} } });

/** 16 kHz PCM16 as base64, built by hand: this runs every few frames and JSON.stringify would only add cost. */
export function audioMessage(base64: string): string {
  return `{"realtimeInput":{"audio":{"data":"${base64}","mimeType":"audio/pcm;rate=16000"}}}`;
}

/** A tool's output: `response` must be a JSON object, so anything else is wrapped as `{output}`. */
export function toolResponse(id: string, name: string, output: string): string {
  let response: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(output);
    response = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { output: parsed };
  } catch {
    response = { output };
  }
  return JSON.stringify({ toolResponse: { functionResponses: [{ id, name, response }] } });
}
