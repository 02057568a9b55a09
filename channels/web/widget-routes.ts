// The widget's HTTP side: POST /widget/session gives an allowed page a short-lived token, POST /widget/offer spends it
// on a WebRTC offer and answers with our SDP. Both answer CORS preflights. Every refusal names its reason in a JSON
// body {error} and costs only the request that earned it.
import { z } from 'zod';
import type { ChannelContext, HttpReply, HttpRequest, Logger } from '../../src/core/channel.ts';
import { corsHeaders, normaliseOrigin, preflightHeaders, type OriginPolicy } from './origins.ts';
import type { OfferLimiter } from './offer-limiter.ts';
import { checkOffer, isLoopback } from './sdp.ts';
import { iceServersForPage } from './turn-credentials.ts';
import { answerOffer, CHANNEL_NAME, OfferRejected, WEB_CAPABILITIES, type WebCall, type WebCallOptions } from './web-call.ts';
import type { WidgetTokens } from './widget-token.ts';

export const SESSION_PATH = '/widget/session';
export const OFFER_PATH = '/widget/offer';
/** An offer is a few kilobytes of SDP; anything much larger is refused before parsing. */
export const MAX_BODY_BYTES = 64 * 1024;

const LOCALE = z.string().max(35).regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'a language tag such as hi or pt-BR');
const sessionBody = z.object({ locale: LOCALE.optional() });
// The token is checked by WidgetTokens (a missing or malformed one is a 401, like a forged one).
const offerBody = z.object({ token: z.unknown().optional(), sdp: z.string(), locale: LOCALE.optional() });

export interface WidgetRouteDeps {
  readonly context: Pick<ChannelContext, 'prepareConversation' | 'accept' | 'countFrames'>;
  readonly log: Logger;
  readonly origins: OriginPolicy;
  readonly tokens: WidgetTokens;
  readonly limiter: OfferLimiter;
  readonly iceServers: WebCallOptions['iceServers'];
  /** The TURN server's shared secret: each session gets its own expiring TURN credential. */
  readonly turnSecret?: string;
  readonly locales: readonly string[];
  readonly defaultLocale: string;
  readonly isAccepting: () => boolean;
  /** What each new call needs from the channel: the shared pacer, timings and its bookkeeping. */
  readonly callOptions: Pick<WebCallOptions, 'pacer' | 'timings' | 'onEnded'>;
  readonly calls: Set<WebCall>;
}

/** The locale to use: the requested one if served, else one of its language, else the default. */
export function pickLocale(requested: string | undefined, locales: readonly string[], defaultLocale: string): string {
  if (!requested) return defaultLocale;
  const lower = requested.toLowerCase();
  const exact = locales.find((locale) => locale.toLowerCase() === lower);
  if (exact) return exact;
  const language = lower.split('-')[0];
  return locales.find((locale) => locale.toLowerCase().split('-')[0] === language) ?? defaultLocale;
}

export function createSessionRoute(deps: WidgetRouteDeps): (request: HttpRequest) => HttpReply {
  const log = deps.log.child({ route: 'widget-session' });
  return (request) => {
    const origin = deps.origins.allowedOriginOf(request);
    if (!origin) {
      log.warn({ origin: request.headers.origin ?? null, remoteAddress: request.remoteAddress }, 'widget session refused: origin not allowed');
      return json(403, { error: 'this page may not use the widget' });
    }
    const cors = corsHeaders(origin);
    if (!deps.isAccepting()) return json(503, { error: 'not accepting calls' }, cors);
    const body = parseBody(request, sessionBody, true);
    if (!body.ok) return json(400, { error: body.error }, cors);
    const { token, expiresAt } = deps.tokens.issue(origin);
    return json(200, {
      token,
      expiresAt,
      iceServers: iceServersForPage(deps.iceServers, deps.turnSecret, Date.now()),
      locales: [...deps.locales],
      defaultLocale: pickLocale(body.value.locale, deps.locales, deps.defaultLocale),
    }, cors);
  };
}

