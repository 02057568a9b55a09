// One ended conversation analysed as the analytics job does it: the measured figures, where the intent comes from
// (router, tools, text model, lexicon), the text model's answer and its fallback, and records without stats.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { silentLogger } from '../../log.ts';
import { startFakeChatCompletions, type FakeChatCompletions } from '../../../test/fakes/chat-completions-server.ts';
import { analyzeConversation } from './analyze-conversation.ts';
import { STARTED_AT, record, said, stats, toolCall } from './analysis-test-kit.ts';
import { createTextModel, type TextModel } from './text-model.ts';

const KEY = 'sk-analytics';
let server: FakeChatCompletions;
let textModel: TextModel;
before(async () => {
  server = await startFakeChatCompletions({ apiKey: KEY });
  textModel = createTextModel({ url: server.url, model: 'gpt-4o-mini', apiKey: KEY, log: silentLogger });
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

test('the figures the conversation measured', async () => {
  const analytics = await analyzeConversation(
    {
      record: record({
        model: 'local', // fell back from OpenAI during the call
        stats: stats({
          turns: 6,
          timeToFirstAudioMs: 640,
          // Sorted: 300 400 500 600 700 800 900 1000 1200 2500. Nearest rank: p50 is the 5th (700), p95 the 10th.
          turnLatenciesMs: [900, 300, 1_200, 500, 700, 2_500, 800, 600, 1_000, 400],
          bargeIns: 2,
          toolCalls: 3,
          toolErrors: 1,
          toolsSucceeded: ['check_availability', 'book_appointment'],
          handOffs: 1,
          usage: {
            openai: { inputAudioMs: 60_000, outputAudioMs: 30_000, inputTokens: 1_000, outputTokens: 700 },
            local: { inputAudioMs: 20_000, outputAudioMs: 10_000, inputTokens: 0, outputTokens: 0 },
          },
        }),
      }),
      transcript: [said('user', 'I want to book an appointment')],
    },
    { now: () => STARTED_AT + 100_000 },
  );
  assert.deepEqual(
    { ...analytics, summary: undefined },
    {
      conversationId: 'conv-1',
      channel: 'phone',
      language: 'en-IN',
      day: '2026-03-14', // UTC, though it was already the 15th in India
      startedAt: STARTED_AT,
      endedAt: STARTED_AT + 95_000,
      durationMs: 95_000,
      endReason: 'hangup',
      intent: 'booking',
      intentSource: 'classifier',
      outcome: 'completed',
      summary: undefined,
      sentiment: 0,
      sentimentLabel: 'neutral',
      analyzedBy: 'lexicon',
      turns: 6,
      timeToFirstAudioMs: 640,
      turnLatencyP50Ms: 700,
      turnLatencyP95Ms: 2_500,
      turnLatenciesMs: [900, 300, 1_200, 500, 700, 2_500, 800, 600, 1_000, 400],
      bargeIns: 2,
      toolCalls: 3,
      toolErrors: 1,
      handOffs: 1,
      modelAudioSeconds: 120,
      // OpenAI: 1,700 tokens, $0.0608 (see cost.test.ts); the local engine: none, free.
      tokens: 1_700,
      costUsd: 0.0608,
      models: ['openai', 'local'],
      analyzedAt: STARTED_AT + 100_000,
    },
  );
  assert.equal(analytics.summary, 'Customer wanted to book an appointment; booked (book_appointment). The customer hung up.');
});

test('the summary without a text model is a template sentence from intent, outcome and tools', async () => {
  const analytics = await analyzeConversation({
    record: record({ endReason: 'agent_ended', stats: stats({ toolsSucceeded: ['book_appointment', 'end_conversation'] }) }),
    transcript: [said('user', 'I need an appointment tomorrow'), toolCall('book_appointment'), said('user', 'thanks')],
  });
  assert.equal(analytics.summary, 'Customer wanted to book an appointment; booked (book_appointment). Ended by the agent.');
  assert.equal(analytics.sentimentLabel, 'positive');
});

test("the text model's summary is redacted before it is kept: a model may repeat an identifier it was shown", async () => {
  server.script({ kind: 'answer', content: { summary: 'Customer 9876543210 asked for a refund.', sentiment: -0.2, intent: 'status' } });
  const maskDigits = (text: string, locale: string) => text.replace(/\d{10}/gu, `[phone:${locale}]`);
  const analytics = await analyzeConversation({ record: record({ locale: 'ta' }), transcript: [said('user', 'I want my money back')] }, { textModel, redact: maskDigits });
  assert.equal(analytics.summary, 'Customer [phone:ta] asked for a refund.');
});

describe('intent', () => {
  test("the router's, when it set one, over tools and the text model", async () => {
    server.script({ kind: 'answer', content: { summary: 'Asked about prices.', sentiment: 0, intent: 'faq' } });
    const analytics = await analyzeConversation(
      { record: record({ intent: 'status', stats: stats({ toolsSucceeded: ['book_appointment'] }) }), transcript: [said('user', 'how much does it cost')] },
      { textModel },
    );
    assert.equal(analytics.intent, 'status');
    assert.equal(analytics.intentSource, 'router');
  });

  test('what the tools reveal, even when the call failed, over words', async () => {
    const analytics = await analyzeConversation({
      record: record({ stats: stats({ toolErrors: 1, toolCalls: 1 }) }),
      transcript: [said('user', 'What are your opening hours? And the price?'), toolCall('check_availability', { date: '2026-03-15' })],
    });
    assert.equal(analytics.intent, 'booking');
    assert.equal(analytics.intentSource, 'classifier');
  });

  test("the text model's, when neither router nor tools tell", async () => {
    server.script({ kind: 'answer', content: { summary: 'The customer asked whether they still owe money.', sentiment: -0.4, intent: 'status' } });
    const analytics = await analyzeConversation({ record: record(), transcript: [said('user', 'hmm, about last time, do I still have to send something')] }, { textModel });
    assert.equal(analytics.intent, 'status');
    assert.equal(analytics.intentSource, 'classifier');
  });

  test("the lexicon's, without a text model", async () => {
    const analytics = await analyzeConversation({ record: record({ locale: 'hi-IN' }), transcript: [said('user', 'आप कितने बजे खुलते हैं?')] });
    assert.equal(analytics.intent, 'faq');
    assert.equal(analytics.intentSource, 'classifier');
  });

  test("'other' when nothing tells", async () => {
    assert.equal((await analyzeConversation({ record: record(), transcript: [said('user', 'hello?')] })).intent, 'other');
  });
});

describe('the text model', () => {
  test('writes summary and sentiment, and its usage is added to tokens and cost', async () => {
    server.script({ kind: 'answer', content: { summary: 'Customer booked a cleaning for Friday.', sentiment: 0.733, intent: 'booking' }, usage: { promptTokens: 1_200, completionTokens: 80 } });
    const analytics = await analyzeConversation(
      {
        record: record({ stats: stats({ usage: { openai: { inputAudioMs: 60_000, outputAudioMs: 30_000, inputTokens: 1_000, outputTokens: 700 } } }) }),
        transcript: [said('user', 'I want to book a cleaning'), said('assistant', 'Friday at 10 works.'), said('user', 'perfect')],
      },
      { textModel },
    );
    assert.equal(analytics.analyzedBy, 'text_model');
    assert.equal(analytics.summary, 'Customer booked a cleaning for Friday.');
    assert.equal(analytics.sentiment, 0.73);
    assert.equal(analytics.sentimentLabel, 'positive');
    // 1,700 realtime tokens + 1,280 of gpt-4o-mini; $0.0608 + $0.000228.
    assert.equal(analytics.tokens, 2_980);
    assert.equal(analytics.costUsd, 0.061028);
    assert.deepEqual(analytics.models, ['openai']);
  });

  test('a failure falls back to the lexicon and the template', async () => {
    server.script({ kind: 'http-error', status: 500 });
    const analytics = await analyzeConversation({ record: record({ endReason: 'agent_ended' }), transcript: [said('user', 'what are your hours, thanks')] }, { textModel });
    assert.equal(server.requests.length, 1);
    assert.equal(analytics.analyzedBy, 'lexicon');
    assert.equal(analytics.summary, 'Customer had a question about the business; resolved in conversation. Ended by the agent.');
    assert.equal(analytics.sentimentLabel, 'positive');
    assert.equal(analytics.costUsd, 0);
  });

  test('an unusable answer that was billed still counts in the cost', async () => {
    server.script({ kind: 'answer', content: { summary: 'Fine.', sentiment: 7, intent: 'faq' }, usage: { promptTokens: 1_200, completionTokens: 80 } });
    const analytics = await analyzeConversation({ record: record(), transcript: [said('user', 'hello')] }, { textModel });
    assert.equal(analytics.analyzedBy, 'lexicon');
    assert.equal(analytics.tokens, 1_280);
    assert.equal(analytics.costUsd, 0.000228);
  });

  test('is not asked when the customer said nothing', async () => {
    const analytics = await analyzeConversation({ record: record({ endReason: 'hangup', stats: stats({ turns: 0 }) }), transcript: [said('assistant', 'Hello, how can I help?')] }, { textModel });
    assert.equal(server.requests.length, 0);
    assert.equal(analytics.summary, 'Customer said nothing; nothing was done. The customer hung up.');
  });
});

test("only the customer's words count for sentiment", async () => {
  const analytics = await analyzeConversation({
    record: record(),
    transcript: [said('assistant', 'Great! Thank you so much, wonderful, perfect.'), said('user', 'This is terrible, really useless')],
  });
  assert.equal(analytics.sentimentLabel, 'negative');
});

describe('records without stats', () => {
  test('an old record: zeros, turns and barge-ins from what it kept, never an error', async () => {
    const { stats: _none, ...old } = record({ bargeIns: 1 });
    const analytics = await analyzeConversation({ record: old, transcript: [said('user', 'hello'), said('assistant', 'hi'), said('user', 'bye')] });
    assert.equal(analytics.turns, 2);
    assert.equal(analytics.bargeIns, 1);
    assert.equal(analytics.timeToFirstAudioMs, null);
    assert.equal(analytics.turnLatencyP50Ms, null);
    assert.equal(analytics.turnLatencyP95Ms, null);
    assert.deepEqual(analytics.turnLatenciesMs, []);
    assert.equal(analytics.toolCalls, 0);
    assert.equal(analytics.tokens, 0);
    assert.equal(analytics.costUsd, 0);
    assert.deepEqual(analytics.models, ['openai']);
  });

  test('a conversation that never went live', async () => {
    const analytics = await analyzeConversation({
      record: record({ status: 'ended', startedAt: undefined, endedAt: STARTED_AT + 5_000, createdAt: STARTED_AT, endReason: 'stream_never_connected', stats: undefined, model: undefined }),
      transcript: [],
    });
    assert.equal(analytics.durationMs, 5_000);
    assert.equal(analytics.turns, 0);
    assert.equal(analytics.outcome, 'abandoned');
    assert.deepEqual(analytics.models, []);
    assert.equal(analytics.summary, 'Customer said nothing; nothing was done. The call audio never connected.');
  });

  test('stats damaged in storage are read as zeros', async () => {
    const damaged = { turns: 'three', turnLatenciesMs: [400, 'x', -1, null], usage: { openai: null }, toolsSucceeded: 'book_appointment' } as unknown as ReturnType<typeof stats>;
    const analytics = await analyzeConversation({ record: record({ stats: damaged }), transcript: [said('user', 'hi')] });
    assert.equal(analytics.turns, 0);
    assert.deepEqual(analytics.turnLatenciesMs, [400]);
    assert.equal(analytics.tokens, 0);
    assert.equal(analytics.outcome, 'abandoned');
  });
});
