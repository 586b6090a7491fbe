// The twin of pipeline/read/predict.py: load the model once on the best available backend and run it
// (TFLite there, a TF.js graph model here), then read an image's digits with it and the person's examples.
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel } from '@tensorflow/tfjs-converter';
import { BACKEND_ORDER } from '../backends/order.js';
import { personalize, typicality } from './personal.js';
import { inkMap, preprocess } from './preprocess.js';
import { numberValue, stands } from './punctuation.js';
import {
  marksNote, modelScores, readingText, readNumber, readsAsDigit,
} from './segment.js';

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
 * outputs for a batch by the names the export gave them (config.json's `outputs`: probabilities, not_digit,
 * embedding, prototype_similarity, whole_digit). A row is an array of numbers, or one number for not_digit, whose
 * shape is (N,). `shape` is a promise of {imageSize, digits, outputs} (`digits`: how many probabilities), so
 * loading need not wait for config.json.
 */
export async function loadModel(modelUrl, { shape, backend: requested }) {
  // Download the model while the backend initialises (the WASM binary compiles meanwhile).
  const artifacts = tf.io.http(modelUrl).load();
  artifacts.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
  const backend = await useBackend(requested);
  const loaded = await artifacts;
  const model = await loadGraphModel(tf.io.fromMemory(loaded));
  const { imageSize, digits, outputs: names } = await shape;
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
      checkShapes(Object.fromEntries(names.map((name, i) => [name, results[i].shape])), inputs.length, digits);
      return Object.fromEntries(await Promise.all(names.map(async (name, i) => [name, await rows(results[i])])));
    } finally {
      tf.dispose([input, ...results]);
    }
  }

  // The first run compiles shaders / allocates buffers; pay that before the user draws.
  await run([new Float32Array(imageSize * imageSize)]);
  return { backend, run };
}

// The shapes personal.js and segment.js rely on: probabilities (N, digits), and not_digit (N,), one value per
// image (the other outputs are rows of any width).
function checkShapes(shapes, count, digits) {
  const expected = { probabilities: [count, digits], not_digit: [count] };
  for (const [name, shape] of Object.entries(shapes)) {
    const want = expected[name] ?? [count, shape[1]];
    if (shape.length !== want.length || shape.some((size, i) => size !== want[i])) {
      throw new Error(`model gives ${name} of shape [${shape}], expected [${want}]`);
    }
  }
}

// A (N, D) tensor's rows as arrays; a (N,) one's values.
async function rows(tensor) {
  const flat = await tensor.data();
  if (tensor.rank === 1) return Array.from(flat);
  const width = tensor.shape[1];
  return Array.from({ length: tensor.shape[0] }, (_, i) => Array.from(flat.subarray(i * width, (i + 1) * width)));
}

/**
 * One image's probabilities of the classes (the digits', then "not a digit"'s) -> {digit, confidence,
 * probabilities, notDigit}: the likeliest digit, its probability, the digits' probabilities and "not a digit"'s,
 * as segment.py's DigitRead gives them.
 */
export function describeClasses(classes) {
  const probabilities = classes.slice(0, -1);
  const digit = probabilities.indexOf(Math.max(...probabilities));
  return { digit, confidence: probabilities[digit], probabilities, notDigit: classes.at(-1) };
}

/**
 * segment.js's reading ({box, pixels, classes} for each digit and mark, {mark, box, confidence} for each mark of the
 * number) -> {number, text, value, digits: [{digit, confidence, notDigit, box, probabilities, pixels}], marks: [the
 * same], punctuation: [{mark, box, confidence}], reason}, as predict.py's as_dict gives them (its marks only
 * {not_digit, box}).
 */
export function describeReading({ digits, marks, punctuation = [], reason }, labels) {
  const describe = ({ box, pixels, classes }) => ({ ...describeClasses(classes), box, pixels });
  const described = digits.map(describe);
  const text = readingText({ digits, punctuation }, labels);
  return {
    number: described.map((d) => d.digit).join(''), text, value: numberValue(text), digits: described,
    marks: marks.map(describe), punctuation, reason,
  };
}

// Row i of a batch's outputs: {name: values} for one image.
export const rowOf = (outputs, i) => Object.fromEntries(Object.entries(outputs).map(([name, rows]) => [name, rows[i]]));

/**
 * Predictor's twin: every answer is the network's (`model` from loadModel), combined with the person's examples
 * as `examples()` returns them now (personal.js's prepared examples).
 */
export function createReader(model, config, examples) {
  // One image's outputs (config.json's `outputs` by name) -> its probabilities of the classes.
  const personal = (outputs) => personalize(outputs, examples(), config.personal);
  // Candidate digits' outputs (model.run's) -> what segmentation weighs them by (segment.js's modelScores).
  const scoresOf = (outputs) => {
    const rows = outputs.embedding.map((_, i) => rowOf(outputs, i));
    const digits = config.labels.length;
    return modelScores(outputs, rows.map(personal), rows.map((row) => typicality(row, examples(), digits)));
  };
  const scores = async (inputs) => scoresOf(await model.run(inputs));
  const classify = async (inputs) => (await scores(inputs)).probabilities;
  return {
    personal,
    classify,
    /**
     * Groups of strokes (the pad's digits: [{box: [x, y, width, height], pixels, outputs}]) and the marks of the
     * number among the strokes -> readImage's answer, each group one candidate, read as a digit or as a mark that is
     * not one as readNumber would weigh it alone.
     */
    readGroups(groups, notes, punctuation = []) {
      const scored = scoresOf(Object.fromEntries(config.outputs.map((name) => [name, groups.map((g) => g.outputs[name])])));
      const read = groups.map(({ box, pixels }, k) => ({ box, pixels, classes: scored.probabilities[k] }));
      const isDigit = groups.map(({ box: [left, top, width, height] }, k) => readsAsDigit(
        scored, k, { left, top, right: left + width, bottom: top + height }, config,
      ));
      const digits = read.filter((_, k) => isDigit[k]);
      const marks = read.filter((_, k) => !isDigit[k]);
      // As readNumber places them: beside the digits read, unless a mark is all there is.
      const centre = ([x, , width]) => x + width / 2;
      const placed = groups.length
        ? punctuation.filter((m) => stands(m.mark, centre(m.box), digits.map((d) => centre(d.box))))
        : punctuation;
      // Noted first, as readNumber notes them.
      const reasons = marks.length ? [marksNote(marks.length) + (digits.length ? ' left out' : ''), ...notes] : notes;
      return describeReading({ digits, marks, punctuation: placed, reason: reasons.join('; ') || null }, config.labels);
    },
    /** All the ink as one digit, as before numbers were read; `notDigit` is the model's "not a digit". */
    async predictImage(imageData) {
      const { pixels, reason } = preprocess(imageData, config);
      if (!pixels) return { digit: null, confidence: null, probabilities: null, notDigit: null, reason, pixels: null };
      const [classes] = await classify([pixels]);
      return { ...describeClasses(classes), reason: null, pixels };
    },
    /**
     * Every digit in an image, left to right, and the marks read as not digits: {number, digits: [{digit,
     * confidence, notDigit, box, probabilities, pixels}], marks: [the same], reason}.
     */
    async readImage(imageData) {
      return describeReading(await readNumber(inkMap(imageData, config), config, scores), config.labels);
    },
  };
}
