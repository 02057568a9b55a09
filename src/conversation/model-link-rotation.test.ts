// ModelLink rotation: sessions are replaced at their maximum age without cutting an answer, through the public API
// with scripted models at the src/core/model.ts boundary.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UNAVAILABLE, type ScriptedSession } from '../../test/fakes/scripted-model.ts';
import { DOWN, DROPPED, eventually, harness, said, sleep, started, transcript } from './model-link-test-kit.ts';

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
