// Runs in a worker thread: encodes and decodes voice notes away from the event loop that paces live calls.
import { parentPort } from 'node:worker_threads';
import { decodeVoiceNote, encodeVoiceNote, VoiceNoteError } from './voice-note.ts';

export type VoiceNoteJob =
  | { readonly id: number; readonly op: 'encode'; readonly pcm: Int16Array }
  | { readonly id: number; readonly op: 'decode'; readonly bytes: Uint8Array; readonly maxSeconds: number };

export type VoiceNoteJobResult =
  | { readonly id: number; readonly ok: true; readonly ogg: Uint8Array; readonly seconds: number; readonly waveform: Uint8Array }
  | { readonly id: number; readonly ok: true; readonly pcm: Int16Array }
  | { readonly id: number; readonly ok: false; readonly code?: string; readonly message: string };

parentPort?.on('message', (job: VoiceNoteJob) => {
  try {
    if (job.op === 'encode') {
      const note = encodeVoiceNote(job.pcm);
      parentPort!.postMessage({ id: job.id, ok: true, ...note } satisfies VoiceNoteJobResult, [note.ogg.buffer as ArrayBuffer]);
    } else {
      const pcm = decodeVoiceNote(job.bytes, { maxSeconds: job.maxSeconds });
      parentPort!.postMessage({ id: job.id, ok: true, pcm } satisfies VoiceNoteJobResult, [pcm.buffer as ArrayBuffer]);
    }
  } catch (error) {
    const code = error instanceof VoiceNoteError ? error.code : undefined;
    parentPort!.postMessage({ id: job.id, ok: false, ...(code ? { code } : {}), message: error instanceof Error ? error.message : String(error) } satisfies VoiceNoteJobResult);
  }
});
