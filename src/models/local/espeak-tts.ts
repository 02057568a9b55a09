// Offline speech synthesis for the local engine: eSpeak NG (wasm) in a worker thread, resampled from its native
// 22,050 Hz to the canonical 24 kHz, with an LRU cache so a repeated prompt (the menu, the greeting) costs nothing.
import { Worker } from 'node:worker_threads';
import { CANONICAL_SAMPLE_RATE } from '../../core/audio.ts';
import { createResampler, initAudio } from '../../audio/resampler.ts';
import type { StreamingResampler } from '../../audio/resampler.ts';
import { DEFAULT_LOCALE } from '../../i18n/i18n.ts';
import { LOCALE_VOICES, voiceProfile } from '../../i18n/voices.ts';
import { PromptCache } from './prompt-cache.ts';

/** What eSpeak NG produces; the worker reports the real value at start-up and the constructor checks it. */
export const ESPEAK_SAMPLE_RATE = 22_050;

/**
 * eSpeak voices for regional accents of a language whose texts are shared: en-US callers read the English texts
 * with the American voice. Everything else follows the texts (src/i18n/voices.ts), so a voice never reads text
 * written for another variety (pt-PT callers get Brazilian texts, read by the Brazilian voice).
 */
const ACCENT_VOICES: Readonly<Record<string, string>> = {
  'en-us': 'en-us',
};

export const DEFAULT_VOICE = LOCALE_VOICES[DEFAULT_LOCALE].espeak;

/** The eSpeak voice for a session's locale: the voice of the language its texts are in (en-IN -> British "en"). */
export function voiceFor(locale: string): string {
  const lower = locale.toLowerCase().replace(/_/gu, '-');
  return ACCENT_VOICES[lower] ?? voiceProfile(locale).espeak;
}

export interface EspeakTtsOptions {
  /** Bytes of 24 kHz audio kept; 32 MB is about 11 minutes, far more than every prompt in every language. */
  readonly cacheBytes?: number;
  /** Words per minute; eSpeak's default is 175. */
  readonly rate?: number;
  /** A stuck worker is restarted after this long. */
  readonly timeoutMs?: number;
  /** Voices synthesized once at start-up, so the first caller does not pay for loading a voice's dictionary. */
  readonly warmVoices?: readonly string[];
}

export interface TtsStats {
  readonly hits: number;
  readonly misses: number;
  readonly cachedBytes: number;
  readonly cachedPrompts: number;
}

interface Pending {
  readonly resolve: (pcm: Int16Array) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

type WorkerReply = { type: 'ready'; sampleRate: number; voices: string[] } | { id: number; pcm: Int16Array } | { id: number; error: string };

const WORKER_URL = new URL('./espeak-worker.mjs', import.meta.url);
const WARM_UP_TEXT = '1, 2, 3, 4, 5, 6, 7, 8, 9, 10. 11, 12, 13, 14, 15, 16, 17, 18, 19, 20.';

export class EspeakTts {
  readonly #cache: PromptCache;
  readonly #inflight = new Map<string, Promise<Int16Array>>();
  readonly #pending = new Map<number, Pending>();
  readonly #rate: number;
  readonly #timeoutMs: number;
  #worker: Promise<Worker> | undefined;
  #current: Worker | undefined;
  #nextId = 1;
  #hits = 0;
  #misses = 0;
  #closed = false;
  #voices: readonly string[] = [];

