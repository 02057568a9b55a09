// The Ogg Opus container: files we write follow RFC 7845 to the page (so every player starts and ends on the right
// sample), and files we read are checked so that a damaged, cut or foreign file is named for what it is.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Encoder } from '@evan/opus';
import { demuxOggOpus, muxOggOpus, OggOpusError, type OggOpusErrorCode } from './ogg-opus.ts';
import { NO_GRANULE, OGG_BOS, OGG_CONTINUED, OGG_EOS, oggCrc, readOggPages, writeOggPage, type OggPage } from './ogg-page.ts';
import { OpusFrameEncoder } from './opus.ts';
import { sine } from './pcm.ts';
import { ffmpegDecode, ffmpegMake, ffprobe, opusinfo, skipWithout, tempDir, writeTemp } from '../../test/media-tools.ts';

const FRAME = 480;
/** A 20 ms CELT packet header: the muxer only reads a packet's first byte to time it. */
const TOC_20_MS = 0xf8;

function encodeAll(pcm: Int16Array, encoder: OpusFrameEncoder): Uint8Array[] {
  const packets: Uint8Array[] = [];
  for (let at = 0; at < pcm.length; at += FRAME) packets.push(encoder.encode(pcm.subarray(at, at + FRAME)));
  return packets;
}

/** `count` fake 20 ms packets of `size` bytes with recognisable contents. */
function fakePackets(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, (_, n) => {
    const packet = new Uint8Array(size).map((_, i) => (i * 7 + n) & 0xff);
    packet[0] = TOC_20_MS;
    return packet;
  });
}

function pages(bytes: Uint8Array): OggPage[] {
  return [...readOggPages(bytes)];
}

