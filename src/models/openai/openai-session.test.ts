// The OpenAI Realtime session against a protocol-level fake of the GA API: what it configures, what it restores,
// what the caller's audio, text and keys become on the wire, and what the model's answers, tool calls, speech
// detection and errors become as events. Every test ends with the fake having seen no malformed client event.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { rmsDbfs } from '../../audio/pcm.ts';
import { toolJsonSchema } from '../../agent/tool-schema.ts';
import type { ModelSession } from '../../core/model.ts';
import { startFakeOpenAIRealtime, until } from '../../../test/fakes/openai-realtime-server.ts';
import type { FakeOpenAIRealtime, FakeOpenAIRealtimeOptions } from '../../../test/fakes/openai-realtime-server.ts';
import { bookTool, frames, openSession } from './test-harness.ts';

let fake: FakeOpenAIRealtime;
const open: ModelSession[] = [];

/** Speaks back what say() asked for, so transcripts can be checked against the text. */
const echoSay: FakeOpenAIRealtimeOptions['reply'] = (context) =>
  context.toolOutput !== undefined ? `All done: ${context.toolOutput}` : (context.instructions?.split('\n\n').at(-1) ?? 'How can I help?');

async function start(options: FakeOpenAIRealtimeOptions = {}): Promise<void> {
  await fake?.close();
  fake = await startFakeOpenAIRealtime({ reply: echoSay, ...options });
}

async function session(options?: Parameters<typeof openSession>[1]) {
  const harness = await openSession(fake, options);
  open.push(harness.session);
  return harness;
}

beforeEach(() => start());
afterEach(async () => {
  await Promise.all(open.splice(0).map((opened) => opened.close()));
  assert.deepEqual(fake.violations, []);
  await fake.close();
});

test('configures the session with one GA session.update: formats, voice, turn detection, transcription, tools', async () => {
  await session({ model: { turnDetection: 'semantic_vad' }, session: { voice: 'cedar', locale: 'hi-IN' } });
  const fakeSession = fake.lastSession();
  assert.equal(fakeSession.headers.authorization, `Bearer ${fake.apiKey}`);
  assert.match(fakeSession.url, /[?&]model=gpt-realtime(&|$)/);
  const update = fakeSession.events[0];
  assert.equal(update?.type, 'session.update');
  assert.deepEqual(update.session, {
    type: 'realtime',
    output_modalities: ['audio'],
    instructions: 'You are the receptionist of Asha Clinic.',
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: { model: 'gpt-4o-mini-transcribe', language: 'hi' },
        noise_reduction: { type: 'near_field' },
        turn_detection: { type: 'semantic_vad', create_response: true, interrupt_response: true },
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'cedar' },
    },
    tools: [{ type: 'function', name: 'book_appointment', description: bookTool.description, parameters: toolJsonSchema(bookTool) }],
    tool_choice: 'auto',
  });
  assert.deepEqual((update.session.tools?.[0]?.parameters as { required?: unknown }).required, ['date']);
});

test('restores the history as conversation items before the first turn', async () => {
  await session({
    session: {
      history: [
        { role: 'user', text: 'I need an appointment', at: 1 },
        { role: 'assistant', text: 'Which day suits you?', at: 2 },
        { role: 'tool', text: '{"reference":"A1"}', toolName: 'book_appointment', callId: 'call_1', at: 3 },
        { role: 'user', text: '   ', at: 4 },
      ],
    },
  });
  const { items, events } = fake.lastSession();
  await until(() => items.length === 3, 'three restored items');
  assert.deepEqual(
    items.map(({ role, text }) => ({ role, text })),
    [
      { role: 'user', text: 'I need an appointment' },
      { role: 'assistant', text: 'Which day suits you?' },
      { role: 'system', text: 'Earlier in this conversation the tool book_appointment returned: {"reference":"A1"}' },
    ],
  );
  assert.deepEqual(events.map((event) => event.type), ['session.update', 'conversation.item.create', 'conversation.item.create', 'conversation.item.create']);
});

test("sends the caller's audio as input_audio_buffer.append, one event per frame", async () => {
  const { session: model } = await session();
  for (const frame of frames(50, false)) model.sendAudio(frame);
  await until(() => fake.counters.events.get('input_audio_buffer.append') === 50, '50 appends');
  assert.equal(Math.round(fake.lastSession().appendedMs), 1000);
});

