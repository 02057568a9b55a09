// The Twilio phone channel: POST /twilio/voice answers calls with TwiML, and /twilio/media carries each call's
// audio over Media Streams. Only this folder knows Twilio; the conversation sees Connections.
import type { Channel, ChannelContext } from '../../src/core/channel.ts';
import { initAudio } from '../../src/audio/resampler.ts';
import { CHANNEL_NAME, runMediaStream, TWILIO_CAPABILITIES } from './media-stream.ts';
import { isValidSignature, SIGNATURE_HEADER, upgradeUrlOf } from './signature.ts';
import { createRestTransfer, type TransferCall } from './transfer.ts';
import { createVoiceWebhook } from './webhook.ts';

export { TWILIO_CAPABILITIES } from './media-stream.ts';

export const VOICE_PATH = '/twilio/voice';
export const MEDIA_PATH = '/twilio/media';
/** A media message is about 300 bytes; 64 KiB leaves room for big start parameters and nothing silly. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export interface TwilioChannelOptions {
  /** When set, every webhook and stream upgrade must carry a valid X-Twilio-Signature (403 otherwise). */
  readonly authToken?: string;
  /** With authToken, enables transfer through the REST API. */
  readonly accountSid?: string;
  /** Called number (E.164) -> locale, for numbers that serve one language. */
  readonly localeByNumber?: Readonly<Record<string, string>>;
  readonly defaultLocale: string;
  /** Overrides the REST transfer (tests, or another way to reach a person). */
  readonly transfer?: TransferCall;
}

export function createTwilioChannel(options: TwilioChannelOptions): Channel {
  let accepting = false;
  const transfer =
    options.transfer ??
    (options.accountSid && options.authToken ? createRestTransfer(options.accountSid, options.authToken) : undefined);

  return {
    name: CHANNEL_NAME,
    capabilities: TWILIO_CAPABILITIES,
    async start(context: ChannelContext) {
      await initAudio();
      const log = context.log.child({ channel: CHANNEL_NAME });
      accepting = true;
      if (!options.authToken) log.warn({}, 'no Twilio auth token: webhooks and streams are not authenticated');

      context.http.route(
        'POST',
        VOICE_PATH,
        createVoiceWebhook(
          { prepareConversation: (request) => context.prepareConversation(request), log },
          {
            authToken: options.authToken,
            localeByNumber: options.localeByNumber,
            defaultLocale: options.defaultLocale,
            mediaPath: MEDIA_PATH,
            isAccepting: () => accepting,
          },
        ),
      );

      context.http.websocket(MEDIA_PATH, {
        maxMessageBytes: MAX_MESSAGE_BYTES,
        authorize(request) {
          if (!accepting) return { status: 503, body: 'not accepting calls' };
          if (options.authToken === undefined) return undefined;
          const signature = request.headers[SIGNATURE_HEADER];
          if (isValidSignature(options.authToken, signature, upgradeUrlOf(request), {})) return undefined;
          log.warn({ remoteAddress: request.remoteAddress, reason: signature ? 'bad-signature' : 'missing-signature' }, 'refused stream upgrade');
          return { status: 403, body: 'invalid Twilio signature' };
        },
        open(socket, request) {
          runMediaStream(socket, request, { context, log, defaultLocale: options.defaultLocale, transfer });
        },
      });
    },
    async stop() {
      accepting = false;
    },
  };
}
