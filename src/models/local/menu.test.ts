// The menu as tables: each row is a path through the menu from a start state, with the actions a caller would
// notice at the end of it (what is said, which tool is called, whether the call ends or is handed over).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOOK_APPOINTMENT, CHECK_AVAILABILITY, CHECK_BOOKING_STATUS, HAND_OFF, initialMenuState, LOOKUP_FAQ, MAX_MISSES, menuStep, menuTools } from './menu.ts';
import type { MenuAction, MenuInput, MenuState } from './menu.ts';
import type { Intent } from './keywords.ts';

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
        return action.name === HAND_OFF ? `hand_off ${(JSON.parse(action.arguments) as { to: string }).to}` : `tool ${action.name} ${action.arguments}`;
      case 'end':
        return 'END';
      case 'transfer':
        return 'TRANSFER';
      case 'set_language':
        return `LANGUAGE ${action.index}`;
      case 'recording_off':
        return 'RECORDING OFF';
    }
  });
}

const digit = (d: string): MenuInput => ({ type: 'digit', digit: d });
const intent = (name: Intent): MenuInput => ({ type: 'intent', intent: name });
const notice: MenuInput = { type: 'recording_notice' };
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
  // The bot question, answered truthfully wherever it is asked, then back to where the caller was.
  { name: 'the bot question in the main menu', inputs: [intent('bot')], expect: ['common:botAnswer', ...main], step: 'main' },
  { name: 'the bot question while choosing', inputs: [...toChoosing, intent('bot')], expect: ['common:botAnswer', ...offer], step: 'choosing' },
  { name: 'the bot question while a tool is out', inputs: [digit('2'), intent('bot')], expect: ['common:botAnswer'], step: 'checking' },
  { name: '9 after the bot answer repeats it', inputs: [intent('bot'), digit('9')], expect: ['common:botAnswer', ...main] },
  // Recording: 8 and the words opt out only after the notice.
  { name: '8 after the notice opts out', inputs: [notice, digit('8')], expect: ['RECORDING OFF', 'common:recordingOff', ...main], step: 'main' },
  { name: 'the words after the notice opt out', inputs: [notice, ...toChoosing, intent('noRecord')], expect: ['RECORDING OFF', 'common:recordingOff', ...offer], step: 'choosing' },
  { name: 'opting out twice confirms without a second opt-out', inputs: [notice, digit('8'), digit('8')], expect: ['common:recordingOff', ...main] },
  { name: 'opting out while a tool is out', inputs: [notice, digit('2'), intent('noRecord')], expect: ['RECORDING OFF', 'common:recordingOff'], step: 'checking' },
  { name: '8 without a notice is not an option', inputs: [digit('8')], expect: ['menu:invalid', ...main] },
  { name: 'the words without a notice are not understood', inputs: [intent('noRecord')], expect: ['menu:invalid', ...main] },
];

const languages = ['menu:languageOption#1', 'menu:languageOption#2', 'menu:languageOption#3'];
const inLanguageMenu = (): MenuState => initialMenuState('t', 'UTC', 3);

/** The language menu, first prompt of a session that offers three languages. */
const languageRows: Array<{ name: string; inputs: MenuInput[]; expect: string[]; step?: MenuState['step'] }> = [
  { name: 'the first prompt offers the languages', inputs: [{ type: 'prompt' }], expect: languages, step: 'language' },
  { name: 'a digit picks a language, then the main menu', inputs: [{ type: 'prompt' }, digit('2')], expect: ['LANGUAGE 1', ...main], step: 'main' },
  { name: '3 picks the third language, not a person', inputs: [digit('3')], expect: ['LANGUAGE 2', ...main], step: 'main' },
  { name: 'a digit with no language', inputs: [digit('7')], expect: ['menu:invalid', ...languages], step: 'language' },
  { name: '9 repeats the languages', inputs: [digit('9')], expect: languages },
  { name: 'speech asks for the keypad', inputs: [{ type: 'speech' }], expect: ['common:noSpeech', ...languages] },
  { name: 'a menu word skips the choice', inputs: [intent('hours')], expect: ['menu:hours', 'menu:anythingElse', ...main], step: 'main' },
  { name: 'the language settled otherwise skips the menu', inputs: [{ type: 'language_set' }, { type: 'prompt' }], expect: main, step: 'main' },
  { name: 'the bot question in the language menu', inputs: [intent('bot')], expect: ['common:botAnswer', ...languages], step: 'language' },
  { name: '0 still says goodbye', inputs: [digit('0')], expect: ['common:goodbye', 'END'], step: 'done' },
];

