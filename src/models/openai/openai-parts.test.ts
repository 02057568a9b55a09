// The small pieces of the OpenAI model on their own: audio decoding without per-delta buffers, the URL and key
// header for OpenAI and Azure, transcription language hints, server-event parsing (beta aliases, junk), error
// verdicts, history notes, the one-response-at-a-time gate, and the fake server's own strictness.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { bytesFromInt16 } from '../../audio/pcm.ts';
import { EVENT_PREFIX } from './client-events.ts';
import { classifyServerError, failureFromStatus } from './failures.ts';
import { historyEvents, MAX_RESTORED_ITEMS } from './history.ts';
import { Pcm16Decoder, encodePcm16 } from './pcm-base64.ts';
import { ResponseGate } from './response-gate.ts';
import { parseServerEvent } from './server-events.ts';
import { transcriptionLanguage } from './session-config.ts';
import { defaultAuthHeader, realtimeUrl } from './socket.ts';
import { startFakeOpenAIRealtime, until } from '../../../test/fakes/openai-realtime-server.ts';

test('PCM16 round-trips through base64, decoding into one reused buffer', () => {
  const samples = Int16Array.from({ length: 480 }, (_, index) => (index * 137) % 65536 - 32768);
  const decoder = new Pcm16Decoder();
  const first = decoder.decode(encodePcm16(samples));
  assert.deepEqual([...first], [...samples]);
  const backing = first.buffer;
  const second = decoder.decode(encodePcm16(samples.subarray(0, 100)));
  assert.equal(second.buffer, backing, 'no new buffer for a delta that fits');
  assert.deepEqual([...second], [...samples.subarray(0, 100)]);
});

test('a delta that ends mid-sample carries its odd byte into the next one', () => {
  const samples = Int16Array.from([1000, -2000, 3000, -4000]);
  const bytes = bytesFromInt16(samples);
  const decoder = new Pcm16Decoder();
  const head = [...decoder.decode(bytes.subarray(0, 3).toString('base64'))];
  const tail = [...decoder.decode(bytes.subarray(3).toString('base64'))];
  assert.deepEqual([...head, ...tail], [1000, -2000, 3000, -4000]);
});

test('the URL gets ?model= unless it names a model or an Azure deployment; Azure hosts get the api-key header', () => {
  assert.equal(realtimeUrl('wss://api.openai.com/v1/realtime', 'gpt-realtime'), 'wss://api.openai.com/v1/realtime?model=gpt-realtime');
  assert.equal(realtimeUrl('wss://r.openai.azure.com/openai/v1/realtime?model=dep', 'gpt-realtime'), 'wss://r.openai.azure.com/openai/v1/realtime?model=dep');
  assert.equal(realtimeUrl('wss://r.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=dep', 'x'), 'wss://r.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=dep');
  assert.equal(defaultAuthHeader('wss://api.openai.com/v1/realtime'), 'authorization');
  assert.equal(defaultAuthHeader('wss://my-res.openai.azure.com/openai/v1/realtime'), 'api-key');
  assert.equal(defaultAuthHeader('wss://my-res.cognitiveservices.azure.com/openai/v1/realtime'), 'api-key');
  assert.equal(defaultAuthHeader('wss://proxy.example.com/openai.azure.com'), 'authorization');
});

test('transcription is hinted with the primary language subtag when the models know it', () => {
  assert.equal(transcriptionLanguage('hi-IN'), 'hi');
  assert.equal(transcriptionLanguage('pt_BR'), 'pt');
  assert.equal(transcriptionLanguage('es-419'), 'es');
  assert.equal(transcriptionLanguage('fil-PH'), undefined);
  assert.equal(transcriptionLanguage('xx'), undefined);
});

test('server events: GA types parse, beta names are read as GA, unknown types and junk come back as data', () => {
  const beta = parseServerEvent(JSON.stringify({ type: 'response.audio.delta', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: 'AAA=' }));
  assert.equal(beta.kind === 'event' && beta.event.type, 'response.output_audio.delta');
  assert.deepEqual(parseServerEvent(JSON.stringify({ type: 'rate_limits.updated', rate_limits: [] })), { kind: 'ignored', type: 'rate_limits.updated' });
  assert.equal(parseServerEvent('not json').kind, 'invalid');
  assert.equal(parseServerEvent('[1,2]').kind, 'invalid');
  const wrong = parseServerEvent(JSON.stringify({ type: 'response.created' }));
  assert.equal(wrong.kind, 'invalid');
});

