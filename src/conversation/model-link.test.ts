// ModelLink as the conversation and the operator see it, through its public API with scripted models at the
// src/core/model.ts boundary: a dropped session is replaced after a backoff and the caller is told whether an answer
// was cut off, a provider that stays down or refuses us hands over to the local engine, the first session comes from
// the webhook's pre-warm when there is one, sessions are rotated at their maximum age without cutting an answer, and
// nothing is opened or announced once the conversation has closed the link.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModelUnavailableError, type ModelEvent, type ModelFailure, type ModelSession, type ModelSessionOptions } from '../core/model.ts';
import { silentLogger } from '../log.ts';
import { ScriptedModel, UNAVAILABLE, type ScriptedModelOptions, type ScriptedSession } from '../../test/fakes/scripted-model.ts';
import { ModelLink, type SwitchKind } from './model-link.ts';

const DROPPED: ModelFailure = { code: 'socket_closed', message: 'the socket closed without a close frame', retryable: true, fallback: false };
const DOWN: ModelFailure = { code: 'upstream_error', message: 'the provider answered HTTP 503', retryable: true, fallback: false };
const EXPIRED: ModelFailure = { code: 'session_expired', message: 'the session hit its maximum duration', retryable: true, fallback: false };
const DELAYS = [10, 20, 40] as const;

const SESSION_OPTIONS: ModelSessionOptions = {
  conversationId: 'conversation-1',
  channel: 'fake',
  locale: 'en',
  instructions: 'You are a receptionist.',
  tools: [],
  history: [],
  audioOutput: true,
  log: silentLogger,
};

interface Switch {
  readonly kind: SwitchKind;
  readonly reason: string;
  readonly interrupted: boolean;
}

interface Harness {
  readonly link: ModelLink;
  readonly primary: ScriptedModel;
  readonly fallback: ScriptedModel | undefined;
  /** Events passed on to the conversation. */
  readonly events: ModelEvent[];
  readonly switches: Switch[];
  readonly lost: string[];
}

interface HarnessOptions {
  readonly primary?: ScriptedModelOptions;
  /** false: no local engine to fall back to. */
  readonly fallback?: ScriptedModelOptions | false;
  readonly retryDelaysMs?: readonly number[];
  readonly maxSessionAgeMs?: number;
  readonly prewarmed?: Promise<ModelSession>;
  /** The primary model, when the test made it before (to pre-warm a session on it). */
  readonly primaryModel?: ScriptedModel;
}

function harness(options: HarnessOptions = {}): Harness {
  const primary = options.primaryModel ?? new ScriptedModel({ name: 'cloud', ...options.primary });
  const fallback = options.fallback === false ? undefined : new ScriptedModel({ name: 'local', ...options.fallback, capabilities: { local: true, ...options.fallback?.capabilities } });
  const events: ModelEvent[] = [];
  const switches: Switch[] = [];
  const lost: string[] = [];
  const link = new ModelLink({
    primary,
    ...(fallback ? { fallback } : {}),
    ...(options.prewarmed ? { prewarmed: options.prewarmed } : {}),
    // Like the conversation: the history is what was said so far (the store's transcript).
    open: (model) => model.connect({ ...SESSION_OPTIONS, history: said(events).map((text) => ({ role: 'assistant', text, at: 0 })) }),
    onEvent: (event) => events.push(event),
    onSwitched: (kind, reason, interrupted) => switches.push({ kind, reason, interrupted }),
    onLost: (reason) => lost.push(reason),
    log: silentLogger,
    retryDelaysMs: options.retryDelaysMs ?? DELAYS,
    ...(options.maxSessionAgeMs !== undefined ? { maxSessionAgeMs: options.maxSessionAgeMs } : {}),
  });
  return { link, primary, fallback, events, switches, lost };
}

/** A harness whose link has opened its first session on the primary. */
async function started(options: HarnessOptions = {}): Promise<Harness & { first: ScriptedSession }> {
  const h = harness(options);
  assert.deepEqual(await h.link.start(), { fallbackReason: null });
  const first = await h.primary.session(0);
  assert.equal(h.link.session, first);
  return { ...h, first };
}

