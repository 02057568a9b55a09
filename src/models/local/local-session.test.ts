// The local engine end to end through its ModelSession contract, driven the way the conversation drives it: the
// greeting and menu are heard, keys and words move through booking (tool calls run by the shared tool runner),
// caller speech is noticed, and the session ends, hands over, cancels and closes cleanly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FRAME_SAMPLES } from '../../core/audio.ts';
import type { ModelEvent, ModelSession, ModelSessionOptions } from '../../core/model.ts';
import type { AnyToolSpec, ToolSpec } from '../../core/tool.ts';
import { rmsDbfs } from '../../audio/pcm.ts';
import { runTool } from '../../agent/tool-runner.ts';
import { appointmentTools } from '../../agent/tools/appointments.ts';
import { faqTool } from '../../agent/tools/faq.ts';
import { localSessionOptions } from './local-test-kit.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import { recordSession, type SessionRecorder } from '../../../test/session-recorder.ts';
import { createLocalModel } from './local-model.ts';
import type { LocalModel } from './local-model.ts';

// Tuesday 24 November 2026, 08:30 in India.
const NOW = Date.parse('2026-11-24T03:00:00Z');
let model: LocalModel;
const stores: MemoryStore[] = [];
let tools: ReadonlyMap<string, ToolSpec>;

before(() => {
  model = createLocalModel({ now: () => NOW, chunkMs: 100 });
  // One agent on its own (no hand_off): the menu as it has always been, whatever a team would change.
  const { checkAvailability, bookAppointment } = appointmentTools({ now: () => NOW });
  const alone: readonly AnyToolSpec[] = [checkAvailability, bookAppointment, faqTool()];
  tools = new Map(alone.map((tool) => [tool.name, tool]));
});
after(async () => {
  await model.close();
  await Promise.all(stores.map((store) => store.close()));
});

/** A session with what it emits recorded (next() waits 10 s unless told). */
interface Harness extends SessionRecorder {
  readonly session: ModelSession;
  /** Runs a tool call through the shared runner and hands the result back, as the conversation does. */
  answer(call: Extract<ModelEvent, { type: 'tool_call' }>): Promise<void>;
}

/** A session with its own empty store, so every test books from a clean diary. */
async function open(overrides: Partial<ModelSessionOptions> = {}): Promise<Harness> {
  const store = new MemoryStore();
  stores.push(store);
  const session = await model.connect(localSessionOptions('en', [...tools.values()], { channel: 'test', audioOutput: true, ...overrides }));
  const harness: Harness = {
    session,
    ...recordSession(session, 10_000),
    async answer(call) {
      const result = await runTool(tools, call.name, call.arguments, {
        conversationId: 'conv',
        channel: 'test',
        locale: 'en',
        callId: call.callId,
        idempotencyKey: `conv:${call.callId}`,
        store,
      });
      session.sendToolResult(call.callId, result.output);
    },
  };
  return harness;
}

const assistant = (h: Harness): Promise<string> => h.next('transcript', (e) => e.role === 'assistant').then((e) => e.text);

test('session: the greeting and the menu are spoken as audible audio with transcripts', async () => {
  const h = await open();
  const disclosure = 'Hello, I am the virtual assistant of Asha Clinic. I am an AI, not a person.';
  h.session.say(disclosure);
  h.session.createResponse();
  const started = await h.next('response_started');
  assert.equal(await assistant(h), disclosure);
  const done = await h.next('response_done');
  assert.equal(done.responseId, started.responseId);
  assert.equal(done.status, 'completed');
  const greeting = h.takeAudio();
  assert.ok(greeting.length / 24_000 > 3, `${greeting.length / 24_000} s of greeting`);
  assert.ok(rmsDbfs(greeting) > -35, `greeting at ${rmsDbfs(greeting).toFixed(1)} dBFS`);
  assert.ok((done.usage?.outputAudioMs ?? 0) > 3000);
  assert.match(await assistant(h), /^Press 1 for our opening hours/u);
  const order = h.events.map((e) => e.type).filter((t) => t !== 'audio');
  assert.deepEqual(order.slice(0, 6), ['response_started', 'transcript', 'response_done', 'response_started', 'transcript', 'response_done']);
  assert.ok(h.events.slice(1, h.events.findIndex((e) => e.type === 'transcript')).every((e) => e.type === 'audio'));
  await h.session.close();
});