for (const row of languageRows) {
  test(`menu: language menu: ${row.name}`, () => {
    const { state, actions } = run(row.inputs, inLanguageMenu());
    assert.deepEqual(describe(actions), row.expect);
    if (row.step) assert.equal(state.step, row.step);
  });
}

test('menu: one language, or none, means no language menu', () => {
  assert.equal(initialMenuState('t', 'UTC', 1).step, 'main');
  assert.equal(initialMenuState('t').step, 'main');
  assert.equal(initialMenuState('t', 'UTC', 12).languages, 9); // keys 1..9
});

test('menu: language options carry their index and the slot offer its count', () => {
  const { actions } = run([{ type: 'prompt' }], inLanguageMenu());
  assert.deepEqual(actions.map((a) => (a.type === 'say' ? a.language : undefined)), [0, 1, 2]);
  const offered = run(toChoosing).actions[0];
  assert.equal(offered?.type === 'say' ? offered.count : undefined, 3);
});

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

// ---- a team: choices are handed to the specialist first (hand_off), then acted on ----

/** The router's tools in the default team. */
const ROUTER = menuTools([LOOKUP_FAQ, HAND_OFF, 'end_conversation']);
const inTeam = (): MenuState => initialMenuState('t', 'UTC', 0, ROUTER);
const teamMain = ['menu:mainWithStatus'];
const handedTo = (agent: string): MenuInput => result({ ok: true, now: agent, next: 'Carry on now.' });
const booking = (start: string, paid: boolean): object => ({ bookingId: 'K7QM3XTA', start, status: 'booked', fee: { amount: 500, currency: 'INR' }, paid });
const TOMORROW_DUE = booking('2026-11-25T11:00:00+05:30', false);
const TODAY_PAID = booking('2026-11-24T10:00:00+05:30', true);
const knowledge = { found: true, locale: 'en', answers: [{ id: 'hours', question: 'When are you open?', answer: 'Open 9 to 5, every day.' }] };