function rejects(bytes: Uint8Array, code: OggOpusErrorCode): void {
  assert.throws(() => demuxOggOpus(bytes), (error: unknown) => {
    assert.ok(error instanceof OggOpusError, `expected OggOpusError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

/** Rewrites a page's checksum after a deliberate edit, so the check under test is the one that fires. */
function resealPage(file: Uint8Array, page: OggPage): void {
  const end = page.body.byteOffset - file.byteOffset + page.body.length;
  const bytes = file.subarray(page.offset, end);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(22, 0, true);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(22, oggCrc(bytes), true);
}

describe('CRC-32 of Ogg', () => {
  test('matches the published check value of polynomial 0x04c11db7 with zero initial value', () => {
    assert.equal(oggCrc(new TextEncoder().encode('123456789')), 0x89a1897f);
  });
});

describe('muxOggOpus', () => {
  const encoder = new OpusFrameEncoder();
  const packets = encodeAll(sine(440, 24_000, FRAME * 150, -12), encoder); // 3 s
  const length48k = FRAME * 150 * 2 - 2 * 333; // as if the last 333 samples were padding
  const file = muxOggOpus(packets, { preSkip: encoder.preSkip, length48k, tags: ['TITLE=Reply'] });
  const layout = pages(file);

  test('starts with OpusHead alone on a BOS page, then OpusTags on its own page, both at granule 0', () => {
    const [head, tags] = layout;
    assert.equal(head!.flags, OGG_BOS);
    assert.equal(head!.granule, 0);
    assert.deepEqual([...head!.lacing], [19]);
    assert.equal(Buffer.from(head!.body.subarray(0, 8)).toString('latin1'), 'OpusHead');
    assert.equal(head!.body[9], 1, 'mono');
    assert.equal(new DataView(head!.body.buffer, head!.body.byteOffset).getUint16(10, true), encoder.preSkip);
    assert.equal(new DataView(head!.body.buffer, head!.body.byteOffset).getUint32(12, true), 24_000);
    assert.equal(tags!.flags, 0);
    assert.equal(tags!.granule, 0);
    assert.equal(Buffer.from(tags!.body.subarray(0, 8)).toString('latin1'), 'OpusTags');
  });

  test('counts granules at 48 kHz from 0, one page a second, and ends on pre-skip + length with EOS', () => {
    const audio = layout.slice(2);
    assert.deepEqual(
      audio.map((page) => page.granule),
      [48_000, 96_000, encoder.preSkip + length48k],
    );
    assert.deepEqual(
      audio.map((page) => page.flags),
      [0, 0, OGG_EOS],
    );
    assert.deepEqual(
      layout.map((page) => page.sequence),
      [0, 1, 2, 3, 4],
    );
    assert.equal(new Set(layout.map((page) => page.serial)).size, 1);
  });

  test('gives each file a random serial unless one is asked for', () => {
    const serials = new Set(Array.from({ length: 8 }, () => pages(muxOggOpus(packets, { preSkip: 312 }))[0]!.serial));
    assert.ok(serials.size >= 7, `8 files shared ${8 - serials.size + 1} serials`);
    assert.equal(pages(muxOggOpus(packets, { preSkip: 312, serial: 0xdeadbeef }))[0]!.serial, 0xdeadbeef);
  });

  test('keeps the padding trimmed at the end inside the last page (RFC 7845 4.4)', () => {
    // 1 s pages would leave one 20 ms packet on the last page, less than the 30 ms to trim.
    const tail = muxOggOpus(fakePackets(51, 40), { preSkip: 312, length48k: 51 * 960 - 312 - 1440 });
    const audio = pages(tail).slice(2);
    const last = audio[audio.length - 1]!;
    const before = audio[audio.length - 2]?.granule ?? 0;
    assert.ok(last.granule >= before, `last page ends at ${last.granule}, before the previous page's ${before}`);
  });

  test('round trip: demux gives back the same packets, pre-skip, end, channels and tags', () => {
    const stream = demuxOggOpus(file);
    assert.equal(stream.packets.length, packets.length);
    stream.packets.forEach((packet, i) => assert.deepEqual(packet, packets[i]));
    assert.equal(stream.preSkip, encoder.preSkip);
    assert.equal(stream.finalGranule, encoder.preSkip + length48k);
    assert.equal(stream.channels, 1);
    assert.equal(stream.inputSampleRate, 24_000);
    assert.equal(stream.outputGainDb, 0);
    assert.deepEqual(stream.tags, ['TITLE=Reply']);
  });

  test('packets larger than a page span pages, and demux joins them byte for byte', () => {
    // 70,000 bytes need 275 lacing values (more than a page has); 510 bytes end on a zero lacing value.
    const big = [...fakePackets(2, 70_000), ...fakePackets(3, 510), ...fakePackets(2, 255)];
    const spanned = muxOggOpus(big, { preSkip: 312 });
    const layoutBig = pages(spanned);
    assert.ok(layoutBig.some((page) => page.flags & OGG_CONTINUED), 'no page continues a packet');
    assert.ok(layoutBig.some((page) => page.granule === NO_GRANULE), 'a page on which no packet ends must carry granule -1');
    const stream = demuxOggOpus(spanned);
    assert.equal(stream.packets.length, big.length);
    stream.packets.forEach((packet, i) => assert.deepEqual(packet, big[i], `packet ${i}`));
  });

  test('refuses what cannot make a valid file', () => {
    assert.throws(() => muxOggOpus([], { preSkip: 312 }), RangeError);
    assert.throws(() => muxOggOpus([new Uint8Array(0)], { preSkip: 312 }), /not an Opus packet/);
    assert.throws(() => muxOggOpus(fakePackets(2, 10), { preSkip: 312, length48k: 2000 }), /not enough/);
    assert.throws(() => muxOggOpus(fakePackets(2, 10), { preSkip: 70_000 }), RangeError);
  });
});

