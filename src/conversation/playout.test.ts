// What the caller hears versus what was sent: marks every 100 ms, playback known only from echoed marks (or the
// wall clock on channels without them), barge-in cut at the last echoed mark, late marks after a clear ignored, and
// the last partial frame padded with silence. Playback is simulated by the fake connection, without timers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAME_SAMPLES } from '../core/audio.ts';
import { FakeConnection } from '../../test/fakes/fake-connection.ts';
import { Playout } from './playout.ts';

/** A playout wired to a fake phone line whose echoed marks come back to it, as the conversation wires them. */
function phoneLine(): { playout: Playout; line: FakeConnection } {
  const line = new FakeConnection();
  const playout = new Playout((event) => line.send(event), true);
  line.listen((event) => {
    if (event.type === 'mark') playout.onMark(event.name);
  });
  return { playout, line };
}

/** `ms` of model audio at a constant level, as one array. */
function speech(ms: number, level = 8000): Int16Array {
  return new Int16Array((ms * 24_000) / 1000).fill(level);
}

/** Pushes `ms` of audio in uneven chunks, as providers send deltas. */
function pushInChunks(playout: Playout, itemId: string, ms: number, chunkMs = 70): number {
  let frames = 0;
  for (let at = 0; at < ms; at += chunkMs) frames += playout.push(speech(Math.min(chunkMs, ms - at)), itemId);
  return frames;
}

test('a mark follows every 100 ms of audio sent', () => {
  const { playout, line } = phoneLine();
  const frames = pushInChunks(playout, 'item-1', 1000);
  assert.equal(frames, 50);
  const shape = line.sent.map((event) => (event.type === 'audio' ? 'a' : event.type === 'mark' ? 'M' : event.type)).join('');
  assert.equal(shape, 'aaaaaM'.repeat(10));
  assert.equal(new Set(line.marksSent).size, 10, 'every mark has its own name');
});

test('playing stays true until the last mark comes back', () => {
  const { playout, line } = phoneLine();
  pushInChunks(playout, 'item-1', 1000);
  playout.finishResponse();
  assert.equal(playout.playing, true);
  line.playMs(900);
  assert.equal(line.marksEchoed.length, 9);
  assert.equal(playout.playing, true, 'the last 100 ms are still queued');
  line.playMs(100);
  assert.equal(playout.playing, false);
});

test('audio sent after the last echoed mark still counts as playing', () => {
  // 120 ms: a mark after 100 ms, then one more frame that no mark covers yet (the response is still streaming).
  const { playout, line } = phoneLine();
  playout.push(speech(120), 'item-1');
  line.playMs(100);
  assert.deepEqual(line.marksEchoed, ['1']);
  assert.equal(line.queuedMs, 20);
  assert.equal(playout.playing, true, '20 ms are still queued at the channel: a barge-in now must clear them');
});

test('interrupt clears the channel and reports what was heard, not what was sent', () => {
  const { playout, line } = phoneLine();
  pushInChunks(playout, 'item-X', 1000);
  line.playMs(350); // marks at 100, 200 and 300 ms come back; the 4th is still 50 ms away
  const heard = playout.interrupt();
  assert.deepEqual(heard, { itemId: 'item-X', playedMs: 300 });
  assert.equal(line.sent.at(-1)?.type, 'clear');
  assert.equal(line.queuedMs, 0);
  assert.equal(playout.playing, false);
});

test('marks echoed after a clear (as Twilio does) are not counted as played', () => {
  const { playout, line } = phoneLine();
  pushInChunks(playout, 'item-X', 1000);
  line.playMs(200);
  assert.deepEqual(playout.interrupt(), { itemId: 'item-X', playedMs: 200 });
  // The next answer starts, then the channel returns the marks of the cleared audio.
  playout.push(speech(500), 'item-Y');
  playout.finishResponse();
  line.echoClearedMarks();
  assert.ok(line.marksEchoed.length > 2, 'the cleared marks did come back');
  assert.equal(playout.playing, true, 'the new answer has not played at all');
  assert.deepEqual(playout.interrupt(), { itemId: 'item-Y', playedMs: 0 });
});

