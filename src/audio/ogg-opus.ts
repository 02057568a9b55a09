// Ogg Opus files (RFC 7845): the format of WhatsApp voice notes. muxOggOpus wraps encoded packets so every
// player starts and stops at exactly the right sample; demuxOggOpus checks a received file page by page and hands
// back its packets. Neither decodes audio: voice-note.ts joins this with the codec.
import { randomInt } from 'node:crypto';
import { opusPacketSamples48k } from './opus-packet.ts';
import { MAX_SEGMENTS, NO_GRANULE, OGG_BOS, OGG_CONTINUED, OGG_EOS, OggOpusError, readOggPages, writeOggPage, type OggPage } from './ogg-page.ts';

export { OggOpusError, type OggOpusErrorCode } from './ogg-page.ts';

const OPUS_HEAD = magic('OpusHead');
const OPUS_TAGS = magic('OpusTags');
const OPUS_HEAD_BYTES = 19; // channel mapping family 0 (mono or stereo)
const VENDOR = 'omnichannel-voice-gateway';
/** Pages are closed after about a second of audio, as libopusenc and ffmpeg do: small enough to seek, few headers. */
const PAGE_GRANULES = 48_000;

export interface OggOpusMuxOptions {
  /** 48 kHz samples players drop at the start: the encoder's lookahead (OpusFrameEncoder.preSkip). */
  readonly preSkip: number;
  /**
   * 48 kHz samples of real audio after the pre-skip. The last granule becomes preSkip + length48k, so players cut
   * the padding of the last frame. Default: everything the packets hold after the pre-skip.
   */
  readonly length48k?: number;
  /** Channels the packets were encoded with. Default 1. */
  readonly channels?: 1 | 2;
  /** The rate the audio had before encoding; players may resample back to it. Default 24,000. */
  readonly inputSampleRate?: number;
  /** The logical stream's serial number. Default random, so concatenated or multiplexed files stay distinct. */
  readonly serial?: number;
  /** User comments such as "TITLE=Reply", written to OpusTags. */
  readonly tags?: readonly string[];
}

/** Wraps Opus packets (in playing order) into an Ogg Opus file. */
export function muxOggOpus(packets: readonly Uint8Array[], options: OggOpusMuxOptions): Uint8Array {
  const { preSkip, channels = 1, inputSampleRate = 24_000, tags = [] } = options;
  if (packets.length === 0) throw new RangeError('An Ogg Opus file needs at least one audio packet');
  if (!Number.isInteger(preSkip) || preSkip < 0 || preSkip > 0xffff) throw new RangeError(`Pre-skip must be 0-65535, got ${preSkip}`);
  const durations = packets.map((packet, i) => {
    const samples = opusPacketSamples48k(packet);
    if (samples < 0) throw new RangeError(`Packet ${i} is not an Opus packet (its framing is impossible)`);
    return samples;
  });
  const total = durations.reduce((sum, samples) => sum + samples, 0);
  const length48k = options.length48k ?? total - preSkip;
  if (!Number.isInteger(length48k) || length48k < 0 || preSkip + length48k > total) {
    throw new RangeError(`The packets hold ${total} samples at 48 kHz: not enough for pre-skip ${preSkip} + length ${length48k}`);
  }
  const serial = options.serial ?? randomInt(0, 0x1_0000_0000);

  const writer = new PageWriter(serial);
  writer.add(opusHead(channels, preSkip, inputSampleRate), 0);
  writer.flush(0);
  writer.add(opusTags(VENDOR, tags), 0);
  writer.flush(0);
  // The final page must hold at least the samples trimmed from the end (RFC 7845 4.4), so the last second is
  // never split off before them.
  const trim = total - preSkip - length48k;
  let granule = 0;
  let pageStart = 0;
  let remaining = total;
  for (let i = 0; i < packets.length; i++) {
    granule += durations[i]!;
    remaining -= durations[i]!;
    const last = i === packets.length - 1;
    writer.add(packets[i]!, last ? preSkip + length48k : granule);
    if (last) writer.flush(OGG_EOS);
    else if (granule - pageStart >= PAGE_GRANULES && remaining > trim) {
      writer.flush(0);
      pageStart = granule;
    }
  }
  return writer.bytes();
}

