// The model registry: one line per provider. MODEL_PROVIDER (resolved from the keys when `auto`) picks one.
import type { Logger } from '../core/channel.ts';
import type { RealtimeModel } from '../core/model.ts';
import type { Config, ModelProvider } from '../config.ts';
import { createLocalModel } from './local/local-model.ts';
import { createGeminiLiveModel } from './gemini/gemini-model.ts';
import { createOpenAIRealtimeModel } from './openai/openai-model.ts';

type ModelFactory = (config: Config, log: Logger) => RealtimeModel;

const providers: Partial<Record<ModelProvider, ModelFactory>> = {
  local: (config) =>
    createLocalModel({ businessName: config.BUSINESS_NAME, locales: config.LOCALES, ...(config.PHONE_LANGUAGE_MENU && config.LOCALES.length > 1 ? { languageMenu: config.LOCALES } : {}) }),
  openai: (config) => createOpenAIRealtimeModel({ apiKey: config.OPENAI_API_KEY!, url: config.OPENAI_REALTIME_URL, model: config.OPENAI_REALTIME_MODEL, voice: config.OPENAI_VOICE, turnDetection: config.OPENAI_TURN_DETECTION }),
  gemini: (config) => createGeminiLiveModel({ apiKey: config.GEMINI_API_KEY!, url: config.GEMINI_LIVE_URL, model: config.GEMINI_MODEL, voice: config.GEMINI_VOICE }),
};

export interface Models {
  readonly primary: RealtimeModel;
  /** The local engine, when the primary is a cloud provider. */
  readonly fallback?: RealtimeModel;
}

/** Creates the configured model (and the local engine as its fallback) and loads what first sessions would wait for. */
export async function createModels(config: Config, log: Logger): Promise<Models> {
  const create = providers[config.MODEL_PROVIDER];
  if (!create) {
    throw new Error(`MODEL_PROVIDER resolved to "${config.MODEL_PROVIDER}", which this build does not include; available: ${Object.keys(providers).join(', ')}`);
  }
  const primary = create(config, log);
  const fallback = primary.capabilities.local ? undefined : providers.local!(config, log);
  await Promise.all([primary.warmUp?.(), fallback?.warmUp?.()]);
  return fallback ? { primary, fallback } : { primary };
}