  private constructor(options: EspeakTtsOptions) {
    this.#cache = new PromptCache(options.cacheBytes ?? 32 * 1024 * 1024);
    this.#rate = options.rate ?? 175;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Starts the worker and waits until eSpeak is loaded (about 100 ms) and the warm voices are ready. */
  static async create(options: EspeakTtsOptions = {}): Promise<EspeakTts> {
    await initAudio();
    const tts = new EspeakTts(options);
    await tts.#start();
    // Digits, because every voice reads them in its own language; a few seconds of speech, because eSpeak's wasm is
    // only fully optimised after some work: after a one-word warm-up the first prompts took 100-220 ms each, after
    // this only the very first is slower (~100 ms) and the rest take their steady 25-50 ms.
    for (const voice of options.warmVoices ?? []) await tts.#synthesizeRaw(WARM_UP_TEXT, voice);
    return tts;
  }

  /** eSpeak's voice identifiers (inc/hi, gmw/en-US, ...), for start-up checks and diagnostics. */
  get voices(): readonly string[] {
    return this.#voices;
  }

  get stats(): TtsStats {
    return { hits: this.#hits, misses: this.#misses, cachedBytes: this.#cache.bytes, cachedPrompts: this.#cache.size };
  }

  /** The cached audio for a prompt, without waiting: lets a session start a repeated prompt in the same tick. */
  cached(text: string, voice: string): Int16Array | undefined {
    const pcm = this.#cache.get(cacheKey(text, voice));
    if (pcm !== undefined) this.#hits++;
    return pcm;
  }

  /**
   * `text` spoken by `voice` as canonical 24 kHz PCM16. The array is shared with the cache and other callers:
   * read it, never write to it. Concurrent requests for the same prompt share one synthesis.
   */
  synthesize(text: string, voice: string): Promise<Int16Array> {
    const cached = this.cached(text, voice);
    if (cached !== undefined) return Promise.resolve(cached);
    const key = cacheKey(text, voice);
    let job = this.#inflight.get(key);
    if (job === undefined) {
      this.#misses++;
      job = this.#synthesizeRaw(text, voice)
        .then(toCanonical)
        .then((pcm) => {
          if (!this.#closed) this.#cache.set(key, pcm);
          return pcm;
        })
        .finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, job);
    }
    return job;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#failPending(new Error('speech synthesis closed'));
    this.#cache.clear();
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker) await (await worker.catch(() => undefined))?.terminate();
  }

  #start(): Promise<Worker> {
    this.#worker ??= new Promise<Worker>((resolve, reject) => {
      const worker = new Worker(WORKER_URL);
      this.#current = worker;
      worker.once('error', reject);
      worker.on('message', (reply: WorkerReply) => {
        if ('type' in reply) {
          if (reply.sampleRate !== ESPEAK_SAMPLE_RATE) {
            reject(new Error(`eSpeak runs at ${reply.sampleRate} Hz, expected ${ESPEAK_SAMPLE_RATE}`));
            void worker.terminate();
            return;
          }
          this.#voices = reply.voices;
          worker.off('error', reject);
          worker.on('error', (error) => this.#lost(worker, error));
          // Referenced only while requests are out, so an idle engine never keeps a process alive.
          if (this.#pending.size === 0) worker.unref();
          resolve(worker);
          return;
        }
        this.#settle(worker, reply);
      });
      worker.on('exit', (code) => {
        const error = new Error(`eSpeak worker exited with code ${code}`);
        reject(error); // still starting: the caller of #start() must hear of it (no-op once started)
        this.#lost(worker, error);
      });
    });
    return this.#worker;
  }

  async #synthesizeRaw(text: string, voice: string): Promise<Int16Array> {
    if (this.#closed) throw new Error('speech synthesis closed');
    const worker = await this.#start();
    const id = this.#nextId++;
    return new Promise<Int16Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A worker that takes this long is stuck in wasm: replace it rather than queue behind it forever.
        void worker.terminate();
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ id, voice, text: speakable(text), rate: this.#rate });
    });
  }

  #settle(worker: Worker, reply: { id: number; pcm: Int16Array } | { id: number; error: string }): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (this.#pending.size === 0) worker.unref();
    if ('error' in reply) pending.reject(new Error(reply.error));
    else pending.resolve(reply.pcm);
  }

  #lost(worker: Worker, error: Error): void {
    if (worker !== this.#current) return; // an old worker's exit after it was replaced
    this.#current = undefined;
    this.#worker = undefined; // the next request starts a fresh worker
    this.#failPending(error);
  }

  #failPending(error: Error): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }
}

/** Resampled in slices of a quarter second of audio, yielding between them: a whole 9 s prompt at once held the
 * main thread (and every other call's frames) for about 8 ms; a slice takes a fraction of a millisecond. */
const RESAMPLE_SLICE = ESPEAK_SAMPLE_RATE / 4;
/** Pushed through after a prompt so the filter's delay does not swallow its last milliseconds. */
const FLUSH = new Int16Array(1024);

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function toCanonical(native: Int16Array): Promise<Int16Array> {
  // One resampler per prompt: prompts converted concurrently must not share filter history.
  const resampler: StreamingResampler = createResampler(ESPEAK_SAMPLE_RATE, CANONICAL_SAMPLE_RATE);
  try {
    const out = new Int16Array(Math.round((native.length * CANONICAL_SAMPLE_RATE) / ESPEAK_SAMPLE_RATE));
    let written = 0;
    const take = (part: Int16Array): void => {
      const length = Math.min(part.length, out.length - written);
      out.set(length === part.length ? part : part.subarray(0, length), written);
      written += length;
    };
    for (let offset = 0; offset < native.length; offset += RESAMPLE_SLICE) {
      take(resampler.process(native.subarray(offset, offset + RESAMPLE_SLICE)));
      await yieldToLoop();
    }
    const flush = Math.min(FLUSH.length, Math.ceil((resampler.delayMs * ESPEAK_SAMPLE_RATE) / 1000) + 16);
    if (written < out.length) take(resampler.process(FLUSH.subarray(0, flush)));
    return out;
  } finally {
    resampler.dispose();
  }
}

function cacheKey(text: string, voice: string): string {
  return `${voice}\u0000${text}`;
}

/**
 * eSpeak is called with SSML and phoneme input enabled, so markup characters in a prompt (a business name with "&")
 * would be parsed instead of spoken; "[[" would start phoneme input.
 */
export function speakable(text: string): string {
  return text
    .replace(/\p{Cc}/gu, ' ')
    .replace(/&/gu, '&amp;')
    .replace(/</gu, '&lt;')
    .replace(/>/gu, '&gt;')
    .replace(/\[\[/gu, '[ [');
}
