// OpenAI Realtime (GA protocol) as a RealtimeModel: one WebSocket per conversation, nothing shared between
// sessions. Works against api.openai.com, Azure OpenAI (`/openai/v1/realtime?model=DEPLOYMENT`) and proxies that
// speak the same protocol; the URL is configuration.
import type { ModelSession, ModelSessionOptions, RealtimeModel } from '../../core/model.ts';
import { OPENAI_CAPABILITIES, OpenAISession } from './openai-session.ts';
import type { TurnDetection } from './session-config.ts';
import { authHeaders, defaultAuthHeader, realtimeUrl } from './socket.ts';
import type { AuthHeader } from './socket.ts';

export interface OpenAIRealtimeOptions {
  readonly apiKey: string;
  /** Base URL such as wss://api.openai.com/v1/realtime; `?model=` is added unless it names a model or deployment. */
  readonly url: string;
  readonly model: string;
  /** The default voice; a session's own `voice` wins. */
  readonly voice: string;
  readonly turnDetection: TurnDetection;
  /** Socket open to session ready. */
  readonly connectTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Silence (no pong, no event) after which the connection is declared dead. */
  readonly heartbeatTimeoutMs?: number;
  /** Azure wants its own deployment name here. */
  readonly transcriptionModel?: string;
  /** Which header carries the key; by default `api-key` on Azure hosts and `Authorization: Bearer` elsewhere. */
  readonly authHeader?: AuthHeader;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 10_000;
export const DEFAULT_TRANSCRIPTION_MODEL = 'gpt-4o-mini-transcribe';

export function createOpenAIRealtimeModel(options: OpenAIRealtimeOptions): RealtimeModel {
  const url = realtimeUrl(options.url, options.model);
  const headers = authHeaders(options.apiKey, options.authHeader ?? defaultAuthHeader(url));
  const settings = {
    voice: options.voice,
    turnDetection: options.turnDetection,
    transcriptionModel: options.transcriptionModel ?? DEFAULT_TRANSCRIPTION_MODEL,
  };
  return {
    name: 'openai',
    capabilities: OPENAI_CAPABILITIES,
    connect(session: ModelSessionOptions): Promise<ModelSession> {
      return OpenAISession.open({
        url,
        headers,
        options: session,
        settings,
        connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
        heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS,
      });
    },
  };
}
