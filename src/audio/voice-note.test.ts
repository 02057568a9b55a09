// WhatsApp voice notes as people meet them: replies that every player accepts and plays to the exact length, the
// duration and waveform WhatsApp shows, notes recorded elsewhere decoded at the right length and loudness, and a
// bad note refused with a reason its sender can read.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { muxOggOpus } from './ogg-opus.ts';
import { oggCrc, readOggPages, writeOggPage, OGG_BOS, OGG_EOS } from './ogg-page.ts';
import { OpusFrameEncoder } from './opus.ts';
import { rmsDbfs, sine, toneDbfs } from './pcm.ts';
import { ffmpegDecode, ffmpegMake, ffprobe, opusinfo, skipWithout, tempDir, writeTemp } from '../../test/media-tools.ts';
import { decodeVoiceNote, encodeVoiceNote, voiceNoteWaveform, VoiceNoteError, type VoiceNoteErrorCode } from './voice-note.ts';

const RATE = 24_000;
const dir = tempDir();
after(() => dir.remove());

/** Something like a spoken phrase: two tones that rise and fall in loudness, with a pause in the middle. */
function phrase(seconds: number): Int16Array {
  const n = Math.round(seconds * RATE);
  const low = sine(220, RATE, n, -10);
  const high = sine(1800, RATE, n, -20);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / n;
    const envelope = t > 0.45 && t < 0.55 ? 0 : Math.sin(Math.PI * t) ** 0.5;
    out[i] = Math.round((low[i]! + high[i]!) * envelope);
  }
  return out;
}

