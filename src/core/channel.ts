// What a channel is: a vendor wire protocol turned into InboundEvents, and OutboundEvents turned back into it.
import type { Pcm16Frame } from './audio.ts';
import type { Store } from './store.ts';

/** Things a customer does, as the conversation sees them whatever the channel. */
export type InboundEvent =
  /** One 20 ms canonical frame (see Pcm16Frame for the lifetime rule). */
  | { readonly type: 'audio'; readonly frame: Pcm16Frame }
  | { readonly type: 'text'; readonly text: string }
  /** A whole recorded message (a WhatsApp voice note), canonical PCM16 24 kHz: one turn, answered as a voice note. */
  | { readonly type: 'voice_note'; readonly pcm: Int16Array }
  | { readonly type: 'dtmf'; readonly digit: string }
  /** The audio queued before this mark has finished playing to the customer (or was cleared). */
  | { readonly type: 'mark'; readonly name: string }
  /** The customer is gone (hang-up, closed tab, socket lost). The last event of a connection. */
  | { readonly type: 'hangup'; readonly reason: string };

/** Things the conversation asks a channel to do. */
export type OutboundEvent =
  /** One 20 ms canonical frame to play, in order after what was sent before. */
  | { readonly type: 'audio'; readonly frame: Pcm16Frame }
  | { readonly type: 'text'; readonly text: string }
  /** What was said, for channels that show a live transcript (capabilities.transcripts); replaces `text` there. */
  | { readonly type: 'transcript'; readonly role: 'user' | 'assistant'; readonly text: string }
  /** A whole recorded reply, for channels that deliver audio as a message (WhatsApp voice notes). */
  | { readonly type: 'voice_note'; readonly pcm: Int16Array; readonly transcript?: string }
  /** Drop every queued frame at once (barge-in). Queued marks come back as played. */
  | { readonly type: 'clear' }
  /** Echo `name` back as an inbound mark when everything sent before it has been played. */
  | { readonly type: 'mark'; readonly name: string }
  /** Hand the customer to a person at `to` (a phone number, queue or URL, per channel). */
  | { readonly type: 'transfer'; readonly to: string; readonly reason: string }
  /** Finish the conversation from our side. */
  | { readonly type: 'end'; readonly reason: string };

export interface ChannelCapabilities {
  /** Streams live audio both ways. */
  readonly audio: boolean;
  /** Carries typed text. */
  readonly text: boolean;
  /** Carries keypad digits. */
  readonly dtmf: boolean;
  /** Echoes playback marks, so barge-in can truncate at what was actually heard. */
  readonly playbackMarks: boolean;
  /** Delivers recorded audio messages instead of a live stream. */
  readonly voiceNotes: boolean;
  /** Can hand the customer to a person. */
  readonly transfer: boolean;
  /** Shows what both sides said as `transcript` events (the web widget). */
  readonly transcripts?: boolean;
  /** A hand-off goes to a phone number (the gateway's HUMAN_TRANSFER_NUMBER); chats hand over to staff otherwise. */
  readonly transferNeedsNumber?: boolean;
}

/** Who and what a connection is about, fixed when it opens. */
export interface ConnectionInfo {
  /** The conversation this connection belongs to (survives reconnects of the model). */
  readonly conversationId: string;
  /** BCP 47 tag, such as hi or pt-BR; the conversation may switch later. */
  readonly locale: string;
  /** The customer's address (phone number, WhatsApp id, visitor id). Personal data: log redacted only. */
  readonly from?: string;
  /** The business address that was reached (called number, WhatsApp number, site origin). */
  readonly to?: string;
  /** The vendor's own id for this call or chat (Twilio CallSid, ...). */
  readonly providerId?: string;
}

export type InboundHandler = (event: InboundEvent) => void;

