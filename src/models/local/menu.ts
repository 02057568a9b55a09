// The local engine's brain: a pure, deterministic menu. (state, input) -> (next state, actions). No I/O, no clock,
// no randomness, so every path can be tested as a table and replayed. The session turns actions into events:
// prompts into speech or text, tool calls into `tool_call` events (the conversation runs the tools, exactly as it
// does for cloud models), end and transfer into requests. When the agent is one of a team, a choice that reveals
// what the caller wants (book, their booking, a person) is first handed to the specialist with hand_off, so the
// conversation's agent and intent follow the caller as they would with a cloud model.
import type { Intent } from './keywords.ts';
import { faqAnswer, handOffAgent, isSlot, parseBookings, parseObject } from './menu-results.ts';
import {
  BOOK_APPOINTMENT,
  callTool,
  CHECK_AVAILABILITY,
  CHECK_BOOKING_STATUS,
  HAND_OFF,
  languageMenu,
  LOOKUP_FAQ,
  mainMenu,
  MAX_OFFERED_SLOTS,
  miss,
  offersStatus,
  RECORDING_OPT_OUT_KEY,
  say,
  speak,
  usesFaq,
} from './menu-state.ts';
import type { Choice, MenuInput, MenuResult, MenuState, SayAction, Slot } from './menu-state.ts';

export {
  BOOK_APPOINTMENT,
  CHECK_AVAILABILITY,
  CHECK_BOOKING_STATUS,
  HAND_OFF,
  initialMenuState,
  LOOKUP_FAQ,
  MAX_LANGUAGES,
  MAX_MISSES,
  MAX_OFFERED_SLOTS,
  menuTools,
  NO_TOOLS,
  offersStatus,
  RECORDING_OPT_OUT_KEY,
} from './menu-state.ts';
export type { Choice, MenuAction, MenuInput, MenuResult, MenuState, MenuStep, MenuTools, SayAction, Slot } from './menu-state.ts';

/** Keypad meaning of each word choice in the main menu, so digits and words share one path. */
const INTENT_DIGIT: Readonly<Partial<Record<Intent, string>>> = { hours: '1', book: '2', human: '3', status: '4', repeat: '9', goodbye: '0', menu: '*' };

/** Bookings said at most in one answer: a longer list is more than a caller can hold. */
export const MAX_TOLD_BOOKINGS = 3;

/** Who in the team serves each choice, the intent it tags the conversation with, and the context it is handed. */
const SPECIALISTS: Readonly<Record<Choice, { readonly to: string; readonly intent: string; readonly summary: string }>> = {
  book: { to: 'booking', intent: 'booking', summary: 'The customer chose booking an appointment from the menu.' },
  status: { to: 'status', intent: 'status', summary: 'The customer chose hearing when their booking is and what they owe from the menu.' },
  human: { to: 'escalation', intent: 'escalation', summary: 'The customer asked for a person from the menu.' },
};

export function menuStep(state: MenuState, input: MenuInput): MenuResult {
  if (state.step === 'done') return { state, actions: [] };
  if (input.type === 'tool_result') return onToolResult(state, input.callId, input.output);
  // A hand-off changes who the menu works for, not where the caller is: the menu carries on from here.
  if (input.type === 'tools') return { state: { ...state, tools: input.tools }, actions: [] };
  if (input.type === 'recording_notice') return { state: { ...state, recordingNotice: true }, actions: [] };
  if (input.type === 'language_set') return { state: state.step === 'language' ? { ...state, step: 'main', lastPrompt: mainMenu(state.tools), misses: 0 } : state, actions: [] };

  const intent = input.type === 'intent' ? input.intent : undefined;
  const key = input.type === 'digit' ? input.digit : undefined;
  // In the language menu its digits choose a language, before any other meaning they have.
  if (state.step === 'language' && key !== undefined && /^[1-9]$/u.test(key) && Number(key) <= state.languages) {
    const main = mainMenu(state.tools);
    return { state: { ...state, step: 'main', lastPrompt: main, misses: 0 }, actions: [{ type: 'set_language', index: Number(key) - 1 }, ...main] };
  }
  if (intent === 'noRecord' || (key === RECORDING_OPT_OUT_KEY && state.recordingNotice)) {
    // Without a notice there is no recording to stop: the words are just not a menu choice.
    if (state.recordingNotice) return optOut(state);
    return menuStep(state, { type: 'unrecognized' });
  }
  // The question is answered truthfully wherever the customer asks it, then the menu carries on where it was.
  if (intent === 'bot') {
    const again = here(state);
    return { state: again.length > 0 ? { ...state, lastPrompt: [say('common:botAnswer'), ...again] } : state, actions: [say('common:botAnswer'), ...again] };
  }

  // Asking for a person and saying goodbye work everywhere, even while a tool call is out. While choosing, the
  // key 3 picks the third slot, so only the word asks for a person there.
  if (intent === 'human' || (key === '3' && state.step !== 'choosing')) return choose(state, 'human');
  if (intent === 'goodbye' || key === '0') {
    return { state: { ...state, step: 'done' }, actions: [say('common:goodbye'), { type: 'end', reason: 'caller said goodbye' }] };
  }

  switch (state.step) {
    case 'checking':
    case 'booking':
    case 'handingOff':
    case 'checkingStatus':
    case 'lookingUp':
      // The tool's answer will speak; anything else now only earns a short holding line.
      return { state, actions: input.type === 'prompt' ? [] : [say('common:oneMoment')] };
    case 'language':
      return onLanguage(state, input, intent);
    case 'main':
      return onMain(state, input, intent === undefined ? key : INTENT_DIGIT[intent]);
    case 'choosing':
      return onChoosing(state, input);
  }
}

