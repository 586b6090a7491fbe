// The twin of pipeline/read/predict.py: load the model once on the best available backend and run it
// (TFLite there, a TF.js graph model here), then read an image's digits with it and the person's examples.
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { BACKEND_ORDER } from '../backends/order.js';
import { personalize } from './personal.js';
import { inkMap, preprocess } from './preprocess.js';
import { modelScores, readNumber } from './segment.js';

// Each backend is its own chunk, so the page downloads only the one it uses.
const BACKEND_MODULES = {
  wasm: () => import('../backends/wasm.js'),
  webgl: () => import('../backends/webgl.js'),
  cpu: () => import('../backends/cpu.js'),
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
 * Returns {backend, run([Float32Array(size*size), ...]) -> Promise<{name: [row per input]}>}: the network's
 * outputs for a batch by the names the export gave them (config.json's `outputs`: probabilities, embedding,
 * prototype_similarity, whole_digit). `shape` is a promise of {imageSize, classes, outputs}, so loading need not wait for
 * config.json.
 */
export async function loadModel(modelUrl, { shape, backend: requested }) {
  // Download the model while the backend initialises (the WASM binary compiles meanwhile).
  const artifacts = tf.io.http(modelUrl).load();
  artifacts.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
  const backend = await useBackend(requested);
  const loaded = await artifacts;
  const model = await loadGraphModel(tf.io.fromMemory(loaded));
  const { imageSize, classes, outputs: names } = await shape;
  // The graph's output order is not fixed: ask for each output by its node name in the signature.
  const signature = loaded.signature?.outputs ?? {};
  const missing = names.filter((name) => !signature[name]);
  if (missing.length) throw new Error(`${modelUrl} has no ${missing.join(', ')} output; rebuild it`);
  const nodes = names.map((name) => signature[name].name);

  // Several 28x28 inputs in one batch: the digits of a number, or the candidate readings of one.
  async function run(inputs) {
    for (const pixels of inputs) {
      if (pixels.length !== imageSize * imageSize) {
        throw new Error(`expected ${imageSize * imageSize} pixels, got ${pixels.length}`);
      }
    }
    if (!inputs.length) return Object.fromEntries(names.map((name) => [name, []]));
    const batch = new Float32Array(inputs.length * imageSize * imageSize);
    inputs.forEach((pixels, i) => batch.set(pixels, i * imageSize * imageSize));
    const input = tf.tensor4d(batch, [inputs.length, imageSize, imageSize, 1], 'float32');
    const results = [model.execute(input, nodes)].flat(); // a single node gives a tensor, not a list
    try {
      const byName = Object.fromEntries(await Promise.all(names.map(async (name, i) => [name, await rows(results[i])])));
      const width = byName.probabilities[0].length;
      if (width !== classes) throw new Error(`model gives ${width} probabilities, expected ${classes}`);
      return byName;
    } finally {
      tf.dispose([input, ...results]);
    }
  }

  // The first run compiles shaders / allocates buffers; pay that before the user draws.
  await run([new Float32Array(imageSize * imageSize)]);
  return { backend, run };
}

async function rows(tensor) {
  const flat = await tensor.data();
  const width = tensor.shape[1];
  return Array.from({ length: tensor.shape[0] }, (_, i) => Array.from(flat.subarray(i * width, (i + 1) * width)));
}

// {digit, confidence, box, probabilities, pixels} for each digit, and the number they make.
export function describeReading(digits, reason) {
  const described = digits.map(({ box, pixels, probabilities }) => {
    const digit = probabilities.indexOf(Math.max(...probabilities));
    return { digit, confidence: probabilities[digit], box, probabilities, pixels };
  });
  return { number: described.map((d) => d.digit).join(''), digits: described, reason };
}

// Row i of a batch's outputs: {name: values} for one image.
export const rowOf = (outputs, i) => Object.fromEntries(Object.entries(outputs).map(([name, rows]) => [name, rows[i]]));

/**
 * Predictor's twin: every answer is the network's (`model` from loadModel), combined with the person's examples
 * as `examples()` returns them now (personal.js's prepared examples).
 */
export function createReader(model, config, examples) {
  // One image's outputs ({probabilities, embedding, prototype_similarity, whole_digit}) -> its probabilities.
  const personal = (outputs) => personalize(outputs, examples(), config.personal);
  // Candidate digits -> what segmentation weighs them by (segment.js's modelScores).
  async function scores(inputs) {
    const outputs = await model.run(inputs);
    return modelScores(outputs, inputs.map((_, i) => personal(rowOf(outputs, i))));
  }
  const classify = async (inputs) => (await scores(inputs)).probabilities;
  return {
    personal,
    classify,
    /** All the ink as one digit, as before numbers were read. */
    async predictImage(imageData) {
      const { pixels, reason } = preprocess(imageData, config);
      if (!pixels) return { digit: null, confidence: null, probabilities: null, reason, pixels: null };
      const [probabilities] = await classify([pixels]);
      const digit = probabilities.indexOf(Math.max(...probabilities));
      return { digit, confidence: probabilities[digit], probabilities, reason: null, pixels };
    },
    /** Every digit in an image, left to right: {number, digits: [{digit, confidence, box, probabilities, pixels}], reason}. */
    async readImage(imageData) {
      const { digits, reason } = await readNumber(inkMap(imageData, config), config, scores);
      return describeReading(digits, reason);
    },
  };
}
