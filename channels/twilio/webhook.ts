// POST /twilio/voice: Twilio asks what to do with a ringing call. We check the signature, reserve a conversation
// (so the model can warm up while Twilio opens the stream) and answer with TwiML that connects the call's audio to
// our media WebSocket, carrying the conversation id and locale as stream parameters.
import type { ChannelContext, HttpReply, HttpRequest } from '../../src/core/channel.ts';
import { isValidSignature, SIGNATURE_HEADER, webhookUrlOf, webSocketOrigin } from './signature.ts';
import { streamTwiml } from './twiml.ts';

export interface VoiceWebhookOptions {
  readonly authToken?: string;
  /** Called number (E.164, as Twilio sends `To`) -> locale. */
  readonly localeByNumber?: Readonly<Record<string, string>>;
  readonly defaultLocale: string;
  /** The path of the media WebSocket, such as /twilio/media. */
  readonly mediaPath: string;
  /** False once the channel is stopping: new calls get 503 so Twilio tries the fallback URL. */
  readonly isAccepting: () => boolean;
}

// A BCP 47 shape check: the query string is ours (set in the Twilio console) but should not inject anything.
const LOCALE_PATTERN = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/;

export function createVoiceWebhook(
  context: Pick<ChannelContext, 'prepareConversation' | 'log'>,
  options: VoiceWebhookOptions,
): (request: HttpRequest) => Promise<HttpReply> {
  const log = context.log.child({ route: 'twilio-voice' });
  return async (request) => {
    if (options.authToken !== undefined) {
      const signature = request.headers[SIGNATURE_HEADER];
      if (!isValidSignature(options.authToken, signature, webhookUrlOf(request), request.form)) {
        log.warn({ remoteAddress: request.remoteAddress, reason: signature ? 'bad-signature' : 'missing-signature' }, 'refused voice webhook');
        return text(403, 'invalid Twilio signature');
      }
    }
    const callSid = request.form.CallSid;
    if (!callSid) return text(400, 'CallSid is required');
    if (!options.isAccepting()) return text(503, 'not accepting calls');

    const from = request.form.From || undefined;
    const to = request.form.To || undefined;
    const requested = request.query.locale;
    const locale =
      (requested && LOCALE_PATTERN.test(requested) ? requested : undefined) ??
      (to ? options.localeByNumber?.[to] : undefined) ??
      options.defaultLocale;

    let prepared: { conversationId: string; locale: string };
    try {
      prepared = await context.prepareConversation({ channel: 'twilio', locale, from, to, providerId: callSid });
    } catch (error) {
      // 503 rather than apologetic TwiML: Twilio then tries the number's fallback URL, if one is configured.
      log.error({ err: error, callSid }, 'could not prepare a conversation for the call');
      return text(503, 'conversation unavailable');
    }
    log.info({ callSid, conversationId: prepared.conversationId, locale: prepared.locale }, 'answering call');
    const streamUrl = `${webSocketOrigin(request.publicOrigin)}${options.mediaPath}`;
    const body = streamTwiml(streamUrl, {
      conversationId: prepared.conversationId,
      locale: prepared.locale,
      from,
      to,
    });
    return { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body };
  };
}

function text(status: number, body: string): HttpReply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}
