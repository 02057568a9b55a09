// One browser on the widget: a werift peer connection answering the page's offer, its audio both ways and its chat
// data channel, presented to the conversation as a Connection.
//   answering --peer connected--> live (conversation accepted, on the shared pacer) --any end--> ended
// The conversation is accepted when the peer connects, not at answer time: the greeting then starts on a track that
// can carry it (werift drops RTP sent before DTLS is up) and a page that never connects costs no model session
// beyond the one prepared for it, which the manager discards. Every end (data-channel hang-up, the page closing,
// ICE failure or a long disconnection, the conversation ending, abuse) goes through end(): one hangup event, the
// pacer slot, the timers and the peer connection released.
import type { HandoffWebhook } from '../handoff-webhook.ts';
import { randomUUID } from 'node:crypto';
import { RTCPeerConnection, RtpHeader, RtpPacket, useOPUS, type RTCRtpTransceiver } from 'werift';
import type { ChannelCapabilities, ChannelContext, Logger, OutboundEvent } from '../../src/core/channel.ts';
import { createCallConnection, type CallConnection } from '../live-connection.ts';
import { ChatLink } from './chat-link.ts';
import type { CallState } from './chat-protocol.ts';
import { InboundAudio } from './inbound-audio.ts';
import { OutboundAudio } from './outbound-audio.ts';
import type { Pacer } from './pacer.ts';
import { dropUnreachableCandidates } from './sdp.ts';
import { guardDataChannelErrors } from './sctp-guard.ts';

export const CHANNEL_NAME = 'web';

export const WEB_CAPABILITIES: ChannelCapabilities = {
  audio: true,
  text: true,
  dtmf: false,
  playbackMarks: true,
  voiceNotes: false,
  transfer: false,
  transcripts: true,
};

export interface IceServer {
  readonly urls: string[];
  readonly username?: string;
  readonly credential?: string;
}

export interface WebCallTimings {
  /** Longest wait for our ICE candidates before answering with those found (a slow STUN/TURN server). */
  readonly gatherTimeoutMs: number;
  /** A page that has not connected this long after its answer is dropped. */
  readonly connectTimeoutMs: number;
  /** How long a connection may stay "disconnected" (a network hiccup) before the call is over. */
  readonly disconnectedGraceMs: number;
  /** Time for our last data-channel messages (the end, an error) to leave before the connection closes. */
  readonly closeGraceMs: number;
}

export const DEFAULT_TIMINGS: WebCallTimings = { gatherTimeoutMs: 3000, connectTimeoutMs: 20_000, disconnectedGraceMs: 10_000, closeGraceMs: 250 };

export interface WebCallOptions {
  readonly conversationId: string;
  readonly locale: string;
  /** The page's origin: the business address the customer reached. */
  readonly origin: string;
  readonly iceServers: readonly IceServer[];
  /** Also offer 127.0.0.1: the browser runs on this machine (werift leaves loopback out). */
  readonly loopback: boolean;
  readonly context: Pick<ChannelContext, 'accept' | 'countFrames'>;
  readonly pacer: Pacer;
  readonly log: Logger;
  readonly timings?: Partial<WebCallTimings>;
  /** Told once the call has ended and released everything. */
  readonly onEnded?: (call: WebCall) => void;
  /** The business's hand-off webhook: when set, the agent can hand the visitor to staff. */
  readonly handoff?: HandoffWebhook;
}

/** The offer cannot be answered; the message may be shown to the page. */
export class OfferRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OfferRejected';
  }
}

/** Answers `offerSdp` (checked by checkOffer first) with a full, non-trickle answer. */
export async function answerOffer(offerSdp: string, options: WebCallOptions): Promise<{ call: WebCall; sdp: string }> {
  const call = new WebCall(options);
  try {
    const sdp = await call.answer(offerSdp);
    return { call, sdp };
  } catch (error) {
    call.end(error instanceof OfferRejected ? 'rejected offer' : 'answer failed');
    throw error;
  }
}

export class WebCall {
  readonly id = `${CHANNEL_NAME}-${randomUUID()}`;
  readonly connection: CallConnection;
  readonly #options: WebCallOptions;
  readonly #timings: WebCallTimings;
  readonly #log: Logger;
  readonly #pc: RTCPeerConnection;
  readonly #transceiver: RTCRtpTransceiver;
  readonly #chat: ChatLink;
  readonly #outbound: OutboundAudio;
  #inbound: InboundAudio | undefined;
  #audioEvent: { readonly type: 'audio'; readonly frame: Int16Array } | undefined;
  #payloadType = 111;
  #state: CallState = 'connecting';
  #accepted = false;
  #ended = false;
  #connectTimer: NodeJS.Timeout | undefined;
  #disconnectTimer: NodeJS.Timeout | undefined;

