// The figures a conversation writes into its record for post-conversation analytics, as a call produces them:
// turns, latencies, barge-ins, tool calls and errors, a transfer, and model usage including the caller's audio.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { defineTool, type ToolSpec } from '../core/tool.ts';

import { conversationControlTools } from '../agent/tools/conversation-control.ts';
import { initI18n } from '../i18n/i18n.ts';
import { ConversationStatsCollector } from './conversation-stats.ts';
import { closeStores, connect, endedRecord, eventually, setup } from './conversation-test-kit.ts';

before(() => initI18n());
after(closeStores);

const lookup = defineTool('lookup', 'Looks up a date.', z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }), async (input) => ({ date: input.date }), { idempotent: true }) as ToolSpec;

describe('conversation figures', () => {
  test('a call that is answered, interrupted, uses tools and is transferred writes its figures into the record', async () => {
    const h = setup({ tools: [lookup, ...(conversationControlTools as ToolSpec[])], settings: { transferNumber: '+919800000000' } });
    const { connection, session } = await connect(h);
    const id = connection.info.conversationId;
    // Two seconds of the caller's audio, then the end of their turn and an answer.
    connection.pushAudio(100, 0);
    session.emit({ type: 'speech_stopped' });
    session.emit({ type: 'response_started', responseId: 'r1' });
    session.emitAudio({ responseId: 'r1', itemId: 'i1', ms: 600 });
    connection.playMs(200);
    session.emit({ type: 'speech_started' }); // barge-in
    session.emit({ type: 'response_done', responseId: 'r1', status: 'cancelled', usage: { inputTokens: 120, outputTokens: 40, outputAudioMs: 600 } });
    session.emit({ type: 'tool_call', callId: 't1', name: 'lookup', arguments: '{"date":"2026-11-27"}' });
    session.emit({ type: 'tool_call', callId: 't2', name: 'lookup', arguments: '{"date":"Friday"}' });
    session.emit({ type: 'tool_call', callId: 't3', name: 'transfer_to_human', arguments: '{"reason":"asked for a person"}' });
    await eventually(() => (session.callsOf('sendToolResult').length === 3 ? true : undefined), 'three tool results');
    session.emit({ type: 'response_started', responseId: 'r2' });
    session.emit({ type: 'response_done', responseId: 'r2', status: 'completed', usage: { inputTokens: 200, outputTokens: 10 } });

    const record = await endedRecord(h, id, 5000);
    assert.equal(record.endReason, 'transferred');
    const stats = record.stats;
    assert.ok(stats);
    assert.equal(stats.turns, 1);
    assert.equal(stats.turnLatenciesMs.length, 1);
    assert.ok(stats.timeToFirstAudioMs !== undefined && stats.timeToFirstAudioMs >= 0);
    assert.equal(stats.bargeIns, 1);
    assert.equal(stats.toolCalls, 3);
    assert.equal(stats.toolErrors, 1, 'the invalid date');
    assert.deepEqual(stats.toolsSucceeded, ['lookup', 'transfer_to_human']);
    assert.equal(stats.transferred, true);
    assert.deepEqual(stats.usage, { scripted: { inputAudioMs: 2000, outputAudioMs: 600, inputTokens: 320, outputTokens: 50 } });
  });

  test('usage is kept per model, and caller audio is added up without an object per frame', () => {
    const stats = new ConversationStatsCollector();
    for (let i = 0; i < 50; i++) stats.inputAudio('openai', 20);
    stats.modelUsage('openai', { inputTokens: 10 });
    for (let i = 0; i < 25; i++) stats.inputAudio('local', 20);
    const snapshot = stats.snapshot();
    assert.deepEqual(snapshot.usage, {
      openai: { inputAudioMs: 1000, outputAudioMs: 0, inputTokens: 10, outputTokens: 0 },
      local: { inputAudioMs: 500, outputAudioMs: 0, inputTokens: 0, outputTokens: 0 },
    });
    // A snapshot taken twice counts the audio once.
    assert.deepEqual(stats.snapshot().usage, snapshot.usage);
  });

  test('a resumed conversation carries on from the figures it had', () => {
    const first = new ConversationStatsCollector();
    first.turn();
    first.toolCall('book_appointment', 'ok');
    first.turnLatency(412.4);
    const second = new ConversationStatsCollector(first.snapshot());
    second.turn();
    second.toolCall('lookup_faq', 'timeout');
    const stats = second.snapshot();
    assert.equal(stats.turns, 2);
    assert.equal(stats.toolCalls, 2);
    assert.equal(stats.toolErrors, 1);
    assert.deepEqual(stats.toolsSucceeded, ['book_appointment']);
    assert.deepEqual(stats.turnLatenciesMs, [412]);
  });
});