/** What to say again after an aside (the bot question, the recording opt-out): where the caller is now. */
function here(state: MenuState): readonly SayAction[] {
  switch (state.step) {
    case 'language':
      return languageMenu(state.languages);
    case 'main':
      return mainMenu(state.tools);
    case 'choosing':
      return offer(state, state.slots);
    default:
      return []; // a tool call is out: its answer speaks next
  }
}

function optOut(state: MenuState): MenuResult {
  const again = here(state);
  const confirm = [say('common:recordingOff'), ...again];
  // Asked twice: confirm again, but the conversation has already stopped recording.
  const actions: MenuResult['actions'] = state.recordingOff ? confirm : [{ type: 'recording_off' }, ...confirm];
  return { state: { ...state, recordingOff: true, ...(again.length > 0 ? { lastPrompt: again, misses: 0 } : {}) }, actions };
}

function onLanguage(state: MenuState, input: MenuInput, intent: Intent | undefined): MenuResult {
  const options = languageMenu(state.languages);
  // A menu word ("book", "समय") skips the choice: the customer has already shown which language they use.
  if (intent !== undefined && intent !== 'repeat') return menuStep({ ...state, step: 'main', lastPrompt: mainMenu(state.tools), misses: 0 }, input);
  switch (input.type) {
    case 'prompt':
    case 'intent': // repeat
      return speak(state, options);
    case 'speech':
      return miss(state, say('common:noSpeech'), options);
    case 'digit':
      if (input.digit === '9' || input.digit === '*') return speak(state, options);
      return miss(state, say('menu:invalid'), options);
    default:
      return miss(state, say('menu:invalid'), options);
  }
}

/**
 * Acts on a choice. In a team the specialist that serves it is told first (hand_off with the intent and a summary)
 * and the menu acts once that answers; when that specialist already serves, or the agent works alone, at once.
 */
function choose(state: MenuState, choice: Choice): MenuResult {
  const specialist = SPECIALISTS[choice];
  if (!state.tools.handOff || state.agent === specialist.to) return act(state, choice);
  const args = { to: specialist.to, context: { intent: specialist.intent, summary: specialist.summary } };
  return callTool({ ...state, slots: [], afterHandOff: choice }, 'handingOff', HAND_OFF, args, [], { language: true });
}

function act(state: MenuState, choice: Choice): MenuResult {
  switch (choice) {
    case 'book':
      return callTool({ ...state, slots: [] }, 'checking', CHECK_AVAILABILITY, {});
    case 'status':
      // No bookingId: the caller's own upcoming bookings.
      return callTool({ ...state, slots: [] }, 'checkingStatus', CHECK_BOOKING_STATUS, {});
    case 'human':
      return { state: { ...state, step: 'done' }, actions: [say('handoff:connecting'), { type: 'transfer', reason: 'caller asked for a person' }] };
  }
}

function hours(state: MenuState): MenuResult {
  if (usesFaq(state.tools)) return callTool(state, 'lookingUp', LOOKUP_FAQ, {}, [], { question: 'menu:hoursQuestion' });
  return speak(state, [say('menu:hours'), say('menu:anythingElse'), ...mainMenu(state.tools)]);
}

function onMain(state: MenuState, input: MenuInput, digit: string | undefined): MenuResult {
  const main = mainMenu(state.tools);
  if (input.type === 'prompt') return speak(state, main);
  if (input.type === 'speech') return miss(state, say('common:noSpeech'), main);
  if (digit === '4' && offersStatus(state.tools)) return choose(state, 'status');
  switch (digit) {
    case '1':
      return hours(state);
    case '2':
      return choose(state, 'book');
    case '9':
      return speak(state, state.lastPrompt);
    case '*':
      return speak(state, main);
    default:
      return miss(state, say('menu:invalid'), main);
  }
}

