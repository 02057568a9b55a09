// A browser's side of the voice widget, in-process: the page's two POSTs (session, offer) with its Origin header, and
// a werift peer connection that behaves like the widget's — one sendrecv audio track carrying real Opus encoded from
// a PCM source at real-time pace, and the "chat" data channel (ordered) the page creates. What arrives is kept for
// the test: every RTP header, the audio decoded back to 24 kHz PCM (to measure its level), and every data-channel
// message. Like a browser on this machine it offers a loopback candidate and none on documentation addresses.
import { EventEmitter } from 'node:events';
import { RTCPeerConnection, RtpHeader, RtpPacket, type RTCDataChannel, type RTCRtpTransceiver } from 'werift';
import { FRAME_MS, FRAME_SAMPLES } from '../../src/core/audio.ts';
import { rmsDbfs } from '../../src/audio/pcm.ts';
import { OpusFrameDecoder, OpusFrameEncoder } from '../../src/audio/opus.ts';
import { waitUntil } from '../wait.ts';

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  /** The parsed JSON body, or the text when it is not JSON. */
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** POSTs `body` (an object as JSON, a string as is) the way a page's fetch does, with its Origin. */
export async function postJson(url: string, body: unknown, options: { origin?: string; contentType?: string } = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
  if (options.origin !== undefined) headers.origin = options.origin;
  const response = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

export interface ReceivedRtp {
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly marker: boolean;
  readonly ssrc: number;
  readonly payloadType: number;
}

/** A JSON message the gateway sent over the data channel. */
export type ChatMessage = { readonly type: string } & Record<string, unknown>;

export interface ClientOptions {
  /** Whether the page opens the chat data channel (it always does; false tests an offer without one). */
  readonly dataChannel?: boolean;
}

export class WebRtcClient {
  readonly pc: RTCPeerConnection;
  readonly rtp: ReceivedRtp[] = [];
  readonly messages: ChatMessage[] = [];
  /** Data-channel messages that were not JSON (the gateway never sends those). */
  readonly unreadable: string[] = [];
  conversationId: string | undefined;
  readonly #transceiver: RTCRtpTransceiver;
  readonly #channel: RTCDataChannel | undefined;
  readonly #decoder = new OpusFrameDecoder();
  readonly #chunks: Int16Array[] = [];
  #receivedSamples = 0;
  readonly #updates = new EventEmitter();
  #sequence = Math.floor(Math.random() * 0x10000);
  #timestamp = Math.floor(Math.random() * 0x100000000);
  #streaming: Promise<void> | undefined;
  #stopStreaming = false;

  constructor(options: ClientOptions = {}) {
    this.#updates.setMaxListeners(100);
    // max-bundle, as browsers bundle: werift 0.24 otherwise never closes the sockets of the m-lines it bundled away.
    this.pc = new RTCPeerConnection({ iceServers: [], iceAdditionalHostAddresses: ['127.0.0.1'], bundlePolicy: 'max-bundle' });
    this.#transceiver = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.pc.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((packet) => {
        const { header } = packet;
        this.rtp.push({ sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, marker: header.marker, ssrc: header.ssrc, payloadType: header.payloadType });
        const pcm = this.#decoder.decode(packet.payload);
        this.#chunks.push(pcm.slice());
        this.#receivedSamples += pcm.length;
        this.#updates.emit('update');
      });
    });
    if (options.dataChannel !== false) {
      const channel = this.pc.createDataChannel('chat', { ordered: true });
      channel.onMessage.subscribe((data) => {
        const text = typeof data === 'string' ? data : data.toString('utf8');
        try {
          this.messages.push(JSON.parse(text) as ChatMessage);
        } catch {
          this.unreadable.push(text);
        }
        this.#updates.emit('update');
      });
      channel.stateChanged.subscribe(() => this.#updates.emit('update'));
      this.#channel = channel;
    }
    this.pc.connectionStateChange.subscribe(() => this.#updates.emit('update'));
  }

  /** Our offer, complete with candidates (non-trickle, as the widget sends it). */
  async createOffer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    if (this.pc.iceGatheringState !== 'complete') await this.pc.iceGatheringStateChange.watch((state) => state === 'complete', 5000);
    return withoutDocumentationCandidates(this.pc.localDescription!.sdp);
  }

  async applyAnswer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
  }

  /**
   * The widget's whole start: POST /widget/session, offer, POST /widget/offer, apply the answer, wait for the data
   * channel to open. Throws with the status and body when the gateway refuses.
   */
  async connect(baseUrl: string, options: { origin?: string; locale?: string; timeoutMs?: number } = {}): Promise<void> {
    const origin = options.origin ?? baseUrl;
    const session = await postJson(`${baseUrl}/widget/session`, options.locale ? { locale: options.locale } : {}, { origin });
    if (session.status !== 200) throw new Error(`session refused: ${session.status} ${JSON.stringify(session.body)}`);
    const sdp = await this.createOffer();
    const answer = await postJson(`${baseUrl}/widget/offer`, { token: session.body.token, sdp, ...(options.locale ? { locale: options.locale } : {}) }, { origin });
    if (answer.status !== 200) throw new Error(`offer refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    this.conversationId = answer.body.conversationId;
    await this.applyAnswer(answer.body.sdp);
    await this.waitFor(() => this.channelState === 'open', 'the chat data channel to open', options.timeoutMs ?? 5000);
  }

  get connectionState(): string {
    return this.pc.connectionState;
  }

  get channelState(): string {
    return this.#channel?.readyState ?? 'none';
  }

  /** Sends a message on the chat channel: an object as JSON, a string or bytes as they are. */
  send(message: object | string | Buffer): void {
    if (!this.#channel) throw new Error('this client has no data channel');
    this.#channel.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  sendText(text: string): void {
    this.send({ type: 'text', text });
  }

  hangUp(): void {
    this.send({ type: 'hangup' });
  }

  /** Closes the chat channel, as a page does when it goes away (a browser closing its peer also resets it). */
  closeChannel(): void {
    this.#channel?.close();
  }

  /** Messages of one type received so far. */
  messagesOf(type: string): ChatMessage[] {
    return this.messages.filter((message) => message.type === type);
  }

  /** The `state` values received, in order. */
  get states(): string[] {
    return this.messagesOf('state').map((message) => String(message.state));
  }

  /**
   * Plays `pcm` (24 kHz) into the call as 20 ms Opus packets at real-time pace, then `trailingSilenceMs` of silence
   * (so a voice detector hears the end of the turn). Resolves when the last packet is sent.
   */
  streamAudio(pcm: Int16Array, trailingSilenceMs = 0): Promise<void> {
    const encoder = new OpusFrameEncoder();
    const frames = Math.ceil(pcm.length / FRAME_SAMPLES) + Math.ceil(trailingSilenceMs / FRAME_MS);
    const frame = new Int16Array(FRAME_SAMPLES);
    this.#stopStreaming = false;
    const started = performance.now();
    const run = async (): Promise<void> => {
      for (let i = 0; i < frames && !this.#stopStreaming; i++) {
        frame.fill(0);
        const from = i * FRAME_SAMPLES;
        if (from < pcm.length) frame.set(pcm.subarray(from, Math.min(from + FRAME_SAMPLES, pcm.length)));
        this.sendOpus(encoder.encode(frame));
        const next = started + (i + 1) * FRAME_MS;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
      }
    };
    this.#streaming = run();
    return this.#streaming;
  }

  /** Sends one Opus packet as the next RTP packet (also for tests of lost and garbage packets). */
  sendOpus(payload: Uint8Array, options: { skipSequence?: number } = {}): void {
    this.#sequence = (this.#sequence + 1 + (options.skipSequence ?? 0)) & 0xffff;
    this.#timestamp = (this.#timestamp + 960 * (1 + (options.skipSequence ?? 0))) >>> 0;
    const payloadType = this.#transceiver.codecs[0]?.payloadType ?? 96;
    const header = new RtpHeader({ payloadType, sequenceNumber: this.#sequence, timestamp: this.#timestamp, marker: false });
    void this.#transceiver.sender.sendRtp(new RtpPacket(header, Buffer.from(payload))).catch(() => undefined);
  }

  /** Milliseconds of audio received. */
  get receivedMs(): number {
    return (this.#receivedSamples * 1000) / 24_000;
  }

  /** The received audio from `fromMs` on, concatenated at 24 kHz. */
  receivedPcm(fromMs = 0): Int16Array {
    const all = new Int16Array(this.#receivedSamples);
    let at = 0;
    for (const chunk of this.#chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return all.subarray(Math.min(all.length, Math.floor((fromMs * 24_000) / 1000)));
  }

  /** RMS level in dBFS of what was received from `fromMs` on. */
  receivedDbfs(fromMs = 0): number {
    return rmsDbfs(this.receivedPcm(fromMs));
  }

  waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    return waitUntil(this.#updates, predicate, what, timeoutMs);
  }

  waitForAudio(minMs: number, timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.receivedMs >= minMs, `${minMs} ms of audio (have ${this.receivedMs.toFixed(0)})`, timeoutMs);
  }

  /** Resolves with the first message matching, received before or after the call. */
  async waitForMessage(predicate: (message: ChatMessage) => boolean, what: string, timeoutMs = 5000): Promise<ChatMessage> {
    await this.waitFor(() => this.messages.some(predicate), what, timeoutMs);
    return this.messages.find(predicate)!;
  }

  /** The gateway closed the data channel or the connection. */
  waitForClosed(timeoutMs = 5000): Promise<void> {
    return this.waitFor(() => this.channelState === 'closed' || ['closed', 'failed'].includes(this.connectionState), 'the gateway to close the call', timeoutMs);
  }

  async close(): Promise<void> {
    this.#stopStreaming = true;
    await this.#streaming;
    await this.pc.close();
  }
}

function withoutDocumentationCandidates(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !(line.startsWith('a=candidate:') && / 192\.0\.2\.\d+ /.test(line)))
    .join('\r\n');
}