test('error verdicts: an expired session retries, a bad key falls back, races and range errors are benign', () => {
  const error = (code: string | null, message = 'x', extra: object = {}) => ({ type: 'invalid_request_error', code, message, ...extra });
  assert.deepEqual(classifyServerError(error('session_expired')), { kind: 'fatal', failure: { code: 'session_expired', message: 'x', retryable: true, fallback: false } });
  const key = classifyServerError(error('invalid_api_key'));
  assert.ok(key.kind === 'fatal' && key.failure.code === 'unauthorized' && key.failure.fallback);
  for (const code of ['response_cancel_not_active', 'conversation_already_has_active_response', 'input_audio_buffer_commit_empty']) {
    assert.deepEqual(classifyServerError(error(code)), { kind: 'warning', code, benign: true });
  }
  assert.deepEqual(classifyServerError(error(null, 'Audio content of 2650ms is already shorter than 9100ms')), { kind: 'warning', code: 'truncate_out_of_range', benign: true });
  assert.deepEqual(classifyServerError(error('integer_below_min_value', 'below', { param: 'audio_end_ms' })), { kind: 'warning', code: 'integer_below_min_value', benign: true });
  assert.deepEqual(classifyServerError(error('invalid_value', 'bad', { event_id: `${EVENT_PREFIX.truncate}9` })), { kind: 'warning', code: 'invalid_value', benign: true });
  assert.deepEqual(classifyServerError(error('unknown_parameter')), { kind: 'warning', code: 'unknown_parameter', benign: false });
  assert.equal(failureFromStatus(403, '').code, 'unauthorized');
  assert.equal(failureFromStatus(404, '').fallback, true);
});

test('history: tool results become system notes, empty turns are skipped, long histories keep the latest turns', () => {
  const items = historyEvents([
    { role: 'tool', text: '{"slots":["10:00"]}', toolName: 'check_availability', at: 1 },
    { role: 'user', text: '', at: 2 },
  ]).map((json) => JSON.parse(json) as { item: unknown });
  assert.deepEqual(items.map((event) => event.item), [
    { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Earlier in this conversation the tool check_availability returned: {"slots":["10:00"]}' }] },
  ]);
  const long = Array.from({ length: MAX_RESTORED_ITEMS + 50 }, (_, index) => ({ role: 'user' as const, text: `turn ${index}`, at: index }));
  const restored = historyEvents(long);
  assert.equal(restored.length, MAX_RESTORED_ITEMS);
  assert.match(restored[0]!, /turn 50"/);
});

test('the response gate sends one response.create at a time, coalesces plain requests and retries a refused one', () => {
  const sent: (string | undefined)[] = [];
  let now = 0;
  const gate = new ResponseGate((params) => (sent.push(params?.instructions), `rc-${sent.length}`), () => now);
  gate.request({ instructions: 'say hello' });
  gate.request();
  gate.request();
  assert.deepEqual(sent, ['say hello']);
  gate.started('resp_1');
  gate.done('resp_1');
  assert.deepEqual(sent, ['say hello', undefined]);
  // Server VAD started resp_2 just before our rc-2 arrived: it was credited to rc-2, then rc-2 was refused.
  gate.started('resp_2');
  gate.refused('rc-2', true);
  assert.equal(sent.length, 2, 'waits for the VAD answer to end');
  gate.done('resp_2');
  assert.deepEqual(sent, ['say hello', undefined, undefined]);
  // rc-3 is neither created nor refused (its error named no event): after five seconds it counts as lost.
  gate.request({ instructions: 'next' });
  assert.equal(sent.length, 3);
  now += 6_000;
  gate.request({ instructions: 'after that' });
  assert.deepEqual(sent.slice(3), ['next']);
  gate.started('resp_4');
  gate.done('resp_4');
  assert.deepEqual(sent.slice(3), ['next', 'after that']);
  gate.request({ instructions: 'dropped on cancel' });
  assert.equal(gate.cancel(), true, 'a request in flight can be cancelled');
  gate.started('resp_5');
  gate.done('resp_5');
  assert.equal(sent.length, 5, 'what waited was dropped');
  assert.equal(gate.cancel(), false, 'nothing to cancel');
});

test('the fake server flags beta-shaped and unknown client events, so the tests above would catch them', async () => {
  const fake = await startFakeOpenAIRealtime();
  try {
    const socket = new WebSocket(`${fake.url}?model=gpt-realtime`, { headers: { Authorization: `Bearer ${fake.apiKey}` } });
    await new Promise((resolve) => socket.once('message', resolve));
    const beta = [
      { type: 'session.update', session: { modalities: ['text', 'audio'], voice: 'alloy', input_audio_format: 'pcm16' } },
      { type: 'conversation.item.create', item: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hi' }] } },
      { type: 'conversation.item.truncate', item_id: 'item_1', content_index: 0, audio_end_ms: 12.5 },
      { type: 'transcription_session.update', session: {} },
    ];
    for (const event of beta) socket.send(JSON.stringify(event));
    await until(() => fake.violations.length === beta.length, 'four violations');
    assert.match(fake.violations[0]!, /^session\.update:/);
    socket.close();
  } finally {
    fake.violations.length = 0;
    await fake.close();
  }
});