/** Lays packets out in lacing values and pages; a packet that does not fit continues on the next page. */
class PageWriter {
  readonly #serial: number;
  readonly #pages: Uint8Array[] = [];
  #lacing: number[] = [];
  #pieces: Uint8Array[] = [];
  #granule = NO_GRANULE; // of the last packet finished on the open page
  #continued = false; // the open page starts with the rest of a packet

  constructor(serial: number) {
    this.#serial = serial;
  }

  add(packet: Uint8Array, granuleAfter: number): void {
    let position = 0;
    for (;;) {
      if (this.#lacing.length === MAX_SEGMENTS) this.#write(0, true);
      const take = Math.min(255, packet.length - position);
      this.#lacing.push(take);
      this.#pieces.push(packet.subarray(position, position + take));
      position += take;
      if (take < 255) break; // a lacing value under 255 (zero for an exact multiple) ends the packet
    }
    this.#granule = granuleAfter;
  }

  flush(flags: number): void {
    this.#write(flags, false);
  }

  bytes(): Uint8Array {
    return concatBytes(this.#pages);
  }

  #write(flags: number, packetContinues: boolean): void {
    const body = concatBytes(this.#pieces);
    const sequence = this.#pages.length;
    const pageFlags = flags | (sequence === 0 ? OGG_BOS : 0) | (this.#continued ? OGG_CONTINUED : 0);
    this.#pages.push(writeOggPage({ flags: pageFlags, granule: this.#granule, serial: this.#serial, sequence }, this.#lacing, body));
    this.#lacing = [];
    this.#pieces = [];
    this.#granule = NO_GRANULE;
    this.#continued = packetContinues;
  }
}

function opusHead(channels: number, preSkip: number, inputSampleRate: number): Uint8Array {
  const head = new Uint8Array(OPUS_HEAD_BYTES);
  const view = new DataView(head.buffer);
  head.set(OPUS_HEAD, 0);
  head[8] = 1; // version
  head[9] = channels;
  view.setUint16(10, preSkip, true);
  view.setUint32(12, inputSampleRate, true);
  view.setInt16(16, 0, true); // output gain
  head[18] = 0; // channel mapping family 0: mono or stereo, no mapping table
  return head;
}

function opusTags(vendor: string, comments: readonly string[]): Uint8Array {
  const encoded = [vendor, ...comments].map((text) => Buffer.from(text, 'utf8'));
  const size = 8 + 4 + 4 + encoded.reduce((sum, text, i) => sum + text.length + (i > 0 ? 4 : 0), 0);
  const tags = Buffer.alloc(size);
  tags.set(OPUS_TAGS, 0);
  let offset = 8;
  for (const [i, text] of encoded.entries()) {
    tags.writeUInt32LE(text.length, offset);
    tags.set(text, offset + 4);
    offset += 4 + text.length;
    if (i === 0) {
      tags.writeUInt32LE(comments.length, offset);
      offset += 4;
    }
  }
  return tags;
}

/** What a received Ogg Opus file holds. */
export interface OggOpusStream {
  readonly channels: number;
  /** 48 kHz samples to drop from the start of the decoded audio. */
  readonly preSkip: number;
  readonly inputSampleRate: number;
  /** Gain players apply, in dB (OpusHead's Q7.8 value / 256). */
  readonly outputGainDb: number;
  readonly vendor: string;
  readonly tags: readonly string[];
  /** Audio packets in order; views into the input unless a packet spans pages. */
  readonly packets: readonly Uint8Array[];
  /** Granule of the last page: the audio ends at finalGranule - preSkip samples (48 kHz) after the pre-skip. */
  readonly finalGranule: number;
}

/**
 * Reads an Ogg Opus file. Checks capture patterns, checksums and page order, OpusHead and OpusTags and where they
 * sit, and joins packets that span pages. Pages of other logical streams in the same file are skipped. Throws
 * OggOpusError. A file cut inside a page or a packet is 'truncated'; one that simply lacks the end-of-stream flag
 * (WhatsApp's recorder) is read to its last whole page.
 */
export function demuxOggOpus(bytes: Uint8Array): OggOpusStream {
  if (bytes.length === 0) throw new OggOpusError('not_ogg', 'The file is empty');
  const state = new DemuxState();
  let otherCodec: string | undefined;
  for (const page of readOggPages(bytes)) {
    if (state.serial === undefined) {
      if (!(page.flags & OGG_BOS)) {
        throw new OggOpusError(otherCodec ? 'not_opus' : 'corrupt', otherCodec ? `The file holds ${otherCodec}, not Opus` : 'The Ogg file does not start with a stream header');
      }
      if (!startsWith(page.body, OPUS_HEAD)) {
        otherCodec ??= codecName(page.body);
        continue;
      }
      state.serial = page.serial;
    }
    if (page.serial !== state.serial) continue;
    state.readPage(page);
    if (page.flags & OGG_EOS) return state.finish(page);
  }
  if (state.serial === undefined) {
    throw new OggOpusError(otherCodec ? 'not_opus' : 'truncated', otherCodec ? `The file holds ${otherCodec}, not Opus` : 'The Ogg file holds no stream');
  }
  // WhatsApp's own recorder ends its notes without setting the end-of-stream flag (opusinfo warns "EOS not set"):
  // a file whose pages are all whole and sound, ending on a whole packet, is complete enough to play.
  return state.finish(undefined);
}

interface OpusHeadFields {
  readonly channels: number;
  readonly preSkip: number;
  readonly inputSampleRate: number;
  readonly outputGainDb: number;
}

/** Demultiplexing state for the chosen logical stream. */
class DemuxState {
  serial: number | undefined;
  #sequence = 0;
  #head: OpusHeadFields | undefined;
  #vendor: string | undefined;
  #tags: string[] = [];
  #packets: Uint8Array[] = [];
  #partial: Uint8Array[] | undefined; // pieces of a packet that continues on the next page
  #lastGranule = 0;

  readPage(page: OggPage): void {
    if (page.sequence !== this.#sequence) {
      throw new OggOpusError('bad_sequence', `Ogg page ${this.#sequence} is missing (page ${page.sequence} came next)`);
    }
    this.#sequence++;
    const continued = (page.flags & OGG_CONTINUED) !== 0;
    if (continued !== (this.#partial !== undefined)) {
      throw new OggOpusError('corrupt', continued ? `Ogg page ${page.sequence} continues a packet that never started` : `A packet is cut off before Ogg page ${page.sequence}`);
    }
    const finished: Uint8Array[] = [];
    let start = 0;
    let end = 0;
    for (let i = 0; i < page.lacing.length; i++) {
      end += page.lacing[i]!;
      if (page.lacing[i] === 255) continue;
      const piece = page.body.subarray(start, end);
      if (this.#partial) {
        this.#partial.push(piece);
        finished.push(concatBytes(this.#partial));
        this.#partial = undefined;
      } else {
        finished.push(piece);
      }
      start = end;
    }
    // Only a page ending in lacing value 255 leaves bytes after the last finished packet.
    if (start < end) (this.#partial ??= []).push(page.body.subarray(start, end));
    this.#placeHeaders(page, finished);
    for (const packet of finished) this.#packets.push(packet);
    if (this.#vendor !== undefined && page.granule !== NO_GRANULE) {
      if (page.granule < this.#lastGranule) throw new OggOpusError('corrupt', `Ogg page ${page.sequence} goes back in time`);
      this.#lastGranule = page.granule;
    }
  }

  /** Takes OpusHead and OpusTags off the front of the packets, checking that each ends its own page. */
  #placeHeaders(page: OggPage, finished: Uint8Array[]): void {
    if (this.#head === undefined) {
      if (finished.length !== 1 || this.#partial || page.granule !== 0) {
        throw new OggOpusError('bad_header', 'OpusHead must be alone on the first page');
      }
      this.#head = parseOpusHead(finished.shift()!);
      return;
    }
    if (this.#vendor !== undefined || finished.length === 0) return;
    if (finished.length !== 1 || this.#partial || page.granule !== 0) {
      throw new OggOpusError('bad_header', 'OpusTags must end its own page, before any audio');
    }
    const tags = parseOpusTags(finished.shift()!);
    this.#vendor = tags.vendor;
    this.#tags = tags.comments;
  }

  /** The stream's end: its end-of-stream page, or (undefined) the last whole page of a file without one. */
  finish(page: OggPage | undefined): OggOpusStream {
    const head = this.#head;
    if (head === undefined) throw new OggOpusError('truncated', 'The file ends after its first page');
    if (this.#vendor === undefined) throw new OggOpusError(page ? 'bad_header' : 'truncated', 'The stream ends before its OpusTags header');
    if (this.#partial) throw new OggOpusError('truncated', 'The last packet is cut off at the end of the stream');
    // Without an end-of-stream page, or when its granule is -1, the last position any page gave is the end.
    const finalGranule = page === undefined || page.granule === NO_GRANULE ? this.#lastGranule : page.granule;
    if (finalGranule < head.preSkip) throw new OggOpusError(page ? 'corrupt' : 'truncated', 'The last page has no valid end position');
    return { ...head, vendor: this.#vendor, tags: this.#tags, packets: this.#packets, finalGranule };
  }
}

function parseOpusHead(packet: Uint8Array): OpusHeadFields {
  if (packet.length < OPUS_HEAD_BYTES) throw new OggOpusError('bad_header', `OpusHead is ${packet.length} bytes, too short`);
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const version = packet[8]!;
  if (version >> 4 !== 0) throw new OggOpusError('unsupported', `OpusHead version ${version} is from an incompatible future format`);
  const channels = packet[9]!;
  const family = packet[18]!;
  if (family !== 0) {
    throw new OggOpusError('unsupported', `The file uses ${channels} channels with mapping family ${family}; only mono and stereo are supported`);
  }
  if (channels !== 1 && channels !== 2) throw new OggOpusError('bad_header', `OpusHead declares ${channels} channels for mono/stereo mapping`);
  return {
    channels,
    preSkip: view.getUint16(10, true),
    inputSampleRate: view.getUint32(12, true),
    outputGainDb: view.getInt16(16, true) / 256,
  };
}

function parseOpusTags(packet: Uint8Array): { vendor: string; comments: string[] } {
  if (!startsWith(packet, OPUS_TAGS)) throw new OggOpusError('bad_header', 'The second packet is not OpusTags');
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const decoder = new TextDecoder();
  let offset = 8;
  const text = (): string => {
    if (offset + 4 > packet.length) throw new OggOpusError('bad_header', 'OpusTags is cut short');
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > packet.length) throw new OggOpusError('bad_header', 'An OpusTags entry runs past its end');
    const value = decoder.decode(packet.subarray(offset, offset + length));
    offset += length;
    return value;
  };
  const vendor = text();
  if (offset + 4 > packet.length) throw new OggOpusError('bad_header', 'OpusTags is cut short');
  const count = view.getUint32(offset, true);
  offset += 4;
  // Each comment takes at least its 4-byte length: a count that cannot fit is a lie, not a reason to loop.
  if (count > (packet.length - offset) / 4) throw new OggOpusError('bad_header', `OpusTags claims ${count} comments that do not fit`);
  const comments: string[] = [];
  for (let i = 0; i < count; i++) comments.push(text());
  return { vendor, comments };
}

/** Joins byte arrays into one plain Uint8Array (Buffer.concat may hand out a slice of Node's shared pool). */
function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function magic(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** A name for the codec of a non-Opus stream, for the error message. */
function codecName(header: Uint8Array): string {
  const ascii = Buffer.from(header.subarray(0, 8)).toString('latin1');
  if (ascii.startsWith('\x01vorbis')) return 'Vorbis audio';
  if (ascii.startsWith('\x7fFLAC')) return 'FLAC audio';
  if (ascii.startsWith('Speex')) return 'Speex audio';
  if (ascii.startsWith('\x80theora')) return 'Theora video';
  return 'an unknown codec';
}
