// werift 0.24 handles each incoming data-channel message with an async function whose promise nobody awaits, and that
// function throws for a control message about a channel it does not know (a DATA_CHANNEL_ACK for a stream never
// opened, or one we just closed). Any page could send one: each would surface as an unhandled rejection. This swaps
// the subscription for one that catches and logs, so a hostile peer's message costs nothing but a log line.
import type { RTCPeerConnection } from 'werift';
import type { Logger } from '../../src/core/channel.ts';

type ReceiveHandler = (streamId: number, ppId: number, data: Buffer) => Promise<void>;

const guarded = new WeakSet<object>();

/** Call after each description is applied (werift may replace the SCTP association while bundling). */
export function guardDataChannelErrors(pc: RTCPeerConnection, log: Logger): void {
  const transport = pc.sctpTransport;
  if (!transport || guarded.has(transport.sctp)) return;
  // The handler is private in werift's types; it is a plain instance property at runtime.
  const receive = (transport as unknown as { datachannelReceive?: ReceiveHandler }).datachannelReceive;
  if (typeof receive !== 'function') return;
  const { sctp } = transport;
  sctp.onReceive.allUnsubscribe(); // werift's own handler is its only subscriber
  sctp.onReceive.subscribe((streamId, ppId, data) => {
    receive(streamId, ppId, data).catch((error: unknown) => log.debug({ err: error, streamId }, 'data channel message refused'));
  });
  guarded.add(sctp);
}
