// One Media Streams WebSocket: the protocol state machine between Twilio's messages and one Connection.
// awaiting-start --start--> streaming --stop / socket close / end / protocol error--> ended
// A caller's bad input ends only that caller's stream: it is logged with the call id and the reason, the socket is
// closed with a code that says why, and the conversation gets a hangup. Unknown events are logged and ignored.
import { randomUUID } from 'node:crypto';
import type { ChannelCapabilities, ChannelContext, HttpRequest, Logger, OutboundEvent, WireSocket } from '../../src/core/channel.ts';
import { createInboundAudioPath, createOutboundAudioPath, type InboundAudioPath, type OutboundAudioPath } from './audio-path.ts';
import { createOutboundEncoder, parseTwilioMessage, type OutboundEncoder, type StartMessage } from './codec.ts';
import { createCallConnection, type CallConnection } from '../live-connection.ts';

export const CHANNEL_NAME = 'twilio';

export const TWILIO_CAPABILITIES: ChannelCapabilities = {
  audio: true,
  text: false,
  dtmf: true,
  playbackMarks: true,
  voiceNotes: false,
  transfer: true,
  transferNeedsNumber: true,
};

/** WebSocket close codes (RFC 6455) that tell a peer why we hung up on it. */
const CLOSE_NORMAL = 1000;
const CLOSE_UNSUPPORTED_DATA = 1003;
const CLOSE_INVALID_PAYLOAD = 1007;
const CLOSE_POLICY = 1008;
const CLOSE_INTERNAL = 1011;

export interface MediaStreamOptions {
  readonly context: Pick<ChannelContext, 'accept' | 'countFrames'>;
  readonly log: Logger;
  readonly defaultLocale: string;
  /** Moves the live call to `to` (the REST update); absent when no Twilio credentials are configured. */
  readonly transfer?: (callSid: string, to: string) => Promise<void>;
}

type State = 'awaiting-start' | 'streaming' | 'ended';

interface Call {
  readonly callSid: string;
  readonly connection: CallConnection;
  readonly inbound: InboundAudioPath;
  readonly outbound: OutboundAudioPath;
  readonly encoder: OutboundEncoder;
}

/** How long a transferred call's stream may stay open waiting for Twilio's stop. */
const TRANSFER_STOP_GRACE_MS = 10_000;

