// The speex-resampler-wasm package ships Emscripten glue without type declarations. Both builds (SIMD and plain)
// export the same factory; speex-wasm.ts narrows what it returns to the few functions the gateway calls.

declare module '@echogarden/speex-resampler-wasm' {
  const createModule: (options?: Record<string, unknown>) => Promise<unknown>;
  export default createModule;
}

declare module '@echogarden/speex-resampler-wasm/simd' {
  const createModule: (options?: Record<string, unknown>) => Promise<unknown>;
  export default createModule;
}
