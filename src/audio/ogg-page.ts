// Ogg pages (RFC 3533): the container WhatsApp voice notes travel in. This file knows pages, lacing and the
// checksum; ogg-opus.ts knows what the packets inside mean.
import { GatewayError } from '../errors.ts';

export type OggOpusErrorCode =
  | 'not_ogg' // the bytes do not start with an Ogg page
  | 'corrupt' // a page or packet is malformed
  | 'bad_crc' // a page's checksum does not match its bytes
  | 'bad_sequence' // pages are missing or out of order
  | 'not_opus' // a valid Ogg file holding another codec (Vorbis, FLAC, Speex...)
  | 'bad_header' // OpusHead or OpusTags is malformed or badly placed
  | 'unsupported' // valid Opus we do not decode (more than two channels)
  | 'truncated'; // the data stops before the stream ends

/** A problem with an Ogg Opus file, under a stable code. Only the file's sender is affected. */
export class OggOpusError extends GatewayError {
  declare readonly code: OggOpusErrorCode;

  constructor(code: OggOpusErrorCode, message: string) {
    super(code, message, { expose: false });
    this.name = 'OggOpusError';
  }
}

export const OGG_CONTINUED = 0x01;
export const OGG_BOS = 0x02;
export const OGG_EOS = 0x04;
/** A page on which no packet ends carries granule position -1. */
export const NO_GRANULE = -1;
/** A page lists at most 255 lacing values. */
export const MAX_SEGMENTS = 255;

const HEADER_BYTES = 27;
const CAPTURE = [0x4f, 0x67, 0x67, 0x53]; // "OggS"
const CRC_OFFSET = 22;

/** CRC-32 as Ogg defines it: polynomial 0x04c11db7, not reflected, initial value 0, no final XOR. */
const CRC_TABLE = buildCrcTable();

function buildCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
}

export function oggCrc(bytes: Uint8Array, crc = 0): number {
  for (let i = 0; i < bytes.length; i++) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ bytes[i]!) & 0xff]!;
  return crc >>> 0;
}

export interface OggPageFields {
  readonly flags: number;
  /** 48 kHz samples for Opus; NO_GRANULE when no packet ends on the page. Safe integers only (2^53 is 5,900 years). */
  readonly granule: number;
  readonly serial: number;
  readonly sequence: number;
}

/** Writes one page: `lacing` values describe how `body` splits into packet pieces. */
export function writeOggPage(fields: OggPageFields, lacing: readonly number[], body: Uint8Array): Uint8Array {
  const page = new Uint8Array(HEADER_BYTES + lacing.length + body.length);
  const view = new DataView(page.buffer);
  page.set(CAPTURE, 0);
  page[4] = 0; // stream structure version
  page[5] = fields.flags;
  if (fields.granule === NO_GRANULE) {
    view.setUint32(6, 0xffffffff, true);
    view.setUint32(10, 0xffffffff, true);
  } else {
    view.setUint32(6, fields.granule % 0x1_0000_0000, true);
    view.setUint32(10, Math.floor(fields.granule / 0x1_0000_0000), true);
  }
  view.setUint32(14, fields.serial, true);
  view.setUint32(18, fields.sequence, true);
  page[26] = lacing.length;
  page.set(lacing, HEADER_BYTES);
  page.set(body, HEADER_BYTES + lacing.length);
  view.setUint32(CRC_OFFSET, oggCrc(page), true);
  return page;
}

/** One page as read: `lacing` and `body` are views into the file's bytes. */
export interface OggPage extends OggPageFields {
  readonly offset: number;
  readonly lacing: Uint8Array;
  readonly body: Uint8Array;
}

/**
 * The pages of a physical Ogg stream in file order, each checked for its capture pattern, version, length and
 * checksum. Throws OggOpusError: 'not_ogg' if the first page is not Ogg, 'truncated' when the bytes end inside
 * a page, 'corrupt' or 'bad_crc' for a damaged page.
 */
export function* readOggPages(bytes: Uint8Array): Generator<OggPage> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset < bytes.length) {
    const where = offset === 0 ? 'The file' : `The data at byte ${offset}`;
    if (bytes.length - offset < 4 || !hasCapture(bytes, offset)) {
      if (offset === 0) throw new OggOpusError('not_ogg', 'The file is not an Ogg file (no "OggS" page at the start)');
      if (bytes.length - offset < 4) throw new OggOpusError('truncated', `${where} ends inside a page header`);
      throw new OggOpusError('corrupt', `${where} is not an Ogg page (no "OggS" capture pattern)`);
    }
    if (bytes.length - offset < HEADER_BYTES) throw new OggOpusError('truncated', `${where} ends inside a page header`);
    if (bytes[offset + 4] !== 0) throw new OggOpusError('corrupt', `Ogg page at byte ${offset} has unknown version ${bytes[offset + 4]}`);
    const segments = bytes[offset + 26]!;
    const lacingStart = offset + HEADER_BYTES;
    if (bytes.length < lacingStart + segments) throw new OggOpusError('truncated', `Ogg page at byte ${offset} is cut short`);
    const lacing = bytes.subarray(lacingStart, lacingStart + segments);
    let bodyLength = 0;
    for (let i = 0; i < segments; i++) bodyLength += lacing[i]!;
    const end = lacingStart + segments + bodyLength;
    if (bytes.length < end) throw new OggOpusError('truncated', `Ogg page at byte ${offset} is cut short`);
    const stored = view.getUint32(offset + CRC_OFFSET, true);
    if (pageCrc(bytes, offset, end) !== stored) {
      throw new OggOpusError('bad_crc', `Ogg page at byte ${offset} is damaged (checksum mismatch)`);
    }
    const low = view.getUint32(offset + 6, true);
    const high = view.getUint32(offset + 10, true);
    let granule: number;
    if (low === 0xffffffff && high === 0xffffffff) granule = NO_GRANULE;
    else if (high >= 0x200000) throw new OggOpusError('corrupt', `Ogg page at byte ${offset} has an impossible granule position`);
    else granule = high * 0x1_0000_0000 + low;
    yield {
      offset,
      flags: bytes[offset + 5]!,
      granule,
      serial: view.getUint32(offset + 14, true),
      sequence: view.getUint32(offset + 18, true),
      lacing,
      body: bytes.subarray(lacingStart + segments, end),
    };
    offset = end;
  }
}

function hasCapture(bytes: Uint8Array, offset: number): boolean {
  return bytes[offset] === CAPTURE[0] && bytes[offset + 1] === CAPTURE[1] && bytes[offset + 2] === CAPTURE[2] && bytes[offset + 3] === CAPTURE[3];
}

/** The checksum of bytes[start, end) with the CRC field counted as zeros, without copying the page. */
function pageCrc(bytes: Uint8Array, start: number, end: number): number {
  let crc = oggCrc(bytes.subarray(start, start + CRC_OFFSET));
  crc = oggCrc(ZERO_CRC_FIELD, crc);
  return oggCrc(bytes.subarray(start + CRC_OFFSET + 4, end), crc);
}

const ZERO_CRC_FIELD = new Uint8Array(4);