function offer(state: MenuState, slots: readonly Slot[]): readonly SayAction[] {
  return [
    say('booking:offerIntro', { count: slots.length }),
    ...slots.map((slot, index) => say('booking:offerSlot', { digit: index + 1, time: { iso: slot.start, timeZone: state.timeZone } })),
    say('booking:offerOutro'),
  ];
}

function onChoosing(state: MenuState, input: MenuInput): MenuResult {
  const slotOffer = offer(state, state.slots);
  const backToMain = (): MenuResult => speak(state, mainMenu(state.tools), { step: 'main', slots: [] });
  switch (input.type) {
    case 'prompt':
      return speak(state, slotOffer);
    case 'speech':
      return miss(state, say('common:noSpeech'), slotOffer);
    case 'unrecognized':
      return miss(state, say('menu:invalid'), slotOffer);
    case 'intent':
      if (input.intent === 'hours') return speak(state, [say('menu:hours'), ...slotOffer]);
      if (input.intent === 'menu') return backToMain();
      if (input.intent === 'status' && offersStatus(state.tools)) return choose(state, 'status');
      return speak(state, slotOffer); // book, repeat
    case 'digit': {
      if (input.digit === '9') return speak(state, slotOffer);
      if (input.digit === '*') return backToMain();
      const slot = /^[1-9]$/u.test(input.digit) ? state.slots[Number(input.digit) - 1] : undefined;
      if (slot === undefined) return miss(state, say('menu:invalid'), slotOffer);
      return callTool(state, 'booking', BOOK_APPOINTMENT, { slotId: slot.slotId });
    }
    default:
      return { state, actions: [] };
  }
}

function onToolResult(state: MenuState, callId: string, output: string): MenuResult {
  // A late answer to a call we no longer wait for (the caller moved on) changes nothing.
  if (callId !== state.pendingCallId) return { state, actions: [] };
  const result = parseObject(output);
  const cleared: MenuState = { ...state, pendingCallId: undefined };
  const main = mainMenu(state.tools);
  const toMain = { step: 'main', slots: [] } as const;
  const failed = (): MenuResult => speak(cleared, [say('booking:failed'), ...main], toMain);

  switch (state.step) {
    case 'handingOff': {
      // Refused or not, the menu still does what the caller chose: a hand-off only tags who serves it.
      const choice = state.afterHandOff;
      if (choice === undefined) return speak(cleared, main, toMain);
      const agent = handOffAgent(result, SPECIALISTS[choice].to) ?? state.agent;
      return act({ ...cleared, agent, afterHandOff: undefined }, choice);
    }
    case 'checkingStatus': {
      const bookings = parseBookings(result);
      if (bookings === undefined) return speak(cleared, [say('menu:statusFailed'), ...main], toMain);
      if (bookings.length === 0) return speak(cleared, [say('menu:statusNone'), say('menu:anythingElse'), ...main], toMain);
      const told = bookings.slice(0, MAX_TOLD_BOOKINGS);
      const each = told.map((booking) => say(booking.paid ? 'menu:statusPaid' : 'menu:statusDue', { time: { iso: booking.start, timeZone: booking.offset }, fee: booking.fee }));
      return speak(cleared, [say('menu:statusIntro', { count: told.length }), ...each, say('menu:anythingElse'), ...main], toMain);
    }
    case 'lookingUp': {
      // Without an answer in the caller's language the menu's own hours text is said.
      const written = faqAnswer(result);
      return speak(cleared, [say('menu:hours', written ? { written } : {}), say('menu:anythingElse'), ...main], toMain);
    }
    case 'checking': {
      if (result === undefined || !Array.isArray(result['slots'])) return failed();
      const slots = result['slots'].filter(isSlot).slice(0, MAX_OFFERED_SLOTS);
      const timeZone = typeof result['timeZone'] === 'string' ? result['timeZone'] : state.timeZone;
      if (slots.length === 0) return speak(cleared, [say('booking:noSlots'), ...main], toMain);
      const next: MenuState = { ...cleared, step: 'choosing', slots, timeZone };
      return speak(next, offer(next, slots));
    }
    case 'booking':
      if (result !== undefined && typeof result['bookingId'] === 'string' && typeof result['start'] === 'string') {
        const confirmed = say('booking:confirmed', { time: { iso: result['start'], timeZone: state.timeZone } });
        return speak(cleared, [confirmed, say('menu:anythingElse'), ...main], toMain);
      }
      if (result !== undefined && result['error'] === 'slot_taken') {
        // Someone else got there first: look again rather than send the caller back to the start.
        return callTool({ ...cleared, slots: [] }, 'checking', CHECK_AVAILABILITY, {}, [say('booking:taken')]);
      }
      return failed();
    default:
      return { state, actions: [] };
  }
}
