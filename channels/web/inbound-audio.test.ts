import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FRAME_SAMPLES } from '../../src/core/audio.ts';
import { rmsDbfs, sine } from '../../src/audio/pcm.ts';
import { OpusFrameEncoder } from '../../src/audio/opus.ts';
import { silentLogger } from '../../src/log.ts';
import { InboundAudio } from './inbound-audio.ts';

const OPUS_PT = 111;
const tone = sine(300, 24_000, FRAME_SAMPLES * 100, -10);

/** 100 real Opus packets of a tone, as a browser would send them. */
function packets(): Uint8Array[] {
  const encoder = new OpusFrameEncoder();
  return Array.from({ length: 100 }, (_, i) => encoder.encode(tone.subarray(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES)));
}

function receiver(now: () => number = () => 0) {
  const frames: Int16Array[] = [];
  const inbound = new InboundAudio((frame) => frames.push(frame.slice()), OPUS_PT, silentLogger, now);
  const send = (sequenceNumber: number, payload: Uint8Array, payloadType = OPUS_PT) => inbound.receive({ header: { sequenceNumber, payloadType }, payload });
  return { inbound, frames, send };
}

describe('inbound widget audio', () => {
  it('turns each 20 ms Opus packet into one canonical frame at the level it was spoken', () => {
    const { frames, send } = receiver();
    packets().forEach((payload, i) => send(1000 + i, payload));
    assert.equal(frames.length, 100);
    assert.ok(frames.every((frame) => frame.length === FRAME_SAMPLES));
    const all = new Int16Array(100 * FRAME_SAMPLES);
    frames.forEach((frame, i) => all.set(frame, i * FRAME_SAMPLES));
    assert.ok(Math.abs(rmsDbfs(all.subarray(10 * FRAME_SAMPLES)) - -13) < 1.5, `level ${rmsDbfs(all).toFixed(1)} dBFS`);
  });

  it('fills one or two lost packets with concealed audio, so the model hears no hole', () => {
    const { inbound, frames, send } = receiver();
    const sent = packets();
    for (let i = 0; i < 100; i++) if (i !== 40 && i !== 70 && i !== 71) send(i, sent[i]!);
    assert.equal(frames.length, 100, '97 packets + 3 concealed frames');
    assert.equal(inbound.stats.concealed, 3);
    assert.ok(rmsDbfs(frames[40]!) > -30, `the concealed frame continues the tone (${rmsDbfs(frames[40]!).toFixed(1)} dBFS)`);
  });

  it('does not invent audio for a long gap (a muted tab), nor replay late or repeated packets', () => {
    const { inbound, frames, send } = receiver();
    const sent = packets();
    for (let i = 0; i < 10; i++) send(i, sent[i]!);
    for (let i = 30; i < 40; i++) send(i, sent[i]!);
    assert.equal(frames.length, 20);
    send(35, sent[35]!); // repeated
    send(20, sent[20]!); // late
    assert.equal(frames.length, 20);
    assert.equal(inbound.stats.dropped, 2);
  });

  it('follows the sequence number across its wrap from 65535 to 0', () => {
    const { inbound, frames, send } = receiver();
    const sent = packets();
    for (let i = 0; i < 10; i++) send((65_530 + i) & 0xffff, sent[i]!);
    assert.equal(frames.length, 10);
    assert.equal(inbound.stats.dropped + inbound.stats.concealed, 0);
  });

  it('survives garbage and foreign payload types: one bad packet costs its 20 ms, not the call', () => {
    const { inbound, frames, send } = receiver();
    const sent = packets();
    for (let i = 0; i < 5; i++) send(i, sent[i]!);
    send(5, Uint8Array.of(0x03)); // an impossible Opus framing
    send(6, sent[6]!, 0); // PCMU was not negotiated
    for (let i = 7; i < 10; i++) send(i, sent[i]!);
    assert.equal(inbound.stats.undecodable, 1);
    // 5 good, 1 concealed for the garbage, 1 concealed for the missing sequence 6, 3 good.
    assert.equal(frames.length, 10);
  });

  it('drops audio arriving faster than three times real time (a flood, not a microphone)', () => {
    let now = 0;
    const { inbound, frames, send } = receiver(() => now);
    const sent = packets();
    for (let i = 0; i < 200; i++) send(i, sent[i % 100]!);
    assert.equal(frames.length, 150, 'three seconds of audio within one second');
    assert.equal(inbound.stats.dropped, 50);
    now = 1000;
    send(200, sent[0]!);
    assert.equal(frames.length, 151, 'the next second is accepted again');
  });
});
