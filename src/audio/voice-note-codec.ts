// Voice notes are coded in a worker thread: a 30 s reply is about a quarter second of Opus encoding, which on the
// main thread would stall the 20 ms pacing of every live call in the process. One worker, started on first use and
// restarted if it dies; jobs run in order.
import { Worker } from 'node:worker_threads';
import { VoiceNoteError, type EncodedVoiceNote, type VoiceNoteErrorCode } from './voice-note.ts';
import type { VoiceNoteJob, VoiceNoteJobResult } from './voice-note-worker.ts';

const WORKER_URL = new URL('./voice-note-worker.mjs', import.meta.url);

type Waiting = { resolve: (result: VoiceNoteJobResult) => void; reject: (error: Error) => void };

export class VoiceNoteCodec {
  private worker: Worker | undefined;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private closed = false;

  async encode(pcm: Int16Array): Promise<EncodedVoiceNote> {
    const result = await this.run({ id: 0, op: 'encode', pcm });
    if (!('ogg' in result)) throw new Error('the voice-note worker answered an encode with something else');
    return { ogg: result.ogg, seconds: result.seconds, waveform: result.waveform };
  }

  /** Throws VoiceNoteError as decodeVoiceNote does. */
  async decode(bytes: Uint8Array, options: { maxSeconds: number }): Promise<Int16Array> {
    const result = await this.run({ id: 0, op: 'decode', bytes, maxSeconds: options.maxSeconds });
    if (!('pcm' in result)) throw new Error('the voice-note worker answered a decode with something else');
    return result.pcm;
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private run(job: VoiceNoteJob): Promise<VoiceNoteJobResult & { ok: true }> {
    const id = ++this.nextId;
    const worker = this.start();
    return new Promise<VoiceNoteJobResult>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...job, id });
    }).then((result) => {
      if (result.ok) return result;
      if (result.code) throw new VoiceNoteError(result.code as VoiceNoteErrorCode, result.message);
      throw new Error(result.message);
    });
  }

  private start(): Worker {
    if (this.closed) throw new Error('the voice-note codec is closed');
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_URL);
    worker.unref();
    worker.on('message', (result: VoiceNoteJobResult) => {
      const waiting = this.waiting.get(result.id);
      this.waiting.delete(result.id);
      waiting?.resolve(result);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the voice-note worker stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}
