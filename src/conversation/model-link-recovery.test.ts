// ModelLink recovery as the conversation and the operator see it, through its public API with scripted models at
// the src/core/model.ts boundary: a dropped session is replaced after a backoff and the caller is told whether an
// answer was cut off, a provider that stays down or refuses us hands over to the local engine, the first session
// comes from the webhook's pre-warm when there is one, and nothing is opened or announced once the link is closed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModelUnavailableError } from '../core/model.ts';
import { ScriptedModel, UNAVAILABLE } from '../../test/fakes/scripted-model.ts';
import { DELAYS, DOWN, DROPPED, EXPIRED, SESSION_OPTIONS, eventually, harness, said, sleep, started, transcript } from './model-link-test-kit.ts';

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

  test('a failure that retrying cannot help goes to the fallback without retries', async () => {
    const h = await started();
    h.first.fail({ code: 'bad_session_config', message: 'the provider rejected the session settings', retryable: false, fallback: false });
    await eventually(() => h.switches.length > 0, 'the fallback');

    assert.equal(h.primary.connects.length, 1, 'no reconnect attempt');
    assert.deepEqual(h.switches, [{ kind: 'fallback', reason: 'bad_session_config', interrupted: false }]);
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
