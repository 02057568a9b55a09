// Gathers a model's spoken answer into one recording, for channels that deliver audio as a message (WhatsApp voice
// notes) instead of playing it live. One buffer per conversation, grown by doubling and reused between answers.
export class VoiceReply {
  private samples = new Int16Array(24_000 * 10);
  private length = 0;
  private transcript = '';

  add(pcm: Int16Array): void {
    if (this.length + pcm.length > this.samples.length) {
      const grown = new Int16Array(Math.max(this.samples.length * 2, this.length + pcm.length));
      grown.set(this.samples.subarray(0, this.length));
      this.samples = grown;
    }
    this.samples.set(pcm, this.length);
    this.length += pcm.length;
  }

  addTranscript(text: string): void {
    this.transcript = this.transcript ? `${this.transcript} ${text}` : text;
  }

  /** The answer so far as its own copy (the channel encodes it later), and a fresh start for the next one. */
  take(): { pcm: Int16Array; transcript: string } {
    const taken = { pcm: this.samples.slice(0, this.length), transcript: this.transcript };
    this.discard();
    return taken;
  }

  discard(): void {
    this.length = 0;
    this.transcript = '';
  }
}
