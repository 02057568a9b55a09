// Our end of the widget's "chat" data channel for one call: JSON messages both ways (chat-protocol.ts). Messages we
// send before the channel is open wait (a few: the greeting's transcript can come before the browser's SCTP
// association is up). A bad message gets an error back and the call goes on; an oversized message or a flood gets
// an error and then the call is ended by the owner, through `abusive`.
import type { RTCDataChannel } from 'werift';
import type { Logger } from '../../src/core/channel.ts';
import { CHAT_LABEL, encodeServerMessage, parseClientMessage, type ServerMessage } from './chat-protocol.ts';
import { TokenBucket } from './token-bucket.ts';

/** Messages a second a person can plausibly type or click, on average and in a burst. */
const MESSAGES_PER_SECOND = 10;
const MESSAGE_BURST = 20;
/** Messages held before the channel opens; past it the oldest go (a transcript the page will not miss much). */
const MAX_HELD = 50;

export interface ChatLinkEvents {
  text(text: string): void;
  hangup(): void;
  /** The peer broke the rules (oversized message, flood); the error has been sent. */
  abusive(reason: string): void;
  /** The browser closed the channel: it has left. */
  closed(): void;
}

export class ChatLink {
  readonly #events: ChatLinkEvents;
  readonly #log: Logger;
  readonly #bucket: TokenBucket;
  #channel: RTCDataChannel | undefined;
  #held: string[] = [];
  #finished = false;

  constructor(events: ChatLinkEvents, log: Logger, now: () => number = Date.now) {
    this.#events = events;
    this.#log = log;
    this.#bucket = new TokenBucket(MESSAGES_PER_SECOND, MESSAGE_BURST, now);
  }

  /** Takes the browser's channel; any other channel it opens is closed (the widget opens exactly one). */
  attach(channel: RTCDataChannel): void {
    if (this.#channel || channel.label !== CHAT_LABEL || this.#finished) {
      this.#log.warn({ label: channel.label }, 'unexpected data channel closed');
      channel.close();
      return;
    }
    this.#channel = channel;
    channel.onMessage.subscribe((data) => this.#onMessage(data));
    channel.stateChanged.subscribe((state) => {
      if (state === 'open') this.#flush();
      else if (state === 'closed' && !this.#finished) {
        this.#finished = true;
        this.#events.closed();
      }
    });
    if (channel.readyState === 'open') this.#flush();
  }

  send(message: ServerMessage): void {
    if (this.#finished) return;
    const text = encodeServerMessage(message);
    if (this.#channel?.readyState === 'open') {
      this.#write(text);
      return;
    }
    if (this.#held.length >= MAX_HELD) this.#held.shift();
    this.#held.push(text);
  }

  /** The call is over: no more events either way, and nothing more is sent. */
  finish(): void {
    this.#finished = true;
    this.#held = [];
  }

  /**
   * Closes the channel (call it a moment after finish(), so the last messages leave first). werift sends no DTLS close
   * alert when a peer connection closes, so this stream reset is how the page learns of the end at once rather
   * than from ICE consent checks failing half a minute later.
   */
  close(): void {
    const channel = this.#channel;
    if (!channel || channel.readyState !== 'open') return;
    try {
      channel.close();
    } catch (error) {
      this.#log.debug({ err: error }, 'data channel close failed');
    }
  }

  #onMessage(data: string | Uint8Array): void {
    if (this.#finished) return;
    if (!this.#bucket.take()) {
      this.send({ type: 'error', code: 'flood', message: `more than ${MESSAGES_PER_SECOND} messages a second` });
      this.#events.abusive('data channel flood');
      return;
    }
    const parsed = parseClientMessage(data);
    if (!parsed.ok) {
      this.send({ type: 'error', code: parsed.code, message: parsed.message });
      if (parsed.fatal) this.#events.abusive(parsed.code);
      return;
    }
    if (parsed.message.type === 'text') this.#events.text(parsed.message.text);
    else this.#events.hangup();
  }

  #flush(): void {
    const held = this.#held;
    this.#held = [];
    for (const text of held) this.#write(text);
  }

  #write(text: string): void {
    try {
      this.#channel?.send(text);
    } catch (error) {
      this.#log.debug({ err: error }, 'data channel send failed');
    }
  }
}
