// The model registry: one line per provider. MODEL_PROVIDER (resolved from the keys when `auto`) picks one.
import type { Logger } from '../core/channel.ts';
import type { RealtimeModel } from '../core/model.ts';
import type { Config, ModelProvider } from '../config.ts';
import { createLocalModel } from './local/local-model.ts';

type ModelFactory = (config: Config, log: Logger) => RealtimeModel;

const providers: Partial<Record<ModelProvider, ModelFactory>> = {
  local: (config) => createLocalModel({ businessName: config.BUSINESS_NAME }),
};

/** Creates the configured model and loads what its first session would otherwise wait for. */
export async function createModel(config: Config, log: Logger): Promise<RealtimeModel> {
  const create = providers[config.MODEL_PROVIDER];
  if (!create) {
    throw new Error(`MODEL_PROVIDER resolved to "${config.MODEL_PROVIDER}", which this build does not include; available: ${Object.keys(providers).join(', ')}`);
  }
  const model = create(config, log);
  await model.warmUp?.();
  return model;
}
