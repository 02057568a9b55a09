// The channel registry: one line per channel. A factory returns null when its channel is not configured.
import type { Channel } from '../src/core/channel.ts';
import type { Config } from '../src/config.ts';
import { createTwilioChannel } from './twilio/index.ts';
import { createWebChannel } from './web/index.ts';
import { webOptions } from './web/options-from-config.ts';
import { createWhatsAppChannel } from './whatsapp/index.ts';
import { whatsAppOptions } from './whatsapp/options-from-config.ts';

type ChannelFactory = (config: Config) => Channel | null;

const factories: readonly ChannelFactory[] = [
  (config) => createTwilioChannel({ authToken: config.TWILIO_AUTH_TOKEN, accountSid: config.TWILIO_ACCOUNT_SID, localeByNumber: config.TWILIO_LOCALE_BY_NUMBER, defaultLocale: config.DEFAULT_LOCALE }),
  (config) => withOptions(whatsAppOptions(config), createWhatsAppChannel),
  (config) => createWebChannel(webOptions(config)),
];

/** A channel whose settings say it is off (null) is not created. */
function withOptions<T>(options: T | null, create: (options: T) => Channel): Channel | null {
  return options === null ? null : create(options);
}

export function createChannels(config: Config): Channel[] {
  return factories.map((create) => create(config)).filter((channel): channel is Channel => channel !== null);
}
