// Wires the page together: config, model, pad, uploads, answer panel, model
// card, service worker, and the window.digits API used by tests and scripts.
import { renderModelCard } from './card.js';
import { BACKEND_ORDER, loadModel } from './model.js';
import { createPad } from './pad.js';
import { preprocess } from './preprocess.js';
import { createAnswerPanel } from './ui.js';
import { fileToImageData, UploadError, watchUploads } from './upload.js';

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

function failModel(error) {
  html.dataset.model = 'error';
  const status = document.getElementById('model-status');
  status.textContent = `The model could not be loaded, so no predictions can be made. (${error.message})`;
  status.hidden = false;
  console.error(error);
}

function createApi(config, model) {
  return {
    preprocess: (imageData) => preprocess(imageData, config).pixels,
    predict: (pixels) => model.predict(pixels),
    async predictImage(imageData) {
      const { pixels, reason } = preprocess(imageData, config);
      if (!pixels) return { digit: null, confidence: null, probabilities: null, reason, pixels: null };
      const probabilities = await model.predict(pixels);
      const digit = probabilities.indexOf(Math.max(...probabilities));
      return { digit, confidence: probabilities[digit], probabilities, reason: null, pixels };
    },
  };
}

// Runs the latest request only, at most once per animation frame: while one
// is in flight, newer requests replace each other and the last one runs as
// soon as it ends. setBusy(true) until the shown answer is up to date.
function latestOnly(run, setBusy) {
  let pending;
  let hasPending = false;
  let running = false;
  return function schedule(job) {
    pending = job;
    hasPending = true;
    setBusy(true);
    if (running) return;
    running = true;
    requestAnimationFrame(async () => {
      while (hasPending) {
        const next = pending;
        hasPending = false;
        await run(next);
      }
      running = false;
      setBusy(false);
    });
  };
}

async function start() {
  const config = await fetchJson('config.json');
  const panel = createAnswerPanel(document.getElementById('answer'), {
    labels: config.labels, threshold: config.confidence_threshold, imageSize: config.image_size,
  });
  panel.showEmpty();
  fetchJson('metrics.json')
    .then((metrics) => renderModelCard(document.getElementById('model-card-body'), metrics, config.labels))
    .catch(() => (document.getElementById('model-card-body').textContent = 'No model card was published with this build.'));

  const backend = requestedBackend();
  const model = await loadModel('model/model.json', {
    imageSize: config.image_size, classes: config.labels.length, backend,
  });
  byTestId('backend').textContent = model.backend;
  const api = createApi(config, model);

  // Jobs return the image to show, so the pad is read once per frame, not per pointer event.
  const show = latestOnly(async (currentImage) => {
    try {
      const imageData = currentImage();
      if (!imageData) return panel.showEmpty();
      const result = await api.predictImage(imageData);
      if (result.digit === null) panel.showBlank();
      else panel.showResult(result, result.pixels);
    } catch (error) {
      panel.showError(`Prediction failed: ${error.message}`);
    }
  }, panel.setBusy);

  const pad = createPad(byTestId('pad'), () => show(() => (pad.isEmpty() ? null : pad.imageData())));
  byTestId('clear').addEventListener('click', () => pad.clear());
  byTestId('undo').addEventListener('click', () => pad.undo());

  watchUploads(byTestId('upload'), document.getElementById('drop-zone'), async (file) => {
    panel.setBusy(true);
    try {
      const imageData = await fileToImageData(file, config.preprocess.max_pixels);
      show(() => imageData);
    } catch (error) {
      panel.setBusy(false);
      panel.showError(error instanceof UploadError ? error.message : `Upload failed: ${error.message}`);
    }
  });

  window.digits = { ...api, padImage: () => pad.imageData() };
  html.dataset.model = 'ready';
}

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('sw.js').catch((error) => console.warn('offline support unavailable:', error));
}
start().catch(failModel);
