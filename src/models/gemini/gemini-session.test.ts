// Gemini Live through the ModelSession contract against the protocol-level fake: what the setup declares, history
// and resumption handles, caller audio at 16 kHz, spoken answers with transcripts, tool calls, barge-in and
// cancellation, chat sessions. Every test ends with the fake having seen no protocol violation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmsDbfs } from '../../audio/pcm.ts';
import { appointmentTools } from '../../agent/tools/appointments.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import { FAKE_GEMINI_API_KEY } from '../../../test/fakes/gemini-live-server.ts';
import { formatStoredHandle, handleKey, HANDLE_TTL_MS, parseStoredHandle, setupHash } from './resumption.ts';
import { eventually, fakeLiveForFile, HALF_CASCADE_MODEL, sendTone, TEST_MODEL, type openHarness } from './test-harness.ts';
import type { Harness } from './test-harness.ts';

const live = await fakeLiveForFile();
const fake = live.fake;

async function harness(overrides: Parameters<typeof openHarness>[1] = {}): Promise<Harness> {
  return live.open(overrides);
}

const latestConnection = () => fake.connections.at(-1)!;
/** The appointment tools every agent that books uses. */
const bookingTools = () => {
  const { checkAvailability, bookAppointment } = appointmentTools();
  return [checkAvailability, bookAppointment];
};

test('setup: model, audio modality, voice, instructions, tools, transcription, resumption, compression', async () => {
  const tools = bookingTools();
  await harness({ locale: 'hi-IN', instructions: 'You are Asha, the clinic assistant.', tools });
  const connection = latestConnection();
  const setup = connection.setup!;
  assert.equal(connection.key, FAKE_GEMINI_API_KEY);
  assert.equal(setup.model, TEST_MODEL);
  assert.deepEqual(setup.generationConfig.responseModalities, ['AUDIO']);
  // A native-audio model takes a voice but no language code: it follows the conversation's language.
  assert.deepEqual(setup.generationConfig.speechConfig, { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } });
  assert.equal(setup.systemInstruction?.parts[0]?.text, 'You are Asha, the clinic assistant.');
  const declarations = setup.tools?.[0]?.functionDeclarations ?? [];
  assert.deepEqual(declarations.map((d) => d.name), tools.map((t) => t.name));
  const book = declarations.find((d) => d.name === 'book_appointment')!;
  assert.equal(book.parameters?.type, 'OBJECT');
  assert.equal(book.parameters?.properties?.slotId?.type, 'STRING');
  assert.deepEqual(book.parameters?.required, ['slotId']);
  assert.deepEqual(setup.inputAudioTranscription, {});
  assert.deepEqual(setup.outputAudioTranscription, {});
  assert.deepEqual(setup.sessionResumption, {});
  assert.deepEqual(setup.contextWindowCompression, { slidingWindow: {} });
  assert.equal(setup.realtimeInputConfig?.automaticActivityDetection?.disabled, false);
});

test('setup on a half-cascade model carries the speech language of the locale', async () => {
  await live.open({ locale: 'hi-IN' }, { model: HALF_CASCADE_MODEL });
  assert.deepEqual(latestConnection().setup?.generationConfig.speechConfig, { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } }, languageCode: 'hi-IN' });
});

test('history is restored as context turns (no answer asked) when there is no handle', async () => {
  const history = [
    { role: 'user' as const, text: 'I want to see a doctor', at: 1 },
    { role: 'assistant' as const, text: 'Which day suits you?', at: 2 },
    { role: 'tool' as const, text: '{"slots":["10:00"]}', toolName: 'check_availability', callId: 'c1', at: 3 },
    { role: 'user' as const, text: 'Tomorrow', at: 4 },
  ];
  await harness({ history });
  const connection = latestConnection();
  await eventually(() => connection.historyTurns.length > 0, 2000, 'history turns');
  assert.deepEqual(
    connection.historyTurns.map((turn) => [turn.role, turn.parts.map((p) => p.text)]),
    [
      ['user', ['I want to see a doctor']],
      ['model', ['Which day suits you?']],
      ['user', ['[Result of the tool check_availability: {"slots":["10:00"]}]', 'Tomorrow']],
    ],
  );
  assert.equal(connection.resumedFrom, undefined);
  assert.equal(fake.counters.replies, 0, 'restoring context must not make the model speak');
});

test('resumption handles go to the store (2 h TTL) and the next session resumes the context instead of replaying history', async () => {
  const ttls: (number | undefined)[] = [];
  const store = new MemoryStore();
  const set = store.set.bind(store);
  store.set = (key, value, options) => {
    ttls.push(options?.ttlMs);
    return set(key, value, options);
  };
  const conversationId = `conv-resume-${Date.now()}`;
  const first = await harness({ conversationId, store });
  first.session.sendText('My name is Ravi');
  await first.next('response_done');
  await first.session.close();
  const issued = fake.connections.at(-1)!.issuedHandles.at(-1);
  assert.ok(issued);
  assert.equal(parseStoredHandle(await store.get(handleKey(conversationId)))?.handle, issued);
  assert.ok(ttls.length > 0 && ttls.every((ttl) => ttl === HANDLE_TTL_MS));

  await harness({ conversationId, store, history: [{ role: 'user', text: 'My name is Ravi', at: 1 }] });
  const second = latestConnection();
  assert.equal(second.setup?.sessionResumption?.handle, issued);
  assert.equal(second.resumedFrom, issued);
  assert.deepEqual(second.historyTurns, [], 'with a handle nothing is replayed');
  assert.ok(second.context.some((turn) => turn.parts.some((p) => p.text.includes('Ravi'))), 'the server kept the context');
});

