// One WhatsApp chat as the conversation sees it: a Connection that lives while the customer writes and closes
// after a quiet spell, which ends the model session so that nothing bills while nobody writes. The conversation (its
// id, transcript and history) stays in the store and picks up again with the next message.
import type { ChannelCapabilities, Connection, ConnectionInfo, InboundEvent, InboundHandler, OutboundEvent } from '../../src/core/channel.ts';

export const WHATSAPP_CAPABILITIES: ChannelCapabilities = {
  audio: false,
  text: true,
  dtmf: false,
  playbackMarks: false,
  voiceNotes: true,
  transfer: false,
};

export interface ChatReplies {
  text(text: string): void;
  voiceNote(pcm: Int16Array, transcript: string | undefined): void;
  /** Hands the chat to staff (set only when the business has a hand-off webhook). */
  handOff?(reason: string): void;
}

export class ChatConnection implements Connection {
  readonly channel = 'whatsapp';
  readonly capabilities: ChannelCapabilities;
  readonly id: string;
  private handler: InboundHandler | undefined;
  private held: InboundEvent[] = [];
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The customer wrote and no answer has gone out since. */
  private awaitingReply = false;
  /** The gateway is stopping: close as soon as the pending answer is sent. */
  private closeAfterReply = false;

  constructor(
    readonly info: ConnectionInfo,
    private readonly replies: ChatReplies,
    private readonly idleMs: number,
    private readonly onClosed: (connection: ChatConnection, reason: string) => void,
  ) {
    this.id = `whatsapp-${info.conversationId}`;
    this.capabilities = replies.handOff ? { ...WHATSAPP_CAPABILITIES, transfer: true } : WHATSAPP_CAPABILITIES;
    this.touch();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  listen(handler: InboundHandler): void {
    this.handler = handler;
    const held = this.held;
    this.held = [];
    for (const event of held) handler(event);
  }

  /** A message from the customer. */
  deliver(event: InboundEvent): void {
    if (this.closed) return;
    this.touch();
    this.awaitingReply = true;
    if (this.handler) this.handler(event);
    else this.held.push(event);
  }

  send(event: OutboundEvent): void {
    if (this.closed) return;
    switch (event.type) {
      case 'text':
        this.replies.text(event.text);
        return this.replied();
      case 'voice_note':
        this.replies.voiceNote(event.pcm, event.transcript);
        return this.replied();
      case 'transfer':
        this.replies.handOff?.(event.reason);
        return;
      default:
        // Live audio, marks and clears have no meaning in a chat; an `end` needs no message of its own (the
        // goodbye was the last reply).
        return;
    }
  }

  /** Shutdown: a quiet chat closes now, one waiting for its answer right after the answer (the chat resumes later). */
  closeWhenQuiet(reason: string): void {
    if (!this.awaitingReply) return this.close(reason);
    this.closeAfterReply = true;
  }

  private replied(): void {
    this.awaitingReply = false;
    if (this.closeAfterReply) return this.close('shutdown');
    this.touch();
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.onClosed(this, reason);
    this.handler?.({ type: 'hangup', reason });
  }

  /** Each message either way restarts the quiet time. */
  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close('idle'), this.idleMs);
    this.idleTimer.unref();
  }
}
