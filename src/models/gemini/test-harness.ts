// Test support for the Gemini Live tests (not used by the gateway): one fake server per test file, sessions against
// it with their events recorded (test/session-recorder.ts: waits on events in order, the audio heard), and caller
// audio to send.
import assert from 'node:assert/strict';
import { after, afterEach } from 'node:test';
import { FRAME_SAMPLES } from '../../core/audio.ts';
import type { ModelSession, ModelSessionOptions, RealtimeModel } from '../../core/model.ts';
import { sine } from '../../audio/pcm.ts';
import { silentLogger } from '../../log.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import { recordSession, type SessionRecorder } from '../../../test/session-recorder.ts';
import { pollFor } from '../../../test/wait.ts';
import { FAKE_GEMINI_API_KEY, startFakeGeminiLive, type FakeGeminiLive } from '../../../test/fakes/gemini-live-server.ts';
import { createGeminiLiveModel } from './gemini-model.ts';
import type { GeminiLiveModelOptions } from './gemini-model.ts';

/** A current native-audio Live model (speaks only; picks the language itself). */
export const TEST_MODEL = 'models/gemini-2.5-flash-native-audio-preview-12-2025';
/** A half-cascade model (TEXT replies and speech language codes); Vertex AI still serves it. */
export const HALF_CASCADE_MODEL = 'models/gemini-live-2.5-flash';

/** A session and its store, with what it emits recorded (next() waits 5 s unless told). */
export interface Harness extends SessionRecorder {
  readonly session: ModelSession;
  readonly store: MemoryStore;
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
  return { session, store, ...recordSession(session, 5000) };
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

/** Polls `check` every 10 ms until it holds or `timeoutMs` passes. */
export async function eventually(check: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  await pollFor(what, () => (check() ? true : undefined), { timeoutMs, intervalMs: 10 });
}

export interface FakeLiveForFile {
  /** The file's fake server. */
  readonly fake: FakeGeminiLive;
  /** A session on a model pointed at the fake, closed after the test. */
  open(overrides?: Partial<ModelSessionOptions>, model?: Partial<GeminiLiveModelOptions>): Promise<Harness>;
}

/**
 * Starts the file's fake Live server and registers its hooks: every session closed after each test, the fake's test
 * settings (refusals, pong delay) reset, no protocol violation let pass unnoticed, and the server closed at the end.
 */
export async function fakeLiveForFile(): Promise<FakeLiveForFile> {
  const fake = await startFakeGeminiLive();
  const open: Harness[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((h) => h.session.close()));
    fake.refuse(undefined);
    fake.pongDelay(0);
    assert.deepEqual(fake.violations.splice(0), [], 'the fake saw protocol violations');
  });
  after(() => fake.close());
  return {
    fake,
    open: async (overrides = {}, model = {}) => {
      const h = await openHarness(geminiModel(fake.url, FAKE_GEMINI_API_KEY, model), overrides);
      open.push(h);
      return h;
    },
  };
}