test('a handle the server refuses is dropped, and the session starts fresh with the history', async () => {
  const store = new MemoryStore();
  const conversationId = 'conv-stale-handle';
  const instructions = 'You are the assistant of Asha Clinic.';
  await store.set(handleKey(conversationId), formatStoredHandle({ handle: 'handle-from-yesterday', setup: setupHash(instructions, []) }));
  const h = await harness({ conversationId, store, instructions, history: [{ role: 'user', text: 'Hello again', at: 1 }] });
  const connection = latestConnection();
  assert.equal(fake.connections.at(-2)?.setup?.sessionResumption?.handle, 'handle-from-yesterday', 'the handle was tried');
  assert.equal(connection.resumedFrom, undefined);
  await eventually(() => connection.historyTurns.length === 1, 2000, 'history restored');
  h.session.sendText('Are you there?');
  await h.next('response_done');
  assert.notEqual(parseStoredHandle(await store.get(handleKey(conversationId)))?.handle, 'handle-from-yesterday');
});

test('caller audio goes up as 16 kHz PCM, batched, and spoken input gets an answer with both transcripts', async () => {
  const h = await harness();
  const connection = latestConnection();
  const before = fake.counters.audioMessages;
  sendTone(h.session, 1000, -10);
  h.session.commitAudio();
  await eventually(() => connection.audioSamples >= 15_900, 2000, '1 s of audio at the fake');
  assert.deepEqual([...connection.audioMimeTypes], ['audio/pcm;rate=16000']);
  const perFrame = connection.audioSamples / 50;
  assert.ok(Math.abs(perFrame - 320) < 4, `20 ms at 24 kHz became ${perFrame} samples at 16 kHz on average`);
  const messages = fake.counters.audioMessages - before;
  assert.ok(messages >= 15 && messages <= 18, `${messages} audio messages for 1 s (60 ms each)`);
  assert.equal((await h.next('transcript', (e) => e.role === 'user')).text, 'I would like an appointment');
  assert.equal((await h.next('transcript', (e) => e.role === 'assistant')).text, 'I heard you.');
  assert.equal((await h.next('response_done')).status, 'completed');
});

test('a voice note is one turn: the server VAD is off and the note is bracketed by activityStart and activityEnd', async () => {
  const h = await harness({ audioOutput: true, liveAudio: false, channel: 'whatsapp' });
  const connection = latestConnection();
  assert.deepEqual(connection.setup?.realtimeInputConfig, { automaticActivityDetection: { disabled: true } });
  sendTone(h.session, 1000, -10);
  sendTone(h.session, 1000, -90); // a pause that live VAD would take for the end of the turn
  sendTone(h.session, 1000, -10);
  h.session.commitAudio();
  assert.equal((await h.next('transcript', (e) => e.role === 'user')).text, 'I would like an appointment');
  assert.equal((await h.next('response_done')).status, 'completed');
  assert.equal(h.events.filter((e) => e.type === 'response_started').length, 1, 'one answer for one note');
});

test('say(): one spoken response of audible audio with its transcript; createResponse() does not ask twice', async () => {
  const h = await harness();
  const disclosure = 'Hello, I am the virtual assistant of Asha Clinic. I am an AI, not a person.';
  const turnsBefore = fake.counters.textTurns;
  h.session.say(disclosure);
  h.session.createResponse();
  const started = await h.next('response_started');
  assert.equal((await h.next('transcript', (e) => e.role === 'assistant')).text, disclosure);
  const done = await h.next('response_done');
  assert.equal(done.responseId, started.responseId);
  assert.equal(done.status, 'completed');
  const audio = h.takeAudio();
  assert.ok(audio.length / 24_000 > 0.5, `${audio.length / 24_000} s of speech`);
  assert.ok(rmsDbfs(audio) > -20, `speech at ${rmsDbfs(audio).toFixed(1)} dBFS`);
  assert.ok((done.usage?.outputAudioMs ?? 0) > 500);
  assert.ok((done.usage?.outputTokens ?? 0) > 0);
  assert.equal(fake.counters.textTurns - turnsBefore, 1);
  assert.ok(h.events.filter((e) => e.type === 'audio').every((e) => e.type === 'audio' && e.responseId === started.responseId && e.itemId === started.responseId));
});

test('sendText and sendDtmf reach the model as user turns and are answered', async () => {
  const h = await harness();
  h.session.sendText('What time do you open?');
  assert.equal((await h.next('transcript', (e) => e.role === 'assistant')).text, 'You said: What time do you open?');
  await h.next('response_done');
  h.session.sendDtmf('5');
  assert.equal((await h.next('transcript', (e) => e.role === 'assistant')).text, 'You said: [The caller pressed key 5 on the keypad]');
});

