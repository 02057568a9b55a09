// For this folder's tests only: opens an OpenAI session against the fake server and records what it emits, the
// way the conversation drives a session (listen right after connect, audio copied because it is only lent).
import { z } from 'zod';
import { FRAME_SAMPLES } from '../../core/audio.ts';
import type { ModelEvent, ModelSession, ModelSessionOptions } from '../../core/model.ts';
import { defineTool } from '../../core/tool.ts';
import { sine } from '../../audio/pcm.ts';
import { silentLogger } from '../../log.ts';
import type { FakeOpenAIRealtime } from '../../../test/fakes/openai-realtime-server.ts';
import { createOpenAIRealtimeModel } from './openai-model.ts';
import type { OpenAIRealtimeOptions } from './openai-model.ts';

export const bookTool = defineTool(
  'book_appointment',
  'Books an appointment on the given day and returns its reference.',
  z.object({ date: z.string().describe('The day, such as "tomorrow" or "2026-11-25"') }),
  async () => ({ reference: 'A1' }),
);

type EventOf<T extends ModelEvent['type']> = Extract<ModelEvent, { type: T }>;

export interface Harness {
  readonly session: ModelSession;
  readonly events: ModelEvent[];
  /** Copies of the audio received, in order. */
  readonly audio: Int16Array[];
  /** The next event of `type` (after the last one returned) that matches. */
  next<T extends ModelEvent['type']>(type: T, match?: (event: EventOf<T>) => boolean, timeoutMs?: number): Promise<EventOf<T>>;
  count(type: ModelEvent['type']): number;
}

export function modelFor(fake: FakeOpenAIRealtime, overrides: Partial<OpenAIRealtimeOptions> = {}) {
  return createOpenAIRealtimeModel({ apiKey: fake.apiKey, url: fake.url, model: 'gpt-realtime', voice: 'marin', turnDetection: 'server_vad', ...overrides });
}

export function sessionOptions(overrides: Partial<ModelSessionOptions> = {}): ModelSessionOptions {
  return {
    conversationId: 'conv-test',
    channel: 'twilio',
    locale: 'en-IN',
    instructions: 'You are the receptionist of Asha Clinic.',
    tools: [bookTool],
    history: [],
    audioOutput: true,
    log: silentLogger,
    ...overrides,
  };
}

export async function openSession(
  fake: FakeOpenAIRealtime,
  options: { readonly model?: Partial<OpenAIRealtimeOptions>; readonly session?: Partial<ModelSessionOptions> } = {},
): Promise<Harness> {
  const session = await modelFor(fake, options.model).connect(sessionOptions(options.session));
  const events: ModelEvent[] = [];
  const audio: Int16Array[] = [];
  const cursors = new Map<string, number>();
  session.listen((event) => {
    if (event.type === 'audio') audio.push(event.pcm.slice());
    events.push(event);
  });
  return {
    session,
    events,
    audio,
    async next(type, match = () => true, timeoutMs = 3_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (let index = cursors.get(type) ?? 0; index < events.length; index++) {
          const event = events[index]!;
          if (event.type === type && match(event as EventOf<typeof type>)) {
            cursors.set(type, index + 1);
            return event as EventOf<typeof type>;
          }
        }
        if (Date.now() > deadline) throw new Error(`no ${type} event; saw ${events.map((event) => event.type).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    count: (type) => events.filter((event) => event.type === type).length,
  };
}

/** `count` 20 ms frames of a 300 Hz tone loud enough for the fake's VAD, or of silence. */
export function frames(count: number, loud: boolean): Int16Array[] {
  const tone = sine(300, 24_000, FRAME_SAMPLES * count, -10);
  return Array.from({ length: count }, (_, index) => (loud ? tone.subarray(index * FRAME_SAMPLES, (index + 1) * FRAME_SAMPLES) : new Int16Array(FRAME_SAMPLES)));
}
