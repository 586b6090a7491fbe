// Loads the TF.js graph model once on the best available backend and runs it.
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { BACKEND_ORDER } from './backends/order.js';

// Each backend is its own chunk, so the page downloads only the one it uses.
const BACKEND_MODULES = {
  wasm: () => import('./backends/wasm.js'),
  webgl: () => import('./backends/webgl.js'),
  cpu: () => import('./backends/cpu.js'),
};

async function useBackend(requested) {
  const order = requested ? [requested] : BACKEND_ORDER;
  for (const name of order) {
    try {
      await BACKEND_MODULES[name]();
      if (await tf.setBackend(name)) return name;
    } catch (error) {
      // An unusable backend (no WebGL, no WASM) just means trying the next one.
      console.warn(`backend ${name} unavailable:`, error);
    }
  }
  throw new Error(`no usable TF.js backend among: ${order.join(', ')}`);
}

/**
 * Returns {backend, predict(Float32Array(size*size)) -> Promise<number[classes]>, predictBatch([...]) -> Promise<[[...]]>}.
 * `shape` is a promise of {imageSize, classes}, so loading need not wait for config.json.
 */
export async function loadModel(modelUrl, { shape, backend: requested }) {
  // Download the model while the backend initialises (the WASM binary compiles meanwhile).
  const artifacts = tf.io.http(modelUrl).load();
  artifacts.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
  const backend = await useBackend(requested);
  const model = await loadGraphModel(tf.io.fromMemory(await artifacts));
  const { imageSize, classes } = await shape;

  // Several 28x28 inputs in one batch: the digits of a number, or the candidate readings of one.
  async function predictBatch(inputs) {
    for (const pixels of inputs) {
      if (pixels.length !== imageSize * imageSize) {
        throw new Error(`expected ${imageSize * imageSize} pixels, got ${pixels.length}`);
      }
    }
    if (!inputs.length) return [];
    const batch = new Float32Array(inputs.length * imageSize * imageSize);
    inputs.forEach((pixels, i) => batch.set(pixels, i * imageSize * imageSize));
    const input = tf.tensor4d(batch, [inputs.length, imageSize, imageSize, 1], 'float32');
    const output = model.execute(input);
    try {
      const flat = await output.data();
      if (flat.length !== inputs.length * classes) throw new Error(`model gives ${flat.length / inputs.length} outputs, expected ${classes}`);
      return inputs.map((_, i) => Array.from(flat.subarray(i * classes, (i + 1) * classes)));
    } finally {
      tf.dispose([input, output]);
    }
  }
  const predict = async (pixels) => (await predictBatch([pixels]))[0];

  // The first run compiles shaders / allocates buffers; pay that before the user draws.
  await predict(new Float32Array(imageSize * imageSize));
  return { backend, predict, predictBatch };
}
