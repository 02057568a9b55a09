// What an analysed conversation adds to /metrics: outcome counts, duration, sentiment, every turn latency, cost and
// tool errors, under low-cardinality labels only (a locale that is not served shows as 'other', ids never appear).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analysed } from '../../test/analytics-fixtures.ts';
import { GatewayMetrics } from './metrics.ts';

describe('GatewayMetrics.conversationAnalysed', () => {
  it('exposes the outcome, duration, sentiment, turn latencies, cost and tool errors of each conversation', async () => {
    const metrics = new GatewayMetrics();
    const call = analysed({ channel: 'twilio', intent: 'booking', outcome: 'completed', language: 'hi', durationMs: 90_000, sentiment: 0.6, turnLatenciesMs: [400, 900, 2500], costUsd: 0.25, toolErrors: 2 });
    metrics.conversationAnalysed(call);
    metrics.conversationAnalysed({ ...call, conversationId: 'second', costUsd: 0.5, toolErrors: 0, turnLatenciesMs: [] });
    const text = await metrics.registry.metrics();
    assert.match(text, /^gateway_conversation_outcomes_total\{channel="twilio",intent="booking",outcome="completed",language="hi"\} 2$/m);
    assert.match(text, /^gateway_conversation_duration_seconds_bucket\{le="60",channel="twilio",intent="booking"\} 0$/m);
    assert.match(text, /^gateway_conversation_duration_seconds_bucket\{le="120",channel="twilio",intent="booking"\} 2$/m);
    assert.match(text, /^gateway_conversation_duration_seconds_sum\{channel="twilio",intent="booking"\} 180$/m);
    assert.match(text, /^gateway_conversation_sentiment_bucket\{le="0.5",intent="booking"\} 0$/m);
    assert.match(text, /^gateway_conversation_sentiment_bucket\{le="0.75",intent="booking"\} 2$/m);
    // Three turns of the first conversation; the second had none.
    assert.match(text, /^gateway_conversation_turn_latency_seconds_count\{channel="twilio"\} 3$/m);
    assert.match(text, /^gateway_conversation_turn_latency_seconds_bucket\{le="1",channel="twilio"\} 2$/m);
    assert.match(text, /^gateway_conversation_cost_usd_total\{channel="twilio",intent="booking"\} 0.75$/m);
    assert.match(text, /^gateway_tool_errors_total\{channel="twilio",intent="booking"\} 2$/m);
    assert.ok(!text.includes(call.conversationId));
  });

  it('files a locale that is not served, and values outside the fixed sets, under other', async () => {
    const metrics = new GatewayMetrics();
    metrics.conversationAnalysed(analysed({ channel: 'web', intent: 'faq', outcome: 'abandoned', language: 'hi-IN' }));
    metrics.conversationAnalysed(analysed({ channel: 'web', intent: 'faq', outcome: 'abandoned', language: 'PT-br' }));
    // Analytics read back from an older version could carry values the types no longer allow.
    metrics.conversationAnalysed(analysed({ channel: 'Web Widget!', intent: 'refund' as 'faq', outcome: 'timeout' as 'failed', language: '<script>' }));
    const text = await metrics.registry.metrics();
    assert.match(text, /^gateway_conversation_outcomes_total\{channel="web",intent="faq",outcome="abandoned",language="other"\} 1$/m);
    assert.match(text, /^gateway_conversation_outcomes_total\{channel="web",intent="faq",outcome="abandoned",language="pt-BR"\} 1$/m);
    assert.match(text, /^gateway_conversation_outcomes_total\{channel="other",intent="other",outcome="other",language="other"\} 1$/m);
    assert.ok(!/hi-IN|script|refund|Widget/.test(text));
  });
});
