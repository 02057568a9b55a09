// One conversation with the local engine, behind the same ModelSession contract as the cloud models. Inputs (keys,
// typed words, the caller's voice, tool results) drive the pure menu; its actions become events: prompts are
// rendered in the caller's language and spoken with eSpeak (or sent as transcripts on chat channels), tool calls
// go out as `tool_call` for the conversation to run, and hang-up or hand-over go out as requests. The session also
// follows the customer's language: the language menu, or typed text in another enabled language. When the
// conversation hands it to another agent of its team, only the tools it may call change: the caller stays where
// they are in the menu.
import { CANONICAL_SAMPLE_RATE, FRAME_SAMPLES, samplesToMs } from '../../core/audio.ts';
import { emitEvent } from '../emit-event.ts';
import type { Pcm16Frame } from '../../core/audio.ts';
import type { Logger } from '../../core/channel.ts';
import type { ModelCapabilities, ModelEvent, ModelEventHandler, ModelSession } from '../../core/model.ts';
import type { AnyToolSpec } from '../../core/tool.ts';
import { SpeechDetector } from '../../audio/vad.ts';
import { detectLanguage, isLikelySameLanguage, SWITCH_CONFIDENCE } from '../../i18n/detect.ts';
import { resolveLocale, supportedLocales, t } from '../../i18n/i18n.ts';
import { voiceProfile } from '../../i18n/voices.ts';
import type { EspeakTts } from './espeak-tts.ts';
import { voiceFor } from './espeak-tts.ts';
import { matchText, tokenize } from './keywords.ts';
import type { Intent, TextMatch } from './keywords.ts';
import { initialMenuState, menuStep, menuTools, offersStatus } from './menu.ts';
import type { MenuAction, MenuInput, MenuState, SayAction } from './menu.ts';
import { promptLocale, renderPrompt } from './prompts.ts';
import type { PromptContext } from './prompts.ts';

export const LOCAL_CAPABILITIES: ModelCapabilities = {
  serverVad: true,
  speechStartEvents: true,
  truncation: false,
  inputSampleRate: CANONICAL_SAMPLE_RATE,
  textInput: true,
  textOutput: true,
  audioOutput: true,
  toolCalls: true,
  local: true,
};

export interface LocalSessionSetup {
  readonly id: string;
  readonly locale: string;
  /** Undefined on chat channels: the session then answers with transcripts only. */
  readonly tts: EspeakTts | undefined;
  /** Live audio whose turns the VAD ends (calls); false for voice notes, each ended by commitAudio(). */
  readonly liveAudio: boolean;
  readonly business: string;
  readonly now: () => number;
  /** Audio is handed out in chunks of this length, yielding between them so cancelResponse() can stop a reply. */
  readonly chunkMs: number;
  readonly log: Logger;
  /** Offered as the first prompt, each in its own language and voice, when there are two or more. */
  readonly languageMenu?: readonly string[];
  /** The languages the business serves: typed text in one of them switches the session to it. */
  readonly locales: readonly string[];
  /** Names of the tools the agent may call (ModelSessionOptions.tools): they decide what the menu offers. */
  readonly tools?: readonly string[];
}

/** A key pressed this close to a stretch of "speech" means the VAD heard the key's tone, not the caller's voice. */
const DTMF_SHADOW_MS = 1_000;

/** One prompt of a reply, with the voice that speaks it (the options of the language menu each have their own). */
interface Segment {
  readonly text: string;
  readonly voice: string;
}

interface Job {
  readonly segments: readonly Segment[];
  readonly after: readonly ModelEvent[];
}

// Shared, frozen events: emitting them from sendAudio() allocates nothing.
const SPEECH_STARTED: ModelEvent = Object.freeze({ type: 'speech_started' });
const SPEECH_STOPPED: ModelEvent = Object.freeze({ type: 'speech_stopped' });

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Words for a choice the menu does not offer are read as they were before it existed ("my appointment" books). */
const WITHOUT_STATUS: ReadonlySet<Intent> = new Set(['status']);
const NOTHING_LEFT_OUT: ReadonlySet<Intent> = new Set();