export function runMediaStream(socket: WireSocket, request: HttpRequest, options: MediaStreamOptions): void {
  const { context } = options;
  let log = options.log.child({ remoteAddress: request.remoteAddress });
  let state: State = 'awaiting-start';
  /** The REST call redirecting this call to a person, while it runs or after it succeeded. */
  let pendingTransfer: Promise<boolean> | null = null;
  let call: Call | undefined;
  const unknownEvents = new Set<string>();

  /** Ends the stream from our side: close the socket, tell the conversation, free the audio paths. */
  function finish(reason: string, code: number): void {
    if (state === 'ended') return;
    state = 'ended';
    socket.close(code, reason);
    endCall(reason);
  }

  function endCall(reason: string): void {
    if (!call) return;
    call.connection.hangup(reason);
    call.inbound.dispose();
    call.outbound.dispose();
  }

  function protocolError(reason: string, code: number, detail?: string): void {
    log.warn({ reason, detail, closeCode: code }, 'closing Twilio stream: bad input');
    finish(`protocol-error: ${reason}`, code);
  }

  function begin(message: StartMessage): void {
    const { start } = message;
    const params = start.customParameters ?? {};
    if (!params.conversationId) {
      // Our TwiML always sets it: a stream without it was not set up by /twilio/voice.
      protocolError('start without a conversationId parameter', CLOSE_POLICY);
      return;
    }
    let inbound: InboundAudioPath | undefined;
    let outbound: OutboundAudioPath;
    try {
      inbound = createInboundAudioPath((frame) => {
        call?.connection.deliver({ type: 'audio', frame });
        context.countFrames(CHANNEL_NAME, 'in', 1);
      });
      outbound = createOutboundAudioPath();
    } catch (error) {
      inbound?.dispose();
      log.error({ err: error, callSid: start.callSid }, 'could not create the audio path');
      finish('internal error', CLOSE_INTERNAL);
      return;
    }
    const id = `${CHANNEL_NAME}-${randomUUID()}`;
    log = log.child({ callSid: start.callSid, streamSid: start.streamSid, connectionId: id });
    const connection = createCallConnection({
      id,
      channel: CHANNEL_NAME,
      capabilities: TWILIO_CAPABILITIES,
      info: {
        conversationId: params.conversationId,
        locale: params.locale || options.defaultLocale,
        from: params.from || undefined,
        to: params.to || undefined,
        providerId: start.callSid,
      },
      log,
      onSend: (event) => sendOutbound(event),
      onClose: (reason) => endStream(reason),
    });
    call = { callSid: start.callSid, connection, inbound, outbound, encoder: createOutboundEncoder(start.streamSid) };
    state = 'streaming';
    log.info({ conversationId: params.conversationId, tracks: start.tracks }, 'Twilio stream started');
    try {
      context.accept(connection);
    } catch (error) {
      log.error({ err: error }, 'the conversation refused the call');
      finish('internal error', CLOSE_INTERNAL);
    }
  }

  function sendOutbound(event: OutboundEvent): void {
    if (state !== 'streaming' || !call) return;
    switch (event.type) {
      case 'audio': {
        const payload = call.outbound.encode(event.frame);
        if (payload) socket.send(call.encoder.media(payload));
        context.countFrames(CHANNEL_NAME, 'out', 1);
        return;
      }
      case 'mark':
        socket.send(call.encoder.mark(event.name));
        return;
      case 'clear':
        socket.send(call.encoder.clear());
        call.outbound.reset();
        return;
      case 'end':
        log.info({ reason: event.reason }, 'ending call');
        endStream(event.reason);
        return;
      case 'transfer':
        transfer(call.callSid, event.to, event.reason);
        return;
      case 'text':
      case 'voice_note':
        log.debug({ eventType: event.type }, 'not carried by phone calls; dropped');
        return;
    }
  }

  /** Ends our side of the stream; during a transfer, only once Twilio has the call (or the transfer failed). */
  function endStream(reason: string): void {
    if (!pendingTransfer) return finish(reason, CLOSE_NORMAL);
    // Closing the stream now would end <Connect>, and with it the call, before the new TwiML lands. Twilio stops the
    // stream itself once the call has moved; the timer only guards against a stream it never stops.
    void pendingTransfer.then((transferred) => {
      if (!transferred) return finish(reason, CLOSE_NORMAL);
      setTimeout(() => finish(reason, CLOSE_NORMAL), TRANSFER_STOP_GRACE_MS).unref();
    });
  }

  function transfer(callSid: string, to: string, reason: string): void {
    if (!options.transfer) {
      log.warn({ reason }, 'transfer requested but no Twilio credentials are configured');
      return;
    }
    log.info({ reason }, 'transferring call');
    // Twilio ends the stream itself once the call has new TwiML; until then the socket must stay open.
    pendingTransfer = options.transfer(callSid, to).then(
      () => true,
      (error: unknown) => {
        log.error({ err: error }, 'transfer failed');
        return false;
      },
    );
  }

  function onText(text: string): void {
    const parsed = parseTwilioMessage(text);
    if (!parsed.ok) {
      const { error } = parsed;
      if (error.kind === 'unknown-event') {
        // Twilio may add events; a new one must not cost a call. Log each name once per stream.
        if (!unknownEvents.has(error.event) && unknownEvents.size < 32) {
          unknownEvents.add(error.event);
          log.warn({ event: error.event }, 'unknown Twilio event ignored');
        }
        return;
      }
      protocolError(error.kind, CLOSE_INVALID_PAYLOAD, error.detail);
      return;
    }
    const { message } = parsed;
    if (message.event === 'connected') return;
    if (message.event === 'start') {
      if (state === 'streaming') protocolError('second start', CLOSE_POLICY);
      else begin(message);
      return;
    }
    if (state !== 'streaming' || !call) {
      if (message.event === 'stop') finish('stop before start', CLOSE_NORMAL);
      else protocolError(`${message.event} before start`, CLOSE_POLICY);
      return;
    }
    switch (message.event) {
      case 'media': {
        // <Connect><Stream> carries the caller only; any other track is not ours to hear.
        if (message.media.track !== undefined && message.media.track !== 'inbound') return;
        const refused = call.inbound.push(message.media.payload);
        if (refused) protocolError(refused.kind, CLOSE_INVALID_PAYLOAD, refused.detail);
        return;
      }
      case 'dtmf':
        call.connection.deliver({ type: 'dtmf', digit: message.dtmf.digit });
        return;
      case 'mark':
        call.connection.deliver({ type: 'mark', name: message.mark.name });
        return;
      case 'stop':
        log.info({}, 'Twilio stream stopped');
        finish('stop', CLOSE_NORMAL);
        return;
    }
  }

  socket.onMessage((data, isBinary) => {
    if (state === 'ended') {
      log.debug({}, 'message after the stream ended ignored');
      return;
    }
    if (isBinary) {
      protocolError('binary frame', CLOSE_UNSUPPORTED_DATA);
      return;
    }
    try {
      onText(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
    } catch (error) {
      log.error({ err: error }, 'Twilio message handling failed');
      finish('internal error', CLOSE_INTERNAL);
    }
  });

  socket.onClose((code, reason) => {
    if (state === 'ended') return;
    state = 'ended';
    // 1009 is the server refusing an oversized message; anything else is the peer going away without `stop`.
    log.info({ closeCode: code, closeReason: reason }, 'Twilio socket closed without stop');
    endCall(code === 1009 ? 'protocol-error: message too big' : `socket closed (${code})`);
  });
}