describe('files read by real decoders', () => {
  const dir = tempDir();
  after(() => dir.remove());

  test('a high-bitrate file whose packets span pages passes ffprobe and opusinfo, and ffmpeg decodes every sample', { skip: skipWithout('opusinfo') || skipWithout('ffprobe') || skipWithout('ffmpeg') }, () => {
    // Fullband stereo noise at 510 kbit/s makes 1,275-byte packets: six lacing values each, so a second of them
    // overflows a page. (Mono 24 kHz tops out near 250 kbit/s, which always fits.)
    const encoder = new Encoder({ channels: 2, sample_rate: 48_000, application: 'audio' });
    encoder.bitrate = 510_000;
    const preSkip = encoder.ctl(4027); // OPUS_GET_LOOKAHEAD, already at 48 kHz
    const frame = new Int16Array(960 * 2);
    const packets: Uint8Array[] = [];
    let seed = 1;
    for (let f = 0; f < 101; f++) {
      for (let i = 0; i < frame.length; i++) {
        seed = (seed * 1664525 + 1013904223) >>> 0;
        frame[i] = (seed >>> 16) - 32768;
      }
      packets.push(encoder.encode(frame));
    }
    const samples = 960 * 100 + 100;
    const file = muxOggOpus(packets, { preSkip, length48k: samples, channels: 2, inputSampleRate: 48_000 });
    assert.ok(pages(file).some((page) => page.flags & OGG_CONTINUED), 'expected packets spanning pages');
    const path = writeTemp(dir.path, 'spanning.ogg', file);
    const info = opusinfo(path);
    assert.equal(info.status, 0, info.output);
    assert.doesNotMatch(info.output, /warning|error/iu);
    const probed = ffprobe(path);
    assert.equal(probed.codec, 'opus');
    assert.equal(probed.channels, 2);
    assert.equal(ffmpegDecode(path, 48_000).length, samples);
  });

  test('an ffmpeg file demuxes with its pre-skip and end', { skip: skipWithout('ffmpeg') }, () => {
    const bytes = ffmpegMake(dir.path, ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1.5', '-c:a', 'libopus', '-ac', '1'], 'ffmpeg.ogg');
    const stream = demuxOggOpus(bytes);
    assert.equal(stream.preSkip, 312);
    assert.equal(stream.finalGranule - stream.preSkip, 72_000);
    assert.ok(stream.packets.length * 960 >= stream.finalGranule, 'the packets hold the whole stream');
  });
});

describe('demuxOggOpus refuses bad files with a stable code', () => {
  const encoder = new OpusFrameEncoder();
  const good = muxOggOpus(encodeAll(sine(440, 24_000, FRAME * 150, -12), encoder), { preSkip: encoder.preSkip });
  const layout = pages(good);

  test('not Ogg at all -> not_ogg', () => {
    rejects(new TextEncoder().encode('RIFF....WAVEfmt '), 'not_ogg');
    rejects(new Uint8Array(0), 'not_ogg');
  });

  test('a flipped checksum byte, or a flipped audio byte -> bad_crc', () => {
    const crcFlipped = good.slice();
    crcFlipped[layout[3]!.offset + 22] = crcFlipped[layout[3]!.offset + 22]! ^ 0x01;
    rejects(crcFlipped, 'bad_crc');
    const bodyFlipped = good.slice();
    bodyFlipped[layout[3]!.offset + 100] = bodyFlipped[layout[3]!.offset + 100]! ^ 0x40;
    rejects(bodyFlipped, 'bad_crc');
  });

  test('a page missing from the middle -> bad_sequence', () => {
    const withoutPage3 = Buffer.concat([good.subarray(0, layout[3]!.offset), good.subarray(layout[4]!.offset)]);
    rejects(withoutPage3, 'bad_sequence');
  });

  test('cut inside a page, or before any audio -> truncated', () => {
    rejects(good.subarray(0, good.length - 50), 'truncated');
    rejects(good.subarray(0, layout[1]!.offset), 'truncated');
    rejects(good.subarray(0, 10), 'truncated');
  });

  test('a stream without its end-of-stream flag (as WhatsApp records notes) is read to its last whole page', () => {
    const last = layout.at(-1)!;
    const unflagged = writeOggPage({ flags: last.flags & ~OGG_EOS, granule: last.granule, serial: last.serial, sequence: last.sequence }, [...last.lacing], last.body);
    const whatsapp = demuxOggOpus(Buffer.concat([good.subarray(0, last.offset), unflagged]));
    const whole = demuxOggOpus(good);
    assert.equal(whatsapp.finalGranule, whole.finalGranule);
    assert.equal(whatsapp.packets.length, whole.packets.length);
    // Cut at a page boundary, the audio up to that page is all there is.
    const cut = demuxOggOpus(good.subarray(0, layout[4]!.offset));
    assert.equal(cut.finalGranule, layout[3]!.granule);
  });

  test('junk between pages -> corrupt', () => {
    const junk = Buffer.concat([good.subarray(0, layout[3]!.offset), Buffer.from('garbage!'), good.subarray(layout[3]!.offset)]);
    rejects(junk, 'corrupt');
  });

  test('an Ogg file holding another codec -> not_opus', () => {
    const vorbisHead = Buffer.concat([Buffer.from('\x01vorbis', 'latin1'), Buffer.alloc(23)]);
    const vorbis = writeOggPage({ flags: OGG_BOS, granule: 0, serial: 7, sequence: 0 }, [vorbisHead.length], vorbisHead);
    const next = writeOggPage({ flags: OGG_EOS, granule: 0, serial: 7, sequence: 1 }, [3], Buffer.from('abc'));
    rejects(Buffer.concat([vorbis, next]), 'not_opus');
    assert.throws(() => demuxOggOpus(Buffer.concat([vorbis, next])), /Vorbis/);
  });

  test('OpusHead sharing its page, a wrong second header, or surround mapping -> bad_header / unsupported', () => {
    const head = layout[0]!.body;
    const tags = layout[1]!.body;
    const page = (sequence: number, flags: number, parts: Uint8Array[]): Uint8Array =>
      writeOggPage({ flags, granule: 0, serial: 1, sequence }, parts.map((part) => part.length), Buffer.concat(parts));
    rejects(Buffer.concat([page(0, OGG_BOS, [head, tags]), page(1, OGG_EOS, [Uint8Array.of(TOC_20_MS)])]), 'bad_header');
    rejects(Buffer.concat([page(0, OGG_BOS, [head]), page(1, OGG_EOS, [Buffer.from('NotTags!xxxx')])]), 'bad_header');
    const surround = head.slice();
    surround[9] = 6;
    surround[18] = 1;
    rejects(Buffer.concat([page(0, OGG_BOS, [surround]), page(1, 0, [tags])]), 'unsupported');
    const lyingTags = Buffer.concat([Buffer.from('OpusTags'), Buffer.from([0, 0, 0, 0]), Buffer.from([0xff, 0xff, 0xff, 0x7f])]);
    rejects(Buffer.concat([page(0, OGG_BOS, [head]), page(1, OGG_EOS, [lyingTags])]), 'bad_header');
  });

  test('a page claiming to continue a packet that never started -> corrupt', () => {
    const edited = good.slice();
    const page2 = pages(edited)[2]!;
    edited[page2.offset + 5] = edited[page2.offset + 5]! | OGG_CONTINUED;
    resealPage(edited, page2);
    rejects(edited, 'corrupt');
  });

  test('an end position before the pre-skip -> corrupt', () => {
    const edited = muxOggOpus(fakePackets(10, 20), { preSkip: 312 });
    const last = pages(edited).at(-1)!;
    new DataView(edited.buffer, edited.byteOffset).setUint32(last.offset + 6, 100, true);
    resealPage(edited, last);
    rejects(edited, 'corrupt');
  });

  test('pages of another stream in the same file are skipped', () => {
    const otherHead = Buffer.concat([Buffer.from('\x7fFLAC', 'latin1'), Buffer.alloc(20)]);
    const other = writeOggPage({ flags: OGG_BOS, granule: 0, serial: 99, sequence: 0 }, [otherHead.length], otherHead);
    const otherData = writeOggPage({ flags: OGG_EOS, granule: 10, serial: 99, sequence: 1 }, [4], Buffer.from('data'));
    const [first, ...rest] = layout.map((page) => good.subarray(page.offset, page.body.byteOffset - good.byteOffset + page.body.length));
    const stream = demuxOggOpus(Buffer.concat([first!, other, rest[0]!, otherData, ...rest.slice(1)]));
    assert.equal(stream.packets.length, 150);
  });
});
