// WhatsApp voice notes <-> canonical PCM16 24 kHz mono. Received notes are checked page by page and decoded with
// the exact start and end their encoder declared; replies are encoded as mono Ogg Opus with the duration and
// 64-bar waveform WhatsApp shows next to the play button.
import { CANONICAL_SAMPLE_RATE, FRAME_SAMPLES } from '../core/audio.ts';
import { GatewayError } from '../errors.ts';
import { demuxOggOpus, muxOggOpus, OggOpusError, type OggOpusStream } from './ogg-opus.ts';
import { OPUS_GRANULE_RATE, OpusDecodeError, OpusFrameDecoder, OpusFrameEncoder } from './opus.ts';

export type VoiceNoteErrorCode = 'empty' | 'not_ogg' | 'not_opus' | 'corrupt' | 'truncated' | 'too_long';

/** A voice note we cannot use. The message is written for the person who sent it; `cause` has the detail. */
export class VoiceNoteError extends GatewayError {
  declare readonly code: VoiceNoteErrorCode;

  constructor(code: VoiceNoteErrorCode, message: string, cause?: unknown) {
    super(code, message, { expose: true, cause });
    this.name = 'VoiceNoteError';
  }
}

/**
 * Voice-note replies: 24 kbit/s, the middle of the 16-32 kbit/s range voice notes use. Opus then codes speech in
 * hybrid super-wideband mode, clearly better than 16 kbit/s wideband on a phone speaker, at 3 KB a second (a
 * 2-minute reply is ~360 KB). Complexity 5 keeps a 30 s reply near a quarter second of CPU; 10 costs ~30% more
 * for a difference listeners do not hear on speech at this rate (bench/voice-note.bench.ts prints both).
 */
export const VOICE_NOTE_BITRATE = 24_000;
export const VOICE_NOTE_COMPLEXITY = 5;
/** WhatsApp draws a voice note's waveform from 64 bars of 0-100. */
export const WAVEFORM_BARS = 64;

const SAMPLES_PER_GRANULE = CANONICAL_SAMPLE_RATE / OPUS_GRANULE_RATE; // 0.5

export interface DecodeVoiceNoteOptions {
  /** Longer notes are refused before any audio is decoded. */
  readonly maxSeconds: number;
}

/**
 * Decodes an Ogg Opus voice note to mono PCM16 at 24 kHz: pre-skip removed, trimmed to the end the file declares,
 * stereo downmixed. Throws VoiceNoteError; nothing is decoded for a note over `maxSeconds`.
 */
export function decodeVoiceNote(bytes: Uint8Array, options: DecodeVoiceNoteOptions): Int16Array {
  const { maxSeconds } = options;
  if (!(maxSeconds > 0) || !Number.isFinite(maxSeconds)) throw new RangeError(`maxSeconds must be a positive number, got ${maxSeconds}`);
  if (bytes.length === 0) throw new VoiceNoteError('empty', 'The voice note is empty.');
  const stream = demux(bytes);
  const length48k = stream.finalGranule - stream.preSkip;
  if (length48k === 0 || stream.packets.length === 0) throw new VoiceNoteError('empty', 'The voice note has no sound in it.');
  const seconds = length48k / OPUS_GRANULE_RATE;
  if (seconds > maxSeconds) {
    throw new VoiceNoteError('too_long', `The voice note lasts ${clock(seconds)}; notes up to ${clock(maxSeconds)} can be listened to.`);
  }

  const out = new Int16Array(Math.floor(length48k * SAMPLES_PER_GRANULE));
  let skip = Math.round(stream.preSkip * SAMPLES_PER_GRANULE);
  let written = 0;
  const decoder = new OpusFrameDecoder();
  // The final granule bounds the work: decoding stops once the declared length is filled, whatever follows.
  for (let i = 0; i < stream.packets.length && written < out.length; i++) {
    let pcm: Int16Array;
    try {
      pcm = decoder.decode(stream.packets[i]!);
    } catch (error) {
      if (!(error instanceof OpusDecodeError)) throw error;
      throw new VoiceNoteError('corrupt', 'The voice note is damaged and cannot be played.', error);
    }
    const from = Math.min(skip, pcm.length);
    skip -= from;
    const take = Math.min(pcm.length - from, out.length - written);
    out.set(pcm.subarray(from, from + take), written);
    written += take;
  }
  // Packets that hold less than the declared length end the note early, as every player would.
  const pcm = out.subarray(0, written);
  if (stream.outputGainDb !== 0) applyGain(pcm, 10 ** (stream.outputGainDb / 20));
  return pcm;
}