export function createOfferRoute(deps: WidgetRouteDeps): (request: HttpRequest) => Promise<HttpReply> {
  const log = deps.log.child({ route: 'widget-offer' });
  return async (request) => {
    const requestOrigin = normaliseOrigin(request.headers.origin);
    // Errors are readable by the page that asked (when it is allowed at all), so the widget can say what went wrong.
    const cors = requestOrigin && deps.origins.allowedOriginOf(request) ? corsHeaders(requestOrigin) : {};
    const refuse = (status: number, error: string, reason = error): HttpReply => {
      log.warn({ status, reason, remoteAddress: request.remoteAddress }, 'widget offer refused');
      return json(status, { error }, cors);
    };
    if (!deps.isAccepting()) return json(503, { error: 'not accepting calls' }, cors);
    if (!deps.limiter.take(request.remoteAddress)) return refuse(429, 'too many calls from this address; try again in a minute');
    const body = parseBody(request, offerBody, false);
    if (!body.ok) return refuse(400, body.error);
    const checked = deps.tokens.check(body.value.token);
    if (!checked.ok) return refuse(401, checked.reason === 'expired' ? 'the session token has expired' : 'invalid session token', `token ${checked.reason}`);
    const origin = checked.claims.origin;
    if (requestOrigin !== origin) return refuse(403, 'the session token belongs to another page');
    const offer = checkOffer(body.value.sdp);
    if (!offer.ok) return refuse(400, offer.message);

    const locale = pickLocale(body.value.locale, deps.locales, deps.defaultLocale);
    let prepared: { conversationId: string; locale: string };
    try {
      prepared = await deps.context.prepareConversation({ channel: CHANNEL_NAME, capabilities: WEB_CAPABILITIES, locale, to: origin });
    } catch (error) {
      const status = (error as { status?: number }).status === 503 ? 503 : 500;
      log.error({ err: error }, 'could not prepare a conversation for the widget');
      return json(status, { error: status === 503 ? 'not accepting calls' : 'the call could not be set up' }, cors);
    }
    try {
      const { call, sdp } = await answerOffer(body.value.sdp, {
        ...deps.callOptions,
        conversationId: prepared.conversationId,
        locale: prepared.locale,
        origin,
        iceServers: deps.iceServers,
        loopback: isLoopback(request.remoteAddress),
        context: deps.context,
        log: deps.log,
      });
      if (!deps.isAccepting()) {
        // The gateway began draining while we answered: this call would start after the drain began.
        call.end('shutdown');
        return json(503, { error: 'not accepting calls' }, cors);
      }
      if (!call.ended) deps.calls.add(call);
      log.info({ conversationId: prepared.conversationId, locale: prepared.locale }, 'widget offer answered');
      return json(200, { sdp, conversationId: prepared.conversationId }, cors);
    } catch (error) {
      if (error instanceof OfferRejected) return refuse(400, error.message);
      log.error({ err: error, conversationId: prepared.conversationId }, 'could not answer the widget offer');
      return json(500, { error: 'the call could not be set up' }, cors);
    }
  };
}

/** OPTIONS for both paths: allowed pages learn they may POST JSON; others get no CORS headers and a 403. */
export function createPreflightRoute(origins: OriginPolicy): (request: HttpRequest) => HttpReply {
  return (request) => {
    const origin = origins.allowedOriginOf(request);
    return origin ? { status: 204, headers: preflightHeaders(origin) } : json(403, { error: 'this page may not use the widget' });
  };
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

function parseBody<T>(request: HttpRequest, schema: z.ZodType<T>, emptyIsObject: boolean): Parsed<T> {
  if (request.rawBody.byteLength > MAX_BODY_BYTES) return { ok: false, error: `request body too large (limit ${MAX_BODY_BYTES} bytes)` };
  const text = Buffer.from(request.rawBody.buffer, request.rawBody.byteOffset, request.rawBody.byteLength).toString('utf8');
  let json: unknown;
  if (text.trim() === '' && emptyIsObject) json = {};
  else {
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, error: 'the body is not JSON' };
    }
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `invalid body: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unexpected shape'}` };
  }
  return { ok: true, value: parsed.data };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpReply {
  return { status, headers: { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }, body: JSON.stringify(body) };
}
