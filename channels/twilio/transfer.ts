// Hand-off to a person: replace the live call's TwiML with a <Dial> through the REST API. Twilio then ends the media
// stream (we see `stop`) and connects the caller to `to`. Kept out of media-stream.ts so tests inject a fake.
import twilio from 'twilio';
import { dialTwiml } from './twiml.ts';

export type TransferCall = (callSid: string, to: string) => Promise<void>;

export interface RestTransferOptions {
  /** The package's HTTP client, replaceable so tests can point the REST call at a local server. */
  readonly httpClient?: twilio.RequestClient;
}

export function createRestTransfer(accountSid: string, authToken: string, options: RestTransferOptions = {}): TransferCall {
  // One client per channel; creating it sends nothing.
  const client = twilio(accountSid, authToken, { httpClient: options.httpClient });
  return async (callSid, to) => {
    await client.calls(callSid).update({ twiml: dialTwiml(to) });
  };
}