test('session: 1 tells the opening hours', async () => {
  const h = await open();
  h.session.sendDtmf('1');
  assert.match(await assistant(h), /Asha Clinic is open Monday to Saturday, from 10 in the morning to 6 in the evening/u);
  await h.session.close();
});

test('session: 2 books through tool calls: availability, offer, pick, confirmation', async () => {
  const h = await open();
  h.session.sendDtmf('2');
  const check = await h.next('tool_call');
  assert.equal(check.name, 'check_availability');
  assert.deepEqual(JSON.parse(check.arguments), {});
  await h.answer(check);
  const offer = await assistant(h);
  assert.match(offer, /I have these times free\. Press 1 for today at 10 in the morning\. Press 2 for today at 11 in the morning\. Press 3 for today at 12 noon\./u);
  h.session.sendDtmf('2');
  const booking = await h.next('tool_call');
  assert.equal(booking.name, 'book_appointment');
  assert.deepEqual(JSON.parse(booking.arguments), { slotId: '2026-11-24T11:00' });
  await h.answer(booking);
  assert.match(await assistant(h), /^Done\. Your appointment is booked for today at 11 in the morning\./u);
  assert.notEqual(check.callId, booking.callId);
  await h.session.close();
});

test('session: 0 says goodbye, then asks to end once the goodbye is out', async () => {
  const h = await open();
  h.session.sendDtmf('0');
  assert.equal(await assistant(h), 'Thank you for calling Asha Clinic. Goodbye!');
  await h.next('response_done');
  const end = await h.next('end_requested');
  assert.equal(end.reason, 'caller said goodbye');
  const types = h.events.map((e) => e.type);
  assert.ok(types.indexOf('end_requested') > types.lastIndexOf('audio'));
  await h.session.close();
});

test('session: 3 hands the caller to a person', async () => {
  const h = await open();
  h.session.sendDtmf('3');
  assert.match(await assistant(h), /connecting you to a person/u);
  await h.next('transfer_requested');
  await h.session.close();
});

test('session: chat channels book by words and get no audio', async () => {
  const h = await open({ audioOutput: false, channel: 'whatsapp' });
  h.session.sendText('book appointment');
  const check = await h.next('tool_call');
  assert.equal(check.name, 'check_availability');
  await h.answer(check);
  const offer = await assistant(h);
  assert.equal(offer.split('\n')[1], '1: today at 10 in the morning');
  h.session.sendText('the second one');
  const booking = await h.next('tool_call');
  assert.deepEqual(JSON.parse(booking.arguments), { slotId: '2026-11-24T11:00' });
  h.session.sendText('hello?');
  assert.match(await assistant(h), /^One moment/u);
  assert.equal(h.events.filter((e) => e.type === 'audio').length, 0);
  await h.session.close();
});

