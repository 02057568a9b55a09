// The web widget channel's settings from the gateway's configuration. The widget is always on: GET / is its demo.
import type { Config } from '../../src/config.ts';
import type { WebChannelOptions } from './index.ts';

export function webOptions(config: Config): WebChannelOptions {
  const turn = {
    ...(config.WIDGET_TURN_USERNAME ? { username: config.WIDGET_TURN_USERNAME } : {}),
    ...(config.WIDGET_TURN_CREDENTIAL ? { credential: config.WIDGET_TURN_CREDENTIAL } : {}),
  };
  return {
    ...(config.WIDGET_SECRET ? { secret: config.WIDGET_SECRET } : {}),
    allowedOrigins: config.WIDGET_ALLOWED_ORIGINS,
    iceServers: config.WIDGET_ICE_URLS.length > 0 ? [{ urls: config.WIDGET_ICE_URLS, ...turn }] : [],
    ...(config.WIDGET_TURN_SECRET ? { turnSecret: config.WIDGET_TURN_SECRET } : {}),
    ...(config.HUMAN_HANDOFF_WEBHOOK_URL ? { handoffWebhookUrl: config.HUMAN_HANDOFF_WEBHOOK_URL } : {}),
    offersPerMinute: config.WIDGET_OFFERS_PER_MINUTE,
    defaultLocale: config.DEFAULT_LOCALE,
    locales: config.LOCALES,
  };
}