test('say() is answered with audible PCM, the transcript of that text, and a completed response', async () => {
  const harness = await session();
  harness.session.say('This call is answered by an AI assistant.');
  const done = await harness.next('response_done');
  assert.equal(done.status, 'completed');
  const started = await harness.next('response_started');
  assert.equal(started.responseId, done.responseId);
  const audio = harness.events.filter((event) => event.type === 'audio');
  assert.equal(audio.length, 4);
  assert.ok(audio.every((event) => event.responseId === done.responseId && event.itemId === audio[0]?.itemId));
  for (const chunk of harness.audio) assert.ok(rmsDbfs(chunk) > -20, `audible, got ${rmsDbfs(chunk).toFixed(1)} dBFS`);
  const transcript = await harness.next('transcript');
  assert.deepEqual(transcript, { type: 'transcript', role: 'assistant', text: 'This call is answered by an AI assistant.', itemId: audio[0]?.itemId });
  assert.equal(done.usage?.outputAudioMs, 400);
  const create = fake.lastSession().events.find((event) => event.type === 'response.create');
  assert.equal(create?.response?.tool_choice, 'none');
});

test('say() then createResponse() are answered one after the other, never refused as overlapping', async () => {
  const harness = await session();
  harness.session.say('Hello.');
  harness.session.createResponse();
  harness.session.createResponse(); // coalesces with the one waiting
  await harness.next('response_done');
  await harness.next('response_done');
  await sleep(50);
  assert.equal(fake.lastSession().responses.length, 2);
  assert.equal(harness.count('warning'), 0);
});

test('a tool call arrives once, and its result leads to a spoken answer', async () => {
  const harness = await session();
  harness.session.sendText('Please book me for tomorrow');
  const call = await harness.next('tool_call');
  assert.deepEqual({ name: call.name, arguments: call.arguments }, { name: 'book_appointment', arguments: '{"date":"tomorrow"}' });
  await harness.next('response_done');
  await sleep(30);
  assert.equal(harness.count('tool_call'), 1, 'function_call_arguments.done, output_item.done and response.done name the call; one event');
  harness.session.sendToolResult(call.callId, '{"reference":"A1"}');
  await harness.next('transcript', (event) => event.text === 'All done: {"reference":"A1"}');
  assert.ok(harness.audio.length > 0);
  const output = fake.lastSession().items.find((item) => item.type === 'function_call_output');
  assert.deepEqual({ callId: output?.callId, output: output?.output }, { callId: call.callId, output: '{"reference":"A1"}' });
});

test('cancel stops the answer and truncate cuts the item at what was played, never past what was received', async () => {
  await start({ chunks: 20, chunkIntervalMs: 15 });
  const harness = await session();
  harness.session.cancelResponse(); // nothing active: nothing sent
  harness.session.say('A long notice that the caller will interrupt.');
  const first = await harness.next('audio');
  await harness.next('audio');
  await harness.next('audio');
  harness.session.cancelResponse();
  harness.session.truncate(first.itemId, 60_000);
  const done = await harness.next('response_done');
  assert.equal(done.status, 'cancelled');
  const { truncations } = fake.lastSession();
  await until(() => truncations.length === 1, 'a truncation');
  const receivedMs = harness.events.filter((event) => event.type === 'audio' && event.itemId === first.itemId).length * 100;
  assert.ok(receivedMs >= 300 && receivedMs < 2000, `received ${receivedMs} ms`);
  assert.deepEqual(truncations[0], { itemId: first.itemId, audioEndMs: receivedMs }, 'clamped to what was received');
  harness.session.truncate(first.itemId, 150.7);
  harness.session.truncate(first.itemId, 900); // past the 150 ms now left
  harness.session.truncate('item_from_another_session', 100);
  await until(() => truncations.length === 3, 'two more truncations');
  assert.deepEqual(truncations.slice(1), [
    { itemId: first.itemId, audioEndMs: 150 },
    { itemId: first.itemId, audioEndMs: 150 },
  ]);
  assert.equal(fake.counters.events.get('response.cancel'), 1);
  assert.equal(fake.counters.events.get('conversation.item.truncate'), 3);
  assert.equal(harness.count('warning'), 0);
});

test('benign and unknown server errors become warnings; the session keeps working', async () => {
  const harness = await session();
  fake.sendServerEvent({ type: 'error', error: { type: 'invalid_request_error', code: 'response_cancel_not_active', message: 'Cancellation failed: no active response found', param: null, event_id: null } });
  fake.sendServerEvent({ type: 'error', error: { type: 'invalid_request_error', code: null, message: 'Audio content of 2650ms is already shorter than 9100ms', param: null, event_id: null } });
  fake.sendServerEvent({ type: 'error', error: { type: 'server_error', code: 'server_error', message: 'The server had an error', param: null, event_id: null } });
  fake.sendServerEvent({ type: 'response.some_future_event', detail: 1 });
  fake.sendServerEvent({ type: 'response.output_audio.delta', response_id: 'resp_x' }); // known type, wrong shape
  const warnings = [await harness.next('warning'), await harness.next('warning'), await harness.next('warning')];
  assert.deepEqual(
    warnings.map((warning) => warning.code),
    ['response_cancel_not_active', 'truncate_out_of_range', 'server_error'],
  );
  harness.session.say('Still here.');
  assert.equal((await harness.next('response_done')).status, 'completed');
  assert.equal(harness.count('closed'), 0);
});

