// Personal examples: a person's own digits, taught once, shift the answers for drawings like them.
// The twin of pipeline/read/personal.py, which explains the rule: each example and the nearest of the
// model's prototypes (typical training digits) get exp(cosine similarity / bandwidth), an example
// `weight` times that; the examples' share of the total moves the answer from the network's to theirs:
//   p'(c) = (1 - sum of shares) * p(c) + sum of the shares of examples of class c
// The classes are config.json's labels (the digits) and then its not_digit, as config.CLASSES: a person's letter
// the model read as a digit is taught as "not a digit", a 7 it took for a letter as a 7.
// An example is {label: index into the classes, pixels: Uint8Array(size*size), embedding: number[], fingerprint}.
export const EXAMPLES_FORMAT = 'digit-recognition-examples';

/** config.CLASSES from config.json: the ten digits' names, then "not a digit". */
export const classNames = (config) => [...config.labels, config.not_digit];

/** Model input (floats in 0..1) -> the uint8 form examples are kept in and embedded from. */
export function quantizePixels(pixels) {
  return Uint8Array.from(pixels, (v) => Math.min(255, Math.max(0, Math.round(v * 255))));
}

/** uint8 example pixels -> the Float32Array model input they stand for. */
export function modelInput(pixels) {
  return Float32Array.from(pixels, (v) => Math.fround(v / 255));
}

function unit(vector) {
  const length = Math.max(Math.hypot(...vector), 1e-12);
  return vector.map((v) => v / length);
}

/** One image's cosine similarity to its nearest prototype (a typical training digit), from its network outputs. */
export function nearestPrototypeCosine({ embedding, prototype_similarity: prototypeDots }) {
  const length = Math.max(Math.hypot(...embedding), 1e-12);
  // The model gives dot products with unit prototypes: over the embedding's length, cosines.
  return Math.max(...prototypeDots.map((dot) => dot / length));
}

/**
 * How like a digit one image is (personal.py's typicality): the cosine similarity of its embedding to the nearest
 * prototype, or to the nearest of the person's examples of a digit (labels below `digits`) where that is nearer.
 */
export function typicality(outputs, prepared, digits) {
  const toExamples = cosines(outputs.embedding, prepared);
  let nearest = nearestPrototypeCosine(outputs);
  prepared.forEach(({ label }, i) => {
    if (label < digits) nearest = Math.max(nearest, toExamples[i]);
  });
  return nearest;
}

// One image's embedding -> its cosine similarity to each prepared example (personal.py's _cosines).
function cosines(embedding, prepared) {
  const query = unit(embedding);
  return prepared.map(({ direction }) => {
    let similarity = 0;
    for (let i = 0; i < query.length; i++) similarity += query[i] * direction[i];
    return similarity;
  });
}

/**
 * One image's probabilities of the classes from its network outputs by name: the ten digits', then "not a
 * digit"'s, which add up to one.
 */
export const classProbabilities = (outputs) => [...outputs.probabilities, outputs.not_digit];

/**
 * One image's network outputs ({probabilities, not_digit, embedding, prototype_similarity}) -> its probabilities
 * of the classes with the examples taken in. `prepared` comes from prepareExamples (unit embeddings): one dot
 * product per example.
 */
export function personalize(outputs, prepared, settings) {
  const probabilities = classProbabilities(outputs);
  if (!prepared.length) return probabilities;
  const toExamples = cosines(outputs.embedding, prepared);
  const nearestPrototype = nearestPrototypeCosine(outputs);
  // Kernels relative to the nearest of all, so none overflows however small the bandwidth.
  const nearest = Math.max(...toExamples, nearestPrototype);
  const kernel = (similarity) => Math.exp((similarity - nearest) / settings.bandwidth);
  const examplesKernel = toExamples.map((s) => settings.weight * kernel(s));
  const total = kernel(nearestPrototype) + examplesKernel.reduce((a, b) => a + b, 0);
  const byClass = new Array(probabilities.length).fill(0);
  prepared.forEach(({ label }, i) => { byClass[label] += examplesKernel[i] / total; });
  const kept = 1 - byClass.reduce((a, b) => a + b, 0);
  return probabilities.map((p, c) => kept * p + byClass[c]);
}

export const prepareExamples = (examples) => examples.map(({ label, embedding }) => ({ label, direction: unit(embedding) }));