const teamRows: Array<{ name: string; inputs: MenuInput[]; expect: string[]; step?: MenuState['step'] }> = [
  { name: 'the menu offers option 4', inputs: [{ type: 'prompt' }], expect: teamMain, step: 'main' },
  { name: '2 hands off to booking first', inputs: [digit('2')], expect: ['hand_off booking'], step: 'handingOff' },
  { name: 'availability is checked once the hand-off answers', inputs: [digit('2'), handedTo('booking')], expect: [`tool ${CHECK_AVAILABILITY} {}`], step: 'checking' },
  { name: 'a refused hand-off still books', inputs: [digit('2'), result({ ok: false, message: 'no such agent' })], expect: [`tool ${CHECK_AVAILABILITY} {}`], step: 'checking' },
  { name: 'booking carries on as alone', inputs: [digit('2'), handedTo('booking'), result(SLOTS), digit('2')], expect: [`tool ${BOOK_APPOINTMENT} {"slotId":"2026-11-24T11:00"}`], step: 'booking' },
  { name: 'the specialist already serving is not handed to again', inputs: [digit('2'), handedTo('booking'), result(SLOTS), digit('*'), digit('2')], expect: [`tool ${CHECK_AVAILABILITY} {}`] },
  { name: '"book" by word hands off too', inputs: [intent('book')], expect: ['hand_off booking'] },
  { name: '4 hands off to status', inputs: [digit('4')], expect: ['hand_off status'], step: 'handingOff' },
  { name: "then the caller's own bookings are looked up", inputs: [digit('4'), handedTo('status')], expect: [`tool ${CHECK_BOOKING_STATUS} {}`], step: 'checkingStatus' },
  { name: 'the status by word', inputs: [intent('status')], expect: ['hand_off status'] },
  { name: 'the status by word while choosing a slot', inputs: [digit('2'), handedTo('booking'), result(SLOTS), intent('status')], expect: ['hand_off status'] },
  {
    name: 'bookings are said soonest first, each paid or due, then the menu',
    inputs: [digit('4'), handedTo('status'), result({ bookings: [TOMORROW_DUE, TODAY_PAID] })],
    expect: ['menu:statusIntro', 'menu:statusPaid', 'menu:statusDue', 'menu:anythingElse', ...teamMain],
    step: 'main',
  },
  { name: 'no booking found', inputs: [digit('4'), handedTo('status'), result({ bookings: [], message: 'No upcoming booking.' })], expect: ['menu:statusNone', 'menu:anythingElse', ...teamMain], step: 'main' },
  { name: 'a failed lookup', inputs: [digit('4'), handedTo('status'), result({ error: 'timeout', message: 'slow' })], expect: ['menu:statusFailed', ...teamMain], step: 'main' },
  { name: 'bookings that cannot be said are a failed lookup', inputs: [digit('4'), handedTo('status'), result({ bookings: [{ start: 'soon' }] })], expect: ['menu:statusFailed', ...teamMain] },
  { name: 'keys while a hand-off is out get a holding line', inputs: [digit('4'), digit('5')], expect: ['common:oneMoment'], step: 'handingOff' },
  { name: '3 hands off to escalation first', inputs: [digit('3')], expect: ['hand_off escalation'], step: 'handingOff' },
  { name: 'then the caller is transferred', inputs: [digit('3'), handedTo('escalation')], expect: ['handoff:connecting', 'TRANSFER'], step: 'done' },
  { name: 'goodbye while a hand-off is out', inputs: [digit('2'), digit('0')], expect: ['common:goodbye', 'END'], step: 'done' },
  { name: 'a stale hand-off answer is ignored', inputs: [digit('2'), { type: 'tool_result', callId: 'other', output: '{"ok":true}' }], expect: [], step: 'handingOff' },
  { name: '1 looks the hours up in the knowledge texts', inputs: [digit('1')], expect: [`tool ${LOOKUP_FAQ} {}`], step: 'lookingUp' },
  { name: 'the answer is said, then the menu', inputs: [digit('1'), result(knowledge)], expect: ['menu:hours', 'menu:anythingElse', ...teamMain], step: 'main' },
  { name: "no answer: the menu's own hours text", inputs: [digit('1'), result({ found: false, message: 'none' })], expect: ['menu:hours', 'menu:anythingElse', ...teamMain] },
];

for (const row of teamRows) {
  test(`menu: team: ${row.name}`, () => {
    const { state, actions } = run(row.inputs, inTeam());
    assert.deepEqual(describe(actions), row.expect);
    if (row.step) assert.equal(state.step, row.step);
  });
}

test('menu: team: a hand-off names the specialist, the intent and an English summary; the language is left to the session', () => {
  const calls = [digit('2'), digit('4'), digit('3')].map((input) => run([input], inTeam()).actions[0]);
  const args = calls.map((call) => (call?.type === 'call_tool' ? (JSON.parse(call.arguments) as { to: string; context: { intent: string; summary: string } }) : undefined));
  assert.deepEqual(args.map((a) => [a?.to, a?.context.intent]), [['booking', 'booking'], ['status', 'status'], ['escalation', 'escalation']]);
  for (const a of args) assert.match(a?.context.summary ?? '', /^The customer .{10,200} menu\.$/u);
  assert.ok(calls.every((call) => call?.type === 'call_tool' && call.fill?.language === true));
});

test('menu: team: bookings are said in the offset they were written with, with their fee', () => {
  const { actions } = run([digit('4'), handedTo('status'), result({ bookings: [TOMORROW_DUE] })], inTeam());
  const due = actions.find((a) => a.type === 'say' && a.key === 'menu:statusDue');
  assert.deepEqual(due?.type === 'say' ? [due.time, due.fee] : undefined, [{ iso: '2026-11-25T11:00:00+05:30', timeZone: '+05:30' }, { amount: 500, currency: 'INR' }]);
  const intro = actions[0];
  assert.equal(intro?.type === 'say' ? intro.count : undefined, 1);
});