  constructor(options: WebCallOptions) {
    this.#options = options;
    this.#timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.#log = options.log.child({ connectionId: this.id, conversationId: options.conversationId });
    this.#pc = new RTCPeerConnection({
      iceServers: options.iceServers.map((server) => ({ ...server, urls: [...server.urls] })),
      codecs: { audio: [useOPUS()], video: [] },
      // One transport for audio and data whatever the offer asks: each extra one costs sockets, ICE and DTLS.
      bundlePolicy: 'max-bundle',
      ...(options.loopback ? { iceAdditionalHostAddresses: ['127.0.0.1'] } : {}),
    });
    // Added before the offer is applied, so the offer's audio m-line takes this sending transceiver.
    this.#transceiver = this.#pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.#chat = new ChatLink(
      {
        text: (text) => {
          this.#setState('thinking');
          this.connection.deliver({ type: 'text', text });
        },
        hangup: () => this.end('hangup'),
        abusive: (reason) => this.end(`protocol-error: ${reason}`),
        closed: () => this.end('page closed the chat channel'),
      },
      this.#log,
    );
    this.#outbound = new OutboundAudio({
      send: (payload, sequenceNumber, timestamp, marker) => this.#sendRtp(payload, sequenceNumber, timestamp, marker),
      markReached: (name) => this.connection.deliver({ type: 'mark', name }),
      spurtStarted: () => this.#setState('speaking'),
      drained: () => {
        if (this.#state === 'speaking') this.#setState('listening');
      },
    });
    this.connection = createCallConnection({
      id: this.id,
      channel: CHANNEL_NAME,
      capabilities: options.handoff ? { ...WEB_CAPABILITIES, transfer: true } : WEB_CAPABILITIES,
      info: { conversationId: options.conversationId, locale: options.locale, to: options.origin, providerId: this.#pc.id },
      log: this.#log,
      onSend: (event) => this.#onOutbound(event),
      onClose: (reason) => this.end(reason),
    });
    this.#chat.send({ type: 'state', state: 'connecting' });
    this.#pc.onDataChannel.subscribe((channel) => this.#chat.attach(channel));
    this.#pc.onTrack.subscribe((track) => {
      if (track.kind === 'audio') track.onReceiveRtp.subscribe((packet) => this.#inbound?.receive(packet));
    });
    this.#pc.connectionStateChange.subscribe((state) => this.#onConnectionState(state));
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The peer connected and the conversation has the call. */
  get accepted(): boolean {
    return this.#accepted;
  }

  get state(): CallState {
    return this.#state;
  }

  /** Applies the offer and returns our answer once every candidate is in it. */
  async answer(offerSdp: string): Promise<string> {
    try {
      await this.#pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    } catch (error) {
      throw new OfferRejected(`unsupported offer: ${error instanceof Error ? error.message : String(error)}`);
    }
    guardDataChannelErrors(this.#pc, this.#log);
    const opus = this.#transceiver.codecs.find((codec) => codec.mimeType.toLowerCase() === 'audio/opus');
    if (this.#transceiver.mid === null || !opus) throw new OfferRejected('the offer has no Opus audio to answer');
    this.#payloadType = opus.payloadType;
    this.#inbound = new InboundAudio(
      (frame) => {
        // The frame is the assembler's one reused buffer, so one event object serves every frame.
        if (this.#audioEvent?.frame !== frame) this.#audioEvent = { type: 'audio', frame };
        this.connection.deliver(this.#audioEvent);
        this.#options.context.countFrames(CHANNEL_NAME, 'in', 1);
      },
      opus.payloadType,
      this.#log,
    );
    await this.#pc.setLocalDescription(await this.#pc.createAnswer());
    guardDataChannelErrors(this.#pc, this.#log);
    await this.#gathered();
    const local = this.#pc.localDescription;
    if (!local || this.#ended) throw new Error('the call ended while answering');
    this.#connectTimer = setTimeout(() => this.end('the page did not connect'), this.#timings.connectTimeoutMs);
    this.#connectTimer.unref();
    return dropUnreachableCandidates(local.sdp);
  }

  /** Called by the shared pacer every 20 ms while the call is live. */
  tick(): void {
    try {
      this.#outbound.tick();
    } catch (error) {
      this.#log.error({ err: error }, 'widget audio failed');
      this.end('internal error');
    }
  }

  /** Ends the call once, from any path, and releases everything it holds. */
  end(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#connectTimer);
    clearTimeout(this.#disconnectTimer);
    this.#options.pacer.remove(this);
    this.#setState('ended');
    this.#chat.send({ type: 'ended', reason });
    this.#chat.finish();
    this.#log.info({ reason, accepted: this.#accepted, inbound: this.#inbound?.stats, overflowed: this.#outbound.overflowed }, 'widget call ended');
    this.connection.hangup(reason);
    this.#options.onEnded?.(this);
    const closePeer = (): void => void this.#pc.close().catch((error: unknown) => this.#log.debug({ err: error }, 'peer close failed'));
    // A page that never connected has nothing in flight to wait for.
    if (!this.#accepted) return closePeer();
    // The last messages leave first, then the channel's reset tells the page, then the transport goes. The timers
    // are the call's last resources and run out by themselves; they are not unref'd, since the sockets they close
    // would keep the process alive anyway.
    const grace = this.#timings.closeGraceMs;
    setTimeout(() => {
      this.#chat.close();
      setTimeout(closePeer, grace);
    }, grace);
  }

  #onConnectionState(state: string): void {
    if (this.#ended) return;
    switch (state) {
      case 'connected':
        clearTimeout(this.#connectTimer);
        clearTimeout(this.#disconnectTimer);
        this.#disconnectTimer = undefined;
        if (!this.#accepted) this.#accept();
        return;
      case 'disconnected':
        // Often a network switch that ICE recovers from in a few seconds: keep the call for a while.
        this.#disconnectTimer ??= setTimeout(() => this.end('connection lost'), this.#timings.disconnectedGraceMs);
        this.#disconnectTimer.unref();
        return;
      case 'failed':
        this.end('connection failed');
        return;
      case 'closed':
        this.end('connection closed');
        return;
    }
  }

  #accept(): void {
    this.#accepted = true;
    this.#log.info({}, 'widget peer connected');
    this.#setState('listening');
    this.#options.pacer.add(this);
    try {
      this.#options.context.accept(this.connection);
    } catch (error) {
      this.#log.error({ err: error }, 'the conversation refused the call');
      this.end('internal error');
    }
  }

  #onOutbound(event: OutboundEvent): void {
    switch (event.type) {
      case 'audio':
        this.#outbound.push(event.frame);
        this.#options.context.countFrames(CHANNEL_NAME, 'out', 1);
        return;
      case 'mark':
        this.#outbound.mark(event.name);
        return;
      case 'clear':
        this.#outbound.clear();
        return;
      case 'transcript':
        if (event.role === 'user') this.#setState('thinking');
        this.#chat.send({ type: 'transcript', role: event.role, text: event.text });
        return;
      case 'text':
        // A conversation that does not send transcripts still shows its answers.
        this.#chat.send({ type: 'transcript', role: 'assistant', text: event.text });
        return;
      case 'end':
        this.end(event.reason);
        return;
      case 'transfer':
        // The visitor is told on the page; staff learn of it through the hand-off webhook with the conversation id.
        this.#chat.send({ type: 'handoff' });
        void this.#options.handoff?.({ event: 'handoff', channel: CHANNEL_NAME, conversationId: this.#options.conversationId, reason: event.reason, customer: this.#options.origin });
        return;
      case 'voice_note':
        this.#log.warn({ eventType: event.type }, 'not carried by the widget; dropped');
        return;
    }
  }

  #sendRtp(payload: Uint8Array, sequenceNumber: number, timestamp: number, marker: boolean): void {
    // werift keeps each packet for retransmission and sets the SSRC itself: a new header and packet per frame.
    const header = new RtpHeader({ payloadType: this.#payloadType, sequenceNumber, timestamp, marker });
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    this.#transceiver.sender.sendRtp(new RtpPacket(header, bytes)).catch((error: unknown) => this.#log.debug({ err: error }, 'RTP send failed'));
  }

  #setState(state: CallState): void {
    if (this.#state === state || this.#state === 'ended') return;
    this.#state = state;
    this.#chat.send({ type: 'state', state });
  }

  #gathered(): Promise<void> {
    if (this.#pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        subscription.unSubscribe();
        resolve();
      };
      const timer = setTimeout(done, this.#timings.gatherTimeoutMs);
      const subscription = this.#pc.iceGatheringStateChange.subscribe((state) => {
        if (state === 'complete') done();
      });
    });
  }
}
