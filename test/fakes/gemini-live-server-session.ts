// One connection to the fake Gemini Live server: a scripted model behind the real protocol. It answers a user turn
// with a model turn of audible 24 kHz PCM (a 440 Hz tone) in several inlineData chunks with its transcription,
// then generationComplete, turnComplete with usage, and a fresh resumption handle. It hears speech in the caller's
// audio (a level threshold standing in for server VAD): loud audio while it talks interrupts it, and the end of
// speech (300 ms quiet, or audioStreamEnd) starts an answer. A user text containing the tool trigger makes it
// call the tool and wait for the result before answering.
import type { WebSocket } from 'ws';
import { int16FromBytes, rmsDbfs, sine } from '../../src/audio/pcm.ts';
import type { ClientMessage, Content, LiveSetup } from './gemini-live-server-schemas.ts';

export interface FakeToolScript {
  readonly trigger: string;
  readonly name: string;
  readonly args: Record<string, unknown>;
}

/** What the server side shares with each connection. */
export interface FakeHost {
  readonly chunkMs: number;
  readonly chunkIntervalMs: number;
  readonly tool: FakeToolScript;
  violation(connection: number, message: string): void;
  issueHandle(connection: FakeConnection): string;
  count(counter: 'audioMessages' | 'textTurns' | 'toolCalls' | 'toolResponses' | 'interruptions' | 'replies' | 'repliesEnded', by?: number): void;
}

/** What the tests can read about one connection. */
export interface FakeConnection {
  readonly id: number;
  readonly key: string | null;
  /** Order of events across the server (opened, closed), so tests can say "after". */
  readonly openedSeq: number;
  closedSeq: number | undefined;
  setup: LiveSetup | undefined;
  /** The handle this connection resumed, when it did. */
  resumedFrom: string | undefined;
  /** Turns sent as context (clientContent with turnComplete false). */
  readonly historyTurns: Content[];
  /** Everything the fake model knows of the conversation. */
  context: Content[];
  readonly issuedHandles: string[];
  audioSamples: number;
  readonly audioMimeTypes: Set<string>;
  readonly pendingCalls: Map<string, string>;
}

