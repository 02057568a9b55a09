// The local menu's vocabulary: what drives it (inputs), what it does (actions), where it is (state), which tools it
// may call, and the small steps every transition shares (speak, call a tool, count a miss). menu.ts holds the
// transitions; this file holds no decisions of its own beyond which main menu is offered.
import type { Intent } from './keywords.ts';

export const CHECK_AVAILABILITY = 'check_availability';
export const BOOK_APPOINTMENT = 'book_appointment';
export const CHECK_BOOKING_STATUS = 'check_booking_status';
export const LOOKUP_FAQ = 'lookup_faq';
export const HAND_OFF = 'hand_off';

/** After this many inputs in a row that lead nowhere, the caller is handed to a person instead of looping. */
export const MAX_MISSES = 3;

/** Slots are chosen with 1..3: 0 (goodbye) and 9 (repeat) keep their meaning while choosing. */
export const MAX_OFFERED_SLOTS = 3;

/** Digits 1..9 choose a language; more options than keys cannot be offered. */
export const MAX_LANGUAGES = 9;

/** The key that opts out of recording once the notice has been given. */
export const RECORDING_OPT_OUT_KEY = '8';

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
  /**
   * A moment to say in words ("tomorrow at 10 in the morning"), in the business's time zone: an IANA name, or a
   * fixed offset ("+05:30") when only the moment's own offset is known.
   */
  readonly time?: { readonly iso: string; readonly timeZone: string };
  /** An option of the language menu, by index: said in that language and voice, not the session's. */
  readonly language?: number;
  /** An amount of money, said with its currency ("500 rupees", "₹500" in chat). */
  readonly fee?: { readonly amount: number; readonly currency: string };
  /**
   * The business's own words (a knowledge answer) in the language they are written in: said as written when that is
   * the caller's language, else the key is said instead, so no caller hears a text in a language they did not choose.
   */
  readonly written?: { readonly text: string; readonly locale: string };
}

/** Arguments only the session can fill, because they are in the caller's language. */
export interface CallerLanguageArguments {
  /** An i18n key: its text in the caller's language becomes the `question` argument. */
  readonly question?: string;
  /** The caller's language is added to a hand-off's context. */
  readonly language?: boolean;
}

export type MenuAction =
  | SayAction
  | { readonly type: 'call_tool'; readonly callId: string; readonly name: string; readonly arguments: string; readonly fill?: CallerLanguageArguments }
  | { readonly type: 'end'; readonly reason: string }
  | { readonly type: 'transfer'; readonly reason: string }
  /** The caller chose option `index` of the language menu: everything after this is in that language. */
  | { readonly type: 'set_language'; readonly index: number }
  /** The caller opted out of recording after the notice; the conversation stops recording. */
  | { readonly type: 'recording_off' };

/** Which tools the menu may call now; the conversation changes them when it hands the menu to another agent. */
export interface MenuTools {
  /** The agent is one of a team: choices that reveal the caller's intent are handed to the specialist first. */
  readonly handOff: boolean;
  readonly bookingStatus: boolean;
  readonly faq: boolean;
}

export const NO_TOOLS: MenuTools = Object.freeze({ handOff: false, bookingStatus: false, faq: false });

export function menuTools(names: Iterable<string>): MenuTools {
  const have = new Set(names);
  return { handOff: have.has(HAND_OFF), bookingStatus: have.has(CHECK_BOOKING_STATUS), faq: have.has(LOOKUP_FAQ) };
}

/**
 * Option 4 ("my booking: when and what I owe") is offered when the status tool is at hand, or in a team, where the
 * status specialist has it. A single agent without it hears today's menu, unchanged.
 */
export const offersStatus = (tools: MenuTools): boolean => tools.bookingStatus || tools.handOff;

/** Opening hours come from the business's knowledge texts in a team that has them; otherwise from menu:hours. */
export const usesFaq = (tools: MenuTools): boolean => tools.faq && tools.handOff;

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
  | { readonly type: 'language_set' }
  /** Another agent serves the conversation now: only the tools change, the caller stays where they are. */
  | { readonly type: 'tools'; readonly tools: MenuTools };

