// The browser voice widget over WebRTC: POST /widget/session and /widget/offer set a call up (widget-routes.ts),
// each call is one werift peer connection (web-call.ts) with Opus audio both ways and a "chat" data channel, and
// one shared 20 ms clock paces every call's outbound audio (pacer.ts). Only this folder knows werift.
import { createHandoffWebhook } from '../handoff-webhook.ts';
import type { Channel, ChannelContext } from '../../src/core/channel.ts';
import { OfferLimiter } from './offer-limiter.ts';
import { OriginPolicy } from './origins.ts';
import { Pacer } from './pacer.ts';
import { registerWidgetAssets } from './static.ts';
import { CHANNEL_NAME, WEB_CAPABILITIES, type IceServer, type WebCall, type WebCallTimings } from './web-call.ts';
import { createOfferRoute, createPreflightRoute, createSessionRoute, OFFER_PATH, SESSION_PATH } from './widget-routes.ts';
import { WidgetTokens } from './widget-token.ts';

export { WEB_CAPABILITIES } from './web-call.ts';
export { OFFER_PATH, SESSION_PATH } from './widget-routes.ts';

export interface WebChannelOptions {
  /** Signs session tokens (WIDGET_SECRET); a random key per process when unset. */
  readonly secret?: string;
  /** Pages besides the gateway's own origin that may embed the widget. */
  readonly allowedOrigins: string[];
  /** STUN/TURN servers for both ends; empty for host candidates only. */
  readonly iceServers: IceServer[];
  /** The TURN server's shared secret (coturn static-auth-secret): pages get per-session TURN credentials. */
  readonly turnSecret?: string;
  /** HUMAN_HANDOFF_WEBHOOK_URL: visitors handed to a person are announced there. */
  readonly handoffWebhookUrl?: string;
  /** Offers per client address per minute. */
  readonly offersPerMinute: number;
  readonly defaultLocale: string;
  readonly locales: string[];
  /** Overrides of the call timers (tests). */
  readonly timings?: Partial<WebCallTimings>;
}

export function createWebChannel(options: WebChannelOptions): Channel {
  const origins = new OriginPolicy(options.allowedOrigins);
  const tokens = new WidgetTokens(options.secret);
  const limiter = new OfferLimiter(options.offersPerMinute);
  const calls = new Set<WebCall>();
  let accepting = false;

  return {
    name: CHANNEL_NAME,
    capabilities: WEB_CAPABILITIES,
    async start(context: ChannelContext) {
      const log = context.log.child({ channel: CHANNEL_NAME });
      // One clock for every call of this channel (see pacer.ts).
      const pacer = new Pacer(log);
      accepting = true;
      if (!options.secret) log.warn({}, 'no WIDGET_SECRET: widget tokens are signed with a per-process key');
      const deps = {
        context,
        log,
        origins,
        tokens,
        limiter,
        iceServers: options.iceServers,
        ...(options.turnSecret ? { turnSecret: options.turnSecret } : {}),
        locales: options.locales.length > 0 ? options.locales : [options.defaultLocale],
        defaultLocale: options.defaultLocale,
        isAccepting: () => accepting,
        callOptions: {
          pacer,
          ...(options.timings ? { timings: options.timings } : {}),
          ...(options.handoffWebhookUrl ? { handoff: createHandoffWebhook(options.handoffWebhookUrl, log) } : {}),
          onEnded: (call: WebCall) => void calls.delete(call),
        },
        calls,
      };
      context.http.route('POST', SESSION_PATH, createSessionRoute(deps));
      context.http.route('POST', OFFER_PATH, createOfferRoute(deps));
      // Cross-site pages preflight before POSTing JSON; widget.js posts text/plain, which needs none.
      for (const path of [SESSION_PATH, OFFER_PATH]) context.http.route('OPTIONS', path, createPreflightRoute(origins));
      registerWidgetAssets(context.http);
    },
    async stop() {
      accepting = false;
      // Live calls belong to their conversations, which end them while draining; calls still connecting have no
      // conversation yet, so they are ours to end.
      for (const call of [...calls]) if (!call.accepted) call.end('shutdown');
    },
  };
}

