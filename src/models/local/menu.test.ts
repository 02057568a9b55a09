// The menu as tables: each row is a path through the menu from a start state, with the actions a caller would
// notice at the end of it (what is said, which tool is called, whether the call ends or is handed over).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOOK_APPOINTMENT, CHECK_AVAILABILITY, initialMenuState, MAX_MISSES, menuStep } from './menu.ts';
import type { MenuAction, MenuInput, MenuState } from './menu.ts';

const SLOTS = {
  slots: [
    { slotId: '2026-11-24T10:00', start: '2026-11-24T10:00:00+05:30' },
    { slotId: '2026-11-24T11:00', start: '2026-11-24T11:00:00+05:30' },
    { slotId: '2026-11-24T12:00', start: '2026-11-24T12:00:00+05:30' },
  ],
  timeZone: 'Asia/Kolkata',
};

/** Runs inputs in order; a tool_result with callId '*' answers whatever call is pending. */
function run(inputs: readonly MenuInput[], from: MenuState = initialMenuState('t')): { state: MenuState; actions: readonly MenuAction[] } {
  let state = from;
  let actions: readonly MenuAction[] = [];
  for (const input of inputs) {
    const resolved = input.type === 'tool_result' && input.callId === '*' ? { ...input, callId: state.pendingCallId ?? 'none' } : input;
    ({ state, actions } = menuStep(state, resolved));
  }
  return { state, actions };
}

/** A compact picture of actions: say keys (with digit), tool names with arguments, end and transfer. */
function describe(actions: readonly MenuAction[]): string[] {
  return actions.map((action) => {
    switch (action.type) {
      case 'say':
        return action.digit === undefined ? action.key : `${action.key}#${action.digit}`;
      case 'call_tool':
        return `tool ${action.name} ${action.arguments}`;
      case 'end':
        return 'END';
      case 'transfer':
        return 'TRANSFER';
    }
  });
}

const digit = (d: string): MenuInput => ({ type: 'digit', digit: d });
const result = (output: unknown): MenuInput => ({ type: 'tool_result', callId: '*', output: JSON.stringify(output) });
const toChoosing: MenuInput[] = [digit('2'), result(SLOTS)];
const offer = ['booking:offerIntro', 'booking:offerSlot#1', 'booking:offerSlot#2', 'booking:offerSlot#3', 'booking:offerOutro'];
const main = ['menu:main'];

