// The ceiling on tool calls: a model looping on tools is stopped per turn (it may try again once the customer has
// spoken) and, for good, per conversation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TOOL_BUDGET, ToolBudget } from './tool-budget.ts';

test('by default six calls fit in a turn and forty in a conversation', () => {
  assert.deepEqual(DEFAULT_TOOL_BUDGET, { perTurn: 6, perConversation: 40 });
  const budget = new ToolBudget();
  assert.deepEqual(budget.limits, DEFAULT_TOOL_BUDGET);
  for (let i = 0; i < 6; i++) assert.equal(budget.take(), 'ok');
  assert.equal(budget.take(), 'turn_limit');
});

test('past the turn ceiling calls are refused until the customer speaks again, and refusals are not counted', () => {
  const budget = new ToolBudget({ perTurn: 2, perConversation: 10 });
  assert.equal(budget.take(), 'ok');
  assert.equal(budget.take(), 'ok');
  assert.equal(budget.take(), 'turn_limit');
  assert.equal(budget.take(), 'turn_limit');
  assert.equal(budget.usedThisTurn, 2);
  assert.equal(budget.usedInConversation, 2);
  budget.turnEnded();
  assert.equal(budget.usedThisTurn, 0);
  assert.equal(budget.take(), 'ok');
  assert.equal(budget.usedInConversation, 3);
});

test('the conversation ceiling holds across turns and does not reset', () => {
  const budget = new ToolBudget({ perTurn: 2, perConversation: 3 });
  assert.equal(budget.take(), 'ok');
  assert.equal(budget.take(), 'ok');
  budget.turnEnded();
  assert.equal(budget.exhausted, false);
  assert.equal(budget.take(), 'ok');
  assert.equal(budget.exhausted, true);
  assert.equal(budget.take(), 'conversation_limit');
  budget.turnEnded();
  assert.equal(budget.take(), 'conversation_limit', 'a new turn does not reopen it');
  assert.equal(budget.usedInConversation, 3);
});

test('when both ceilings are reached the conversation one is reported, since it ends tool use for good', () => {
  const budget = new ToolBudget({ perTurn: 2, perConversation: 2 });
  budget.take();
  budget.take();
  assert.equal(budget.take(), 'conversation_limit');
});

test('ceilings that are not whole numbers of at least one are refused with the name of the setting', () => {
  assert.throws(() => new ToolBudget({ perTurn: 0 }), /perTurn must be a whole number of at least 1, not 0/);
  assert.throws(() => new ToolBudget({ perConversation: 2.5 }), /perConversation .* not 2\.5/);
  assert.throws(() => new ToolBudget({ perTurn: Number.NaN }), RangeError);
});
