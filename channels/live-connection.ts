// The Connection a live call (a phone call, a widget call) presents to the conversation. It holds inbound events until a handler is set (the
// conversation may subscribe a little after accept), delivers the hangup exactly once, and drops anything sent
// after the end, so neither side has to know about the socket's timing.
import type {
  ChannelCapabilities,
  Connection,
  ConnectionInfo,
  InboundEvent,
  InboundHandler,
  Logger,
  OutboundEvent,
} from '../src/core/channel.ts';

/** About 10 s of audio: enough for a slow subscriber, bounded for one that never comes. */
const MAX_HELD_EVENTS = 500;

export interface CallConnection extends Connection {
  /** Passes an inbound event on (audio frames are copied while they have to be held). */
  deliver(event: InboundEvent): void;
  /** Delivers the final hangup event once; later calls do nothing. */
  hangup(reason: string): void;
  readonly ended: boolean;
}

export interface CallConnectionOptions {
  readonly id: string;
  readonly channel: string;
  readonly capabilities: ChannelCapabilities;
  readonly info: ConnectionInfo;
  readonly log: Logger;
  /** Carries out an outbound event while the call is live. */
  readonly onSend: (event: OutboundEvent) => void;
  /** Closes the transport; the caller then reports the hangup through `hangup`. */
  readonly onClose: (reason: string) => void;
}

export function createCallConnection(options: CallConnectionOptions): CallConnection {
  let handler: InboundHandler | undefined;
  let held: InboundEvent[] = [];
  let droppedWhileHeld = 0;
  let ended = false;

  function emit(event: InboundEvent): void {
    if (handler) {
      try {
        handler(event);
      } catch (error) {
        // The conversation's bug must not kill the socket's message loop.
        options.log.error({ err: error, eventType: event.type }, 'inbound handler threw');
      }
      return;
    }
    if (held.length >= MAX_HELD_EVENTS) {
      // Keep the newest audio and every non-audio event: a digit or hangup matters more than stale audio.
      const oldestAudio = held.findIndex((e) => e.type === 'audio');
      if (oldestAudio >= 0) {
        held.splice(oldestAudio, 1);
        droppedWhileHeld++;
      }
    }
    held.push(event.type === 'audio' ? { type: 'audio', frame: event.frame.slice() } : event);
  }

  return {
    id: options.id,
    channel: options.channel,
    capabilities: options.capabilities,
    info: options.info,
    get ended() {
      return ended;
    },
    listen(next) {
      handler = next;
      const pending = held;
      held = [];
      if (droppedWhileHeld > 0) options.log.warn({ dropped: droppedWhileHeld }, 'audio dropped before the conversation listened');
      droppedWhileHeld = 0;
      for (const event of pending) emit(event);
    },
    send(event) {
      if (ended) return;
      options.onSend(event);
    },
    close(reason) {
      if (ended) return;
      options.onClose(reason);
    },
    deliver(event) {
      if (ended) return;
      emit(event);
    },
    hangup(reason) {
      if (ended) return;
      ended = true;
      emit({ type: 'hangup', reason });
    },
  };
}
