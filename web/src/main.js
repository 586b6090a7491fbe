// Wires the page together: config, model and reader (read/), personal examples, pad, uploads, answer panel and
// camera and model card (page/), the service worker, and the window.digits API used by tests and scripts.
import { BACKEND_ORDER } from './backends/order.js';
import { createAnswerPanel, describeLabel } from './page/answer.js';
import { createCamera } from './page/camera.js';
import { guideBox } from './read/camera.js';
import { openExampleStore } from './page/example-store.js';
import { createExamplesPanel } from './page/examples-panel.js';
import { renderBench, renderModelCard } from './page/model-card.js';
import { createPad, readingBoxes } from './page/pad.js';
import { watchUploads } from './page/uploads.js';
import { fileToImageData, UploadError } from './read/images.js';
import { classNames, examplesDocument, quantizePixels } from './read/personal.js';
import { createReader, loadModel, rowOf } from './read/predict.js';
import { preprocess } from './read/preprocess.js';
import { cutPath, groupMarks } from './read/segment.js';

const html = document.documentElement;
const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

async function fetchJson(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

function requestedBackend() {
  const name = new URLSearchParams(location.search).get('backend');
  if (name && !BACKEND_ORDER.includes(name)) throw new Error(`unknown backend "${name}" (use ${BACKEND_ORDER.join(', ')})`);
  return name;
}

// ?model=PATH loads another model from this site (e.g. the float32 export/tfjs_model/model.json),
// for comparing precisions; only relative same-origin paths are accepted.
function requestedModel() {
  const path = new URLSearchParams(location.search).get('model') ?? 'model/model.json';
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(path)) throw new Error(`model must be a path on this site, not "${path}"`);
  return path;
}

function failModel(error) {
  html.dataset.model = 'error';
  const status = document.getElementById('model-status');
  status.textContent = `The model could not be loaded, so no predictions can be made. (${error.message})`;
  status.hidden = false;
  console.error(error);
}

// Every answer below is read/predict.js's reader: the network's, combined with the person's examples.
function createApi(config, model, pad, store) {
  const reader = createReader(model, config, () => store.prepared());
  const classes = classNames(config);
  // `label` is an index into the classes: a digit, or its count for "not a digit".
  async function teachPixels(pixels, label) {
    if (!Number.isInteger(label) || label < 0 || label >= classes.length) {
      throw new Error(`${label} is not a digit (0-${classes.length - 2}) or ${classes.length - 1} (${classes.at(-1)})`);
    }
    await store.add([{ label, pixels: quantizePixels(pixels) }]);
    return store.list().length;
  }
  const padReadings = new Map(); // digit key (pad.digitImages) -> {pixels, outputs} of the network
  return {
    preprocess: (imageData) => preprocess(imageData, config).pixels,
    /** A 28x28 model input -> the probabilities of the classes: the ten digits', then "not a digit"'s. */
    predict: async (pixels) => (await reader.classify([pixels]))[0],
    predictImage: reader.predictImage,
    readImage: reader.readImage,
    /**
     * The digits drawn on the pad, grouped by stroke, and the groups that are not digits: readImage's answer,
     * boxes in pad pixels. A digit whose strokes did not change since the last reading is not read again, so
     * lifting the pen after the sixth digit costs about what a lone digit does.
     */
    async readPad() {
      const { digits, punctuation, notes } = pad.digitImages(config);
      const fresh = digits.filter(({ key }) => !padReadings.has(key));
      const pixels = fresh.map(({ image }) => preprocess(image(), config).pixels);
      const outputs = await model.run(pixels);
      fresh.forEach(({ key }, i) => padReadings.set(key, { pixels: pixels[i], outputs: rowOf(outputs, i) }));
      const keys = new Set(digits.map(({ key }) => key));
      for (const key of padReadings.keys()) if (!keys.has(key)) padReadings.delete(key);
      // The examples may have changed since a digit was read: combine afresh, which costs microseconds.
      return reader.readGroups(digits.map(({ box, key }) => ({ box, ...padReadings.get(key) })), notes, punctuation);
    },
    /**
     * Stores imageData (read as one digit) as an example of `label` (0-9, or 10 for "not a digit"); resolves to
     * the number of examples.
     */
    async teach(imageData, label) {
      const { pixels, reason } = preprocess(imageData, config);
      if (!pixels) throw new Error(`nothing to learn from: ${reason}`);
      return teachPixels(pixels, label);
    },
    /** The same for a digit's 28x28 model input, as the answer panel shows it. */
    teachPixels,
    /** Forgets every example. */
    forget: () => store.clear(),
    /** How many examples are stored. */
    examples: () => store.list().length,
    /** The examples file the panel's Export button saves. */
    exportExamples: () => examplesDocument(store.list(), config),
    /** The images the pad's digits are read from, one per digit (for tests and scripts). */
    padDigitImages: () => pad.digitImages(config).digits.map(({ box, image }) => ({ box, imageData: image() })),
    /** segment.js's grouping of marks ({left, top, right, bottom} boxes) into digits. */
    groupMarks: (boxes) => groupMarks(boxes, config.segment),
    /** segment.js's cut through touching digits: `rows` of 0/1 ink, from column x, bending up to `reach`. */
    cutPath: (rows, x, reach) => cutPath(rows.flat(), rows[0].length, rows.length, x, reach),
  };
}