function demux(bytes: Uint8Array): OggOpusStream {
  try {
    return demuxOggOpus(bytes);
  } catch (error) {
    if (!(error instanceof OggOpusError)) throw error;
    switch (error.code) {
      case 'not_ogg':
        throw new VoiceNoteError('not_ogg', 'The voice note is not an Ogg audio file.', error);
      case 'not_opus':
        throw new VoiceNoteError('not_opus', 'The voice note is not in the Opus format voice notes use.', error);
      case 'unsupported':
        throw new VoiceNoteError('not_opus', 'The voice note uses a surround or future Opus format that cannot be played here.', error);
      case 'truncated':
        throw new VoiceNoteError('truncated', 'The voice note arrived incomplete; please send it again.', error);
      default:
        throw new VoiceNoteError('corrupt', 'The voice note is damaged and cannot be played.', error);
    }
  }
}

function applyGain(pcm: Int16Array, factor: number): void {
  for (let i = 0; i < pcm.length; i++) {
    const value = Math.round(pcm[i]! * factor);
    pcm[i] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
  }
}

/** "1:05" for 65 s, rounded up to the second as players show it. */
function clock(seconds: number): string {
  const whole = Math.ceil(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

export interface EncodedVoiceNote {
  /** Mono Ogg Opus, ready for `sendMessage(jid, { audio, ptt: true, mimetype: 'audio/ogg; codecs=opus' })`. */
  readonly ogg: Uint8Array;
  /** Length rounded up to whole seconds, as WhatsApp shows it. */
  readonly seconds: number;
  /** 64 bars, 0-100: the RMS of 64 equal slices, scaled so the loudest is 100. */
  readonly waveform: Uint8Array;
}

export interface EncodeVoiceNoteOptions {
  readonly bitrate?: number;
  readonly complexity?: number;
}

/** Encodes canonical PCM16 24 kHz mono as a WhatsApp voice note. */
export function encodeVoiceNote(pcm: Int16Array, options: EncodeVoiceNoteOptions = {}): EncodedVoiceNote {
  if (pcm.length === 0) throw new RangeError('A voice note needs at least one sample of audio');
  const encoder = new OpusFrameEncoder({
    bitrate: options.bitrate ?? VOICE_NOTE_BITRATE,
    complexity: options.complexity ?? VOICE_NOTE_COMPLEXITY,
    application: 'voip',
  });
  // Enough frames that the audio still decoded after dropping the pre-skip covers every sample: the encoder's
  // lookahead of trailing silence is encoded so the last word is not cut.
  const lookahead = Math.ceil(encoder.preSkip * SAMPLES_PER_GRANULE);
  const frames = Math.ceil((pcm.length + lookahead) / FRAME_SAMPLES);
  const packets: Uint8Array[] = new Array(frames);
  const tail = new Int16Array(FRAME_SAMPLES);
  for (let f = 0; f < frames; f++) {
    const start = f * FRAME_SAMPLES;
    if (start + FRAME_SAMPLES <= pcm.length) {
      packets[f] = encoder.encode(pcm.subarray(start, start + FRAME_SAMPLES));
    } else {
      tail.fill(0);
      if (start < pcm.length) tail.set(pcm.subarray(start));
      packets[f] = encoder.encode(tail);
    }
  }
  const ogg = muxOggOpus(packets, { preSkip: encoder.preSkip, length48k: pcm.length / SAMPLES_PER_GRANULE });
  return { ogg, seconds: Math.ceil(pcm.length / CANONICAL_SAMPLE_RATE), waveform: voiceNoteWaveform(pcm) };
}

/** 64 bars of 0-100 from the RMS of 64 equal slices, the loudest scaled to 100; silence is all zeros. */
export function voiceNoteWaveform(pcm: Int16Array): Uint8Array {
  const rms = new Float64Array(WAVEFORM_BARS);
  let loudest = 0;
  for (let bar = 0; bar < WAVEFORM_BARS; bar++) {
    const start = Math.floor((bar * pcm.length) / WAVEFORM_BARS);
    const end = Math.floor(((bar + 1) * pcm.length) / WAVEFORM_BARS);
    let sum = 0;
    for (let i = start; i < end; i++) sum += pcm[i]! * pcm[i]!;
    rms[bar] = end > start ? Math.sqrt(sum / (end - start)) : 0;
    if (rms[bar]! > loudest) loudest = rms[bar]!;
  }
  const waveform = new Uint8Array(WAVEFORM_BARS);
  if (loudest > 0) for (let bar = 0; bar < WAVEFORM_BARS; bar++) waveform[bar] = Math.round((rms[bar]! / loudest) * 100);
  return waveform;
}