test('a tool call round trip: tool_call with JSON arguments, the result goes back and the model continues', async () => {
  const h = await harness({ tools: bookingTools() });
  h.session.sendText('Please book me for tomorrow');
  const call = await h.next('tool_call');
  assert.equal(call.name, 'book_appointment');
  assert.deepEqual(JSON.parse(call.arguments), { slotId: '2026-11-25T10:00' });
  h.session.sendToolResult(call.callId, JSON.stringify({ booked: true, slotId: '2026-11-25T10:00' }));
  assert.equal((await h.next('transcript', (e) => e.role === 'assistant')).text, 'Done: {"booked":true,"slotId":"2026-11-25T10:00"}');
  // A plain-text result is wrapped: toolResponse.response must be an object.
  h.session.sendText('book another one');
  const second = await h.next('tool_call');
  h.session.sendToolResult(second.callId, 'no slots left');
  assert.equal((await h.next('transcript', (e) => e.role === 'assistant')).text, 'Done: {"output":"no slots left"}');
});

test('a cancelled tool call becomes tool_call_cancelled and its late result is not sent', async () => {
  const h = await harness({ tools: bookingTools() });
  const responsesBefore = fake.counters.toolResponses;
  h.session.sendText('book it please');
  const call = await h.next('tool_call');
  assert.deepEqual(fake.cancelToolCalls(), [call.callId]);
  assert.deepEqual((await h.next('tool_call_cancelled')).callIds, [call.callId]);
  h.session.sendToolResult(call.callId, '{"booked":true}');
  h.session.sendText('never mind');
  await h.next('response_done');
  assert.equal(fake.counters.toolResponses, responsesBefore);
});

test('the caller barging in: interrupted becomes speech_started and a cancelled response', async () => {
  const h = await harness();
  h.session.sendText('Tell me a long story');
  const started = await h.next('response_started');
  await h.next('audio');
  sendTone(h.session, 200, -10);
  await h.next('speech_started');
  const done = await h.next('response_done');
  assert.equal(done.responseId, started.responseId);
  assert.equal(done.status, 'cancelled');
  assert.ok(fake.counters.interruptions >= 1);
  assert.equal(h.events.filter((e) => e.type === 'transcript' && e.role === 'assistant').length, 0, 'no transcript for words not heard');
});

test('cancelResponse() ends the response at once and drops the rest of the turn; the next turn plays', async () => {
  const h = await harness();
  h.session.sendText('Tell me a story');
  const started = await h.next('response_started');
  await h.next('audio');
  h.session.cancelResponse();
  assert.equal((await h.next('response_done')).status, 'cancelled');
  const audioAtCancel = h.count('audio');
  await eventually(() => fake.counters.replies > 0 && latestConnection().context.at(-1)?.role === 'model', 3000, 'the fake to finish its turn');
  assert.equal(h.count('audio'), audioAtCancel, 'no audio of the cancelled turn after cancelResponse()');
  h.session.sendText('hello');
  const next = await h.next('response_started');
  assert.notEqual(next.responseId, started.responseId);
  assert.equal((await h.next('response_done')).status, 'completed');
});

test('chat sessions on a half-cascade model ask for TEXT and get transcripts without audio', async () => {
  const h = await live.open({ audioOutput: false, channel: 'whatsapp' }, { model: HALF_CASCADE_MODEL });
  const setup = latestConnection().setup!;
  assert.deepEqual(setup.generationConfig.responseModalities, ['TEXT']);
  assert.equal(setup.generationConfig.speechConfig, undefined);
  assert.equal(setup.outputAudioTranscription, undefined);
  h.session.sendText('hi');
  assert.equal((await h.next('transcript', (e) => e.role === 'assistant')).text, 'You said: hi');
  await h.next('response_done');
  assert.equal(h.count('audio'), 0);
});

test('chat sessions on a native-audio model (which refuses TEXT) answer with the transcription and drop the audio', async () => {
  const h = await harness({ audioOutput: false, channel: 'whatsapp' });
  const setup = latestConnection().setup!;
  assert.deepEqual(setup.generationConfig.responseModalities, ['AUDIO']);
  assert.deepEqual(setup.outputAudioTranscription, {});
  h.session.sendText('hello there');
  await h.next('response_started');
  assert.equal((await h.next('transcript', (e) => e.role === 'assistant')).text, 'You said: hello there');
  assert.equal((await h.next('response_done')).status, 'completed');
  assert.equal(h.count('audio'), 0);
});

test('close() closes the connection and emits closed once, without an error', async () => {
  const h = await harness();
  const connection = latestConnection();
  await h.session.close();
  await h.session.close();
  const closed = h.events.filter((e) => e.type === 'closed');
  assert.equal(closed.length, 1);
  assert.equal(closed[0]!.type === 'closed' && closed[0]!.error, undefined);
  await eventually(() => connection.closedSeq !== undefined, 2000, 'the fake to see the close');
  h.session.sendText('after close');
  h.session.sendAudio(new Int16Array(480));
});