function refused(bytes: Uint8Array, code: VoiceNoteErrorCode, maxSeconds = 600): VoiceNoteError {
  let caught: unknown;
  try {
    decodeVoiceNote(bytes, { maxSeconds });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof VoiceNoteError, `expected VoiceNoteError '${code}', got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.expose, true, 'the message is meant for the sender');
  assert.doesNotMatch(caught.message, /granule|crc|lacing|opushead/iu, 'the message should speak to a person');
  return caught;
}

describe('encodeVoiceNote', () => {
  const source = phrase(2.345);
  const note = encodeVoiceNote(source);
  const path = writeTemp(dir.path, 'reply.ogg', note.ogg);

  test('ffprobe reads mono Opus in Ogg, as long as the source to within 20 ms', { skip: skipWithout('ffprobe') }, () => {
    const probed = ffprobe(path);
    assert.equal(probed.codec, 'opus');
    assert.equal(probed.channels, 1);
    assert.equal(probed.container, 'ogg');
    assert.ok(Math.abs(probed.durationS - source.length / RATE) <= 0.02, `ffprobe says ${probed.durationS} s, the source is ${source.length / RATE} s`);
  });

  test('opusinfo accepts the stream without a warning', { skip: skipWithout('opusinfo') }, () => {
    const info = opusinfo(path);
    assert.equal(info.status, 0, info.output);
    assert.doesNotMatch(info.output, /warning|error|hole|gap/iu, info.output);
    assert.match(info.output, /Channels: 1/u);
    assert.match(info.output, /Playback length: 0m:02\.345s/u);
  });

  test('ffmpeg plays exactly the source samples: the padding is cut and the last word kept', { skip: skipWithout('ffmpeg') }, () => {
    const played = ffmpegDecode(path);
    assert.equal(played.length, source.length);
    const tail = played.subarray(played.length - 2400);
    const sourceTail = source.subarray(source.length - 2400);
    assert.ok(Math.abs(rmsDbfs(tail) - rmsDbfs(sourceTail)) < 2, `last 100 ms at ${rmsDbfs(tail).toFixed(1)} dBFS, source ${rmsDbfs(sourceTail).toFixed(1)}`);
  });

  test('round trip: our decoder returns every sample at the same level and in time', () => {
    const decoded = decodeVoiceNote(note.ogg, { maxSeconds: 10 });
    assert.equal(decoded.length, source.length);
    for (const hz of [220, 1800]) {
      const gap = toneDbfs(decoded, RATE, hz) - toneDbfs(source, RATE, hz);
      assert.ok(Math.abs(gap) < 1, `${hz} Hz changed by ${gap.toFixed(2)} dB`);
    }
    // The pause in the middle stays where it was (a pre-skip error would move it by milliseconds).
    const pause = decoded.subarray(Math.round(source.length * 0.46), Math.round(source.length * 0.54));
    assert.ok(rmsDbfs(pause) < -40, `the pause holds sound at ${rmsDbfs(pause).toFixed(1)} dBFS`);
  });

  test('the decoded note starts on the source\'s first sample: the pre-skip is dropped exactly', () => {
    // A sweep, because it matches itself at one lag only.
    const sweep = new Int16Array(RATE);
    let phase = 0;
    for (let i = 0; i < sweep.length; i++) {
      phase += (2 * Math.PI * (200 + (2800 * i) / sweep.length)) / RATE;
      sweep[i] = Math.round(8000 * Math.sin(phase));
    }
    const decoded = decodeVoiceNote(encodeVoiceNote(sweep).ogg, { maxSeconds: 10 });
    let bestLag = 0;
    let bestScore = -Infinity;
    for (let lag = -300; lag <= 300; lag++) {
      let score = 0;
      for (let i = 2400; i < sweep.length - 2400; i++) score += sweep[i]! * decoded[i + lag]!;
      if (score > bestScore) [bestLag, bestScore] = [lag, score];
    }
    assert.ok(Math.abs(bestLag) <= 1, `the decoded note is shifted by ${bestLag} samples`);
  });

  test('a reply is small: about 24 kbit/s', () => {
    const kbits = (note.ogg.length * 8) / 1000 / (source.length / RATE);
    assert.ok(kbits > 12 && kbits < 32, `${kbits.toFixed(1)} kbit/s`);
  });

  test('seconds are rounded up to whole seconds, as WhatsApp shows them', () => {
    assert.equal(note.seconds, 3);
    assert.equal(encodeVoiceNote(sine(440, RATE, RATE)).seconds, 1);
    assert.equal(encodeVoiceNote(sine(440, RATE, RATE + 480)).seconds, 2);
    assert.equal(encodeVoiceNote(sine(440, RATE, 4800)).seconds, 1);
  });

  test('the waveform has 64 bars from 0 to 100 that follow the loudness, the loudest at 100', () => {
    assert.equal(note.waveform.length, 64);
    assert.equal(Math.max(...note.waveform), 100);
    assert.ok(note.waveform[32]! < 10, `the pause draws a bar of ${note.waveform[32]}`);
    assert.ok(note.waveform[16]! > 80, `the middle of the first half draws ${note.waveform[16]}`);
    // Half the amplitude in the second half draws bars at half height.
    const steps = new Int16Array(6400).map((_, i) => (i % 2 ? 1 : -1) * (i < 3200 ? 16_000 : 8000));
    const bars = voiceNoteWaveform(steps);
    assert.deepEqual([...bars], [...new Array<number>(32).fill(100), ...new Array<number>(32).fill(50)]);
    assert.ok(voiceNoteWaveform(new Int16Array(RATE)).every((bar) => bar === 0), 'silence draws flat');
  });

  test('an empty reply is refused', () => {
    assert.throws(() => encodeVoiceNote(new Int16Array(0)), RangeError);
  });
});

describe('decodeVoiceNote of notes made elsewhere', () => {
  test('an ffmpeg-made note has the same length and loudness as ffmpeg hears', { skip: skipWithout('ffmpeg') }, () => {
    const bytes = ffmpegMake(dir.path, ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=2.5', '-c:a', 'libopus', '-b:a', '24k', '-ac', '1'], 'mono.ogg');
    const ours = decodeVoiceNote(bytes, { maxSeconds: 60 });
    const theirs = ffmpegDecode(writeTemp(dir.path, 'mono-copy.ogg', bytes));
    assert.equal(ours.length, 2.5 * RATE);
    assert.equal(theirs.length, ours.length);
    // ffmpeg's sine source peaks at 1/8 of full scale: -18 dBFS.
    const level = toneDbfs(ours.subarray(RATE / 10), RATE, 440);
    assert.ok(Math.abs(level - -18.06) < 1, `440 Hz at ${level.toFixed(2)} dBFS`);
    assert.ok(Math.abs(rmsDbfs(ours) - rmsDbfs(theirs)) < 0.5, `ours ${rmsDbfs(ours).toFixed(2)}, ffmpeg ${rmsDbfs(theirs).toFixed(2)} dBFS`);
  });

  test('a stereo note is downmixed to one channel holding both sides', { skip: skipWithout('ffmpeg') }, () => {
    const bytes = ffmpegMake(
      dir.path,
      ['-f', 'lavfi', '-i', 'sine=frequency=300:duration=1', '-f', 'lavfi', '-i', 'sine=frequency=2000:duration=1', '-filter_complex', '[0:a][1:a]amerge=inputs=2', '-c:a', 'libopus', '-b:a', '64k'],
      'stereo.ogg',
    );
    const ours = decodeVoiceNote(bytes, { maxSeconds: 60 });
    assert.equal(ours.length, RATE);
    for (const hz of [300, 2000]) {
      const level = toneDbfs(ours.subarray(RATE / 10), RATE, hz);
      assert.ok(Math.abs(level - -24.08) < 1.5, `${hz} Hz at ${level.toFixed(2)} dBFS (half of -18)`);
    }
  });

  test('the output gain the note declares is applied', () => {
    const note = encodeVoiceNote(sine(440, RATE, RATE, -20)).ogg.slice();
    const head = [...readOggPages(note)][0]!;
    const view = new DataView(note.buffer, note.byteOffset);
    view.setInt16(head.offset + 27 + 1 + 16, 6 * 256, true); // +6 dB in Q7.8
    view.setUint32(head.offset + 22, 0, true);
    view.setUint32(head.offset + 22, oggCrc(note.subarray(head.offset, head.offset + 27 + 1 + 19)), true);
    const louder = decodeVoiceNote(note, { maxSeconds: 10 });
    const level = toneDbfs(louder.subarray(2400), RATE, 440);
    assert.ok(Math.abs(level - -14) < 1, `440 Hz at ${level.toFixed(2)} dBFS, expected -20 + 6`);
  });
});

describe('decodeVoiceNote refuses bad notes, affecting only that note', () => {
  const good = encodeVoiceNote(phrase(1.5)).ogg;
  const pages = [...readOggPages(good)];

  test('empty -> empty', () => {
    refused(new Uint8Array(0), 'empty');
  });

  test('random bytes or an MP3 -> not_ogg', () => {
    refused(new Uint8Array(1000).map((_, i) => (i * 31) & 0xff), 'not_ogg');
    refused(Uint8Array.of(0x49, 0x44, 0x33, 0x04, 0, 0, 0, 0, 0, 0), 'not_ogg');
  });

  test('an Ogg Vorbis file -> not_opus', { skip: skipWithout('ffmpeg') }, () => {
    const vorbis = ffmpegMake(dir.path, ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libvorbis', '-ac', '1'], 'vorbis.ogg');
    refused(vorbis, 'not_opus');
  });

  test('a file cut inside a page -> truncated; one cut between pages plays what it holds', () => {
    refused(good.subarray(0, Math.floor(good.length / 2) + 1), 'truncated');
    const held = decodeVoiceNote(good.subarray(0, pages.at(-1)!.offset), { maxSeconds: 60 });
    assert.ok(held.length > 0 && held.length < decodeVoiceNote(good, { maxSeconds: 60 }).length);
  });

  test('a flipped checksum byte, or bytes overwritten in the middle -> corrupt', () => {
    const crc = good.slice();
    crc[pages[2]!.offset + 23] = crc[pages[2]!.offset + 23]! ^ 0x80;
    refused(crc, 'corrupt');
    const scribbled = good.slice();
    scribbled.fill(0x55, Math.floor(good.length / 2), Math.floor(good.length / 2) + 64);
    refused(scribbled, 'corrupt');
  });

  test('audio packets the Opus decoder cannot read -> corrupt', () => {
    // Code 2 (two frames) with no frame-length byte: impossible framing, sealed in pages with valid checksums.
    const head = pages[0]!.body;
    const tags = pages[1]!.body;
    const bad = Uint8Array.of(0xfa);
    const file = Buffer.concat([
      writeOggPage({ flags: OGG_BOS, granule: 0, serial: 5, sequence: 0 }, [head.length], head),
      writeOggPage({ flags: 0, granule: 0, serial: 5, sequence: 1 }, [tags.length], tags),
      writeOggPage({ flags: OGG_EOS, granule: 1920, serial: 5, sequence: 2 }, [1], bad),
    ]);
    refused(file, 'corrupt');
  });

  test('a 20-minute note -> too_long, refused from its declared length before any audio is decoded', () => {
    // 30,000 packets of 40 ms that would fail to decode: a note refused as corrupt would mean decoding started.
    const undecodable = Uint8Array.of(0xfa);
    const twentyMinutes = muxOggOpus(new Array<Uint8Array>(30_000).fill(undecodable), { preSkip: 312 });
    const error = refused(twentyMinutes, 'too_long', 120);
    assert.match(error.message, /20:00/u);
    assert.match(error.message, /2:00/u);
  });

  test('a 20-minute note of real silent packets is refused too, and a note at the limit is accepted', () => {
    const encoder = new OpusFrameEncoder({ bitrate: 24_000 });
    const silence = new Int16Array(480);
    for (let i = 0; i < 10; i++) encoder.encode(silence);
    const quiet = encoder.encode(silence);
    refused(muxOggOpus(new Array<Uint8Array>(60_000).fill(quiet), { preSkip: encoder.preSkip }), 'too_long', 120);
    const atLimit = muxOggOpus(new Array<Uint8Array>(151).fill(quiet), { preSkip: encoder.preSkip, length48k: 3 * 48_000 });
    assert.equal(decodeVoiceNote(atLimit, { maxSeconds: 3 }).length, 3 * RATE);
    refused(atLimit, 'too_long', 2.9);
  });

  test('a note with no audio in it -> empty', () => {
    refused(muxOggOpus([Uint8Array.of(0xf8)], { preSkip: 312, length48k: 0 }), 'empty');
  });

  test('after a bad note the next good one decodes, and a nonsense limit is a RangeError', () => {
    refused(good.subarray(0, 100), 'truncated');
    assert.equal(decodeVoiceNote(good, { maxSeconds: 60 }).length, 1.5 * RATE);
    assert.throws(() => decodeVoiceNote(good, { maxSeconds: 0 }), RangeError);
    assert.throws(() => decodeVoiceNote(good, { maxSeconds: Number.NaN }), RangeError);
  });
});