export type MenuStep = 'language' | 'main' | 'checking' | 'choosing' | 'booking' | 'handingOff' | 'checkingStatus' | 'lookingUp' | 'done';

/** The menu's choices a specialist of the team serves. */
export type Choice = 'book' | 'status' | 'human';

export interface MenuState {
  readonly step: MenuStep;
  /** Slots on offer while choosing. */
  readonly slots: readonly Slot[];
  readonly timeZone: string;
  /** The tool call we wait for in the steps that wait. */
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
  readonly tools: MenuTools;
  /** The team member serving now, as the last hand-off answered; undefined until one has. */
  readonly agent: string | undefined;
  /** What to do once the pending hand_off answers. */
  readonly afterHandOff: Choice | undefined;
}

export interface MenuResult {
  readonly state: MenuState;
  readonly actions: readonly MenuAction[];
}

export const say = (key: string, extra: Omit<SayAction, 'type' | 'key'> = {}): SayAction => ({ type: 'say', key, ...extra });

const MAIN: readonly SayAction[] = [say('menu:main')];
const MAIN_WITH_STATUS: readonly SayAction[] = [say('menu:mainWithStatus')];

/** The main menu as these tools allow it: with option 4 when the caller's bookings can be looked up. */
export function mainMenu(tools: MenuTools): readonly SayAction[] {
  return offersStatus(tools) ? MAIN_WITH_STATUS : MAIN;
}

export function languageMenu(languages: number): readonly SayAction[] {
  return Array.from({ length: languages }, (_, index) => say('menu:languageOption', { digit: index + 1, language: index }));
}

/**
 * The state before the first prompt. With two or more `languages` the first prompt is the language menu (each
 * option in its own language), else the main menu. `tools` are the ones the session's agent may call.
 */
export function initialMenuState(callIdPrefix: string, timeZone = 'UTC', languages = 0, tools: MenuTools = NO_TOOLS): MenuState {
  const offered = languages >= 2 ? Math.min(languages, MAX_LANGUAGES) : 0;
  return {
    step: offered > 0 ? 'language' : 'main',
    slots: [],
    timeZone,
    pendingCallId: undefined,
    lastPrompt: offered > 0 ? languageMenu(offered) : mainMenu(tools),
    misses: 0,
    callIdPrefix,
    callCount: 0,
    languages: offered,
    recordingNotice: false,
    recordingOff: false,
    tools,
    agent: undefined,
    afterHandOff: undefined,
  };
}

export function speak(state: MenuState, prompt: readonly SayAction[], patch: Partial<MenuState> = {}): MenuResult {
  return { state: { ...state, misses: 0, ...patch, lastPrompt: prompt }, actions: prompt };
}

export type WaitingStep = 'checking' | 'booking' | 'handingOff' | 'checkingStatus' | 'lookingUp';

export function callTool(
  state: MenuState,
  step: WaitingStep,
  name: string,
  args: object,
  before: readonly SayAction[] = [],
  fill?: CallerLanguageArguments,
): MenuResult {
  const callCount = state.callCount + 1;
  const callId = `${state.callIdPrefix}-${callCount}`;
  return {
    state: { ...state, step, pendingCallId: callId, callCount, misses: 0 },
    actions: [...before, { type: 'call_tool', callId, name, arguments: JSON.stringify(args), ...(fill ? { fill } : {}) }],
  };
}

/** A wrong key or an utterance we cannot read: explain and re-prompt, or hand over after MAX_MISSES. */
export function miss(state: MenuState, explanation: SayAction, reprompt: readonly SayAction[]): MenuResult {
  const misses = state.misses + 1;
  if (misses >= MAX_MISSES) {
    return { state: { ...state, step: 'done', misses }, actions: [say('handoff:noMatch'), { type: 'transfer', reason: 'no valid input after repeated tries' }] };
  }
  return { state: { ...state, misses, lastPrompt: reprompt }, actions: [explanation, ...reprompt] };
}
