// The figures a conversation writes into its record for post-conversation analytics, as a call produces them:
// turns, latencies, barge-ins, tool calls and errors, a transfer, and model usage including the caller's audio.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { defineTool, type ToolSpec } from '../core/tool.ts';

import { conversationControlTools } from '../agent/tools/conversation-control.ts';
import { initI18n } from '../i18n/i18n.ts';
import { ConversationStatsCollector } from './conversation-stats.ts';
import { closeStores, connect, endedRecord, eventually, setup, sleep } from './conversation-test-kit.ts';

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

  test('a tool that ran but could not do the job (taken slot, nothing found) is not counted as a success', async () => {
    const taken = defineTool('book_slot', 'Books.', z.object({}), async () => ({ error: 'slot_taken', message: 'Someone else just booked that time.' })) as ToolSpec;
    const faq = defineTool('lookup_faq', 'Answers.', z.object({}), async () => ({ found: false, message: 'Nothing on that.' }), { idempotent: true }) as ToolSpec;
    const h = setup({ tools: [taken, faq, lookup] });
    const { connection, session } = await connect(h);
    session.emit({ type: 'tool_call', callId: 't1', name: 'book_slot', arguments: '{}' });
    session.emit({ type: 'tool_call', callId: 't2', name: 'lookup_faq', arguments: '{}' });
    session.emit({ type: 'tool_call', callId: 't3', name: 'lookup', arguments: '{"date":"2026-11-27"}' });
    await eventually(() => (session.callsOf('sendToolResult').length === 3 ? true : undefined), 'three tool results');
    connection.hangUp();
    const stats = (await endedRecord(h, connection.info.conversationId)).stats!;
    assert.deepEqual(stats.toolsSucceeded, ['lookup']);
    assert.equal(stats.toolErrors, 2);
  });

  test('a chat counts as active until its last message, not through the idle wait before it closed, across its parts', async () => {
    const chat = { channel: 'whatsapp', capabilities: { audio: false, text: true, dtmf: false, playbackMarks: false, voiceNotes: true, transfer: false } } as const;
    const h = setup();
    const first = await connect(h, chat);
    const id = first.connection.info.conversationId;
    first.connection.pushText('What time do you open?');
    await first.session.waitForCall('sendText');
    first.session.emit({ type: 'transcript', role: 'assistant', text: 'We open at ten.' });
    await sleep(800); // the idle wait
    first.connection.hangUp();
    const firstPart = (await endedRecord(h, id)).stats!.activeMs!;
    assert.ok(firstPart < 600, `the idle wait is not counted: ${firstPart} ms`);

    const again = await connect(h, { ...chat, conversationId: id, skipDisclosure: false });
    again.connection.pushText('And on Sunday?');
    await again.session.waitForCall('sendText');
    await sleep(50);
    again.session.emit({ type: 'transcript', role: 'assistant', text: 'Closed on Sunday.' });
    await sleep(800);
    again.connection.hangUp();
    await eventually(() => (h.manager.get(id) ? undefined : true), 'the second part to end');
    const total = (await endedRecord(h, id)).stats!.activeMs!;
    assert.ok(total >= firstPart + 50 && total < firstPart + 600, `both parts, without their waits: ${firstPart} then ${total} ms`);
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