test('menu: team: at most three bookings are said', () => {
  const many = ['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28'].map((day) => booking(`${day}T10:00:00+05:30`, false));
  const { actions } = run([digit('4'), handedTo('status'), result({ bookings: many })], inTeam());
  assert.equal(actions.filter((a) => a.type === 'say' && a.key === 'menu:statusDue').length, 3);
});

test("menu: team: the knowledge answer carries its language; the hours question is the session's to word", () => {
  const asked = run([digit('1')], inTeam()).actions[0];
  assert.deepEqual(asked?.type === 'call_tool' ? asked.fill : undefined, { question: 'menu:hoursQuestion' });
  const said = run([digit('1'), result(knowledge)], inTeam()).actions[0];
  assert.deepEqual(said?.type === 'say' ? said.written : undefined, { text: 'Open 9 to 5, every day.', locale: 'en' });
});

test('menu: team: a change of agent keeps the caller where they are and only changes the tools', () => {
  const choosing = run([digit('2'), handedTo('booking'), result(SLOTS)], inTeam()).state;
  const booker = menuTools([CHECK_AVAILABILITY, BOOK_APPOINTMENT, HAND_OFF]);
  const changed = menuStep(choosing, { type: 'tools', tools: booker });
  assert.deepEqual(changed.actions, []);
  assert.deepEqual({ ...changed.state, tools: choosing.tools }, choosing);
  assert.deepEqual(describe(run([digit('2')], changed.state).actions), [`tool ${BOOK_APPOINTMENT} {"slotId":"2026-11-24T11:00"}`]);
  // The booking specialist has no knowledge texts: 1 says the menu's own hours text.
  assert.deepEqual(describe(run([digit('*'), digit('1')], changed.state).actions), ['menu:hours', 'menu:anythingElse', ...teamMain]);
});

// ---- one agent on its own: the menu as it always was ----

const aloneRows: Array<{ name: string; tools: string[]; inputs: MenuInput[]; expect: string[] }> = [
  { name: 'no option 4 in the menu', tools: [CHECK_AVAILABILITY, BOOK_APPOINTMENT, LOOKUP_FAQ], inputs: [{ type: 'prompt' }], expect: main },
  { name: '4 is not an option', tools: [CHECK_AVAILABILITY, BOOK_APPOINTMENT, LOOKUP_FAQ], inputs: [digit('4')], expect: ['menu:invalid', ...main] },
  { name: 'the status by word is not an option', tools: [CHECK_AVAILABILITY, BOOK_APPOINTMENT], inputs: [intent('status')], expect: ['menu:invalid', ...main] },
  { name: '1 says the hours text even with lookup_faq', tools: [CHECK_AVAILABILITY, BOOK_APPOINTMENT, LOOKUP_FAQ], inputs: [digit('1')], expect: ['menu:hours', 'menu:anythingElse', ...main] },
  { name: '2 checks availability at once', tools: [CHECK_AVAILABILITY, BOOK_APPOINTMENT, LOOKUP_FAQ], inputs: [digit('2')], expect: [`tool ${CHECK_AVAILABILITY} {}`] },
  { name: '3 transfers at once', tools: [CHECK_AVAILABILITY, BOOK_APPOINTMENT, LOOKUP_FAQ], inputs: [digit('3')], expect: ['handoff:connecting', 'TRANSFER'] },
  { name: 'with the status tool, 4 looks the bookings up directly', tools: [CHECK_BOOKING_STATUS], inputs: [digit('4')], expect: [`tool ${CHECK_BOOKING_STATUS} {}`] },
];

for (const row of aloneRows) {
  test(`menu: alone: ${row.name}`, () => {
    const { actions } = run(row.inputs, initialMenuState('t', 'UTC', 0, menuTools(row.tools)));
    assert.deepEqual(describe(actions), row.expect);
  });
}