// Runs the latest request only: while one is in flight, newer requests replace
// each other and the last one runs as soon as it ends. Requests while drawing
// wait for the next animation frame (one prediction per frame at most); a
// final one (pen lifted, clear, undo, upload) starts at once, so the answer
// is on screen in the frame after. setBusy(true) until it is up to date, then setBusy(false, whether the last
// job run was final).
function latestOnly(run, setBusy) {
  let pending;
  let pendingFinal = false;
  let hasPending = false;
  let running = false;
  async function drain() {
    let final = false;
    while (hasPending) {
      const next = pending;
      final = pendingFinal;
      hasPending = false;
      await run(next);
    }
    running = false;
    setBusy(false, final);
  }
  return function schedule(job, { final = false } = {}) {
    pending = job;
    pendingFinal = final;
    hasPending = true;
    setBusy(true);
    if (running) return;
    running = true;
    if (final) drain();
    else requestAnimationFrame(drain);
  };
}

async function start() {
  const backend = requestedBackend();
  const configLoaded = fetchJson('config.json');
  // Timings as performance measures, read by `invoke bench`: model load includes backend set-up and warm-up.
  // It starts with the config download rather than after it, since it needs the config only to warm up.
  performance.mark('model-load-start');
  const modelLoaded = loadModel(requestedModel(), {
    backend,
    shape: configLoaded.then((config) => ({ imageSize: config.image_size, digits: config.labels.length, outputs: config.outputs })),
  });
  modelLoaded.catch(() => {}); // awaited below; a config failure must not also surface as "unhandled"
  const config = await configLoaded;
  const classes = classNames(config);
  let examplesPanel; // and `api`: both made once the model is loaded, before any answer can be corrected
  const panel = createAnswerPanel(document.getElementById('answer'), {
    classes, threshold: config.confidence_threshold, imageSize: config.image_size,
    onCorrect: async ({ pixels, label }) => {
      await api.teachPixels(pixels, label);
      examplesPanel.say(`Learnt: that was ${describeLabel(classes, label)}.`);
    },
  });
  panel.showEmpty();
  fetchJson('metrics.json')
    .then((metrics) => renderModelCard(document.getElementById('model-card-body'), metrics, classes))
    .then(() => fetchJson('bench.json').then((bench) => renderBench(document.getElementById('model-card-body'), bench), () => {}))
    .catch(() => (document.getElementById('model-card-body').textContent = 'No model card was published with this build.'));

  // The database opens while the model loads: only examples made by another build wait for the model.
  const storeOpened = openExampleStore({
    fingerprint: config.model.fingerprint,
    embed: async (inputs) => (await (await modelLoaded).run(inputs)).embedding,
    maxExamples: config.personal.max_examples,
  });
  storeOpened.catch(() => {}); // awaited below, after the model's own failure is reported
  const model = await modelLoaded;
  performance.measure('model-load', 'model-load-start');
  byTestId('backend').textContent = model.backend;
  const store = await storeOpened;
  examplesPanel = createExamplesPanel(document.getElementById('examples'), store, config);

  // Jobs return what to read, so the pad is read once per frame, not per pointer event.
  let lastJob = null;
  const show = latestOnly(async (job) => {
    lastJob = job;
    try {
      const reading = await job();
      if (!reading) return;
      if (reading.digits.length || reading.punctuation?.length) panel.showReading(reading);
      else if (reading.marks.length) panel.showNotDigit(reading);
      else panel.showBlank();
      // A camera's answer is boxed over its video (page/camera.js), not on the pad.
      if (reading.placement === null) return;
      pad.markBoxes(readingBoxes(reading, config.confidence_threshold), reading.placement);
    } catch (error) {
      panel.showError(`Prediction failed: ${error.message}`);
    }
  }, (busy, final) => {
    panel.setBusy(busy);
    // Said once per answer: not for each frame of a stroke being drawn.
    if (!busy && final) panel.announce();
    if (!busy && answerAfterPointerUp) {
      answerAfterPointerUp = false;
      // The frame callback runs once the answer is in the DOM, just before it is painted.
      requestAnimationFrame(() => performance.measure('pointerup-to-answer', 'pointerup'));
    }
  });

  let answerAfterPointerUp = false;
  const readPad = async () => {
    if (pad.isEmpty()) {
      pad.markBoxes([]);
      panel.showEmpty();
      return null;
    }
    return api.readPad();
  };
  const pad = createPad(byTestId('pad'), document.getElementById('pad-boxes'), ({ final, pointerUp }) => {
    if (pointerUp) {
      performance.mark('pointerup');
      answerAfterPointerUp = true;
    }
    show(readPad, { final });
  });
  const api = createApi(config, model, pad, store);
  // What is on screen is read again with the examples as they now are.
  store.onChange(() => lastJob && show(lastJob, { final: true }));
  byTestId('clear').addEventListener('click', () => pad.clear());
  byTestId('undo').addEventListener('click', () => pad.undo());

  // An upload, or a frozen camera frame: shown on the pad and read there.
  const readPicture = (imageData) => {
    const placement = pad.showImage(imageData);
    show(async () => ({ ...(await api.readImage(imageData)), placement }), { final: true });
  };
  const dropZone = document.getElementById('drop-zone');
  const cameraButton = byTestId('camera');
  const cameraMode = (on) => {
    dropZone.dataset.camera = on ? 'on' : 'off';
    cameraButton.setAttribute('aria-pressed', String(on));
  };
  const camera = createCamera(byTestId('camera-view'), {
    settings: { ...config.camera, threshold: config.confidence_threshold },
    read: (imageData) => api.readImage(imageData),
    onHeld: (reading) => show(async () => ({ ...reading, placement: null }), { final: true }),
    onFrozen: readPicture,
    onStop: () => cameraMode(false),
  });
  cameraButton.addEventListener('click', async () => {
    if (camera.running) {
      camera.stop();
      show(readPad, { final: true });
      return;
    }
    cameraMode(true);
    panel.showCamera();
    try {
      await camera.start();
    } catch (error) {
      cameraMode(false);
      panel.showError(error.message);
      panel.announce();
    }
  });

  const uploads = [byTestId('upload'), byTestId('photo')];
  watchUploads(uploads, dropZone, async (file) => {
    camera.stop();
    panel.setBusy(true);
    panel.showWaiting();
    try {
      readPicture(await fileToImageData(file, config.preprocess.max_pixels));
    } catch (error) {
      panel.setBusy(false);
      panel.showError(error instanceof UploadError ? error.message : `Upload failed: ${error.message}`);
      panel.announce();
    }
  });

  window.digits = {
    ...api,
    padImage: () => pad.imageData(),
    /** The camera's figures (page/camera.js) and its guide box for a frame's size (read/camera.js). */
    cameraStats: camera.stats,
    guideBox: (width, height) => guideBox(width, height, config.camera),
  };
  html.dataset.model = 'ready';
}

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('sw.js').catch((error) => console.warn('offline support unavailable:', error));
}
start().catch(failModel);