test('a response.create that races a VAD-started answer is sent again once that answer is done', async () => {
  const harness = await session();
  for (const frame of [...frames(10, true), ...frames(20, false)]) harness.session.sendAudio(frame);
  harness.session.createResponse();
  await harness.next('warning', (warning) => warning.code === 'conversation_already_has_active_response');
  await harness.next('response_done');
  await harness.next('response_done');
  assert.equal(fake.lastSession().responses.length, 2);
});

test("server VAD: the caller's speech is reported and transcribed", async () => {
  const harness = await session();
  for (const frame of frames(10, true)) harness.session.sendAudio(frame);
  await harness.next('speech_started');
  for (const frame of frames(20, false)) harness.session.sendAudio(frame);
  await harness.next('speech_stopped');
  const heard = await harness.next('transcript', (event) => event.role === 'user');
  assert.equal(heard.text, 'Hello, I have a question');
});

test('a key press becomes a user note and an answer', async () => {
  const harness = await session();
  harness.session.sendDtmf('5');
  harness.session.sendDtmf('not a key');
  await harness.next('response_done');
  assert.deepEqual(
    fake.lastSession().items.filter((item) => item.role === 'user').map((item) => item.text),
    ['[The caller pressed key 5 on the keypad]'],
  );
});

test('chat sessions answer in text, leave turns to commitAudio(), and skip commits with too little audio', async () => {
  const harness = await session({ session: { audioOutput: false, channel: 'whatsapp' } });
  const update = fake.lastSession().events[0];
  assert.ok(update?.type === 'session.update');
  assert.deepEqual(update.session.output_modalities, ['text']);
  assert.equal(update.session.audio?.input?.turn_detection, null);
  assert.equal(update.session.audio?.output, undefined);
  harness.session.commitAudio(); // nothing appended: no commit
  for (const frame of frames(2, true)) harness.session.sendAudio(frame);
  harness.session.commitAudio(); // 40 ms: cleared instead of an error
  for (const frame of frames(25, true)) harness.session.sendAudio(frame);
  harness.session.commitAudio();
  const said = await harness.next('transcript', (event) => event.role === 'assistant');
  assert.equal(said.text, 'How can I help?');
  assert.equal(harness.count('audio'), 0);
  assert.equal(fake.counters.events.get('input_audio_buffer.commit'), 1);
  assert.equal(fake.counters.events.get('input_audio_buffer.clear'), 1);
});

test('voice-note sessions speak, leave turns to commitAudio(), and answer typed text in text when asked to', async () => {
  const harness = await session({ session: { audioOutput: true, liveAudio: false, channel: 'whatsapp' } });
  const update = fake.lastSession().events[0];
  assert.ok(update?.type === 'session.update');
  assert.deepEqual(update.session.output_modalities, ['audio']);
  assert.equal(update.session.audio?.input?.turn_detection, null, 'a note is one turn, however long its pauses');
  harness.session.replyWith?.('text');
  harness.session.sendText('what are your hours?');
  await harness.next('transcript', (event) => event.role === 'assistant');
  await harness.next('response_done');
  assert.equal(harness.count('audio'), 0, 'a typed question gets no speech');
  const textCreate = fake.lastSession().events.filter((event) => event.type === 'response.create').at(-1);
  assert.ok(textCreate?.type === 'response.create');
  assert.deepEqual(textCreate.response?.output_modalities, ['text']);

  harness.session.replyWith?.('audio');
  for (const frame of frames(25, true)) harness.session.sendAudio(frame);
  harness.session.commitAudio();
  await harness.next('response_done', (event) => harness.count('audio') > 0 && event.status === 'completed');
  const audioCreate = fake.lastSession().events.filter((event) => event.type === 'response.create').at(-1);
  assert.ok(audioCreate?.type === 'response.create');
  assert.equal(audioCreate.response?.output_modalities, undefined, 'a voice note is answered as the session speaks');
});

test('setLocale() updates instructions and transcription language, not the voice', async () => {
  const harness = await session();
  harness.session.setLocale('pt-BR', 'Você é a recepcionista.');
  await until(() => fake.lastSession().events.filter((event) => event.type === 'session.update').length === 2, 'a second session.update');
  const update = fake.lastSession().events.at(-1);
  assert.ok(update?.type === 'session.update');
  assert.deepEqual(update.session, { type: 'realtime', instructions: 'Você é a recepcionista.', audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe', language: 'pt' } } } });
});

test('close() closes the socket and emits one closed without error', async () => {
  const harness = await session();
  await harness.session.close();
  await harness.session.close();
  assert.deepEqual(harness.events.filter((event) => event.type === 'closed'), [{ type: 'closed' }]);
  await until(() => fake.lastSession().socket.readyState === fake.lastSession().socket.CLOSED, 'the server side closed');
});