export class LocalSession implements ModelSession {
  readonly capabilities = LOCAL_CAPABILITIES;
  readonly #setup: LocalSessionSetup;
  readonly #detector: SpeechDetector | undefined;
  readonly #chunk: Int16Array;
  #handler: ModelEventHandler | undefined;
  #locale: string;
  readonly #languages: readonly string[];
  #menu: MenuState;
  #queue: Job[] = [];
  #pumping = false;
  #current: { cancelled: boolean } | undefined;
  #responses = 0;
  #speechStartedAt = 0;
  /** The current stretch of "speech" began right after a key press: most likely the key's tone. */
  #toneSpeech = false;
  #lastDtmfAt = Number.NEGATIVE_INFINITY;
  #audioSinceTurn = false;
  #warnedFrame = false;
  /** Replies are spoken; replyWith('text') turns it off for typed chat on a voice-note channel. */
  #speaks: boolean;
  #closed = false;

  constructor(setup: LocalSessionSetup) {
    this.#setup = setup;
    this.#locale = setup.locale;
    this.#languages = setup.languageMenu ?? [];
    this.#menu = initialMenuState(`${setup.id}-call`, undefined, this.#languages.length, menuTools(setup.tools ?? []));
    // Chat channels send whole voice notes and end them with commitAudio(); only live audio needs the VAD.
    this.#detector = setup.liveAudio ? new SpeechDetector() : undefined;
    this.#speaks = setup.tts !== undefined;
    this.#chunk = new Int16Array(Math.max(FRAME_SAMPLES, Math.round((setup.chunkMs * CANONICAL_SAMPLE_RATE) / 1000)));
  }

  listen(handler: ModelEventHandler): void {
    this.#handler = handler;
  }

