// Every outcome rule, through analyzeConversation as the analytics job calls it: failed, escalated, completed,
// abandoned, and the order in which they are checked.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConversationRecord, TranscriptEntry } from '../../conversation/records.ts';
import { analyzeConversation } from './analyze-conversation.ts';
import { event, record, said, stats } from './analysis-test-kit.ts';

async function outcome(overrides: Partial<ConversationRecord>, transcript: TranscriptEntry[] = [said('user', 'hello')]): Promise<string> {
  return (await analyzeConversation({ record: record(overrides), transcript })).outcome;
}

describe('failed: the gateway could not serve the conversation', () => {
  test('no model was available', async () => assert.equal(await outcome({ endReason: 'model_unavailable' }), 'failed'));
  test('it failed to start', async () => assert.equal(await outcome({ endReason: 'start_failed' }), 'failed'));
  test('the model was lost mid-conversation', async () => assert.equal(await outcome({ endReason: 'model_lost:socket closed (1006)' }), 'failed'));
  test('an error ended it', async () => {
    assert.equal(await outcome({ endReason: 'protocol-error: frame too large' }), 'failed');
    assert.equal(await outcome({ endReason: 'internal_error' }), 'failed');
  });
  test('even after a booking: failure is checked first', async () => {
    assert.equal(await outcome({ endReason: 'model_lost:timeout', stats: stats({ toolsSucceeded: ['book_appointment'] }) }), 'failed');
  });
});

describe('escalated: a person took over', () => {
  test('the call was transferred', async () => assert.equal(await outcome({ endReason: 'transferred', stats: stats({ transferred: true }) }), 'escalated'));
  test('the stats say so even when the end reason does not', async () => assert.equal(await outcome({ endReason: 'hangup', stats: stats({ transferred: true }) }), 'escalated'));
  test('a staff hand-off on a chat (transfer_to_human returned ok)', async () => {
    assert.equal(await outcome({ channel: 'whatsapp', endReason: 'agent_ended', stats: stats({ toolsSucceeded: ['transfer_to_human'] }) }), 'escalated');
  });
  test('an old record without stats: the transfer in the transcript', async () => {
    assert.equal(await outcome({ endReason: 'hangup', stats: undefined }, [said('user', 'a person please'), event('transferred: caller asked for a person')]), 'escalated');
  });
  test('after a booking, the person still counts', async () => {
    assert.equal(await outcome({ endReason: 'transferred', stats: stats({ transferred: true, toolsSucceeded: ['book_appointment'] }) }), 'escalated');
  });
});

describe('completed: something was done for the customer', () => {
  test('a booking was made, then the customer hung up', async () => {
    assert.equal(await outcome({ endReason: 'hangup', stats: stats({ toolsSucceeded: ['check_availability', 'book_appointment'] }) }), 'completed');
  });
  test('a question answered from the FAQ', async () => assert.equal(await outcome({ endReason: 'hangup', stats: stats({ toolsSucceeded: ['lookup_faq'] }) }), 'completed'));
  test('the agent ended it after the customer spoke', async () => assert.equal(await outcome({ endReason: 'agent_ended', stats: stats({ turns: 1 }) }), 'completed'));
});

describe('abandoned: everything else', () => {
  test('the customer hung up before anything was done', async () => assert.equal(await outcome({ endReason: 'hangup' }), 'abandoned'));
  test('the agent ended it but the customer never spoke', async () => assert.equal(await outcome({ endReason: 'agent_ended', stats: stats({ turns: 0 }) }, []), 'abandoned'));
  test('the stream never connected', async () => assert.equal(await outcome({ endReason: 'stream_never_connected', stats: undefined }, []), 'abandoned'));
  test('only steering tools succeeded (a hand-off between agents, an end)', async () => {
    assert.equal(await outcome({ endReason: 'hangup', stats: stats({ toolsSucceeded: ['hand_off', 'end_conversation'], toolCalls: 2 }) }), 'abandoned');
  });
  test('every business tool failed', async () => {
    assert.equal(await outcome({ endReason: 'hangup', stats: stats({ toolCalls: 2, toolErrors: 2, toolsSucceeded: [] }) }), 'abandoned');
  });
  test('a record that never recorded an end', async () => assert.equal(await outcome({ endReason: undefined, endedAt: undefined, status: 'live' }), 'abandoned'));
});
