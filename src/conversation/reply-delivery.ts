// How the model's answers reach the customer on channels that are not a live call: a live transcript of both sides
// (the widget), the answer's text (chats), or, on voice-note channels, one recorded note per spoken answer with its
// transcript. Voice-note channels answer a voice note with a voice note and typed text with text.
import type { Connection } from '../core/channel.ts';
import type { ModelSession } from '../core/model.ts';
import { VoiceReply } from './voice-reply.ts';

export class ReplyDelivery {
  private modality: 'text' | 'audio' = 'text';
  /** Only on channels that deliver recorded audio instead of a live stream. */
  private readonly voiceReply: VoiceReply | null;

  constructor(
    private readonly connection: Connection,
    /** Told when an answer goes out: a voice note (its audio is the answer's first sound) or the answer's text. */
    private readonly onAnswer: (kind: 'audio' | 'text') => void,
  ) {
    const { capabilities } = connection;
    this.voiceReply = capabilities.voiceNotes && !capabilities.audio ? new VoiceReply() : null;
  }

  /** The next answers come as `modality` (a note answered by a note, text by text) on voice-note channels. */
  answerWith(session: ModelSession | null, modality: 'text' | 'audio'): void {
    if (!this.voiceReply) return;
    this.modality = modality;
    session?.replyWith?.(modality);
  }

  /** A new session (start, reconnect, fallback) answers the way the last message asks. */
  applyTo(session: ModelSession | null): void {
    if (this.voiceReply) session?.replyWith?.(this.modality);
  }

  transcript(role: 'user' | 'assistant', text: string): void {
    const { connection } = this;
    if (connection.capabilities.transcripts) return connection.send({ type: 'transcript', role, text });
    if (role !== 'assistant' || !connection.capabilities.text) return;
    if (this.voiceReply && this.modality === 'audio') this.voiceReply.addTranscript(text);
    else {
      this.onAnswer('text');
      connection.send({ type: 'text', text });
    }
  }

  /** Audio of an answer on a channel without a live stream: kept for the voice note, or dropped for a text answer. */
  audio(pcm: Int16Array): void {
    if (this.voiceReply && this.modality === 'audio') this.voiceReply.add(pcm);
  }

  /** The answer is complete: a voice-note channel gets it as one recording with its transcript. */
  answerDone(): void {
    const reply = this.voiceReply;
    if (!reply) return;
    if (this.modality !== 'audio') return reply.discard(); // a model that cannot answer in text only still spoke
    const { pcm, transcript } = reply.take();
    if (pcm.length === 0) {
      // Nothing was spoken (a text-only model): the words still reach the customer.
      if (transcript) {
        this.onAnswer('text');
        this.connection.send({ type: 'text', text: transcript });
      }
      return;
    }
    this.onAnswer('audio');
    this.connection.send({ type: 'voice_note', pcm, ...(transcript ? { transcript } : {}) });
  }
}
