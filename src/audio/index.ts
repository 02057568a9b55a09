// The audio toolkit channels and models use: mu-law, streaming resampling, re-framing, PCM16 helpers, Opus and
// Ogg Opus voice notes.
// Call `await initAudio()` once at start-up before creating resamplers.

export { decodeMulaw, encodeMulaw, decodeMulawSample, encodeMulawSample } from './mulaw.ts';
export { createResampler, initAudio, audioBuild, DEFAULT_RESAMPLER_QUALITY } from './resampler.ts';
export type { StreamingResampler, ResamplerOptions } from './resampler.ts';
export { FrameAssembler } from './frame-assembler.ts';
export type { FrameHandler } from './frame-assembler.ts';
export { int16FromBytes, bytesFromInt16, rmsDbfs, sine, toneDbfs } from './pcm.ts';
export { OpusFrameEncoder, OpusFrameDecoder, OpusDecodeError, OPUS_GRANULE_RATE, DEFAULT_OPUS_BITRATE, DEFAULT_OPUS_COMPLEXITY } from './opus.ts';
export type { OpusEncoderOptions } from './opus.ts';
export { muxOggOpus, demuxOggOpus, OggOpusError } from './ogg-opus.ts';
export type { OggOpusMuxOptions, OggOpusStream, OggOpusErrorCode } from './ogg-opus.ts';
export { decodeVoiceNote, encodeVoiceNote, voiceNoteWaveform, VoiceNoteError, VOICE_NOTE_BITRATE, VOICE_NOTE_COMPLEXITY } from './voice-note.ts';
export type { VoiceNoteErrorCode, EncodedVoiceNote, DecodeVoiceNoteOptions, EncodeVoiceNoteOptions } from './voice-note.ts';
