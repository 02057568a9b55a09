// What the WhatsApp channel needs from a way of reaching WhatsApp. Two transports implement it: Baileys (the
// WhatsApp Web protocol, paired by QR or code) and the official Cloud API (webhooks and the Graph API). Everything
// above this line (inbox, per-contact conversations, voice notes, pacing) is shared by both.

export type TransportName = 'baileys' | 'cloud';

/** What a message holds, once unwrapped from the vendor's envelope. */
export type MessageContent =
  | { readonly kind: 'text'; readonly text: string }
  /** Audio to download with `downloadAudio`; `ptt` is set for voice notes recorded in the app. */
  | { readonly kind: 'audio'; readonly mimeType: string; readonly ptt: boolean; readonly seconds?: number }
  /**
   * A message that could not be decrypted yet (Baileys' CIPHERTEXT stub). It is kept, not answered, and not marked
   * as handled: the sender's phone resends it under the same key, and the resend must get through.
   */
  | { readonly kind: 'pending'; readonly reason: string }
  /** Images, stickers, locations, reactions...: kept and logged; the customer is asked for text or a voice note. */
  | { readonly kind: 'unsupported'; readonly type: string };

export interface IncomingMessage {
  readonly transport: TransportName;
  /** The vendor's message id: with `chat`, the key that deduplicates redeliveries. */
  readonly id: string;
  /** Where replies go: a JID for Baileys (`...@s.whatsapp.net` or `...@lid`), a phone number (digits) for the Cloud API. */
  readonly chat: string;
  /** The customer's phone number in E.164 (`+91...`) when known, for the conversation record and locale. */
  readonly phone?: string;
  /** The name the customer set in WhatsApp, when given. */
  readonly pushName?: string;
  /** Seconds since the epoch, as WhatsApp stamps it. */
  readonly timestamp: number;
  readonly content: MessageContent;
  /** The vendor's message as JSON, kept in the store before anything is done with it. */
  readonly raw: string;
}

export interface OutgoingVoiceNote {
  /** Mono Ogg/Opus. */
  readonly ogg: Uint8Array;
  readonly seconds: number;
  /** 64 values from 0 to 100, as WhatsApp draws the note. */
  readonly waveform: Uint8Array;
}

export type Presence = 'composing' | 'recording' | 'paused';

/** Why a send failed, as far as the shared layer needs to know. */
export class SendError extends Error {
  constructor(
    message: string,
    /** `banned`: 463 or a similar signal, never retried and alerted. `window`: outside the 24-hour window. */
    readonly kind: 'retryable' | 'rejected' | 'banned' | 'window',
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SendError';
  }
}

export interface WhatsAppTransport {
  readonly name: TransportName;
  /** The audio of an `audio` message, as sent (Ogg/Opus for voice notes). Throws with a clear message when it cannot. */
  downloadAudio(message: IncomingMessage): Promise<Uint8Array>;
  sendText(chat: string, text: string): Promise<void>;
  sendVoiceNote(chat: string, note: OutgoingVoiceNote): Promise<void>;
  /** Best effort: typing or recording indicators are not worth failing a reply for. */
  setPresence(chat: string, presence: Presence): Promise<void>;
  /** Best effort read receipt. */
  markRead(message: IncomingMessage): Promise<void>;
}

/** Given to a transport when it starts: where its messages go and how it raises an operator alert. */
export interface TransportSink {
  /**
   * Every inbound message, `notify` and `append` alike. Resolves once the message is safely in the store, so a
   * transport that can delay its acknowledgement should wait for it; processing continues after that.
   */
  receive(message: IncomingMessage): Promise<void>;
  /** Something an operator must act on: logged out (re-pair), forbidden, banned (463), window closed. */
  alert(kind: string, detail: Record<string, unknown>): void;
}
