// The text model client against a protocol-accurate chat completions fake: what it sends (model, bearer key, system
// prompt, strict JSON schema, only the dialogue, capped keeping start and end) and how each failure comes back as a
// reason, logged once, without a word of the transcript.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Logger } from '../../core/channel.ts';
import { startFakeChatCompletions, type FakeChatCompletions } from '../../../test/fakes/chat-completions-server.ts';
import { MAX_TRANSCRIPT_CHARS, SYSTEM_PROMPT, createTextModel, textModelFromConfig, type TextModelRequest } from './text-model.ts';

const KEY = 'sk-test-analytics';

interface Logged {
  readonly level: string;
  readonly fields: object;
  readonly message: string;
}

function recordingLogger(into: Logged[]): Logger {
  const at = (level: string) => (fields: object, message: string) => void into.push({ level, fields, message });
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return log;
}

let server: FakeChatCompletions;
let logged: Logged[];
before(async () => {
  server = await startFakeChatCompletions({ apiKey: KEY });
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  logged = [];
});

const SECRET_LINE = 'Meu nome é Ana e quero remarcar';

function request(overrides: Partial<TextModelRequest> = {}): TextModelRequest {
  return {
    conversationId: 'conv-7',
    locale: 'pt-BR',
    channel: 'whatsapp',
    endReason: 'agent_ended',
    toolsSucceeded: ['book_appointment'],
    dialogue: [
      { speaker: 'customer', text: SECRET_LINE },
      { speaker: 'agent', text: 'Claro, para quando?' },
      { speaker: 'customer', text: 'Amanhã às 10, obrigado' },
    ],
    ...overrides,
  };
}

const model = (timeoutMs?: number) =>
  createTextModel({ url: server.url, model: 'gpt-4o-mini', apiKey: KEY, log: recordingLogger(logged), ...(timeoutMs === undefined ? {} : { timeoutMs }) });

test('a good answer: summary, sentiment and intent, with the usage billed', async () => {
  server.script({ kind: 'answer', content: { summary: 'Customer rebooked for tomorrow.', sentiment: 0.6, intent: 'booking' }, usage: { promptTokens: 412, completionTokens: 31 } });
  const result = await model().analyze(request());
  assert.deepEqual(result, { ok: true, answer: { summary: 'Customer rebooked for tomorrow.', sentiment: 0.6, intent: 'booking' }, usage: { promptTokens: 412, completionTokens: 31 } });
  assert.deepEqual(logged, []);

  const [sent] = server.requests;
  assert.equal(sent?.rejected, undefined, 'the fake accepted the request as OpenAI would');
  assert.equal(sent?.authorization, `Bearer ${KEY}`);
  assert.equal(sent?.body?.model, 'gpt-4o-mini');
  assert.deepEqual(sent?.body?.messages.map((message) => message.role), ['system', 'user']);
  assert.equal(sent?.body?.messages[0]?.content, SYSTEM_PROMPT);
  const format = sent?.body?.response_format;
  assert.equal(format?.type, 'json_schema');
  assert.equal(format?.json_schema?.strict, true);
  assert.deepEqual((format?.json_schema?.schema.properties as Record<string, { enum?: string[] }>).intent?.enum, ['booking', 'status', 'escalation', 'faq', 'other']);
  const user = sent?.body?.messages[1]?.content ?? '';
  assert.match(user, /Language: pt-BR\. Channel: whatsapp\. End reason: agent_ended\./u);
  assert.match(user, /Tools that succeeded: book_appointment\./u);
  assert.match(user, new RegExp(`Customer: ${SECRET_LINE}\nAgent: Claro, para quando\\?\nCustomer: Amanhã às 10, obrigado$`, 'u'));
});

test('a long conversation is cut in the middle: the request keeps how it started and how it ended', async () => {
  const dialogue = Array.from({ length: 400 }, (_, i) => ({ speaker: i % 2 === 0 ? ('customer' as const) : ('agent' as const), text: `line ${i} ${'words '.repeat(8)}` }));
  await model().analyze(request({ dialogue }));
  const user = server.requests[0]?.body?.messages[1]?.content ?? '';
  const transcript = user.slice(user.indexOf('Transcript:\n') + 'Transcript:\n'.length);
  assert.ok(transcript.length <= MAX_TRANSCRIPT_CHARS, `${transcript.length} characters`);
  assert.match(transcript, /^Customer: line 0 /u);
  assert.match(transcript, /Agent: line 399 words/u);
  assert.match(transcript, /\[\.\.\. \d+ characters left out \.\.\.\]/u);
  assert.doesNotMatch(transcript, /line 200 /u);
});