/** The JSON file the page exports and `python -m pipeline predict --examples` reads (the newest version). */
export function examplesDocument(examples, config) {
  const classes = classNames(config);
  return {
    format: EXAMPLES_FORMAT,
    version: config.personal.version,
    examples: examples.map(({ label, pixels, embedding, fingerprint }) => ({
      label: classes[label], pixels: Array.from(pixels), embedding: Array.from(embedding), fingerprint,
    })),
  };
}

export class ExamplesError extends Error {}

// How Python's repr() writes a JSON value, so that the check messages read as personal.py's do.
function pythonRepr(value) {
  if (value === undefined || value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value); // JSON.parse gives 2 for 2.0, which Python keeps a float
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
    return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(value).map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`;
}

/**
 * An examples file's text (of `bytes` bytes) -> its examples, or an ExamplesError saying what is wrong.
 * The same checks, in the same order, as personal.py's load_examples. `classes` are classNames(config).
 */
export function parseExamples(text, bytes, { settings, classes, embeddingSize, fingerprint, imageSize }) {
  if (bytes > settings.max_file_bytes) {
    throw new ExamplesError(`examples file is ${bytes.toLocaleString('en')} bytes, over the ${settings.max_file_bytes.toLocaleString('en')}-byte limit`);
  }
  let document;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ExamplesError(`not a JSON file (${error.message})`);
  }
  const problem = checkDocument(document, { settings, classes, embeddingSize, fingerprint, imageSize });
  if (problem) throw new ExamplesError(problem);
  return document.examples.map((item) => ({
    label: labelOf(item, document.version, classes), pixels: Uint8Array.from(item.pixels), embedding: item.embedding,
    fingerprint: item.fingerprint,
  }));
}

// Version 1 files (before "not a digit") named each example's digit; later ones name its class.
const readableVersions = (settings) => [1, settings.version];
const labelOf = (item, version, classes) => (version === 1 ? item.digit : classes.indexOf(item.label));

export function checkDocument(document, { settings, classes, embeddingSize, fingerprint, imageSize }) {
  if (!document || typeof document !== 'object' || Array.isArray(document) || document.format !== EXAMPLES_FORMAT) {
    return 'not a digit-recognition examples file';
  }
  const { version } = document;
  const readable = readableVersions(settings);
  if (!Number.isInteger(version) || !readable.includes(version)) {
    return `examples format version ${pythonRepr(version)} is not supported (expected ${readable.join(' or ')})`;
  }
  if (!Array.isArray(document.examples)) return 'no list of examples';
  if (document.examples.length > settings.max_examples) {
    return `${document.examples.length} examples, over the limit of ${settings.max_examples}`;
  }
  for (const [i, item] of document.examples.entries()) {
    const problem = checkExample(item, version, { classes, embeddingSize, fingerprint, imageSize });
    if (problem) return `example ${i + 1}: ${problem}`;
  }
  return null;
}

function checkExample(item, version, { classes, embeddingSize, fingerprint, imageSize }) {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return 'not an object';
  const { pixels, embedding } = item;
  if (version === 1) {
    const { digit } = item;
    if (!Number.isInteger(digit) || digit < 0 || digit >= classes.length - 1) return `digit ${pythonRepr(digit)} is not one of 0-9`;
  } else if (!classes.includes(item.label)) {
    return `label ${pythonRepr(item.label)} is not one of 0-9 or ${pythonRepr(classes.at(-1))}`;
  }
  if (!Array.isArray(pixels) || pixels.length !== imageSize * imageSize
    || !pixels.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) {
    return `pixels must be ${imageSize * imageSize} whole numbers from 0 to 255`;
  }
  if (typeof item.fingerprint !== 'string') return 'no model fingerprint';
  if (!Array.isArray(embedding) || !embedding.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return 'embedding must be a list of numbers';
  }
  // Another model's embedding is replaced from the pixels, whatever its size; this model's must fit.
  if (item.fingerprint === fingerprint && embedding.length !== embeddingSize) {
    return `embedding has ${embedding.length} values, expected ${embeddingSize}`;
  }
  return null;
}

/**
 * Examples from another model get this model's embedding, from their stored pixels; `embed` maps
 * model inputs to embeddings. Returns the examples, with the re-embedded ones replaced.
 */
export async function reembed(examples, fingerprint, embed) {
  const stale = examples.filter((e) => e.fingerprint !== fingerprint);
  if (!stale.length) return examples;
  const fresh = await embed(stale.map((e) => modelInput(e.pixels)));
  const replaced = new Map(stale.map((e, i) => [e, { ...e, embedding: fresh[i], fingerprint }]));
  return examples.map((e) => replaced.get(e) ?? e);
}
