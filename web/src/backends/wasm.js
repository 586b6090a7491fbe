// Loaded on demand: only the backend in use is downloaded on first visit.
import { env } from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import 'virtual:kernels-wasm';

// Threads would need cross-origin isolation, which static hosting cannot
// provide; the threaded binary is not shipped (build.mjs stubs its loader).
env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
// Binaries sit at the site root, next to app.js (this module is in chunks/).
const root = new URL('../', import.meta.url);
setWasmPaths({
  'tfjs-backend-wasm.wasm': new URL('tfjs-backend-wasm.wasm', root).href,
  'tfjs-backend-wasm-simd.wasm': new URL('tfjs-backend-wasm-simd.wasm', root).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL('tfjs-backend-wasm-simd.wasm', root).href,
});
