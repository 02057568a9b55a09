// The channel registry: one line per channel. A factory returns null when its channel is not configured.
import type { Channel } from '../src/core/channel.ts';
import type { Config } from '../src/config.ts';
import { createTwilioChannel } from './twilio/index.ts';

type ChannelFactory = (config: Config) => Channel | null;

const factories: readonly ChannelFactory[] = [
  (config) => createTwilioChannel({ authToken: config.TWILIO_AUTH_TOKEN, accountSid: config.TWILIO_ACCOUNT_SID, localeByNumber: config.TWILIO_LOCALE_BY_NUMBER, defaultLocale: config.DEFAULT_LOCALE }),
];

export function createChannels(config: Config): Channel[] {
  return factories.map((create) => create(config)).filter((channel): channel is Channel => channel !== null);
}
