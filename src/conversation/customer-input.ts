// What the customer types, keys in or records, on its way to the model: typed text (redacted for cloud models when
// asked), keypad digits, and voice notes sent whole as one turn. What arrives while no model session is open
// (connecting, reconnecting) is kept and delivered, in order, once one is.
import type { ModelSession } from '../core/model.ts';
import { CANONICAL_SAMPLE_RATE, FRAME_SAMPLES } from '../core/audio.ts';
import type { ReplyDelivery } from './reply-delivery.ts';
import type { TranscriptEntry } from './records.ts';

export type CustomerMessage = { readonly kind: 'text' | 'dtmf'; readonly value: string } | { readonly kind: 'voice'; readonly pcm: Int16Array };

/** What the input path needs from its conversation. */
export interface CustomerInputHost {
  readonly replies: ReplyDelivery;
  session(): ModelSession | null;
  locale(): string;
  /** Typed text may switch the conversation's language before it is answered. */
  followLanguage(text: string): void;
  record(entry: Omit<TranscriptEntry, 'at'>): void;
  /** The customer's turn is over (timing, the per-turn tool ceiling). */
  turnEnded(): void;
  /** Audio sent to the model, for the usage figures. */
  audioSent(ms: number): void;
  /** Removes personal identifiers from typed text bound for a cloud model (REDACT_MODEL_INPUT). */
  readonly redact?: (text: string, locale: string) => string;
}

export class CustomerInput {
  private pending: CustomerMessage[] = [];

  constructor(private readonly host: CustomerInputHost) {}

  /** Passes typed text, a key or a voice note to the model, or keeps it until a session is open. */
  deliver(input: CustomerMessage): void {
    const { host } = this;
    const session = host.session();
    if (!session) {
      this.pending.push(input);
      return;
    }
    if (input.kind === 'voice') return this.deliverVoiceNote(session, input.pcm);
    const { kind, value } = input;
    if (kind === 'text') {
      host.followLanguage(value);
      host.replies.answerWith(session, 'text');
    }
    host.record({ role: 'user', kind, text: value });
    host.turnEnded();
    if (kind === 'text') session.sendText(host.redact && !session.capabilities.local ? host.redact(value, host.locale()) : value);
    else session.sendDtmf(value);
  }

  /** Delivers what was kept while no session was open; false when there was nothing. */
  flush(): boolean {
    const pending = this.pending;
    this.pending = [];
    for (const input of pending) this.deliver(input);
    return pending.length > 0;
  }

  /** A whole recorded message is one turn: its frames, then the end of the turn; the answer comes as a voice note. */
  private deliverVoiceNote(session: ModelSession, pcm: Int16Array): void {
    const { host } = this;
    host.record({ role: 'user', kind: 'event', text: `voice note (${(pcm.length / CANONICAL_SAMPLE_RATE).toFixed(1)} s)` });
    host.audioSent((pcm.length / CANONICAL_SAMPLE_RATE) * 1000);
    host.replies.answerWith(session, 'audio');
    for (let offset = 0; offset < pcm.length; offset += FRAME_SAMPLES) {
      if (offset + FRAME_SAMPLES <= pcm.length) session.sendAudio(pcm.subarray(offset, offset + FRAME_SAMPLES));
      else {
        const last = new Int16Array(FRAME_SAMPLES); // the tail, padded with silence to a whole frame
        last.set(pcm.subarray(offset));
        session.sendAudio(last);
      }
    }
    session.commitAudio();
    host.turnEnded();
  }
}
