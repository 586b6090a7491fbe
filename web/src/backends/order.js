// Fastest first for a small CNN: WASM (SIMD) has no shader-compile or GPU-readback cost.
// Also read by web/build.mjs, which preloads the first one's code.
export const BACKEND_ORDER = ['wasm', 'webgl', 'cpu'];
