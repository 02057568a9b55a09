// A model that answers every caller frame with the same frame, asynchronously as a network model would. Used by
// the benchmark to measure what the gateway itself costs, with no model work in the way.
import type { ModelCapabilities, ModelEventHandler, ModelSession, ModelSessionOptions, RealtimeModel } from '../../src/core/model.ts';

const CAPABILITIES: ModelCapabilities = {
  serverVad: false,
  // Claims speech events so the gateway runs no VAD of its own: the benchmark measures transport, and callers send a tone.
  speechStartEvents: true,
  truncation: false,
  inputSampleRate: 24_000,
  textInput: true,
  textOutput: true,
  audioOutput: true,
  toolCalls: false,
  local: true,
};

class EchoSession implements ModelSession {
  readonly capabilities = CAPABILITIES;
  private handler: ModelEventHandler = () => undefined;
  private readonly ring: Int16Array[];
  private next = 0;
  private closed = false;

  constructor(ringSize = 64) {
    // Echoed frames wait in a ring of reused buffers until the next tick.
    this.ring = Array.from({ length: ringSize }, () => new Int16Array(480));
  }

  listen(handler: ModelEventHandler): void {
    this.handler = handler;
    handler({ type: 'response_started', responseId: 'echo' });
  }

  sendAudio(frame: Int16Array): void {
    if (this.closed) return;
    const copy = this.ring[this.next]!;
    this.next = (this.next + 1) % this.ring.length;
    copy.set(frame);
    setImmediate(() => {
      if (!this.closed) this.handler({ type: 'audio', pcm: copy, responseId: 'echo', itemId: 'echo' });
    });
  }

  commitAudio(): void {}
  sendText(text: string): void {
    this.handler({ type: 'transcript', role: 'assistant', text });
  }
  sendDtmf(): void {}
  say(): void {}
  createResponse(): void {}
  cancelResponse(): void {}
  truncate(): void {}
  sendToolResult(): void {}
  setLocale(): void {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handler({ type: 'closed' });
  }
}

export function createEchoModel(): RealtimeModel {
  return {
    name: 'echo',
    capabilities: CAPABILITIES,
    connect: async (_options: ModelSessionOptions) => new EchoSession(),
  };
}
