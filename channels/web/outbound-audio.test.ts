import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FRAME_SAMPLES } from '../../src/core/audio.ts';
import { rmsDbfs, sine } from '../../src/audio/pcm.ts';
import { OpusFrameDecoder } from '../../src/audio/opus.ts';
import { MAX_QUEUED_FRAMES, OutboundAudio, RTP_TICKS_PER_FRAME } from './outbound-audio.ts';

interface SentPacket {
  readonly payload: Uint8Array;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly marker: boolean;
}

/** An OutboundAudio with everything it reports recorded, in order. */
function recorder() {
  const packets: SentPacket[] = [];
  const log: string[] = [];
  const audio = new OutboundAudio({
    send: (payload, sequenceNumber, timestamp, marker) => {
      packets.push({ payload, sequenceNumber, timestamp, marker });
      log.push('packet');
    },
    markReached: (name) => log.push(`mark:${name}`),
    spurtStarted: () => log.push('speaking'),
    drained: () => log.push('drained'),
  });
  return { audio, packets, log };
}

const tone = sine(440, 24_000, FRAME_SAMPLES * 200, -10);
const frame = (i: number): Int16Array => tone.subarray((i % 200) * FRAME_SAMPLES, (i % 200 + 1) * FRAME_SAMPLES);
const silence = new Int16Array(FRAME_SAMPLES);

function ticks(audio: OutboundAudio, count: number): void {
  for (let i = 0; i < count; i++) audio.tick();
}

describe('outbound widget audio', () => {
  it('sends one Opus packet per 20 ms tick: timestamps 960 apart, sequence numbers consecutive, marker on the first', () => {
    const { audio, packets } = recorder();
    for (let i = 0; i < 50; i++) audio.push(frame(i));
    assert.equal(packets.length, 0, 'nothing leaves before the clock ticks');
    ticks(audio, 50);
    assert.equal(packets.length, 50);
    for (let i = 1; i < packets.length; i++) {
      assert.equal(packets[i]!.timestamp, (packets[i - 1]!.timestamp + RTP_TICKS_PER_FRAME) >>> 0);
      assert.equal(packets[i]!.sequenceNumber, (packets[i - 1]!.sequenceNumber + 1) & 0xffff);
    }
    assert.deepEqual(packets.map((packet) => packet.marker).filter(Boolean).length, 1);
    assert.equal(packets[0]!.marker, true);
    // The browser hears the tone: decode what was sent and compare levels (-10 dBFS peak is -13 dBFS RMS).
    const decoder = new OpusFrameDecoder();
    const heard = new Int16Array(50 * FRAME_SAMPLES);
    packets.forEach((packet, i) => heard.set(decoder.decode(packet.payload), i * FRAME_SAMPLES));
    assert.ok(Math.abs(rmsDbfs(heard.subarray(5 * FRAME_SAMPLES)) - -13) < 1.5, `level ${rmsDbfs(heard).toFixed(1)} dBFS`);
  });

  it('after a pause the timestamp has kept time and the next talk spurt is marked', () => {
    const { audio, packets, log } = recorder();
    audio.push(frame(0));
    audio.push(frame(1));
    ticks(audio, 2 + 30); // two frames, then 600 ms of nothing to send
    assert.equal(log.filter((entry) => entry === 'drained').length, 1);
    audio.push(frame(2));
    audio.tick();
    const [first, second, third] = packets;
    assert.equal(third!.marker, true);
    assert.equal(second!.marker, false);
    assert.equal((third!.timestamp - first!.timestamp) >>> 0, 32 * RTP_TICKS_PER_FRAME, 'timestamp = time since the first packet');
    assert.equal(third!.sequenceNumber, (second!.sequenceNumber + 1) & 0xffff, 'no sequence gap: nothing was lost');
    assert.deepEqual(log.filter((entry) => entry !== 'packet'), ['speaking', 'drained', 'speaking']);
  });

  it('echoes a mark once every frame queued before it has been sent, and a mark on an empty queue at the next tick', () => {
    const { audio, log } = recorder();
    audio.mark('start');
    for (let i = 0; i < 5; i++) audio.push(frame(i));
    audio.mark('a');
    for (let i = 0; i < 5; i++) audio.push(frame(i));
    audio.mark('b');
    audio.tick();
    assert.deepEqual(log, ['packet', 'speaking', 'mark:start']);
    ticks(audio, 3);
    assert.ok(!log.includes('mark:a'));
    audio.tick(); // the fifth frame
    assert.equal(log.at(-1), 'mark:a');
    ticks(audio, 4);
    assert.ok(!log.includes('mark:b'));
    audio.tick();
    assert.equal(log.at(-1), 'mark:b');
  });

  it('a clear drops the queue at once, echoes the marks that were waiting and reports the drain on the next tick', () => {
    const { audio, packets, log } = recorder();
    for (let i = 0; i < 100; i++) {
      audio.push(frame(i));
      if (i % 5 === 4) audio.mark(`m${i}`);
    }
    ticks(audio, 12);
    assert.equal(packets.length, 12);
    const beforeClear = log.length;
    audio.clear();
    assert.equal(audio.queuedFrames, 0);
    audio.tick();
    assert.equal(packets.length, 12, 'nothing more is sent after the clear');
    const echoed = log.filter((entry) => entry.startsWith('mark:'));
    assert.equal(echoed.length, 20, 'all 20 marks come back: 2 played, 18 cleared');
    assert.ok(log.slice(beforeClear).includes('drained'), 'the widget can show "listening" at once');
    // The next answer starts a new talk spurt straight away.
    audio.push(frame(0));
    audio.tick();
    assert.equal(packets.at(-1)!.marker, true);
  });

  it('keeps frame order while its queue grows past its first size during playback', () => {
    const { audio, packets } = recorder();
    // Blocks of 10 frames, loud and silent by turns, so the order survives being checked after Opus.
    const block = (i: number) => (Math.floor(i / 10) % 2 === 0 ? frame(i) : silence);
    let pushed = 0;
    for (; pushed < 40; pushed++) audio.push(block(pushed));
    ticks(audio, 25); // the ring is partly consumed when it has to grow
    for (; pushed < 300; pushed++) audio.push(block(pushed));
    ticks(audio, 300);
    assert.equal(packets.length, 300);
    const decoder = new OpusFrameDecoder();
    const levels = packets.map((packet) => rmsDbfs(decoder.decode(packet.payload)));
    for (let i = 0; i < 300; i++) {
      if (i % 10 < 3 || i % 10 > 7) continue; // Opus's look-ahead blurs block edges
      const loud = Math.floor(i / 10) % 2 === 0;
      assert.equal(levels[i]! > -30, loud, `frame ${i}: ${levels[i]!.toFixed(1)} dBFS`);
    }
  });

  it('refuses audio past its limit instead of growing without end, and frames of the wrong size', () => {
    const { audio } = recorder();
    for (let i = 0; i < MAX_QUEUED_FRAMES + 5; i++) audio.push(silence);
    assert.equal(audio.queuedFrames, MAX_QUEUED_FRAMES);
    assert.equal(audio.overflowed, 5);
    assert.throws(() => audio.push(new Int16Array(160)), /480 samples/);
  });
});