test('session: a voice note on chat is answered with the typing prompt', async () => {
  const h = await open({ audioOutput: false });
  const frame = new Int16Array(FRAME_SAMPLES).fill(1000);
  for (let i = 0; i < 50; i++) h.session.sendAudio(frame);
  h.session.commitAudio();
  assert.match(await assistant(h), /can't understand voice messages yet\. Please type/u);
  await h.session.close();
});

test('session: on a voice-note channel a note is one turn answered in speech, and typed text is answered in text', async () => {
  const h = await open({ audioOutput: true, liveAudio: false, channel: 'whatsapp' });
  const frame = new Int16Array(FRAME_SAMPLES);
  // Speech, a long pause, speech: live VAD would make two turns of it; a voice note is one.
  for (let i = 0; i < 150; i++) h.session.sendAudio(frame.fill(i < 50 || i >= 100 ? 3000 * (i % 2 ? 1 : -1) : 0));
  h.session.replyWith?.('audio');
  h.session.commitAudio();
  assert.match(await assistant(h), /can't understand voice messages yet/u);
  await h.next('response_done');
  assert.equal(h.events.filter((e) => e.type === 'speech_started').length, 0, 'no live VAD on voice notes');
  assert.equal(h.events.filter((e) => e.type === 'response_started').length, 1, 'one answer for one note');
  assert.ok(h.takeAudio().length > 24_000, 'the answer is spoken');
  h.session.replyWith?.('text');
  h.session.sendText('what are your hours?');
  await assistant(h);
  await h.next('response_done', (e) => e.type === 'response_done' && h.events.filter((x) => x.type === 'response_done').length === 2);
  assert.equal(h.takeAudio().length, 0, 'typed text gets no speech');
  await h.session.close();
});

/** Canonical frames of the engine's own voice, as a caller's speech stand-in. */
async function speechFrames(): Promise<Int16Array[]> {
  const talker = await open();
  talker.session.say('Hello, can I book an appointment for tomorrow please?');
  await talker.next('response_done');
  const pcm = talker.takeAudio();
  await talker.session.close();
  const frames: Int16Array[] = [];
  const silence = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < 10; i++) frames.push(silence);
  for (let offset = 0; offset + FRAME_SAMPLES <= pcm.length; offset += FRAME_SAMPLES) frames.push(pcm.subarray(offset, offset + FRAME_SAMPLES));
  for (let i = 0; i < 60; i++) frames.push(silence);
  return frames;
}

test('session: caller speech starts and stops, then the keypad prompt and the menu follow', async () => {
  const frames = await speechFrames();
  const h = await open();
  const reused = new Int16Array(FRAME_SAMPLES); // channels reuse one buffer per frame
  for (const frame of frames) {
    reused.set(frame);
    h.session.sendAudio(reused);
  }
  await h.next('speech_started');
  await h.next('speech_stopped');
  assert.equal(await assistant(h), "Sorry, I can't understand speech yet. Please use your keypad. Press 1 for our opening hours. Press 2 to book an appointment. Press 3 to talk to a person. Press 9 to hear this again, or 0 to end the call.");
  await h.session.close();
});

test('session: a key tone heard as speech neither barges in nor triggers the keypad prompt', async () => {
  const frames = await speechFrames();
  const h = await open();
  h.session.sendDtmf('9');
  await h.next('response_done');
  for (const frame of frames) h.session.sendAudio(frame);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(!h.events.some((e) => e.type === 'speech_started' || e.type === 'speech_stopped'));
  assert.ok(!h.events.some((e) => e.type === 'transcript' && e.text.startsWith('Sorry')));
  await h.session.close();
});

test('session: cancelResponse stops the audio and reports the response cancelled', async () => {
  const h = await open();
  h.session.createResponse();
  await h.next('audio');
  h.session.cancelResponse();
  const done = await h.next('response_done');
  assert.equal(done.status, 'cancelled');
  assert.ok((done.usage?.outputAudioMs ?? 0) < 2000, `${done.usage?.outputAudioMs} ms went out after the cancel`);
  assert.ok(!h.events.some((e) => e.type === 'transcript'));
  h.session.sendDtmf('1'); // the session keeps working afterwards
  assert.match(await assistant(h), /is open Monday/u);
  await h.session.close();
});

test('session: Hindi by setLocale, and by Devanagari words in an English chat', async () => {
  const h = await open();
  h.session.setLocale('hi-IN', '');
  h.session.createResponse();
  assert.match(await assistant(h), /^खुलने का समय जानने के लिए 1 दबाएँ।/u);
  assert.ok(h.takeAudio().length > 24_000);
  await h.session.close();

  const chat = await open({ audioOutput: false });
  chat.session.sendText('क्लिनिक का समय?');
  assert.equal((await chat.next('locale_changed')).locale, 'hi');
  assert.match(await assistant(chat), /^Asha Clinic सोमवार से शनिवार/u);
  await chat.session.close();
});

test('session: close() emits closed once and silences the session', async () => {
  const h = await open();
  await h.session.close();
  await h.session.close();
  h.session.sendDtmf('1');
  h.session.createResponse();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(h.events.map((e) => e.type), ['closed']);
});
