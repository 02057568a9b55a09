// Test support for the Gemini Live tests (not used by the gateway): a session against the fake server with its
// events recorded, waits on events in order, the audio heard, and caller audio to send.
import { FRAME_SAMPLES } from '../../core/audio.ts';
import type { ModelEvent, ModelSession, ModelSessionOptions, RealtimeModel } from '../../core/model.ts';
import { sine } from '../../audio/pcm.ts';
import { silentLogger } from '../../log.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import { createGeminiLiveModel } from './gemini-model.ts';
import type { GeminiLiveModelOptions } from './gemini-model.ts';

/** A current native-audio Live model (speaks only; picks the language itself). */
export const TEST_MODEL = 'models/gemini-2.5-flash-native-audio-preview-12-2025';
/** A half-cascade model (TEXT replies and speech language codes); Vertex AI still serves it. */
export const HALF_CASCADE_MODEL = 'models/gemini-live-2.5-flash';

type EventOf<T extends ModelEvent['type']> = Extract<ModelEvent, { type: T }>;

export interface Harness {
  readonly session: ModelSession;
  readonly events: ModelEvent[];
  readonly store: MemoryStore;
  /** The next event of `type` after the previous match (in order), within `timeoutMs`. */
  next<T extends ModelEvent['type']>(type: T, match?: (event: EventOf<T>) => boolean, timeoutMs?: number): Promise<EventOf<T>>;
  /** Audio heard since the last call, concatenated (copies: event audio is only valid during the call). */
  takeAudio(): Int16Array;
  count(type: ModelEvent['type']): number;
}

export function geminiModel(url: string, apiKey: string, overrides: Partial<GeminiLiveModelOptions> = {}): RealtimeModel {
  return createGeminiLiveModel({ apiKey, url, model: TEST_MODEL, voice: 'Kore', ...overrides });
}

export function sessionOptions(overrides: Partial<ModelSessionOptions> = {}): ModelSessionOptions {
  return {
    conversationId: `conv-${Math.random().toString(36).slice(2)}`,
    channel: 'test',
    locale: 'en',
    instructions: 'You are the assistant of Asha Clinic.',
    tools: [],
    history: [],
    audioOutput: true,
    log: silentLogger,
    ...overrides,
  };
}

export async function openHarness(model: RealtimeModel, overrides: Partial<ModelSessionOptions> = {}): Promise<Harness> {
  const store = (overrides.store as MemoryStore | undefined) ?? new MemoryStore();
  const session = await model.connect(sessionOptions({ store, ...overrides }));
  const events: ModelEvent[] = [];
  const audio: Int16Array[] = [];
  const waiters = new Set<() => void>();
  let cursor = 0;
  session.listen((event) => {
    if (event.type === 'audio') audio.push(event.pcm.slice());
    events.push(event);
    for (const wake of [...waiters]) wake();
  });
  return {
    session,
    events,
    store,
    next(type, match = () => true, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const look = (): void => {
          for (; cursor < events.length; cursor++) {
            const event = events[cursor]!;
            if (event.type === type && match(event as never)) {
              cursor++;
              clearTimeout(timer);
              waiters.delete(look);
              resolve(event as never);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(look);
          reject(new Error(`no ${type} event within ${timeoutMs} ms; saw ${events.map((e) => e.type).join(', ')}`));
        }, timeoutMs);
        waiters.add(look);
        look();
      });
    },
    takeAudio() {
      const out = new Int16Array(audio.reduce((n, chunk) => n + chunk.length, 0));
      let offset = 0;
      for (const chunk of audio.splice(0)) {
        out.set(chunk, offset);
        offset += chunk.length;
      }
      return out;
    },
    count: (type) => events.filter((event) => event.type === type).length,
  };
}

/** `ms` of caller audio in 20 ms canonical frames: a 300 Hz tone at `dbfs` (-80 is near silence). */
export function sendTone(session: ModelSession, ms: number, dbfs = -10): void {
  const frames = Math.round(ms / 20);
  const tone = sine(300, 24_000, frames * FRAME_SAMPLES, dbfs);
  const frame = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < frames; i++) {
    // One reused frame, as channels do: the session must not keep it.
    frame.set(tone.subarray(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES));
    session.sendAudio(frame);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds or `timeoutMs` passes. */
export async function eventually(check: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