const rows: Array<{ name: string; inputs: MenuInput[]; expect: string[]; step?: MenuState['step'] }> = [
  { name: 'start speaks the main menu', inputs: [{ type: 'prompt' }], expect: main, step: 'main' },
  { name: '1 tells the hours, then the menu', inputs: [digit('1')], expect: ['menu:hours', 'menu:anythingElse', ...main] },
  { name: 'hours by word', inputs: [{ type: 'intent', intent: 'hours' }], expect: ['menu:hours', 'menu:anythingElse', ...main] },
  { name: '2 checks availability', inputs: [digit('2')], expect: [`tool ${CHECK_AVAILABILITY} {}`], step: 'checking' },
  { name: 'slots are offered', inputs: toChoosing, expect: offer, step: 'choosing' },
  { name: 'picking 2 books the second slot', inputs: [...toChoosing, digit('2')], expect: [`tool ${BOOK_APPOINTMENT} {"slotId":"2026-11-24T11:00"}`], step: 'booking' },
  { name: 'picking 3 books the third slot (not a person)', inputs: [...toChoosing, digit('3')], expect: [`tool ${BOOK_APPOINTMENT} {"slotId":"2026-11-24T12:00"}`] },
  { name: 'confirmation returns to the menu', inputs: [...toChoosing, digit('1'), result({ bookingId: 'B1', slotId: 'x', start: '2026-11-24T10:00:00+05:30' })], expect: ['booking:confirmed', 'menu:anythingElse', ...main], step: 'main' },
  { name: 'a taken slot looks again', inputs: [...toChoosing, digit('1'), result({ error: 'slot_taken', message: 'x' })], expect: ['booking:taken', `tool ${CHECK_AVAILABILITY} {}`], step: 'checking' },
  { name: 'no slots', inputs: [digit('2'), result({ slots: [], timeZone: 'Asia/Kolkata' })], expect: ['booking:noSlots', ...main], step: 'main' },
  { name: 'a failed tool', inputs: [digit('2'), result({ error: 'timeout', message: 'slow' })], expect: ['booking:failed', ...main], step: 'main' },
  { name: 'garbage tool output', inputs: [digit('2'), { type: 'tool_result', callId: '*', output: 'not json' }], expect: ['booking:failed', ...main] },
  { name: 'a stale tool result is ignored', inputs: [digit('2'), { type: 'tool_result', callId: 'other', output: JSON.stringify(SLOTS) }], expect: [], step: 'checking' },
  { name: 'keys while waiting get a holding line', inputs: [digit('2'), digit('5')], expect: ['common:oneMoment'], step: 'checking' },
  { name: '9 while choosing repeats the offer', inputs: [...toChoosing, digit('9')], expect: offer },
  { name: 'star while choosing goes back', inputs: [...toChoosing, digit('*')], expect: main, step: 'main' },
  { name: 'a key with no slot while choosing', inputs: [...toChoosing, digit('7')], expect: ['menu:invalid', ...offer] },
  { name: 'speech while choosing', inputs: [...toChoosing, { type: 'speech' }], expect: ['common:noSpeech', ...offer] },
  { name: '3 hands over', inputs: [digit('3')], expect: ['handoff:connecting', 'TRANSFER'], step: 'done' },
  { name: 'a person by word while choosing', inputs: [...toChoosing, { type: 'intent', intent: 'human' }], expect: ['handoff:connecting', 'TRANSFER'] },
  { name: '0 says goodbye and ends', inputs: [digit('0')], expect: ['common:goodbye', 'END'], step: 'done' },
  { name: 'goodbye while a tool is out', inputs: [digit('2'), { type: 'intent', intent: 'goodbye' }], expect: ['common:goodbye', 'END'] },
  { name: 'nothing after the end', inputs: [digit('0'), digit('1')], expect: [], step: 'done' },
  { name: '9 repeats the last prompt', inputs: [digit('1'), digit('9')], expect: ['menu:hours', 'menu:anythingElse', ...main] },
  { name: 'unknown key re-prompts', inputs: [digit('5')], expect: ['menu:invalid', ...main] },
  { name: 'unrecognized text re-prompts', inputs: [{ type: 'unrecognized' }], expect: ['menu:invalid', ...main] },
  { name: 'speech asks for the keypad', inputs: [{ type: 'speech' }], expect: ['common:noSpeech', ...main] },
  { name: `${MAX_MISSES} misses in a row hand over`, inputs: [{ type: 'speech' }, digit('5'), { type: 'speech' }], expect: ['handoff:noMatch', 'TRANSFER'], step: 'done' },
  { name: 'a good key resets the misses', inputs: [digit('5'), digit('5'), digit('1'), digit('5')], expect: ['menu:invalid', ...main], step: 'main' },
];

for (const row of rows) {
  test(`menu: ${row.name}`, () => {
    const { state, actions } = run(row.inputs);
    assert.deepEqual(describe(actions), row.expect);
    if (row.step) assert.equal(state.step, row.step);
  });
}

test('menu: slot offers carry the start and the time zone to say them in', () => {
  const { actions } = run(toChoosing);
  const second = actions[2];
  assert.equal(second?.type, 'say');
  assert.deepEqual(second?.type === 'say' ? second.time : undefined, { iso: '2026-11-24T11:00:00+05:30', timeZone: 'Asia/Kolkata' });
});

test('menu: call ids are unique and carry the session prefix', () => {
  const first = run([digit('2')], initialMenuState('local-ab12-call'));
  const second = run([result(SLOTS), digit('1')], first.state);
  const ids = [...first.actions, ...second.actions].flatMap((a) => (a.type === 'call_tool' ? [a.callId] : []));
  assert.deepEqual(ids, ['local-ab12-call-1', 'local-ab12-call-2']);
});

test('menu: never offers more than three slots', () => {
  const many = { slots: [...SLOTS.slots, { slotId: '2026-11-24T13:00', start: '2026-11-24T13:00:00+05:30' }], timeZone: 'Asia/Kolkata' };
  const { state, actions } = run([digit('2'), result(many)]);
  assert.equal(state.slots.length, 3);
  assert.equal(actions.filter((a) => a.type === 'say' && a.key === 'booking:offerSlot').length, 3);
});

test('menu: is deterministic', () => {
  const inputs = [digit('2'), result(SLOTS), digit('2'), result({ error: 'slot_taken', message: '' }), result(SLOTS)];
  assert.deepEqual(run(inputs), run(inputs));
});