/** One live customer on one channel. The channel owns it and closes it; the conversation drives it. */
export interface Connection {
  readonly id: string;
  readonly channel: string;
  readonly capabilities: ChannelCapabilities;
  readonly info: ConnectionInfo;
  /** Sets the receiver of inbound events. Events before this call are held, not lost. */
  listen(handler: InboundHandler): void;
  /** Never throws for a closed connection: late events are dropped. */
  send(event: OutboundEvent): void;
  /** Closes the transport. A hangup event follows if it was not already delivered. */
  close(reason: string): void;
}

/** A minimal HTTP request as channels see it, independent of the server framework. */
export interface HttpRequest {
  readonly method: string;
  /** The path with the query string, as received. */
  readonly url: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The public origin the client used (PUBLIC_URL, or derived from the Host header), such as https://example.com. */
  readonly publicOrigin: string;
  readonly remoteAddress: string;
  readonly rawBody: Uint8Array;
  /** application/x-www-form-urlencoded body fields. */
  readonly form: Readonly<Record<string, string>>;
}

export interface HttpReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

/** The server side of an accepted WebSocket, independent of the library behind it. */
export interface WireSocket {
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  onMessage(handler: (data: Uint8Array, isBinary: boolean) => void): void;
  onClose(handler: (code: number, reason: string) => void): void;
  /** Bytes queued in the kernel and library, for backpressure. */
  readonly bufferedAmount: number;
}

export interface WebSocketRoute {
  /** Returns a reply to refuse the upgrade (such as 403), or undefined to accept it. */
  authorize?(request: HttpRequest): Promise<HttpReply | undefined> | HttpReply | undefined;
  open(socket: WireSocket, request: HttpRequest): void;
  /** Largest inbound message accepted; larger ones close the socket with 1009. */
  readonly maxMessageBytes?: number;
}

/** How a channel publishes its endpoints. */
export interface ChannelHttp {
  /** OPTIONS answers CORS preflights of cross-site pages (the web widget). */
  route(method: 'GET' | 'POST' | 'DELETE' | 'OPTIONS', path: string, handler: (request: HttpRequest) => Promise<HttpReply> | HttpReply): void;
  websocket(path: string, route: WebSocketRoute): void;
}

/** Structured logger: personal data goes only under keys the root logger redacts. */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child(fields: object): Logger;
}

export interface ConversationRequest {
  readonly channel: string;
  /** What the connection will carry; the phone's (keypad, live audio) when unset. Shapes the warmed-up session. */
  readonly capabilities?: ChannelCapabilities;
  readonly locale?: string;
  readonly from?: string;
  readonly to?: string;
  readonly providerId?: string;
}

/** What the gateway gives a channel. */
export interface ChannelContext {
  readonly http: ChannelHttp;
  readonly store: Store;
  readonly log: Logger;
  /** Reserves a conversation before its connection exists (a phone webhook), so the model can warm up. */
  prepareConversation(request: ConversationRequest): Promise<{ conversationId: string; locale: string }>;
  /** Hands a new live connection to the orchestrator. */
  accept(connection: Connection): void;
  /** A text of the locale packs (`namespace:key`), for replies a channel writes itself (a voice note it cannot play). */
  translate(locale: string, key: string, vars?: Record<string, unknown>): string;
  /** Offers a way to message customers outside a conversation (a WhatsApp follow-up after a call). */
  registerMessenger?(channel: string, messenger: Messenger): void;
  /** Counts wire traffic for metrics. */
  countFrames(channel: string, direction: 'in' | 'out', frames: number): void;
}

/** Sends one message to a customer by their phone number (E.164), outside any conversation. */
export type Messenger = (to: string, text: string) => Promise<void>;

export interface Channel {
  readonly name: string;
  readonly capabilities: ChannelCapabilities;
  /** Registers routes and starts background work (such as a WhatsApp socket). */
  start(context: ChannelContext): Promise<void>;
  /** Stops accepting; live connections are ended by the conversations that own them. */
  stop(): Promise<void>;
}
