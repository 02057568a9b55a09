// The local engine as a RealtimeModel: needs no key and no network, so it is the embedded default and the
// fallback when a cloud model is down. One speech synthesizer (a worker thread and a prompt cache) is shared by
// all its sessions; each session gets its own menu and VAD.
import { randomBytes } from 'node:crypto';
import type { ModelSession, ModelSessionOptions, RealtimeModel } from '../../core/model.ts';
import { DEFAULT_BUSINESS_NAME } from '../../agent/default-agent.ts';
import { initVad } from '../../audio/vad.ts';
import { initI18n, supportedLocales } from '../../i18n/i18n.ts';
import { EspeakTts, voiceFor } from './espeak-tts.ts';
import type { EspeakTtsOptions, TtsStats } from './espeak-tts.ts';
import { LOCAL_CAPABILITIES, LocalSession } from './local-session.ts';
import { MAX_LANGUAGES } from './menu.ts';

export interface LocalModelOptions {
  /** Named in prompts ("the virtual assistant of Asha Clinic"). */
  readonly businessName?: string;
  readonly tts?: EspeakTtsOptions;
  /** Epoch milliseconds; tests pin it so "today" and "tomorrow" are stable. */
  readonly now?: () => number;
  /** Size of the audio chunks a reply is handed out in. */
  readonly chunkMs?: number;
  /**
   * The languages the business serves (config LOCALES): typed text in one of them switches a session to it, and
   * their voices are loaded at start-up. Every supported language by default.
   */
  readonly locales?: readonly string[];
  /**
   * Offered in this order (digits 1..9) as the first prompt after the disclosure, each option in its own language
   * and voice, when it names two or more languages. Not offered to a session restored from history (a reconnect or
   * a fallback mid-conversation), whose language is already settled.
   */
  readonly languageMenu?: readonly string[];
}

export interface LocalModel extends RealtimeModel {
  /** Loads eSpeak, the VAD and the translations now, so the first call does not wait ~300 ms for them. */
  warmUp(): Promise<void>;
  /** Prompt cache figures, for metrics. Undefined before the first voice session. */
  ttsStats(): TtsStats | undefined;
  /** Stops the synthesis worker. Sessions still open stop speaking. */
  close(): Promise<void>;
}

export function createLocalModel(options: LocalModelOptions = {}): LocalModel {
  const business = options.businessName ?? DEFAULT_BUSINESS_NAME;
  const now = options.now ?? Date.now;
  const chunkMs = options.chunkMs ?? 200;
  const languageMenu = (options.languageMenu ?? []).slice(0, MAX_LANGUAGES);
  const locales = options.locales ?? (languageMenu.length > 0 ? languageMenu : supportedLocales);
  let tts: Promise<EspeakTts> | undefined;
  let ready: EspeakTts | undefined;

  function speech(): Promise<EspeakTts> {
    // Started by the first voice session, not at import: chat-only deployments never load eSpeak (24 MB of data).
    tts ??= EspeakTts.create({ warmVoices: [...new Set([...locales, ...languageMenu].map(voiceFor))], ...options.tts }).then(
      (created) => (ready = created),
      (error: unknown) => {
        tts = undefined; // let the next session try again
        throw error;
      },
    );
    return tts;
  }

  return {
    name: 'local',
    capabilities: LOCAL_CAPABILITIES,

    async connect(session: ModelSessionOptions): Promise<ModelSession> {
      session.signal?.throwIfAborted();
      const liveAudio = session.liveAudio ?? session.audioOutput;
      const [speaker] = await Promise.all([
        session.audioOutput ? speech() : undefined,
        liveAudio ? initVad() : undefined,
        initI18n(),
      ]);
      session.signal?.throwIfAborted();
      const id = `local-${randomBytes(4).toString('hex')}`;
      const log = session.log.child({ model: 'local', session: id });
      log.debug({ locale: session.locale, channel: session.channel, historyItems: session.history.length }, 'local engine session opened');
      return new LocalSession({
        id,
        locale: session.locale,
        tts: speaker,
        liveAudio,
        business,
        now,
        chunkMs,
        log,
        locales,
        tools: session.tools.map((tool) => tool.name),
        // Calls only: a chat's language comes from what the customer types.
        languageMenu: session.history.length > 0 || !(session.languageChoice ?? liveAudio) ? [] : languageMenu,
      });
    },

    async warmUp(): Promise<void> {
      await Promise.all([speech(), initVad(), initI18n()]);
    },

    ttsStats: () => ready?.stats,

    async close(): Promise<void> {
      const pending = tts;
      tts = undefined;
      ready = undefined;
      if (pending) await (await pending.catch(() => undefined))?.close();
    },
  };
}
