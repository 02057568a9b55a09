// The contract every model provider passes: the conversation relies on exactly these behaviours, whatever the
// vendor. Run against OpenAI Realtime and Gemini Live through their protocol-level fakes, and against the local engine.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, describe, test } from 'node:test';
import type { ModelEvent, ModelSession, ModelSessionOptions, RealtimeModel } from '../../src/core/model.ts';
import type { Store } from '../../src/core/store.ts';
import { FRAME_SAMPLES } from '../../src/core/audio.ts';
import { rmsDbfs, sine } from '../../src/audio/pcm.ts';
import { teamTools } from '../../src/agent/agent.ts';
import { defaultAgent } from '../../src/agent/default-agent.ts';
import { silentLogger } from '../../src/log.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { waitUntil } from '../wait.ts';

export interface ModelUnderTest {
  readonly model: RealtimeModel;
  /** Makes the session call a tool of the default agent (typed text, a key press: whatever this engine needs). */
  readonly askForTool: (session: ModelSession) => void;
  /** Checks the provider saw nothing malformed (a fake's recorded violations). */
  readonly violations?: () => readonly string[];
  readonly close: () => Promise<void>;
}

/** Records a session's events and waits for the ones a test needs. */
export class EventLog {
  readonly events: ModelEvent[] = [];
  private readonly updates = new EventEmitter();
  audioSamples = 0;
  private energy = 0;

  constructor(session: ModelSession) {
    session.listen((event) => {
      if (event.type === 'audio') {
        // Audio buffers are only valid during the call: measure, do not keep.
        this.audioSamples += event.pcm.length;
        for (let i = 0; i < event.pcm.length; i++) this.energy += event.pcm[i]! * event.pcm[i]!;
        this.events.push({ ...event, pcm: new Int16Array(0) });
      } else this.events.push(event);
      this.updates.emit('update');
    });
  }

  get audioDbfs(): number {
    return this.audioSamples === 0 ? -Infinity : 10 * Math.log10(this.energy / this.audioSamples / 32768 ** 2);
  }

  of<T extends ModelEvent['type']>(type: T): Array<Extract<ModelEvent, { type: T }>> {
    return this.events.filter((event): event is Extract<ModelEvent, { type: T }> => event.type === type);
  }

  until(what: string, done: () => boolean, timeoutMs = 5000): Promise<void> {
    return waitUntil(this.updates, done, () => `${what}; saw ${this.events.map((event) => event.type).join(', ')}`, timeoutMs);
  }
}

export function modelContract(name: string, open: () => Promise<ModelUnderTest>): void {
  describe(`model contract: ${name}`, () => {
    let subject: ModelUnderTest;
    let store: Store;
    const sessions: ModelSession[] = [];
    const agent = defaultAgent();

    const connect = async (overrides: Partial<ModelSessionOptions> = {}) => {
      const session = await subject.model.connect({
        conversationId: `contract-${sessions.length}-${Date.now()}`,
        channel: 'test',
        locale: 'en',
        instructions: agent.instructions('en'),
        tools: teamTools(agent),
        history: [],
        audioOutput: true,
        log: silentLogger,
        store,
        ...overrides,
      });
      sessions.push(session);
      return { session, log: new EventLog(session) };
    };

    before(async () => {
      store = new MemoryStore();
      subject = await open();
    });

    after(async () => {
      await Promise.all(sessions.map((session) => session.close().catch(() => undefined)));
      await subject.close();
      await store.close();
    });

    test('declares coherent capabilities', () => {
      const { capabilities } = subject.model;
      assert.ok([8000, 16000, 24000, 48000].includes(capabilities.inputSampleRate));
      assert.equal(capabilities.audioOutput, true);
      assert.equal(capabilities.toolCalls, true);
    });

    test('say() speaks: response started, audible audio, assistant transcript, response done', async () => {
      const { session, log } = await connect();
      session.say('Hello, I am the virtual assistant. I am an AI.');
      await log.until('response_done', () => log.of('response_done').length > 0);
      const types = log.events.map((event) => event.type);
      assert.ok(types.indexOf('response_started') < types.indexOf('audio'), types.join(','));
      assert.ok(log.audioSamples >= FRAME_SAMPLES * 10, `only ${log.audioSamples} samples of audio`);
      assert.ok(log.audioDbfs > -40, `audio at ${log.audioDbfs.toFixed(1)} dBFS`);
      await log.until('assistant transcript', () => log.of('transcript').some((event) => event.role === 'assistant' && event.text.length > 0));
      const started = log.of('response_started')[0]!;
      assert.ok(log.of('audio').every((event) => event.responseId === started.responseId));
    });

    test('a tool call goes out as an event and the result leads to an answer', async () => {
      const { session, log } = await connect();
      subject.askForTool(session);
      await log.until('tool_call', () => log.of('tool_call').length > 0, 8000);
      const call = log.of('tool_call')[0]!;
      assert.ok(teamTools(agent).some((tool) => tool.name === call.name), `unknown tool ${call.name}`);
      assert.equal(typeof JSON.parse(call.arguments), 'object');
      const answeredBefore = log.of('response_done').length;
      const transcriptsBefore = log.of('transcript').length;
      session.sendToolResult(call.callId, JSON.stringify({ slots: [{ slotId: '2030-01-07T10:00', start: '2030-01-07T10:00:00+05:30' }] }));
      await log.until('an answer after the tool result', () => log.of('response_done').length > answeredBefore && log.of('transcript').length > transcriptsBefore, 8000);
      assert.equal(log.of('closed').length, 0);
    });

    test('caller audio is accepted frame by frame, and cancelling nothing is harmless', async () => {
      const { session, log } = await connect();
      const tone = sine(300, 24_000, FRAME_SAMPLES, -30);
      for (let i = 0; i < 50; i++) session.sendAudio(tone);
      session.cancelResponse();
      session.cancelResponse();
      session.say('Still here.');
      await log.until('an answer after the cancel', () => log.of('response_done').some((event) => event.status === 'completed'));
      assert.equal(log.of('closed').length, 0);
      assert.ok(rmsDbfs(tone) < -25);
    });

    test('without audio output it answers in text only', async () => {
      const { session, log } = await connect({ audioOutput: false });
      session.say('Hello from the chat.');
      await log.until('assistant transcript', () => log.of('transcript').some((event) => event.role === 'assistant'));
      assert.equal(log.of('audio').length, 0);
    });

    test('close() emits closed exactly once, without error, and later calls are ignored', async () => {
      const { session, log } = await connect();
      await session.close();
      await session.close();
      session.sendAudio(new Int16Array(FRAME_SAMPLES));
      session.sendText('anyone there?');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closed = log.of('closed');
      assert.equal(closed.length, 1);
      assert.equal(closed[0]!.error, undefined);
    });

    test('the provider saw only well-formed messages', () => {
      assert.deepEqual(subject.violations?.() ?? [], []);
    });
  });
}
