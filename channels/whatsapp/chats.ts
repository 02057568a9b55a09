// Routes inbound WhatsApp messages to conversations, one chat at a time and in order: stored first (the inbox), then
// read receipt, typing or recording indicator, voice notes downloaded and decoded to canonical audio, and the
// message handed to the chat's live connection, opened on demand. Whatever goes wrong with one message costs that
// message a clear reply in the customer's language, never the chat or any other chat.
import { randomUUID } from 'node:crypto';
import type { ChannelContext, ConnectionInfo, Logger } from '../../src/core/channel.ts';
import type { HandoffWebhook } from '../handoff-webhook.ts';
import { VoiceNoteError } from '../../src/audio/voice-note.ts';
import type { VoiceNoteCodec } from '../../src/audio/voice-note-codec.ts';
import { describeError } from '../../src/errors.ts';
import { ChatConnection } from './chat-connection.ts';
import type { Inbox } from './inbox.ts';
import { localeForNumber } from './locale-by-number.ts';
import type { Outbox } from './outbox.ts';
import type { IncomingMessage, TransportSink, WhatsAppTransport } from './transport.ts';

export interface ChatSettings {
  /** The model session closes after this long without a message either way. */
  readonly idleMs: number;
  /** How long a chat keeps its conversation after its last message (WhatsApp's customer service window). */
  readonly conversationTtlMs: number;
  readonly maxNoteSeconds: number;
  /** A voice-note reply is followed by its text. */
  readonly voiceTranscript: boolean;
  readonly defaultLocale: string;
  readonly locales: readonly string[];
  /** The business's own number, for the conversation record. */
  readonly businessNumber?: string;
}

export interface ChatsDeps {
  readonly context: Pick<ChannelContext, 'accept' | 'translate' | 'store'>;
  readonly inbox: Inbox;
  readonly outbox: Outbox;
  /** Encodes and decodes notes off the event loop. */
  readonly codec: VoiceNoteCodec;
  readonly settings: ChatSettings;
  readonly log: Logger;
  readonly alert: (kind: string, detail: Record<string, unknown>) => void;
  /** The business's hand-off webhook: when set, the agent can hand a chat to staff. */
  readonly handoff?: HandoffWebhook;
}

const conversationKey = (transport: string, chat: string): string => `whatsapp:chat:${transport}:${chat}`;
/** Set while staff have the chat: the agent stays out of it. */
const staffKey = (transport: string, chat: string): string => `whatsapp:staff:${transport}:${chat}`;

/** Message types that ask for no answer: reactions, system notices (a number change), poll votes, edits. */
const SILENT_TYPES: ReadonlySet<string> = new Set(['reaction', 'reactionMessage', 'system', 'pollUpdateMessage', 'editedMessage', 'keepInChatMessage', 'encReactionMessage']);

/** A conversation ending takes as long as closing its model session: up to a few seconds for a cloud socket. */
const HANDOVER_ATTEMPTS = 50;
const HANDOVER_RETRY_MS = 100;

export class Chats {
  private readonly live = new Map<string, ChatConnection>();
  private readonly lines = new Map<string, Promise<void>>();
  private readonly transports = new Map<string, { transport: WhatsAppTransport; active: () => boolean }>();
  private stopping = false;

  constructor(private readonly deps: ChatsDeps) {}

  /** What a transport delivers its messages to. */
  /** What a transport delivers its messages to; `active` says whether it can send now (for recovery). */
  sink(transport: WhatsAppTransport, active: () => boolean = () => true): TransportSink {
    this.transports.set(transport.name, { transport, active });
    return {
      receive: (message) => this.receive(transport, message),
      alert: (kind, detail) => {
        // A ban signal can arrive later than the send, in the message's acknowledgement: stop sending either way.
        if (kind === 'banned') {
          if (this.deps.outbox.isBanned(transport.name)) return; // alerted once already
          this.deps.outbox.ban(transport.name);
        }
        this.deps.alert(kind, { transport: transport.name, ...detail });
      },
    };
  }

  /** Stored, then processed in the background in the chat's order; resolves once stored. */
  async receive(transport: WhatsAppTransport, message: IncomingMessage): Promise<void> {
    if (!(await this.deps.inbox.accept(message))) {
      this.deps.log.debug({ transport: transport.name, messageId: message.id, kind: message.content.kind }, 'whatsapp: kept, not processed (duplicate or not yet readable)');
      return;
    }
    this.enqueue(transport, message);
  }

  /** Messages stored by an instance that stopped before handling them. */
  async recover(olderThanMs: number): Promise<number> {
    const messages = await this.deps.inbox.unhandled(olderThanMs);
    let recovered = 0;
    for (const message of messages) {
      const registered = this.transports.get(message.transport);
      if (!registered?.active()) continue; // that transport runs elsewhere, or is not linked on this instance
      this.enqueue(registered.transport, message);
      recovered++;
    }
    return recovered;
  }

