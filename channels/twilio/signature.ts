// Proof that a request came from Twilio: X-Twilio-Signature, an HMAC-SHA1 of the URL Twilio requested plus the
// sorted POST parameters, keyed with the auth token. The twilio package does the arithmetic (and tries the URL with
// and without a default port, as Twilio's own signing varies). The Media Streams WebSocket upgrade is signed the
// same way: the wss:// URL as requested, and no parameters (a GET has no body).
import twilio from 'twilio';
import type { HttpRequest } from '../../src/core/channel.ts';

export const SIGNATURE_HEADER = 'x-twilio-signature';

export function isValidSignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: Readonly<Record<string, string>>,
): boolean {
  if (!signature) return false;
  try {
    return twilio.validateRequest(authToken, signature, url, { ...params });
  } catch {
    // A URL the validator cannot parse cannot have been signed by Twilio.
    return false;
  }
}

/** The origin a WebSocket client used, from the HTTP origin the server reports (https -> wss, http -> ws). */
export function webSocketOrigin(publicOrigin: string): string {
  return publicOrigin.replace(/^http(s?):\/\//i, (_match, secure: string) => `ws${secure}://`);
}

/** The webhook URL Twilio signed: our public origin plus the path and query it requested. */
export function webhookUrlOf(request: HttpRequest): string {
  return `${request.publicOrigin}${request.url}`;
}

/** The stream URL Twilio signed: the wss:// form of our public origin plus the requested path. */
export function upgradeUrlOf(request: HttpRequest): string {
  return `${webSocketOrigin(request.publicOrigin)}${request.url}`;
}
