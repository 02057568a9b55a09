// Loads the Speex resampler compiled to WebAssembly (@echogarden/speex-resampler-wasm) once per process, preferring
// the SIMD build (about twice as fast) and falling back to the plain build where SIMD cannot compile. WebAssembly
// instantiation is asynchronous, so start-up awaits initAudio() once and resamplers are then created synchronously.

/** The part of the Emscripten module the gateway uses. Pointers are byte offsets into the wasm memory. */
export interface SpeexModule {
  /** Views of the wasm memory; Emscripten replaces them when the memory grows, so read them on each use. */
  readonly HEAP16: Int16Array;
  readonly HEAP32: Int32Array;
  readonly HEAPU32: Uint32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errPtr: number): number;
  _speex_resampler_destroy(state: number): void;
  _speex_resampler_process_int(
    state: number,
    channel: number,
    inPtr: number,
    inLenPtr: number,
    outPtr: number,
    outLenPtr: number,
  ): number;
  _speex_resampler_reset_mem(state: number): number;
  _speex_resampler_get_output_latency(state: number): number;
}

export type SpeexBuild = 'simd' | 'plain';

/** Samples copied into wasm memory per native call; longer inputs (a whole prompt) are fed in slices. */
export const SCRATCH_IN_SAMPLES = 4096;
/** Output room per native call; speex stops when it is full and reports how much input it consumed. */
export const SCRATCH_OUT_SAMPLES = 8192;

/**
 * One loaded module plus scratch buffers in its memory. JavaScript runs one resampler call at a time, so every
 * resampler of the process shares the same scratch: a resampler then costs only its filter state in wasm memory.
 */
export class SpeexRuntime {
  readonly inPtr: number;
  readonly outPtr: number;
  readonly inLenPtr: number;
  readonly outLenPtr: number;
  readonly errPtr: number;

  constructor(
    readonly module: SpeexModule,
    readonly build: SpeexBuild,
  ) {
    // Allocated once for the life of the process; never freed on purpose.
    this.inPtr = module._malloc(SCRATCH_IN_SAMPLES * 2);
    this.outPtr = module._malloc(SCRATCH_OUT_SAMPLES * 2);
    this.inLenPtr = module._malloc(12);
    if (this.inPtr === 0 || this.outPtr === 0 || this.inLenPtr === 0) throw new Error('speex-wasm: out of wasm memory');
    this.outLenPtr = this.inLenPtr + 4;
    this.errPtr = this.inLenPtr + 8;
  }
}

/** Instantiates one build of the module. The benchmark loads both; the gateway uses initAudio(). */
export async function loadSpeexRuntime(build: SpeexBuild): Promise<SpeexRuntime> {
  const factory =
    build === 'simd'
      ? (await import('@echogarden/speex-resampler-wasm/simd')).default
      : (await import('@echogarden/speex-resampler-wasm')).default;
  // A failed compile is reported through the rejected promise; keep Emscripten from also printing it.
  const module = (await factory({ printErr: () => {} })) as SpeexModule;
  return new SpeexRuntime(module, build);
}

let runtime: SpeexRuntime | undefined;
let loading: Promise<void> | undefined;

/** Loads the wasm resampler. Await once at start-up; later calls return the same promise. */
export function initAudio(): Promise<void> {
  loading ??= (async () => {
    try {
      runtime = await loadSpeexRuntime('simd');
    } catch {
      runtime = await loadSpeexRuntime('plain');
    }
  })().catch((error: unknown) => {
    loading = undefined; // let a later call try again
    throw error;
  });
  return loading;
}

/** The runtime loaded by initAudio(); throws a clear error when start-up forgot to await it. */
export function speexRuntime(): SpeexRuntime {
  if (runtime === undefined) {
    throw new Error('Audio is not initialised: await initAudio() from src/audio once at start-up before creating resamplers');
  }
  return runtime;
}

/** Which build initAudio() loaded ('simd' or 'plain'), or undefined before it finished; for the start-up log. */
export function audioBuild(): SpeexBuild | undefined {
  return runtime?.build;
}