  /** Stopping: quiet chats end now, the others once their answer is out; new messages wait for the next start. */
  closeAll(): void {
    this.stopping = true;
    for (const connection of [...this.live.values()]) connection.closeWhenQuiet('shutdown');
  }

  /** Resolves when every live chat has closed (their last answers sent), or after `timeoutMs`. */
  async whenClosed(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.live.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Live chats (a model session open). */
  get liveCount(): number {
    return this.live.size;
  }

  /** Waits for every message taken so far to be handed over (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.lines.size > 0) await Promise.all([...this.lines.values()]);
  }

  private enqueue(transport: WhatsAppTransport, message: IncomingMessage): void {
    const key = `${transport.name}:${message.chat}`;
    const next = (this.lines.get(key) ?? Promise.resolve())
      .then(() => this.process(transport, message))
      .catch((error: unknown) => this.deps.log.error({ transport: transport.name, messageId: message.id, err: describeError(error) }, 'whatsapp: message processing failed; it stays stored'));
    this.lines.set(key, next);
    void next.then(() => {
      if (this.lines.get(key) === next) this.lines.delete(key);
    });
  }

  private async process(transport: WhatsAppTransport, message: IncomingMessage): Promise<void> {
    const { inbox } = this.deps;
    void transport.markRead(message).catch(() => undefined);
    const content = message.content;
    if (await this.forwardToStaff(transport, message)) return;
    if (content.kind === 'text') {
      void transport.setPresence(message.chat, 'composing').catch(() => undefined);
      return this.handOver(transport, message, { type: 'text', text: content.text });
    }
    if (content.kind === 'audio') {
      const pcm = await this.readVoiceNote(transport, message);
      if (pcm === null) return;
      void transport.setPresence(message.chat, 'recording').catch(() => undefined);
      return this.handOver(transport, message, { type: 'voice_note', pcm });
    }
    const type = content.kind === 'unsupported' ? content.type : content.kind;
    if (SILENT_TYPES.has(type)) return inbox.settle(message, 'handled', `kept:${type}`); // a 👍 needs no answer
    this.deps.log.info({ transport: transport.name, messageId: message.id, type }, 'whatsapp: message type not handled; asked for text or a voice note');
    await this.replyWithNotice(transport, message, 'whatsapp:unsupportedMessage');
    await inbox.settle(message, 'rejected', `unsupported:${type}`);
  }

  /** A chat staff have taken: the message goes to the hand-off webhook, not to the agent. True when forwarded. */
  private async forwardToStaff(transport: WhatsAppTransport, message: IncomingMessage): Promise<boolean> {
    const { handoff, context, inbox } = this.deps;
    if (!handoff) return false;
    const held = await context.store.get(staffKey(transport.name, message.chat));
    if (held === null) return false;
    const { conversationId } = JSON.parse(held) as { conversationId: string };
    const content = message.content;
    const text = content.kind === 'text' ? content.text : content.kind === 'audio' ? '[voice note]' : `[${content.kind === 'unsupported' ? content.type : content.kind}]`;
    const sent = await handoff({ event: 'message', channel: 'whatsapp', conversationId, customer: message.phone ?? message.chat, text });
    // Not forwarded (the webhook is down): the message stays unsettled, so recovery offers it again later.
    if (sent) await inbox.settle(message, 'handled', 'staff');
    return true;
  }

  /** The agent handed the chat over: staff are told, and the agent stays out of the chat for the service window. */
  private async handOff(transport: WhatsAppTransport, chat: string, info: ConnectionInfo, reason: string): Promise<void> {
    const { handoff, context, settings } = this.deps;
    if (!handoff) return;
    await context.store.set(staffKey(transport.name, chat), JSON.stringify({ conversationId: info.conversationId, reason, at: Date.now() }), { ttlMs: settings.conversationTtlMs });
    await handoff({ event: 'handoff', channel: 'whatsapp', conversationId: info.conversationId, reason, ...(info.from ? { customer: info.from } : {}) });
  }

  /** The note as canonical audio, or null after telling the customer why it could not be used. */
  private async readVoiceNote(transport: WhatsAppTransport, message: IncomingMessage): Promise<Int16Array | null> {
    const { settings, log } = this.deps;
    let reason: string;
    let notice = 'whatsapp:voiceNoteUnreadable';
    try {
      const bytes = await transport.downloadAudio(message);
      return await this.deps.codec.decode(bytes, { maxSeconds: settings.maxNoteSeconds });
    } catch (error) {
      reason = error instanceof VoiceNoteError ? error.code : 'download_failed';
      if (reason === 'too_long') notice = 'whatsapp:voiceNoteTooLong';
      if (reason === 'empty') notice = 'whatsapp:voiceNoteEmpty';
      log.warn({ transport: transport.name, messageId: message.id, reason, err: describeError(error) }, 'whatsapp: voice note refused');
    }
    await this.replyWithNotice(transport, message, notice, { minutes: Math.floor(settings.maxNoteSeconds / 60) });
    await this.deps.inbox.settle(message, 'rejected', `voice_note:${reason}`);
    return null;
  }

  private async handOver(transport: WhatsAppTransport, message: IncomingMessage, event: { type: 'text'; text: string } | { type: 'voice_note'; pcm: Int16Array }): Promise<void> {
    // The chat's previous conversation may still be winding down (the manager refuses a second one meanwhile): try
    // again shortly. Stopping, or still refused after that, the message stays unsettled for a later recovery.
    for (let attempt = 0; attempt < HANDOVER_ATTEMPTS && !this.stopping; attempt++) {
      const connection = await this.connectionFor(transport, message);
      connection.deliver(event);
      if (!connection.isClosed) return this.deps.inbox.settle(message, 'handled');
      await new Promise((resolve) => setTimeout(resolve, HANDOVER_RETRY_MS));
    }
    this.deps.log.warn({ transport: transport.name, messageId: message.id }, 'whatsapp: no conversation could take the message now; it stays stored for recovery');
  }

  private async connectionFor(transport: WhatsAppTransport, message: IncomingMessage): Promise<ChatConnection> {
    const key = `${transport.name}:${message.chat}`;
    const existing = this.live.get(key);
    const { context, settings } = this.deps;
    const storeKey = conversationKey(transport.name, message.chat);
    const known = await context.store.get(storeKey);
    const conversationId = known ?? randomUUID();
    await context.store.set(storeKey, conversationId, { ttlMs: settings.conversationTtlMs });
    if (existing && !existing.isClosed) return existing;
    const info: ConnectionInfo = {
      conversationId,
      // A chat that carries on keeps the language its conversation settled on (the record's, when this is empty).
      locale: known ? '' : localeForNumber(message.phone, settings.locales, settings.defaultLocale),
      from: message.phone ?? message.chat,
      ...(settings.businessNumber ? { to: settings.businessNumber } : {}),
      providerId: message.chat,
    };
    const connection = new ChatConnection(
      info,
      {
        text: (text) => void this.sendText(transport, message.chat, text),
        voiceNote: (pcm, transcript) => void this.sendVoiceNote(transport, message.chat, pcm, transcript),
        ...(this.deps.handoff ? { handOff: (reason: string) => void this.handOff(transport, message.chat, info, reason).catch((error: unknown) => this.deps.log.error({ err: describeError(error) }, 'whatsapp: hand-off failed')) } : {}),
      },
      settings.idleMs,
      (closed) => {
        if (this.live.get(key) === closed) this.live.delete(key);
      },
    );
    this.live.set(key, connection);
    context.accept(connection);
    return connection;
  }

  private async replyWithNotice(transport: WhatsAppTransport, message: IncomingMessage, key: string, vars: Record<string, unknown> = {}): Promise<void> {
    const { context, settings } = this.deps;
    const live = this.live.get(`${transport.name}:${message.chat}`);
    // The live chat's language when there is one; the number's best guess otherwise.
    const locale = (live && !live.isClosed && live.info.locale) || localeForNumber(message.phone, settings.locales, settings.defaultLocale);
    await this.sendText(transport, message.chat, context.translate(locale, key, vars));
  }

  /**
   * A message to a customer by phone number, outside any chat (a follow-up after a call): through the Cloud API when
   * this instance has it, else through the linked Baileys number. Throws when it could not be sent.
   */
  async sendTo(phone: string, text: string): Promise<void> {
    const digits = /^\+?([1-9]\d{6,14})$/.exec(phone)?.[1];
    if (!digits) throw new Error(`not a phone number with its country code: ${phone.length} characters`);
    const cloud = this.transports.get('cloud');
    const baileys = this.transports.get('baileys');
    const via = cloud ?? (baileys?.active() ? baileys : undefined);
    if (!via) throw new Error('no WhatsApp number is linked on this instance');
    const chat = via.transport.name === 'cloud' ? digits : `${digits}@s.whatsapp.net`;
    if (!(await this.sendText(via.transport, chat, text))) throw new Error('WhatsApp did not take the message (see the logs: window closed, refused or banned)');
  }

  private sendText(transport: WhatsAppTransport, chat: string, text: string): Promise<boolean> {
    return this.deps.outbox.send(transport, chat, 'text', async (via) => {
      await via.sendText(chat, text);
      void via.setPresence(chat, 'paused').catch(() => undefined);
    });
  }

  private async sendVoiceNote(transport: WhatsAppTransport, chat: string, pcm: Int16Array, transcript: string | undefined): Promise<void> {
    await this.deps.outbox.send(transport, chat, 'voice_note', async (via) => {
      await via.sendVoiceNote(chat, await this.deps.codec.encode(pcm));
      void via.setPresence(chat, 'paused').catch(() => undefined);
    });
    if (transcript && this.deps.settings.voiceTranscript) await this.sendText(transport, chat, transcript);
  }
}
