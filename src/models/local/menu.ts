// The local engine's brain: a pure, deterministic menu. (state, input) -> (next state, actions). No I/O, no clock,
// no randomness, so every path can be tested as a table and replayed. The session turns actions into events:
// prompts into speech or text, tool calls into `tool_call` events (the conversation runs the tools, exactly as it
// does for cloud models), end and transfer into requests.
import type { Intent } from './keywords.ts';

export const CHECK_AVAILABILITY = 'check_availability';
export const BOOK_APPOINTMENT = 'book_appointment';

/** After this many inputs in a row that lead nowhere, the caller is handed to a person instead of looping. */
export const MAX_MISSES = 3;

export interface Slot {
  readonly slotId: string;
  /** ISO 8601 with offset. */
  readonly start: string;
}

/** A prompt to say: an i18n key plus what fills it. The session renders it in the caller's language. */
export interface SayAction {
  readonly type: 'say';
  readonly key: string;
  readonly digit?: number;
  /** Picks the plural form ("one time free" / "these times free"). */
  readonly count?: number;
  /** A moment to say in words ("tomorrow at 10 in the morning"), in the business's time zone. */
  readonly time?: { readonly iso: string; readonly timeZone: string };
  /** An option of the language menu, by index: said in that language and voice, not the session's. */
  readonly language?: number;
}

export type MenuAction =
  | SayAction
  | { readonly type: 'call_tool'; readonly callId: string; readonly name: string; readonly arguments: string }
  | { readonly type: 'end'; readonly reason: string }
  | { readonly type: 'transfer'; readonly reason: string }
  /** The caller chose option `index` of the language menu: everything after this is in that language. */
  | { readonly type: 'set_language'; readonly index: number }
  /** The caller opted out of recording after the notice; the conversation stops recording. */
  | { readonly type: 'recording_off' };

export type MenuInput =
  /** The conversation asked for a response: say where we are. */
  | { readonly type: 'prompt' }
  /** A keypad digit, or a digit read from text. */
  | { readonly type: 'digit'; readonly digit: string }
  | { readonly type: 'intent'; readonly intent: Intent }
  /** Text in which nothing matched. */
  | { readonly type: 'unrecognized' }
  /** The caller spoke; there is no recogniser to know what they said. */
  | { readonly type: 'speech' }
  | { readonly type: 'tool_result'; readonly callId: string; readonly output: string }
  /** The recording notice (with its opt-out: key 8 or the words) was given. */
  | { readonly type: 'recording_notice' }
  /** The language was settled another way (the customer wrote in it, the conversation set it): no language menu. */
  | { readonly type: 'language_set' };

export type MenuStep = 'language' | 'main' | 'checking' | 'choosing' | 'booking' | 'done';

export interface MenuState {
  readonly step: MenuStep;
  /** Slots on offer while choosing. */
  readonly slots: readonly Slot[];
  readonly timeZone: string;
  /** The tool call we wait for in checking and booking. */
  readonly pendingCallId: string | undefined;
  /** What 9 / "repeat" says again. */
  readonly lastPrompt: readonly SayAction[];
  readonly misses: number;
  /** Call ids are `${callIdPrefix}-${n}`: the prefix is unique per session so idempotency keys never collide. */
  readonly callIdPrefix: string;
  readonly callCount: number;
  /** Options of the language menu (digits 1..languages); 0 when there is none. */
  readonly languages: number;
  /** The recording notice was given, so 8 and "do not record" opt out. */
  readonly recordingNotice: boolean;
  readonly recordingOff: boolean;
}

export interface MenuResult {
  readonly state: MenuState;
  readonly actions: readonly MenuAction[];
}

const say = (key: string, extra: Omit<SayAction, 'type' | 'key'> = {}): SayAction => ({ type: 'say', key, ...extra });
const MAIN: readonly SayAction[] = [say('menu:main')];

/** The key that opts out of recording once the notice has been given. */
export const RECORDING_OPT_OUT_KEY = '8';

/** Digits 1..9 choose a language; more options than keys cannot be offered. */
export const MAX_LANGUAGES = 9;

function languageMenu(languages: number): readonly SayAction[] {
  return Array.from({ length: languages }, (_, index) => say('menu:languageOption', { digit: index + 1, language: index }));
}

/**
 * The state before the first prompt. With two or more `languages` the first prompt is the language menu (each
 * option in its own language), else the main menu.
 */
export function initialMenuState(callIdPrefix: string, timeZone = 'UTC', languages = 0): MenuState {
  const offered = languages >= 2 ? Math.min(languages, MAX_LANGUAGES) : 0;
  return {
    step: offered > 0 ? 'language' : 'main',
    slots: [],
    timeZone,
    pendingCallId: undefined,
    lastPrompt: offered > 0 ? languageMenu(offered) : MAIN,
    misses: 0,
    callIdPrefix,
    callCount: 0,
    languages: offered,
    recordingNotice: false,
    recordingOff: false,
  };
}

/** Keypad meaning of each word choice in the main menu, so digits and words share one path. */
const INTENT_DIGIT: Readonly<Partial<Record<Intent, string>>> = { hours: '1', book: '2', human: '3', repeat: '9', goodbye: '0', menu: '*' };

/** Slots are chosen with 1..3: 0 (goodbye) and 9 (repeat) keep their meaning while choosing. */
export const MAX_OFFERED_SLOTS = 3;