/** Polls until `check` holds, or fails after `timeoutMs`. */
async function eventually(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(2);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const transcript = (text: string): ModelEvent => ({ type: 'transcript', role: 'assistant', text });
const said = (from: Harness | ModelEvent[]): string[] =>
  ('events' in from ? from.events : from).flatMap((event) => (event.type === 'transcript' ? [event.text] : []));

describe('a session that drops', () => {
  test('is replaced after the first backoff delay; an answer cut off is reported, and the dead session is closed and ignored', async () => {
    const h = await started();
    h.first.emit({ type: 'response_started', responseId: 'resp-1' });
    h.first.emit(transcript('Your appointment is on'));
    const droppedAt = Date.now();
    h.first.fail(DROPPED);

    assert.equal(h.primary.connects.length, 1, 'no reconnect before the first delay');
    assert.equal(h.link.session, null, 'no session while reconnecting: caller audio is not sent into a dead socket');
    assert.ok(h.first.calls.some((call) => call.method === 'close'), 'the dead session is closed');
    await h.primary.waitForConnects(2);
    assert.ok(Date.now() - droppedAt >= DELAYS[0] - 1, `reconnected after ${Date.now() - droppedAt} ms, before the first delay`);
    const second = await h.primary.session(1);
    await eventually(() => h.switches.length > 0, 'the switch to be announced');

    assert.deepEqual(h.switches, [{ kind: 'reconnected', reason: 'socket_closed', interrupted: true }]);
    assert.equal(h.link.session, second);
    assert.equal(h.link.modelName, 'cloud');
    assert.equal(h.primary.connects.length, 2, 'one attempt was enough');
    assert.ok(!h.events.some((event) => event.type === 'closed'), 'the failure is the link\u2019s to handle, not passed on');

    // The old session's late events never reach the conversation; the new one's do.
    h.first.emit(transcript('LATE from the dead session'));
    h.first.emit({ type: 'response_done', responseId: 'resp-1', status: 'completed' });
    second.emit(transcript('Sorry, as I was saying'));
    assert.deepEqual(said(h), ['Your appointment is on', 'Sorry, as I was saying']);
    assert.ok(!h.events.some((event) => event.type === 'response_done'));
    await h.link.close();
  });

  test('while idle is replaced without asking for the last answer again', async () => {
    const h = await started();
    h.first.emit({ type: 'response_started', responseId: 'resp-1' });
    h.first.emit({ type: 'response_done', responseId: 'resp-1', status: 'completed' });
    h.first.fail(DROPPED);
    await eventually(() => h.switches.length > 0, 'the switch to be announced');
    assert.deepEqual(h.switches, [{ kind: 'reconnected', reason: 'socket_closed', interrupted: false }]);
    await h.link.close();
  });

  test('with every retry failing, the fallback model takes over after as many attempts as there are delays', async () => {
    const h = await started();
    h.primary.failNext(10, DOWN);
    h.first.emit({ type: 'response_started', responseId: 'resp-1' });
    h.first.fail(DROPPED);
    await eventually(() => h.switches.length > 0, 'the fallback', 3000);

    assert.equal(h.primary.connects.length - 1, DELAYS.length, 'one reconnect attempt per delay');
    assert.equal(h.fallback!.connects.length, 1);
    assert.deepEqual(h.switches, [{ kind: 'fallback', reason: 'socket_closed', interrupted: true }]);
    assert.equal(h.link.modelName, 'local');
    assert.equal(h.link.session, h.fallback!.sessions[0]);
    assert.deepEqual(h.lost, []);
    await h.link.close();
  });

  test('with every retry failing and no fallback, the conversation is lost with the drop\u2019s code', async () => {
    const h = await started({ fallback: false });
    h.primary.failNext(10, DOWN);
    h.first.fail(DROPPED);
    await eventually(() => h.lost.length > 0, 'the conversation to be lost', 3000);

    assert.deepEqual(h.lost, ['socket_closed']);
    assert.equal(h.primary.connects.length - 1, DELAYS.length);
    assert.deepEqual(h.switches, []);
    assert.equal(h.link.session, null);
    await h.link.close();
  });

  test('a refusal (401) skips the retries and goes to the fallback at once', async () => {
    const h = await started();
    h.first.fail(UNAVAILABLE);
    assert.equal(h.fallback!.connects.length, 1, 'the local engine is asked for at once, with no backoff');
    await eventually(() => h.switches.length > 0, 'the fallback');

    assert.equal(h.primary.connects.length, 1, 'no reconnect to a provider that refused us');
    assert.deepEqual(h.switches, [{ kind: 'fallback', reason: 'unavailable', interrupted: false }]);
    assert.equal(h.link.modelName, 'local');
    await h.link.close();
  });

  test('a reconnect that is refused stops the retries and goes to the fallback', async () => {
    const h = await started();
    h.primary.failNext(1, UNAVAILABLE);
    h.first.fail(DROPPED);
    await eventually(() => h.switches.length > 0, 'the fallback');

    assert.equal(h.primary.connects.length, 2, 'the first and only reconnect attempt was refused');
    assert.deepEqual(h.switches, [{ kind: 'fallback', reason: 'socket_closed', interrupted: false }]);
    await h.link.close();
  });

  test('the local engine failing in turn loses the conversation: it is not retried', async () => {
    const h = await started();
    h.first.fail(UNAVAILABLE);
    const local = await h.fallback!.session(0);
    await eventually(() => h.switches.length > 0, 'the fallback');
    local.fail({ code: 'engine_crashed', message: 'the local engine stopped', retryable: true, fallback: false });
    await eventually(() => h.lost.length > 0, 'the conversation to be lost');

    assert.deepEqual(h.lost, ['engine_crashed']);
    assert.equal(h.fallback!.connects.length, 1);
    assert.equal(h.primary.connects.length, 1);
    await h.link.close();
  });

  test('session_expired is announced as a rotation', async () => {
    const h = await started();
    h.first.fail(EXPIRED);
    await eventually(() => h.switches.length > 0, 'the new session');
    assert.deepEqual(h.switches, [{ kind: 'rotated', reason: 'session_expired', interrupted: false }]);
    assert.equal(h.link.session, h.primary.sessions[1]);
    await h.link.close();
  });
});

describe('start', () => {
  test('a pre-warmed session is used as it is', async () => {
    const primary = new ScriptedModel({ name: 'cloud' });
    const prewarmed = primary.connect(SESSION_OPTIONS);
    const h = harness({ primaryModel: primary, prewarmed });

    assert.deepEqual(await h.link.start(), { fallbackReason: null });
    assert.equal(primary.connects.length, 1, 'no second session is opened');
    assert.equal(h.link.session, await prewarmed);
    const session = primary.sessions[0]!;
    assert.ok(session.listening);
    session.emit(transcript('hello'));
    assert.deepEqual(said(h), ['hello']);
    await h.link.close();
  });

  test('events the pre-warmed session produced before the stream came are delivered, not lost', async () => {
    const primary = new ScriptedModel({ name: 'cloud' });
    const prewarmed = primary.connect(SESSION_OPTIONS);
    (await prewarmed).emit({ type: 'warning', code: 'rate_limits', message: 'close to the limit' });
    const h = harness({ primaryModel: primary, prewarmed });
    await h.link.start();
    assert.deepEqual(h.events, [{ type: 'warning', code: 'rate_limits', message: 'close to the limit' }]);
    await h.link.close();
  });

  test('a pre-warm that failed is opened again', async () => {
    const primary = new ScriptedModel({ name: 'cloud' });
    const prewarmed = Promise.reject(new ModelUnavailableError(DOWN));
    prewarmed.catch(() => undefined);
    const h = harness({ primaryModel: primary, prewarmed });

    assert.deepEqual(await h.link.start(), { fallbackReason: null });
    assert.equal(h.link.session, primary.sessions[0]);
    assert.equal(h.link.modelName, 'cloud');
    await h.link.close();
  });

  test('a first connect that fails with a retryable error is retried', async () => {
    const h = harness();
    h.primary.failNext(2, DOWN);
    assert.deepEqual(await h.link.start(), { fallbackReason: null });
    assert.equal(h.primary.connects.length, 3);
    assert.equal(h.link.session, h.primary.sessions[0]);
    assert.deepEqual(h.switches, [], 'the first session is not a switch');
    await h.link.close();
  });

  test('a first connect refused (fallback: true) resolves with the fallback reason, without retries', async () => {
    const h = harness({ primary: { failWith: UNAVAILABLE } });
    assert.deepEqual(await h.link.start(), { fallbackReason: 'unavailable' });
    assert.equal(h.primary.connects.length, 1);
    assert.equal(h.link.modelName, 'local');
    assert.equal(h.link.session, h.fallback!.sessions[0]);
    assert.deepEqual(h.switches, [], 'start reports the fallback itself');
    await h.link.close();
  });

  test('everything failing rejects with ModelUnavailableError carrying the provider\u2019s failure', async () => {
    const h = harness({ primary: { failWith: DOWN }, fallback: { failWith: { code: 'no_voice', message: 'espeak did not load', retryable: false, fallback: false } } });
    await assert.rejects(h.link.start(), (error: unknown) => error instanceof ModelUnavailableError && error.failure.code === 'upstream_error');
    assert.equal(h.primary.connects.length, 1 + DELAYS.length);
    assert.equal(h.fallback!.connects.length, 1);
    assert.equal(h.link.session, null);
    assert.deepEqual(h.lost, [], 'start reports it; onLost is for a conversation already going');
  });

  test('a refusal with no fallback rejects at once', async () => {
    const h = harness({ primary: { failWith: UNAVAILABLE }, fallback: false });
    await assert.rejects(h.link.start(), (error: unknown) => error instanceof ModelUnavailableError && error.failure.code === 'unavailable');
    assert.equal(h.primary.connects.length, 1);
  });
});

describe('rotation at the maximum session age', () => {
  const MAX_AGE = 50;

  test('an answer in progress is never cut: the next session is opened after response_done, then the old one closed', async () => {
    const h = await started({ maxSessionAgeMs: MAX_AGE });
    h.first.emit({ type: 'response_started', responseId: 'resp-1' });
    await sleep(MAX_AGE * 2);
    assert.equal(h.primary.connects.length, 1, 'nothing opened while the answer plays');
    assert.equal(h.first.closed, false);
    assert.deepEqual(h.switches, []);

    h.first.emit({ type: 'response_done', responseId: 'resp-1', status: 'completed' });
    const second = await h.primary.session(1);
    await eventually(() => h.switches.length > 0, 'the rotation');
    assert.deepEqual(h.switches, [{ kind: 'rotated', reason: 'max_session_age', interrupted: false }]);
    assert.equal(h.link.session, second);
    assert.ok(h.first.closed, 'the old session is closed');
    assert.ok(h.events.some((event) => event.type === 'response_done'), 'the answer\u2019s end still reaches the conversation');
    await h.link.close();
  });

  test('an answer that starts while the next session is opening is not cut either', async () => {
    const h = await started({ maxSessionAgeMs: MAX_AGE });
    h.primary.hold(); // a provider slow to open the rotated session
    await h.primary.waitForConnects(2, MAX_AGE * 4); // the idle session's rotation has begun
    h.first.emit({ type: 'response_started', responseId: 'resp-2' }); // meanwhile the caller asked something
    h.first.emit(transcript('We open at nine'));
    h.primary.release();
    await sleep(20);

    assert.equal(h.link.session, h.first, 'the answer keeps its session');
    assert.equal(h.first.closed, false, 'the answer is not cut off');
    assert.deepEqual(h.switches, []);
    h.first.emit(transcript('and close at five.'));
    h.first.emit({ type: 'response_done', responseId: 'resp-2', status: 'completed' });
    assert.deepEqual(said(h), ['We open at nine', 'and close at five.']);
    await eventually(() => h.switches.length > 0, 'the rotation after the answer');
    assert.deepEqual(h.switches, [{ kind: 'rotated', reason: 'max_session_age', interrupted: false }]);
    assert.ok(h.first.closed);
    assert.equal(h.primary.sessions.filter((session) => !session.closed).length, 1, 'no session is left open besides the live one');
    const live = h.link.session as ScriptedSession;
    assert.deepEqual(live.options.history.map((item) => item.text), ['We open at nine', 'and close at five.'], 'the new session knows the answer');
    await h.link.close();
  });

  test('an answer given entirely while the next session was opening is not lost from the new session’s history', async () => {
    const h = await started({ maxSessionAgeMs: MAX_AGE });
    h.primary.hold();
    await h.primary.waitForConnects(2, MAX_AGE * 4);
    h.first.emit({ type: 'response_started', responseId: 'resp-2' });
    h.first.emit(transcript('Yes, we take walk-ins.'));
    h.first.emit({ type: 'response_done', responseId: 'resp-2', status: 'completed' });
    h.primary.release();
    await eventually(() => h.switches.length > 0, 'the rotation');

    assert.deepEqual(h.switches, [{ kind: 'rotated', reason: 'max_session_age', interrupted: false }]);
    const live = h.link.session as ScriptedSession;
    assert.deepEqual(live.options.history.map((item) => item.text), ['Yes, we take walk-ins.']);
    assert.equal(h.primary.sessions.filter((session) => !session.closed).length, 1, 'the session opened too early is closed');
    await h.link.close();
  });

  test('an idle session is rotated by the timer', async () => {
    const openedBy = Date.now(); // the first session is opened after this
    const h = await started({ maxSessionAgeMs: MAX_AGE });
    const second = await h.primary.session(1, MAX_AGE * 10);
    assert.ok(Date.now() - openedBy >= MAX_AGE - 1, `rotated ${Date.now() - openedBy} ms after opening, before the maximum age`);
    await eventually(() => h.switches.length > 0, 'the rotation');
    assert.deepEqual(h.switches, [{ kind: 'rotated', reason: 'max_session_age', interrupted: false }]);
    assert.equal(h.link.session, second);
    assert.ok(h.first.closed);
    h.first.emit(transcript('LATE'));
    second.emit(transcript('fresh'));
    assert.deepEqual(said(h), ['fresh']);
    await h.link.close();
  });

  test('the local engine is never rotated, as primary or as the fallback', async () => {
    const local = await started({ maxSessionAgeMs: MAX_AGE, primary: { name: 'local', capabilities: { local: true } } });
    local.first.emit({ type: 'response_started', responseId: 'resp-1' });
    await sleep(MAX_AGE * 2);
    local.first.emit({ type: 'response_done', responseId: 'resp-1', status: 'completed' });
    await sleep(MAX_AGE * 2);
    assert.equal(local.primary.connects.length, 1);
    assert.deepEqual(local.switches, []);
    await local.link.close();

    const fellBack = harness({ maxSessionAgeMs: MAX_AGE, primary: { failWith: UNAVAILABLE } });
    assert.deepEqual(await fellBack.link.start(), { fallbackReason: 'unavailable' });
    const engine = await fellBack.fallback!.session(0);
    await sleep(MAX_AGE * 2);
    engine.emit({ type: 'response_started', responseId: 'resp-1' });
    engine.emit({ type: 'response_done', responseId: 'resp-1', status: 'completed' });
    await sleep(MAX_AGE);
    assert.equal(fellBack.fallback!.connects.length, 1);
    assert.equal(fellBack.link.session, engine);
    await fellBack.link.close();
  });

  test('a rotation that fails keeps the old session working, and is tried again after the next answer', async () => {
    const h = await started({ maxSessionAgeMs: MAX_AGE });
    h.primary.failNext(1, DOWN);
    await h.primary.waitForConnects(2, MAX_AGE * 10);
    await sleep(10);

    assert.equal(h.link.session, h.first);
    assert.equal(h.first.closed, false);
    assert.deepEqual(h.switches, []);
    assert.deepEqual(h.lost, []);
    h.first.emit({ type: 'response_started', responseId: 'resp-1' });
    h.first.emit(transcript('still here'));
    h.first.emit({ type: 'response_done', responseId: 'resp-1', status: 'completed' });
    assert.deepEqual(said(h), ['still here']);

    const second = await h.primary.session(1); // the failed attempt opened nothing
    await eventually(() => h.switches.length > 0, 'the rotation to be tried again');
    assert.deepEqual(h.switches, [{ kind: 'rotated', reason: 'max_session_age', interrupted: false }]);
    assert.equal(h.link.session, second);
    assert.ok(h.first.closed);
    await h.link.close();
  });

  test('a session that drops while its rotation is opening is still recovered when the rotation fails', async () => {
    const h = await started({ maxSessionAgeMs: MAX_AGE, fallback: false });
    h.primary.hold();
    await h.primary.waitForConnects(2, MAX_AGE * 10); // the rotation is opening
    h.first.emit({ type: 'response_started', responseId: 'resp-2' });
    h.first.fail(DROPPED); // and the old session drops meanwhile
    h.primary.failNext(1, DOWN); // the rotation's session fails to open
    h.primary.release();

    await eventually(() => h.switches.length > 0 || h.lost.length > 0, 'the drop to be handled', 1000);
    assert.deepEqual(h.switches, [{ kind: 'reconnected', reason: 'socket_closed', interrupted: true }]);
    assert.ok(h.link.session && !(h.link.session as ScriptedSession).closed, 'a live session serves the conversation');
    await h.link.close();
  });

  test('the rotation timer stops when the link is closed', async () => {
    const h = await started({ maxSessionAgeMs: MAX_AGE });
    await h.link.close();
    await sleep(MAX_AGE * 2);
    assert.equal(h.primary.connects.length, 1);
    assert.deepEqual(h.switches, []);
  });
});

describe('close', () => {
  test('during a reconnect backoff: no new session is opened or announced', async () => {
    const h = await started({ retryDelaysMs: [30, 30, 30] });
    h.first.fail(DROPPED);
    await h.link.close();
    await sleep(120);

    assert.equal(h.primary.connects.length, 1, 'no reconnect after close');
    assert.equal(h.fallback!.connects.length, 0);
    assert.equal(h.link.session, null);
    assert.deepEqual(h.switches, []);
    assert.deepEqual(h.lost, [], 'the conversation ended; it was not lost');
  });

  test('a session that finishes opening after close() is closed at once, and no switch is announced', async () => {
    const h = await started();
    h.primary.hold();
    h.first.fail(DROPPED);
    await h.primary.waitForConnects(2); // the reconnect is opening
    await h.link.close();
    h.primary.release();
    const late = await h.primary.session(1);
    await eventually(() => late.closed, 'the late session to be closed');

    assert.equal(h.link.session, null);
    await sleep(10);
    assert.deepEqual(h.switches, [], 'nothing to announce to a conversation that has ended');
    assert.deepEqual(h.lost, []);
  });

  test('a fallback session that finishes opening after close() is closed at once, and no fallback is announced', async () => {
    const h = await started();
    h.fallback!.hold();
    h.first.fail(UNAVAILABLE);
    await h.fallback!.waitForConnects(1);
    await h.link.close();
    h.fallback!.release();
    const late = await h.fallback!.session(0);
    await eventually(() => late.closed, 'the late fallback session to be closed');

    assert.equal(h.link.session, null);
    await sleep(10);
    assert.deepEqual(h.switches, []);
  });

  test('a first session that finishes opening after close() is closed at once', async () => {
    const h = harness();
    h.primary.hold();
    const starting = h.link.start();
    await h.primary.waitForConnects(1);
    await h.link.close();
    h.primary.release();
    await starting.catch(() => undefined);
    const late = await h.primary.session(0);
    await eventually(() => late.closed, 'the late first session to be closed');
    assert.equal(h.link.session, null);
  });

  test('closes the live session cleanly, without reconnecting', async () => {
    const h = await started();
    await h.link.close();
    assert.ok(h.first.closed);
    await sleep(DELAYS[0] * 3);
    assert.equal(h.primary.connects.length, 1);
    assert.deepEqual(h.switches, []);
    assert.deepEqual(h.lost, []);
  });
});
