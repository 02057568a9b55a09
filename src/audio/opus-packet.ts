// How long an Opus packet plays, read from its table-of-contents byte (RFC 6716 3.1) without decoding it: the
// Ogg muxer needs it for granule positions.

/** Frame length in 48 kHz samples for each of the 32 TOC configurations (SILK, hybrid, then CELT). */
const FRAME_SAMPLES_48K = [
  480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880, // SILK NB/MB/WB: 10, 20, 40, 60 ms
  480, 960, 480, 960, // hybrid SWB/FB: 10, 20 ms
  120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, // CELT: 2.5, 5, 10, 20 ms
];
/** RFC 6716 3.2.5: a packet holds at most 120 ms. */
const MAX_PACKET_SAMPLES_48K = 5760;

/** 48 kHz samples the packet decodes to, or -1 if its framing is impossible (empty, or over 120 ms). */
export function opusPacketSamples48k(packet: Uint8Array): number {
  if (packet.length === 0) return -1;
  const toc = packet[0]!;
  const frame = FRAME_SAMPLES_48K[toc >> 3]!;
  let frames: number;
  switch (toc & 3) {
    case 0:
      frames = 1;
      break;
    case 1:
    case 2:
      frames = 2;
      break;
    default:
      if (packet.length < 2) return -1;
      frames = packet[1]! & 0x3f;
      if (frames === 0) return -1;
  }
  const samples = frame * frames;
  return samples > MAX_PACKET_SAMPLES_48K ? -1 : samples;
}