  sendAudio(frame: Pcm16Frame): void {
    if (this.#closed) return;
    this.#audioSinceTurn = true;
    const detector = this.#detector;
    if (detector === undefined) return;
    if (frame.length !== FRAME_SAMPLES) {
      if (!this.#warnedFrame) this.#emit({ type: 'warning', code: 'bad_frame', message: `audio frames must be ${FRAME_SAMPLES} samples, got ${frame.length}` });
      this.#warnedFrame = true;
      return;
    }
    const event = detector.process(frame);
    if (event === 'start') {
      this.#speechStartedAt = this.#setup.now();
      // Twilio and browsers play key tones into the audio as well: no barge-in on the caller's own key press.
      this.#toneSpeech = this.#speechStartedAt - this.#lastDtmfAt < DTMF_SHADOW_MS;
      if (!this.#toneSpeech) this.#emit(SPEECH_STARTED);
    } else if (event === 'end') {
      if (this.#toneSpeech) {
        this.#toneSpeech = false;
        this.#audioSinceTurn = false;
        return;
      }
      this.#emit(SPEECH_STOPPED);
      this.#speechEnded();
    }
  }

  commitAudio(): void {
    if (this.#closed) return;
    if (this.#detector?.speaking) {
      this.#detector.reset();
      if (this.#toneSpeech) {
        this.#toneSpeech = false; // no speech_started went out for it, so no speech_stopped either
        this.#audioSinceTurn = false;
        return;
      }
      this.#emit(SPEECH_STOPPED);
      this.#speechEnded();
    } else if (this.#audioSinceTurn) {
      this.#audioSinceTurn = false;
      this.#input({ type: 'speech' });
    }
  }

  sendText(text: string): void {
    if (this.#closed) return;
    if (this.#menu.step === 'language') {
      const named = this.#languageNamed(text);
      if (named !== undefined) return this.#input({ type: 'digit', digit: String(named + 1) });
    }
    const match = matchText(text, this.#locale, offersStatus(this.#menu.tools) ? NOTHING_LEFT_OUT : WITHOUT_STATUS);
    this.#followLanguage(text, match);
    if (match === undefined) return this.#input({ type: 'unrecognized' });
    if (match.type === 'digit') return this.#input({ type: 'digit', digit: match.digit });
    this.#input({ type: 'intent', intent: match.intent });
  }

  sendDtmf(digit: string): void {
    if (this.#closed) return;
    this.#lastDtmfAt = this.#setup.now();
    this.#input({ type: 'digit', digit });
  }

  replyWith(modality: 'text' | 'audio'): void {
    this.#speaks = modality === 'audio' && this.#setup.tts !== undefined;
  }

  say(text: string): void {
    if (this.#closed) return;
    this.#enqueue({ segments: [{ text, voice: voiceFor(this.#locale) }], after: [] });
    // The conversation gives the recording notice through say(): from then on 8 and "do not record" opt out.
    if (!this.#menu.recordingNotice && isRecordingNotice(text)) this.#input({ type: 'recording_notice' });
  }

  createResponse(): void {
    this.#input({ type: 'prompt' });
  }

  cancelResponse(): void {
    if (this.#current) this.#current.cancelled = true;
    // Replies queued behind it are stale too, but what they decided (a tool call, a hang-up) still happens.
    this.#queue = this.#queue.map((job) => (job.segments.length === 0 ? job : { ...job, segments: [] }));
  }

  truncate(): void {
    // No truncation capability: the menu keeps no model memory to trim.
  }

  sendToolResult(callId: string, output: string): void {
    this.#input({ type: 'tool_result', callId, output });
  }

  setLocale(locale: string): void {
    this.#locale = locale;
    this.#input({ type: 'language_set' }); // chosen for the customer: no language menu after this
  }

  /**
   * Serves another agent of the team: the menu has no instructions to replace, so only the tools it may call change.
   * The menu's place is kept, so a hand-off never restarts it.
   */
  updateAgent(_instructions: string, tools: readonly AnyToolSpec[]): void {
    this.#input({ type: 'tools', tools: menuTools(tools.map((tool) => tool.name)) });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#current) this.#current.cancelled = true;
    this.#queue = [];
    this.#detector?.dispose();
    this.#emit({ type: 'closed' });
    this.#handler = undefined;
  }

  #speechEnded(): void {
    this.#audioSinceTurn = false;
    // A key pressed while they spoke answered the menu already; the keypad prompt would talk over that answer.
    if (this.#lastDtmfAt >= this.#speechStartedAt) return;
    this.#input({ type: 'speech' });
  }

  #input(input: MenuInput): void {
    if (this.#closed) return;
    const { state, actions } = menuStep(this.#menu, input);
    this.#menu = state;
    const says: SayAction[] = [];
    const after: ModelEvent[] = [];
    for (const action of actions) {
      if (action.type === 'say') says.push(action);
      else if (action.type === 'call_tool') after.push({ type: 'tool_call', callId: action.callId, name: action.name, arguments: this.#toolArguments(action) });
      else if (action.type === 'end') after.push({ type: 'end_requested', reason: action.reason });
      else if (action.type === 'transfer') after.push({ type: 'transfer_requested', reason: action.reason });
      else if (action.type === 'set_language') this.#switchTo(this.#languages[action.index] ?? this.#locale);
      // At once, not after the confirmation is spoken: the conversation stops recording before another word.
      else this.#emit({ type: 'warning', code: 'recording_opt_out', message: 'the caller opted out of call recording' });
    }
    const context: PromptContext = {
      locale: this.#locale,
      // Chats (typed or voice notes) get the written wording: "reply 1", not "press 1".
      text: !this.#setup.liveAudio,
      business: this.#setup.business,
      now: this.#setup.now(),
      languages: this.#languages,
    };
    // Each prompt in the voice of the language it is written in (an option of the language menu in its own).
    const segments = says.map((action) => ({ text: renderPrompt(action, context), voice: voiceFor(promptLocale(action, context)) }));
    this.#enqueue({ segments, after });
  }

  /** The call's arguments with what only the session knows filled in: the question and the language, the caller's. */
  #toolArguments(action: Extract<MenuAction, { type: 'call_tool' }>): string {
    const fill = action.fill;
    if (fill === undefined) return action.arguments;
    const args = JSON.parse(action.arguments) as Record<string, unknown>;
    if (fill.question !== undefined) args['question'] = t(this.#locale, fill.question);
    const context = args['context'];
    if (fill.language && typeof context === 'object' && context !== null) args['context'] = { ...context, language: this.#locale };
    return JSON.stringify(args);
  }

  #switchTo(locale: string): void {
    if (locale === this.#locale) return;
    this.#locale = locale;
    this.#emit({ type: 'locale_changed', locale });
  }

  /**
   * Typed text in another language the business serves switches the session to it: when the detector is sure (a
   * whole sentence, an Indian script), or when it leans that way and a menu keyword in that language's own script
   * agrees ("क्लिनिक का समय?", a lone "நேரம்"). Romanized Hindi is answered in the current language: the Hindi
   * texts are in Devanagari, which someone typing in Latin letters may not want to read.
   */
  #followLanguage(text: string, match: TextMatch | undefined): void {
    const detection = detectLanguage(text, this.#setup.locales);
    if (detection === null || detection.reason === 'romanized') return;
    if (isLikelySameLanguage(detection.locale, this.#locale)) return;
    const confirmed = match?.type === 'intent' && match.nativeScript && match.locale === resolveLocale(detection.locale);
    if (detection.confidence < SWITCH_CONFIDENCE && !confirmed) return;
    this.#switchTo(detection.locale);
    this.#input({ type: 'language_set' });
  }

  /** In the language menu, a language typed by name ("தமிழ்", "Hindi", "español") picks it. */
  #languageNamed(text: string): number | undefined {
    const tokens = tokenize(text);
    return indexOf(this.#languages, (locale) => {
      const english = tokenize(voiceProfile(locale).englishName);
      const names = [tokenize(t(locale, 'common:languageName')), english, english.slice(-1)];
      return names.some((name) => name.length > 0 && containsTokens(tokens, name));
    });
  }

  #enqueue(job: Job): void {
    if (job.segments.length === 0 && job.after.length === 0) return;
    this.#queue.push(job);
    void this.#pump();
  }

  /** Plays jobs one at a time, in order, so a reply never overtakes the one before it. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (let job = this.#queue.shift(); job !== undefined && !this.#closed; job = this.#queue.shift()) {
        if (job.segments.length > 0) await this.#respond(job);
        for (const event of job.after) if (!this.#closed) this.#emit(event);
      }
    } finally {
      this.#pumping = false;
    }
  }

  async #respond(job: Job): Promise<void> {
    const n = ++this.#responses;
    const responseId = `${this.#setup.id}-resp-${n}`;
    const itemId = `${this.#setup.id}-item-${n}`;
    const current = { cancelled: false };
    this.#current = current;
    this.#emit({ type: 'response_started', responseId });
    let status: 'completed' | 'cancelled' | 'failed' = 'completed';
    let samples = 0;
    const tts = this.#speaks ? this.#setup.tts : undefined;
    if (tts !== undefined) {
      // Every segment is queued for synthesis at once, so a reply in several voices (the language menu) plays as one
      // stretch of audio, without waiting for the next voice between segments.
      const audio = job.segments.map((segment) => tts.cached(segment.text, segment.voice) ?? tts.synthesize(segment.text, segment.voice));
      for (const pending of audio) if (pending instanceof Promise) pending.catch(() => undefined); // awaited below, or abandoned on cancel
      speaking: for (const [index, segment] of job.segments.entries()) {
        let pcm: Int16Array;
        try {
          const ready = audio[index]!;
          pcm = ready instanceof Int16Array ? ready : await ready; // a cached prompt starts in this very tick
        } catch (error) {
          this.#setup.log.warn({ err: error, voice: segment.voice }, 'local engine: speech synthesis failed');
          this.#emit({ type: 'warning', code: 'tts_failed', message: error instanceof Error ? error.message : String(error) });
          status = 'failed';
          break;
        }
        for (let offset = 0; offset < pcm.length; offset += this.#chunk.length) {
          if (current.cancelled || this.#closed) break speaking;
          // Copied into the session's own buffer: the cached prompt is shared and must stay intact.
          const length = Math.min(this.#chunk.length, pcm.length - offset);
          this.#chunk.set(pcm.subarray(offset, offset + length));
          this.#emit({ type: 'audio', pcm: this.#chunk.subarray(0, length), responseId, itemId });
          samples += length;
          await nextTick();
        }
      }
    }
    if (current.cancelled || this.#closed) status = 'cancelled';
    if (this.#current === current) this.#current = undefined;
    if (this.#closed) return;
    if (status === 'completed') this.#emit({ type: 'transcript', role: 'assistant', text: job.segments.map((segment) => segment.text).join(tts ? ' ' : '\n'), itemId });
    this.#emit({ type: 'response_done', responseId, status, usage: { outputAudioMs: samplesToMs(samples) } });
  }

  #emit(event: ModelEvent): void {
    emitEvent(this.#handler, event, this.#setup.log, 'local');
  }
}

/** The recording notice as every language words it, spoken and written; built on first use, after initI18n(). */
let notices: readonly string[] | undefined;

function isRecordingNotice(text: string): boolean {
  notices ??= supportedLocales.flatMap((lng) => [t(lng, 'common:recordingNotice'), t(lng, 'common:recordingNotice', { context: 'text' })]);
  return notices.some((notice) => text.includes(notice));
}

function containsTokens(tokens: readonly string[], phrase: readonly string[]): boolean {
  outer: for (let start = 0; start + phrase.length <= tokens.length; start++) {
    for (let i = 0; i < phrase.length; i++) if (tokens[start + i] !== phrase[i]) continue outer;
    return true;
  }
  return false;
}

function indexOf<T>(items: readonly T[], test: (item: T) => boolean): number | undefined {
  const index = items.findIndex(test);
  return index < 0 ? undefined : index;
}
