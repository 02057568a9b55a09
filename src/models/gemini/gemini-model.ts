// Gemini Live as a RealtimeModel. connect() opens a connection and returns a session; when the conversation
// reconnects (a dropped socket, a rotation, another instance) it opens a new session the same way, and the
// resumption handle kept in the store lets the server continue the same context instead of starting over. Only
// when there is no handle for this agent's setup (or the server no longer accepts it) is the stored history
// replayed as turns. Live fixes instructions and tools at setup, so a hand-over to another agent is a new session.
import { randomBytes } from 'node:crypto';
import { ModelUnavailableError } from '../../core/model.ts';
import type { ModelSession, ModelSessionOptions, RealtimeModel } from '../../core/model.ts';
import { initAudio } from '../../audio/resampler.ts';
import { clientContent, historyTurns, replyMode, setupMessage } from './client-messages.ts';
import { GEMINI_CAPABILITIES, GeminiLiveSession } from './gemini-session.ts';
import { DEFAULT_KEEPALIVE_INTERVAL_MS, DEFAULT_KEEPALIVE_TIMEOUT_MS } from './keepalive.ts';
import { openLive } from './live-connection.ts';
import type { LiveLink } from './live-connection.ts';
import { ResumptionHandles } from './resumption.ts';
import { DEFAULT_AUDIO_CHUNK_MS } from './wire-audio.ts';

export interface GeminiLiveModelOptions {
  readonly apiKey: string;
  /** GEMINI_LIVE_URL; the key is added as the `key` query parameter. */
  readonly url: string;
  /** GEMINI_MODEL, such as models/gemini-2.5-flash-native-audio-preview-12-2025 (models/ is added when missing). */
  readonly model: string;
  /** A prebuilt voice (Puck, Kore, ...); a session's own voice wins. */
  readonly voice?: string;
  /** Upgrade plus setup; default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Ping period; default 15 s. See keepalive.ts for why the timeout is long. */
  readonly keepaliveIntervalMs?: number;
  /** Silence (no pong, no message) after which the connection counts as dead; default 45 s. */
  readonly keepaliveTimeoutMs?: number;
  /** Caller audio per realtimeInput message, 20-1000 ms; default 60. See wire-audio.ts. */
  readonly audioChunkMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export function createGeminiLiveModel(options: GeminiLiveModelOptions): RealtimeModel {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const keepaliveIntervalMs = options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS;
  const keepaliveTimeoutMs = options.keepaliveTimeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS;
  const audioChunkMs = options.audioChunkMs ?? DEFAULT_AUDIO_CHUNK_MS;
  if (!(keepaliveTimeoutMs > keepaliveIntervalMs)) throw new RangeError('keepaliveTimeoutMs must be longer than keepaliveIntervalMs');

  return {
    name: 'gemini',
    capabilities: GEMINI_CAPABILITIES,

    async connect(session: ModelSessionOptions): Promise<ModelSession> {
      session.signal?.throwIfAborted();
      await initAudio();
      const id = `gemini-${randomBytes(4).toString('hex')}`;
      const log = session.log.child({ model: 'gemini', session: id });
      let handles: ResumptionHandles;
      try {
        handles = new ResumptionHandles(session.store, session.conversationId, log, session);
      } catch (error) {
        // A tool the Live API cannot be told about: a configuration problem no retry fixes.
        const message = error instanceof Error ? error.message : String(error);
        throw new ModelUnavailableError({ code: 'invalid_tools', message, retryable: false, fallback: true });
      }

      const open = (handle: string | undefined, locale: string, instructions: string, signal?: AbortSignal): Promise<LiveLink> =>
        openLive({
          url: options.url,
          apiKey: options.apiKey,
          timeoutMs: connectTimeoutMs,
          ...(signal ? { signal } : {}),
          setup: setupMessage({
            model: options.model,
            audioOutput: session.audioOutput,
            liveAudio: session.liveAudio ?? session.audioOutput,
            voice: session.voice ?? options.voice,
            locale,
            instructions,
            tools: session.tools,
            handle,
          }),
        });

      const stored = await handles.load();
      let link: LiveLink;
      let restoreHistory = stored === undefined;
      try {
        link = await open(stored, session.locale, session.instructions, session.signal);
      } catch (error) {
        if (stored === undefined || !handleRefused(error)) throw error;
        // Expired (2 h) or unknown: start a new server session and rebuild the context from the history.
        log.info({ code: error.failure.code }, 'gemini: stored resumption handle refused; starting fresh with the history');
        await handles.forget();
        link = await open(undefined, session.locale, session.instructions, session.signal);
        restoreHistory = true;
      }
      const turns = restoreHistory ? historyTurns(session.history) : [];
      log.debug({ locale: session.locale, channel: session.channel, resumed: !restoreHistory, historyTurns: turns.length }, 'gemini session opened');
      return new GeminiLiveSession(
        {
          id,
          log,
          locale: session.locale,
          instructions: session.instructions,
          replyMode: replyMode(options.model, session.audioOutput),
          liveAudio: session.liveAudio ?? session.audioOutput,
          handles,
          keepaliveIntervalMs,
          keepaliveTimeoutMs,
          audioChunkMs,
          reopen: (handle, locale, instructions) => open(handle, locale, instructions),
        },
        link,
        // Context only (turnComplete false): whether the model speaks next is the conversation's call.
        turns.length > 0 ? [clientContent(turns, false)] : [],
      );
    },
  };
}

function handleRefused(error: unknown): error is ModelUnavailableError {
  return error instanceof ModelUnavailableError && (error.failure.code === 'invalid_argument' || error.failure.code === 'rejected');
}
