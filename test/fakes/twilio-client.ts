// A fake Twilio that behaves like the real one on the wire: it POSTs the signed voice webhook (twilio-webhook.ts),
// follows the TwiML to the stream URL and plays the call's media stream in real time (twilio-media-stream.ts).
// placeCall() does the whole inbound call; the rest is re-exported so that tests import one module.
import { connectStream, type FakeTwilioCall } from './twilio-media-stream.ts';
import { postVoiceWebhook, sid, type WebhookOptions } from './twilio-webhook.ts';

export { connectStream, FakeTwilioCall, toMulaw, UpgradeRefused, type StreamOptions } from './twilio-media-stream.ts';
export { parseStreamTwiml, postVoiceWebhook, sid, type TwilioSigning, type WebhookOptions, type WebhookResult } from './twilio-webhook.ts';
/** The shared event-driven wait (test/wait.ts), still exported here for importers of the fake. */
export { waitUntil } from '../wait.ts';

/** The whole inbound call: signed webhook, TwiML, signed stream upgrade, connected + start. */
export async function placeCall(options: WebhookOptions): Promise<FakeTwilioCall> {
  const callSid = options.callSid ?? sid('CA');
  const accountSid = options.accountSid ?? sid('AC');
  const answer = await postVoiceWebhook({ ...options, callSid, accountSid });
  if (answer.status !== 200 || !answer.stream) throw new Error(`voice webhook answered ${answer.status}: ${answer.body}`);
  return connectStream({ url: answer.stream.url, authToken: options.authToken, customParameters: answer.stream.parameters, callSid, accountSid });
}