export function menuStep(state: MenuState, input: MenuInput): MenuResult {
  if (state.step === 'done') return { state, actions: [] };
  if (input.type === 'tool_result') return onToolResult(state, input.callId, input.output);
  if (input.type === 'recording_notice') return { state: { ...state, recordingNotice: true }, actions: [] };
  if (input.type === 'language_set') return { state: state.step === 'language' ? { ...state, step: 'main', lastPrompt: MAIN, misses: 0 } : state, actions: [] };

  const intent = input.type === 'intent' ? input.intent : undefined;
  const key = input.type === 'digit' ? input.digit : undefined;
  // In the language menu its digits choose a language, before any other meaning they have.
  if (state.step === 'language' && key !== undefined && /^[1-9]$/u.test(key) && Number(key) <= state.languages) {
    return { state: { ...state, step: 'main', lastPrompt: MAIN, misses: 0 }, actions: [{ type: 'set_language', index: Number(key) - 1 }, ...MAIN] };
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
  if (intent === 'human' || (key === '3' && state.step !== 'choosing')) {
    return { state: { ...state, step: 'done' }, actions: [say('handoff:connecting'), { type: 'transfer', reason: 'caller asked for a person' }] };
  }
  if (intent === 'goodbye' || key === '0') {
    return { state: { ...state, step: 'done' }, actions: [say('common:goodbye'), { type: 'end', reason: 'caller said goodbye' }] };
  }

  switch (state.step) {
    case 'checking':
    case 'booking':
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
      return MAIN;
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
  const actions: MenuAction[] = state.recordingOff ? confirm : [{ type: 'recording_off' }, ...confirm];
  return { state: { ...state, recordingOff: true, ...(again.length > 0 ? { lastPrompt: again, misses: 0 } : {}) }, actions };
}

function onLanguage(state: MenuState, input: MenuInput, intent: Intent | undefined): MenuResult {
  const options = languageMenu(state.languages);
  // A menu word ("book", "समय") skips the choice: the customer has already shown which language they use.
  if (intent !== undefined && intent !== 'repeat') return menuStep({ ...state, step: 'main', lastPrompt: MAIN, misses: 0 }, input);
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

function speak(state: MenuState, prompt: readonly SayAction[], patch: Partial<MenuState> = {}): MenuResult {
  return { state: { ...state, misses: 0, ...patch, lastPrompt: prompt }, actions: prompt };
}

function callTool(state: MenuState, step: 'checking' | 'booking', name: string, args: object, before: readonly SayAction[] = []): MenuResult {
  const callCount = state.callCount + 1;
  const callId = `${state.callIdPrefix}-${callCount}`;
  return {
    state: { ...state, step, pendingCallId: callId, callCount, misses: 0 },
    actions: [...before, { type: 'call_tool', callId, name, arguments: JSON.stringify(args) }],
  };
}

/** A wrong key or an utterance we cannot read: explain and re-prompt, or hand over after MAX_MISSES. */
function miss(state: MenuState, explanation: SayAction, reprompt: readonly SayAction[]): MenuResult {
  const misses = state.misses + 1;
  if (misses >= MAX_MISSES) {
    return { state: { ...state, step: 'done', misses }, actions: [say('handoff:noMatch'), { type: 'transfer', reason: 'no valid input after repeated tries' }] };
  }
  return { state: { ...state, misses, lastPrompt: reprompt }, actions: [explanation, ...reprompt] };
}

function onMain(state: MenuState, input: MenuInput, digit: string | undefined): MenuResult {
  if (input.type === 'prompt') return speak(state, MAIN);
  if (input.type === 'speech') return miss(state, say('common:noSpeech'), MAIN);
  switch (digit) {
    case '1':
      return speak(state, [say('menu:hours'), say('menu:anythingElse'), ...MAIN]);
    case '2':
      return callTool(state, 'checking', CHECK_AVAILABILITY, {});
    case '9':
      return speak(state, state.lastPrompt);
    case '*':
      return speak(state, MAIN);
    default:
      return miss(state, say('menu:invalid'), MAIN);
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
  const backToMain = (): MenuResult => speak(state, MAIN, { step: 'main', slots: [] });
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
  const failed = (): MenuResult => speak(cleared, [say('booking:failed'), ...MAIN], { step: 'main', slots: [] });

  if (state.step === 'checking') {
    if (result === undefined || !Array.isArray(result['slots'])) return failed();
    const slots = result['slots'].filter(isSlot).slice(0, MAX_OFFERED_SLOTS);
    const timeZone = typeof result['timeZone'] === 'string' ? result['timeZone'] : state.timeZone;
    if (slots.length === 0) return speak(cleared, [say('booking:noSlots'), ...MAIN], { step: 'main', slots: [] });
    const next: MenuState = { ...cleared, step: 'choosing', slots, timeZone };
    return speak(next, offer(next, slots));
  }

  // booking
  if (result !== undefined && typeof result['bookingId'] === 'string' && typeof result['start'] === 'string') {
    const confirmed = say('booking:confirmed', { time: { iso: result['start'], timeZone: state.timeZone } });
    return speak(cleared, [confirmed, say('menu:anythingElse'), ...MAIN], { step: 'main', slots: [] });
  }
  if (result !== undefined && result['error'] === 'slot_taken') {
    // Someone else got there first: look again rather than send the caller back to the start.
    return callTool({ ...cleared, slots: [] }, 'checking', CHECK_AVAILABILITY, {}, [say('booking:taken')]);
  }
  return failed();
}

function parseObject(output: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(output);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isSlot(value: unknown): value is Slot {
  if (typeof value !== 'object' || value === null) return false;
  const slot = value as Record<string, unknown>;
  return typeof slot['slotId'] === 'string' && typeof slot['start'] === 'string' && !Number.isNaN(Date.parse(slot['start']));
}