const LOUD_DBFS = -35;
const END_OF_SPEECH_MS = 300;
const SAY = /say exactly[^"“]*["“]([\s\S]+)["”]\s*$/iu;
const tones = new Map<number, string>();

/** base64 of one chunk of a 440 Hz tone at -12 dBFS, 24 kHz: clearly audible, never silence. */
function toneChunk(chunkMs: number): string {
  let tone = tones.get(chunkMs);
  if (!tone) {
    const pcm = sine(440, 24_000, (24_000 * chunkMs) / 1000, -12);
    tone = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
    tones.set(chunkMs, tone);
  }
  return tone;
}

export class FakeLiveSession {
  #reply: { cancelled: boolean } | undefined;
  #speaking = false;
  #quietMs = 0;

  /** The client turned the server's VAD off and brackets turns with activityStart/activityEnd (voice notes). */
  get #manualActivity(): boolean {
    return this.record.setup?.realtimeInputConfig?.automaticActivityDetection?.disabled === true;
  }
  #calls = 0;

  constructor(
    readonly record: FakeConnection,
    readonly socket: WebSocket,
    readonly host: FakeHost,
  ) {}

  send(message: object): void {
    // Like the real service, JSON in binary frames.
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(Buffer.from(JSON.stringify(message)), { binary: true });
  }

  handle(message: ClientMessage): void {
    if ('clientContent' in message) return this.#clientContent(message.clientContent.turns ?? [], message.clientContent.turnComplete ?? false);
    if ('toolResponse' in message) return this.#toolResponse(message.toolResponse.functionResponses);
    if ('realtimeInput' in message) {
      const input = message.realtimeInput;
      if ('audio' in input) return this.#audio(input.audio.data, input.audio.mimeType);
      if ('audioStreamEnd' in input) return this.#endOfSpeech();
      if ('activityStart' in input) {
        if (!this.#manualActivity) return this.host.violation(this.record.id, 'activityStart while automatic activity detection is on');
        this.interrupt();
        this.#speaking = true;
        return;
      }
      if ('activityEnd' in input) return this.#endOfSpeech();
      return this.#clientContent([{ role: 'user', parts: [{ text: input.text }] }], true);
    }
  }

  interrupt(): void {
    const reply = this.#reply;
    if (!reply) return;
    reply.cancelled = true;
    this.#reply = undefined;
    this.host.count('interruptions');
    this.send({ serverContent: { interrupted: true } });
    this.send({ serverContent: { turnComplete: true } });
    this.#resumable();
  }

  cancelToolCalls(): string[] {
    const ids = [...this.record.pendingCalls.keys()];
    this.record.pendingCalls.clear();
    if (ids.length > 0) this.send({ toolCallCancellation: { ids } });
    return ids;
  }

  stop(): void {
    if (this.#reply) this.#reply.cancelled = true;
    this.#reply = undefined;
  }

  #clientContent(turns: Content[], turnComplete: boolean): void {
    this.record.context.push(...turns);
    if (!turnComplete) {
      this.record.historyTurns.push(...turns);
      return;
    }
    this.host.count('textTurns');
    // A client turn replaces whatever the model was saying.
    this.interrupt();
    const said = turns.flatMap((turn) => (turn.role === 'user' ? turn.parts.map((part) => part.text) : [])).join(' ');
    if (said.toLowerCase().includes(this.host.tool.trigger.toLowerCase())) return this.#callTool();
    void this.#speak(this.#answerTo(said));
  }

  #answerTo(said: string): string {
    const quoted = SAY.exec(said);
    if (quoted) return quoted[1]!;
    if (/story/iu.test(said)) return Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    if (said.trim() === '' || /respond now/iu.test(said)) return 'How can I help you today?';
    return `You said: ${said}`;
  }

  #callTool(): void {
    const id = `call-${this.record.id}-${++this.#calls}`;
    this.record.pendingCalls.set(id, this.host.tool.name);
    this.host.count('toolCalls');
    this.send({ sessionResumptionUpdate: { resumable: false } });
    this.send({ toolCall: { functionCalls: [{ id, name: this.host.tool.name, args: this.host.tool.args }] } });
  }

  #toolResponse(responses: readonly { id: string; name: string; response: Record<string, unknown> }[]): void {
    for (const response of responses) {
      const name = this.record.pendingCalls.get(response.id);
      if (name === undefined) this.host.violation(this.record.id, `toolResponse for ${response.id}, which is not a pending call`);
      else if (name !== response.name) this.host.violation(this.record.id, `toolResponse names ${response.name}, the call was ${name}`);
      this.record.pendingCalls.delete(response.id);
      this.host.count('toolResponses');
      void this.#speak(`Done: ${JSON.stringify(response.response)}`);
    }
  }

  #audio(data: string, mimeType: string): void {
    this.host.count('audioMessages');
    this.record.audioMimeTypes.add(mimeType);
    const bytes = Buffer.from(data, 'base64');
    if (bytes.length % 2 !== 0) return this.host.violation(this.record.id, `audio of ${bytes.length} bytes is not whole PCM16 samples`);
    const samples = int16FromBytes(bytes);
    this.record.audioSamples += samples.length;
    const ms = (samples.length * 1000) / 16_000;
    if (this.#manualActivity) return; // the client says where the turn ends
    if (rmsDbfs(samples) > LOUD_DBFS) {
      this.interrupt();
      this.#speaking = true;
      this.#quietMs = 0;
    } else if (this.#speaking) {
      this.#quietMs += ms;
      if (this.#quietMs >= END_OF_SPEECH_MS) this.#endOfSpeech();
    }
  }

  #endOfSpeech(): void {
    if (!this.#speaking) return;
    this.#speaking = false;
    this.#quietMs = 0;
    const heard = 'I would like an appointment';
    this.record.context.push({ role: 'user', parts: [{ text: heard }] });
    this.send({ serverContent: { inputTranscription: { text: heard } } });
    void this.#speak('I heard you.');
  }

  async #speak(words: string): Promise<void> {
    const reply = { cancelled: false };
    this.#reply = reply;
    this.host.count('replies');
    this.send({ sessionResumptionUpdate: { resumable: false } });
    const audio = this.record.setup?.generationConfig.responseModalities[0] !== 'TEXT';
    const tokens = words.split(' ');
    const chunks = Math.min(60, Math.max(3, tokens.length));
    for (let i = 0; i < chunks; i++) {
      await new Promise((resolve) => setTimeout(resolve, this.host.chunkIntervalMs));
      if (reply.cancelled) return this.host.count('repliesEnded');
      const piece = tokens.slice(Math.floor((i * tokens.length) / chunks), Math.floor(((i + 1) * tokens.length) / chunks)).join(' ');
      const text = i === 0 ? piece : piece && ` ${piece}`;
      const parts = audio ? [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: toneChunk(this.host.chunkMs) } }] : text ? [{ text }] : [];
      this.send({ serverContent: { ...(parts.length > 0 ? { modelTurn: { parts } } : {}), ...(audio && text ? { outputTranscription: { text } } : {}) } });
    }
    this.#reply = undefined;
    this.record.context.push({ role: 'model', parts: [{ text: words }] });
    this.send({ serverContent: { generationComplete: true } });
    this.send({
      serverContent: { turnComplete: true },
      usageMetadata: { promptTokenCount: 40 + 10 * this.record.context.length, responseTokenCount: 25 * chunks, totalTokenCount: 40 + 25 * chunks },
    });
    this.host.count('repliesEnded');
    this.#resumable();
  }

  #resumable(): void {
    this.send({ sessionResumptionUpdate: { newHandle: this.host.issueHandle(this.record), resumable: true } });
  }
}