describe('every failure is a reason, logged once without the transcript', () => {
  const cases: ReadonlyArray<{ name: string; reply: Parameters<FakeChatCompletions['script']>[0]; reason: RegExp; billed?: boolean }> = [
    { name: 'server error', reply: { kind: 'http-error', status: 500 }, reason: /^HTTP 500 \(server_error\)$/u },
    { name: 'rate limited', reply: { kind: 'http-error', status: 429, code: 'rate_limit_exceeded', message: `echo: ${SECRET_LINE}` }, reason: /^HTTP 429 \(rate_limit_exceeded\)$/u },
    { name: 'a body that is not JSON', reply: { kind: 'not-json' }, reason: /response body is not JSON/u },
    { name: 'an answer that is not JSON', reply: { kind: 'answer', content: 'Sure! The customer was happy.' }, reason: /answer is not JSON/u, billed: true },
    { name: 'an answer cut at the token limit', reply: { kind: 'answer', content: '{"summary": "Custo', finishReason: 'length' }, reason: /cut off at the token limit/u, billed: true },
    { name: 'sentiment out of range', reply: { kind: 'answer', content: { summary: 'Fine.', sentiment: 4, intent: 'faq' } }, reason: /does not fit the schema \(sentiment\)/u, billed: true },
    { name: 'an intent that does not exist', reply: { kind: 'answer', content: { summary: 'Fine.', sentiment: 0, intent: 'complaint' } }, reason: /does not fit the schema \(intent\)/u, billed: true },
    { name: 'an empty summary', reply: { kind: 'answer', content: { summary: '  ', sentiment: 0, intent: 'faq' } }, reason: /does not fit the schema \(summary\)/u, billed: true },
    { name: 'a refusal', reply: { kind: 'refusal', refusal: 'I cannot help with that.' }, reason: /refused/u, billed: true },
  ];
  for (const { name, reply, reason, billed } of cases) {
    test(name, async () => {
      server.script(reply);
      const result = await model().analyze(request());
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.match(result.reason, reason);
      assert.equal(result.usage !== undefined, billed === true, 'usage is kept when the call was billed');
      assert.equal(logged.length, 1);
      assert.equal(logged[0]?.level, 'warn');
      assert.deepEqual(logged[0]?.fields, { conversationId: 'conv-7', model: 'gpt-4o-mini', reason: result.reason });
      assert.ok(!JSON.stringify(logged).includes('Ana'), 'nothing of the transcript reaches the log');
    });
  }

  test('no answer within the timeout', async () => {
    server.script({ kind: 'hang' });
    const result = await model(150).analyze(request());
    assert.deepEqual(result, { ok: false, reason: 'no answer within 150 ms' });
    assert.equal(logged.length, 1);
  });

  test('a wrong key', async () => {
    const wrong = createTextModel({ url: server.url, model: 'gpt-4o-mini', apiKey: 'sk-wrong', log: recordingLogger(logged) });
    assert.deepEqual(await wrong.analyze(request()), { ok: false, reason: 'HTTP 401 (invalid_api_key)' });
  });

  test('nothing listening', async () => {
    const nowhere = createTextModel({ url: 'http://127.0.0.1:9/v1/chat/completions', model: 'gpt-4o-mini', apiKey: KEY, log: recordingLogger(logged) });
    const result = await nowhere.analyze(request());
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.reason, /^request failed/u);
  });
});

test('configuration: ANALYTICS_API_KEY, else OPENAI_API_KEY for OpenAI itself only; none without a key or with the key "none"', async () => {
  const base = { ANALYTICS_MODEL_URL: server.url, ANALYTICS_MODEL: 'gpt-4o-mini' };
  const log = recordingLogger(logged);
  assert.equal(textModelFromConfig({ ...base }, log), undefined);
  assert.equal(textModelFromConfig({ ...base, OPENAI_API_KEY: KEY, ANALYTICS_API_KEY: 'none' }, log), undefined);
  // The realtime key is never sent to another endpoint (this fake, a proxy, another vendor).
  assert.equal(textModelFromConfig({ ...base, OPENAI_API_KEY: KEY }, log), undefined);
  assert.ok(textModelFromConfig({ ANALYTICS_MODEL_URL: 'https://api.openai.com/v1/chat/completions', ANALYTICS_MODEL: 'gpt-4o-mini', OPENAI_API_KEY: KEY }, log));
  assert.equal((await textModelFromConfig({ ...base, OPENAI_API_KEY: 'sk-other', ANALYTICS_API_KEY: KEY }, log)?.analyze(request()))?.ok, true);
  assert.deepEqual(server.requests.map((sent) => sent.authorization), [`Bearer ${KEY}`]);
  assert.equal(textModelFromConfig({ ...base, ANALYTICS_API_KEY: KEY, ANALYTICS_MODEL: 'llama-3.1-8b' }, log)?.model, 'llama-3.1-8b');
});

test('the fake refuses what OpenAI refuses, so an accepted request means a valid one', async () => {
  const post = (body: unknown) =>
    fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` }, body: JSON.stringify(body) });
  const messages = [{ role: 'user', content: 'hi' }];
  const schema = { type: 'object', properties: { summary: { type: 'string' }, intent: { type: 'string' } }, required: ['summary'], additionalProperties: false };
  const notAllRequired = await post({ model: 'gpt-4o-mini', messages, response_format: { type: 'json_schema', json_schema: { name: 'analysis', strict: true, schema } } });
  assert.equal(notAllRequired.status, 400);
  assert.match(((await notAllRequired.json()) as { error: { message: string } }).error.message, /required.*Missing 'intent'/u);
  assert.equal((await post({ messages })).status, 400, 'no model');
  assert.equal((await post({ model: 'gpt-4o-mini', messages: [{ role: 'customer', content: 'hi' }] })).status, 400, 'unknown role');
});
