// Voice-note and Opus benchmark: what decoding a 30 s WhatsApp voice note and encoding a 30 s reply cost in
// process, compared in the same run with spawning ffmpeg for the same work, and what Opus costs per 20 ms frame
// (the WebRTC widget's path) at the complexities in use. Prints plain lines; run directly with
// `node --import tsx bench/voice-note.bench.ts`.

import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { DEFAULT_OPUS_BITRATE, DEFAULT_OPUS_COMPLEXITY, OpusFrameDecoder, OpusFrameEncoder } from '../src/audio/opus.ts';
import { bytesFromInt16 } from '../src/audio/pcm.ts';
import { initAudio } from '../src/audio/resampler.ts';
import { decodeVoiceNote, encodeVoiceNote, VOICE_NOTE_BITRATE, VOICE_NOTE_COMPLEXITY } from '../src/audio/voice-note.ts';
import { EspeakTts, voiceFor } from '../src/models/local/espeak-tts.ts';

const RATE = 24_000;
const NOTE_SECONDS = 30;
const FRAME = 480;

/** 30 s of synthetic English speech: a spoken reply repeated, so the coder sees speech, not test tones. */
async function speech(seconds: number): Promise<Int16Array> {
  await initAudio();
  const tts = await EspeakTts.create();
  try {
    const sentence = await tts.synthesize(
      'Thank you for calling. Your policy renewal is due on the fifth of March, and the premium is twelve thousand ' +
        'rupees. Would you like me to send the payment link on WhatsApp, or shall I connect you to an agent?',
      voiceFor('en'),
    );
    const out = new Int16Array(seconds * RATE);
    for (let at = 0; at < out.length; at += sentence.length) out.set(sentence.subarray(0, Math.min(sentence.length, out.length - at)), at);
    return out;
  } finally {
    await tts.close();
  }
}

/** Median wall time of `runs` runs of `work`, in milliseconds, after one warm-up run. */
function medianMs(runs: number, work: () => void): number {
  work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Runs ffmpeg with `input` on stdin; throws if it fails, so a figure is never printed for broken work. */
function ffmpeg(args: readonly string[], input: Uint8Array): Buffer {
  const result = spawnSync('ffmpeg', ['-v', 'error', ...args], { input, maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${result.stderr.toString()}`);
  return result.stdout;
}

function hasFfmpeg(): boolean {
  return spawnSync('ffmpeg', ['-version']).status === 0;
}

function line(label: string, ms: number, audioSeconds: number): string {
  return `voice: ${label.padEnd(64)} ${ms.toFixed(1).padStart(7)} ms = ${String(Math.round((audioSeconds * 1000) / ms)).padStart(5)} x real time`;
}

/** Frames per second through `step`, as "x real time" for 20 ms frames. */
function framesRealTime(pcm: Int16Array, step: (frame: Int16Array) => void): number {
  const frames = Math.floor(pcm.length / FRAME);
  const ms = medianMs(5, () => {
    for (let f = 0; f < frames; f++) step(pcm.subarray(f * FRAME, (f + 1) * FRAME));
  });
  return (frames * 20) / ms;
}

/** Starts with a blank line, so bench/run.ts runs it with a single line between the other benchmarks. */
export async function benchVoiceNote(): Promise<void> {
  console.log('');
  const pcm = await speech(NOTE_SECONDS);
  const reply = encodeVoiceNote(pcm);
  console.log(
    `voice: ${NOTE_SECONDS} s of speech as a voice note at ${VOICE_NOTE_BITRATE / 1000} kbit/s, complexity ${VOICE_NOTE_COMPLEXITY}: ` +
      `${(reply.ogg.length / 1024).toFixed(0)} KB (${((reply.ogg.length * 8) / NOTE_SECONDS / 1000).toFixed(1)} kbit/s with the container)`,
  );

  const decodeMs = medianMs(9, () => decodeVoiceNote(reply.ogg, { maxSeconds: 600 }));
  const encodeMs = medianMs(5, () => encodeVoiceNote(pcm));
  const encode10Ms = medianMs(5, () => encodeVoiceNote(pcm, { complexity: 10 }));
  const encode16kMs = medianMs(5, () => encodeVoiceNote(pcm, { bitrate: 16_000 }));
  console.log(line('decode a 30 s note (in process)', decodeMs, NOTE_SECONDS));
  console.log(line('encode a 30 s reply (in process)', encodeMs, NOTE_SECONDS));
  console.log(line('encode a 30 s reply at complexity 10 (in process)', encode10Ms, NOTE_SECONDS));
  console.log(line('encode a 30 s reply at 16 kbit/s (in process)', encode16kMs, NOTE_SECONDS));
  if (hasFfmpeg()) {
    const raw = bytesFromInt16(pcm);
    const ffDecodeMs = medianMs(5, () => ffmpeg(['-f', 'ogg', '-i', 'pipe:0', '-f', 's16le', '-ac', '1', '-ar', String(RATE), 'pipe:1'], reply.ogg));
    const ffEncodeMs = medianMs(5, () =>
      ffmpeg(
        ['-f', 's16le', '-ar', String(RATE), '-ac', '1', '-i', 'pipe:0', '-c:a', 'libopus', '-b:a', `${VOICE_NOTE_BITRATE}`, '-application', 'voip', '-compression_level', String(VOICE_NOTE_COMPLEXITY), '-f', 'ogg', 'pipe:1'],
        raw,
      ),
    );
    console.log(line('decode a 30 s note by spawning ffmpeg (ogg -> s16le 24 kHz)', ffDecodeMs, NOTE_SECONDS));
    console.log(line('encode a 30 s reply by spawning ffmpeg (s16le -> ogg libopus)', ffEncodeMs, NOTE_SECONDS));
  } else {
    console.log('voice: ffmpeg is not installed: the comparison with spawning ffmpeg is skipped');
  }

  console.log('voice: Opus alone, 20 ms frames at 24 kHz mono (speech), one stream on one core:');
  for (const [bitrate, complexity, use] of [
    [DEFAULT_OPUS_BITRATE, 0, ''],
    [DEFAULT_OPUS_BITRATE, DEFAULT_OPUS_COMPLEXITY, ' (widget default)'],
    [DEFAULT_OPUS_BITRATE, 10, ''],
    [VOICE_NOTE_BITRATE, VOICE_NOTE_COMPLEXITY, ' (voice-note default)'],
  ] as const) {
    const encoder = new OpusFrameEncoder({ bitrate, complexity });
    const x = framesRealTime(pcm, (frame) => encoder.encode(frame));
    console.log(`voice:   ${`encode ${bitrate / 1000} kbit/s complexity ${complexity}${use}`.padEnd(62)} ${String(Math.round(x)).padStart(5)} x real time`);
  }
  const packets: Uint8Array[] = [];
  const source = new OpusFrameEncoder();
  for (let at = 0; at + FRAME <= pcm.length; at += FRAME) packets.push(source.encode(pcm.subarray(at, at + FRAME)));
  const decoder = new OpusFrameDecoder();
  let next = 0;
  const decodeX = framesRealTime(pcm, () => decoder.decode(packets[next++ % packets.length]!));
  const concealX = framesRealTime(pcm, () => decoder.decodeMissing());
  console.log(`voice:   ${`decode ${DEFAULT_OPUS_BITRATE / 1000} kbit/s packets`.padEnd(62)} ${String(Math.round(decodeX)).padStart(5)} x real time`);
  console.log(`voice:   ${'conceal a lost frame'.padEnd(62)} ${String(Math.round(concealX)).padStart(5)} x real time`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchVoiceNote();
}