test('played time is counted per model item', () => {
  const { playout, line } = phoneLine();
  playout.push(speech(300), 'item-1');
  playout.push(speech(400), 'item-2');
  line.playMs(500); // all of item-1 and 200 ms of item-2
  assert.deepEqual(playout.interrupt(), { itemId: 'item-2', playedMs: 200 });
});

test('without playback marks, what was heard is estimated from the wall clock', () => {
  let clock = 10_000;
  const line = new FakeConnection({ capabilities: { playbackMarks: false } });
  const playout = new Playout((event) => line.send(event), false, 5, () => clock);
  playout.push(speech(1000), 'item-1');
  assert.equal(line.marksSent.length, 0, 'no marks on a channel that cannot echo them');
  clock += 999;
  assert.equal(playout.playing, true);
  clock += 1;
  assert.equal(playout.playing, false);

  // Audio pushed after a pause plays from then on, not from when the first answer was sent.
  clock += 5000;
  playout.push(speech(600), 'item-2');
  clock += 400;
  assert.equal(playout.playing, true);
  assert.deepEqual(playout.interrupt(), { itemId: 'item-2', playedMs: 400 });
  assert.equal(line.clears, 1);
  assert.equal(playout.playing, false);
});

test('whenPlayed resolves when the final mark comes back', async () => {
  const { playout, line } = phoneLine();
  assert.equal(await Promise.race([playout.whenPlayed(60_000).then(() => 'resolved'), tick()]), 'resolved', 'nothing queued: at once');
  playout.push(speech(300), 'item-1');
  playout.finishResponse();
  const played = playout.whenPlayed(60_000).then(() => 'resolved');
  line.playMs(200);
  assert.equal(await Promise.race([played, tick()]), 'pending');
  line.playMs(100);
  assert.equal(await Promise.race([played, tick()]), 'resolved');
});

test('whenPlayed resolves on interrupt', async () => {
  const { playout } = phoneLine();
  playout.push(speech(300), 'item-1');
  playout.finishResponse();
  const played = playout.whenPlayed(60_000).then(() => 'resolved');
  playout.interrupt();
  assert.equal(await Promise.race([played, tick()]), 'resolved');
});

test('whenPlayed gives up after its timeout when marks never come back', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { playout } = phoneLine();
  playout.push(speech(300), 'item-1');
  playout.finishResponse();
  const played = playout.whenPlayed(500).then(() => 'resolved');
  t.mock.timers.tick(499);
  assert.equal(await Promise.race([played, tick()]), 'pending');
  t.mock.timers.tick(1);
  assert.equal(await Promise.race([played, tick()]), 'resolved');
});

test('a chunk that is not a whole number of frames is padded with silence at the end of the response', () => {
  const { playout, line } = phoneLine();
  assert.equal(playout.push(speech(30, 1000), 'item-1'), 1, '30 ms: one whole frame now');
  assert.equal(playout.playing, true, 'the 10 ms held back count as playing');
  playout.finishResponse();
  const frames = line.sentOf('audio');
  assert.equal(frames.length, 2);
  const last = frames[1]!.frame;
  assert.equal(last.length, FRAME_SAMPLES);
  assert.ok(last.subarray(0, FRAME_SAMPLES / 2).every((sample) => sample === 1000), 'the 10 ms of speech');
  assert.ok(last.subarray(FRAME_SAMPLES / 2).every((sample) => sample === 0), 'then silence');
  assert.equal(line.sent.at(-1)?.type, 'mark', 'a mark marks the end of the response');
  line.playAll();
  assert.equal(playout.playing, false);
});

/** Lets pending promise callbacks run, then reports 'pending'. */
function tick(): Promise<'pending'> {
  return new Promise((resolve) => setImmediate(() => resolve('pending')));
}
