// The audio toolkit channels and models use: mu-law, streaming resampling, re-framing and PCM16 helpers.
// Call `await initAudio()` once at start-up before creating resamplers.

export { decodeMulaw, encodeMulaw, decodeMulawSample, encodeMulawSample } from './mulaw.ts';
export { createResampler, initAudio, audioBuild, DEFAULT_RESAMPLER_QUALITY } from './resampler.ts';
export type { StreamingResampler, ResamplerOptions } from './resampler.ts';
export { FrameAssembler } from './frame-assembler.ts';
export type { FrameHandler } from './frame-assembler.ts';
export { int16FromBytes, bytesFromInt16, rmsDbfs, sine, toneDbfs } from './pcm.ts';
