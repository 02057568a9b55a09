// Frames must carry the stream in order with nothing lost or repeated, whatever the chunk sizes, and barge-in must
// drop exactly the audio that was cancelled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameAssembler } from './frame-assembler.ts';

/** Samples numbered 1, 2, 3... so a lost, repeated or reordered sample shows up in the comparison. */
function ramp(from: number, count: number): Int16Array {
  return Int16Array.from({ length: count }, (_, i) => from + i);
}

function collector(): { frames: number[][]; assembler: FrameAssembler } {
  const frames: number[][] = [];
  return { frames, assembler: new FrameAssembler((frame) => frames.push([...frame])) };
}

test('chunks of any size come out as 480-sample frames carrying the stream in order', () => {
  const { frames, assembler } = collector();
  const sizes = [1, 479, 480, 481, 7, 1000, 2, 950, 0, 40]; // 3440 samples: 7 frames and 80 left
  let next = 1;
  for (const size of sizes) {
    assembler.push(ramp(next, size));
    next += size;
  }
  assert.equal(frames.length, 7);
  assert.deepEqual(frames.flat(), [...ramp(1, 7 * 480)]);
  assert.equal(assembler.pendingSamples, 80);
});

test('flush() pads the last partial frame with silence, then has nothing more to deliver', () => {
  const { frames, assembler } = collector();
  assembler.push(ramp(1, 500));
  assert.equal(assembler.flush(), true);
  assert.equal(frames.length, 2);
  assert.deepEqual(frames[1], [...ramp(481, 20), ...new Array<number>(460).fill(0)]);
  assert.equal(assembler.pendingSamples, 0);
  assert.equal(assembler.flush(), false);
  assert.equal(frames.length, 2);
});

test('flush() right after whole frames delivers nothing (no frame of pure silence)', () => {
  const { frames, assembler } = collector();
  assembler.push(ramp(1, 960));
  assert.equal(assembler.flush(), false);
  assert.equal(frames.length, 2);
});

test('a stale partial frame padded with silence does not leak into the next response', () => {
  const { frames, assembler } = collector();
  assembler.push(ramp(1, 300));
  assembler.flush();
  assembler.push(ramp(1000, 480));
  assert.deepEqual(frames[1], [...ramp(1000, 480)]);
});

test('reset() drops the partial frame, and the next frame starts with new audio', () => {
  const { frames, assembler } = collector();
  assembler.push(ramp(1, 700));
  assembler.reset();
  assert.equal(assembler.pendingSamples, 0);
  assembler.push(ramp(5000, 480));
  assert.equal(frames.length, 2);
  assert.deepEqual(frames[1], [...ramp(5000, 480)]);
});

test('a reset() from inside the frame handler (barge-in) drops the rest of the chunk being pushed', () => {
  const frames: number[][] = [];
  const assembler: FrameAssembler = new FrameAssembler((frame) => {
    frames.push([...frame]);
    assembler.reset();
  });
  assembler.push(ramp(1, 480 * 3 + 10));
  assert.equal(frames.length, 1);
  assert.equal(assembler.pendingSamples, 0);
  assembler.push(ramp(9000, 480));
  assert.deepEqual(frames[1], [...ramp(9000, 480)]);
});

test('frames of another size (160 = 20 ms at 8 kHz) and one reused buffer for every frame', () => {
  const seen: Int16Array[] = [];
  const assembler = new FrameAssembler(160, (frame) => seen.push(frame));
  assembler.push(ramp(1, 500));
  assert.equal(seen.length, 3);
  assert.equal(seen[0]!.length, 160);
  // No allocation per frame: a receiver that keeps audio must copy it (the Pcm16Frame rule).
  assert.ok(seen.every((frame) => frame === seen[0]));
  assert.equal(assembler.pendingSamples, 20);
});

test('a frame size that is not a positive integer is refused', () => {
  assert.throws(() => new FrameAssembler(0, () => {}), RangeError);
  assert.throws(() => new FrameAssembler(2.5, () => {}), RangeError);
});
