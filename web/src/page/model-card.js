// Model card from metrics.json. Every field is optional: whatever a build did
// not record is left out rather than shown as "undefined".
const DOWNLOADS = [
  ['export/tflite/model.tflite', 'TensorFlow Lite model', 'tflite'],
  ['export/tflite/labels.txt', 'Labels for the TFLite model', null],
  ['export/tfjs_model/model.json', 'TensorFlow.js graph model (model.json; weight shards alongside)', 'tfjs'],
  ['export/saved_model/saved_model.pb', 'SavedModel graph (saved_model.pb; variables/ alongside)', 'saved_model'],
];

function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

function element(tag, text, attributes = {}) {
  const el = document.createElement(tag);
  if (text !== undefined) el.textContent = text;
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  return el;
}

const pct = (x, digits = 2) => `${(x * 100).toFixed(digits)}%`;

function facts(metrics) {
  const list = element('dl');
  const add = (term, value) => list.append(element('dt', term), element('dd', value));
  const dataset = metrics.dataset;
  if (typeof dataset?.name === 'string') {
    const counts = Object.entries(dataset.counts ?? {}).map(([split, n]) => `${n.toLocaleString('en')} ${split}`);
    add('Dataset', counts.length ? `${dataset.name} (${counts.join(' / ')} images)` : dataset.name);
  }
  const accuracy = metrics.test?.accuracy;
  if (typeof accuracy === 'number') add('Test accuracy', `${(accuracy * 100).toFixed(2)}%`);
  if (typeof metrics.params === 'number') add('Parameters', metrics.params.toLocaleString('en'));
  const web = metrics.web_model;
  if (web?.precision && typeof web.bytes === 'number') {
    const measured = web.candidates?.[web.precision]?.test_accuracy;
    const accuracy = typeof measured === 'number' ? `, ${(measured * 100).toFixed(2)}% test accuracy in TF.js` : '';
    add('This page’s model', `${web.precision} weights, ${formatBytes(web.bytes)}${accuracy}`);
  }
  const calibration = metrics.calibration;
  const ece = calibration?.test_ece;
  if (typeof calibration?.temperature === 'number' && typeof ece?.before === 'number' && typeof ece?.after === 'number') {
    const web = typeof ece.web_model === 'number' ? `, ${pct(ece.web_model)} for this page’s model in TF.js` : '';
    add('Calibration', `temperature ${calibration.temperature.toFixed(3)} (fitted on validation); expected calibration `
      + `error on the test set ${pct(ece.before)} before, ${pct(ece.after)} after${web}`);
  }
  const unsure = metrics.confidence_threshold;
  if (typeof unsure?.threshold === 'number') {
    const answered = unsure.test?.answered;
    const share = typeof answered === 'number' ? `; ${pct(answered, 1)} of test digits are above it` : '';
    add('“Not sure” below', `${pct(unsure.threshold, 1)} (chosen on validation)${share}`);
  }
  const notDigit = metrics.not_digit?.answered_not_digit;
  if (typeof notDigit?.val_not_digit === 'number' && typeof notDigit?.test === 'number') {
    add('“Not a digit”', `answered for ${pct(notDigit.val_not_digit, 1)} of the validation marks that are not digits `
      + `(letters, symbols, words, doodles) and ${pct(notDigit.test, 2)} of the test digits`);
  }
  for (const [format, bytes] of Object.entries(metrics.export_sizes ?? {})) {
    if (typeof bytes === 'number') add(`Size (${format})`, formatBytes(bytes));
  }
  const model = metrics.model;
  if (typeof model?.fingerprint === 'string') {
    add('Fingerprint', `${model.fingerprint} (your examples made with another model are embedded again from their pixels)`);
  }
  return list.children.length ? list : null;
}

// The tables scroll sideways on narrow screens (app.css); tabindex lets keyboard users scroll them too.
const SCROLLABLE = { tabindex: '0' };

// `labels`: the classes, the digits and "not a digit" (a build from before it has ten rows, and no table).
function confusionTable(matrix, labels) {
  if (!Array.isArray(matrix) || matrix.length !== labels.length) return null;
  const table = element('table', undefined, { class: 'confusion', ...SCROLLABLE });
  table.append(element('caption', 'Confusion matrix on the test set (rows: true class, columns: predicted)'));
  const head = element('tr');
  head.append(element('th', 'true \\ predicted', { scope: 'col' }), ...labels.map((l) => element('th', l, { scope: 'col' })));
  const thead = element('thead');
  thead.append(head);
  table.append(thead);
  const body = element('tbody');
  matrix.forEach((row, i) => {
    const tr = element('tr');
    tr.append(element('th', labels[i], { scope: 'row' }));
    for (const [j, count] of row.entries()) tr.append(element('td', String(count), i === j ? { class: 'diagonal' } : {}));
    body.append(tr);
  });
  table.append(body);
  return table;
}

function figure(src, caption) {
  const fig = element('figure');
  const img = element('img', undefined, { src, alt: caption, loading: 'lazy' });
  img.addEventListener('error', () => fig.remove());
  fig.append(img, element('figcaption', caption));
  return fig;
}

function table(caption, header, rows) {
  const el = element('table', undefined, { class: 'bench', ...SCROLLABLE });
  el.append(element('caption', caption));
  const head = element('tr');
  head.append(...header.map((h) => element('th', h, { scope: 'col' })));
  el.append(head);
  for (const row of rows) {
    const tr = element('tr');
    tr.append(element('th', row[0], { scope: 'row' }), ...row.slice(1).map((cell) => element('td', cell)));
    el.append(tr);
  }
  return el;
}

/** The tables of `invoke bench` (dist/bench.json), when the site was benchmarked. */
export function renderBench(container, bench) {
  const runs = Object.entries(bench.runs ?? {});
  const browser = Object.entries(bench.browser ?? {});
  if (!runs.length) return;
  const section = element('section', undefined, { 'aria-labelledby': 'bench-heading' });
  section.append(element('h3', 'Benchmarks', { id: 'bench-heading' }));
  section.append(element('p', `Measured ${bench.date?.slice(0, 10) ?? ''} on ${bench.machine ?? 'the build machine'}.`));
  // Older benchmarks have no ECE, ISA or oneDNN state: leave those out.
  const ece = (c) => (c ? `${pct(c.test_ece_keras)} / ${pct(c.test_ece_web_model)}` : '');
  const onednn = (on) => (on === undefined ? '' : `, oneDNN ${on ? 'on' : 'off'}`);
  // The training time with the build's own instruction set and kernels, where the bench recorded them.
  const isa = (r) => (r.training_kernels ? ` (${r.training_kernels})` : r.isa ? ` (${r.isa}${onednn(r.onednn)})` : '');
  section.append(table('Training and export', ['', 'test accuracy', 'parameters', 'web model', 'training', 'real-world images',
    'calibration error (Keras / web model)'],
    runs.map(([name, r]) => [name, pct(r.test_accuracy), r.params.toLocaleString('en'),
      `${r.web_model.precision}, ${formatBytes(r.web_model.bytes)}`, `${Math.round(r.training_time_s)} s${isa(r)}`,
      pct(r.realworld_accuracy_python.overall, 1), ece(r.calibration)])));
  if (browser.length) {
    section.append(table('In this browser’s engine (headless Chromium)', ['backend', 'model load', 'pen-up to answer (median / p95)', 'first load (gzip)'],
      browser.map(([name, b]) => [name, `${Math.round(b.model_load_ms)} ms`,
        `${b.pointer_up_to_answer_ms.median} / ${b.pointer_up_to_answer_ms.p95} ms`, formatBytes(b.first_load_gzip_bytes)])));
  }
  container.append(section);
}

/** The card, for a model whose answers are `classes` (the digits, then "not a digit"). */
export function renderModelCard(container, metrics, classes) {
  const parts = [
    facts(metrics),
    confusionTable(metrics.confusion_matrix, classes),
    figure('plots/curves.png', 'Training and validation curves'),
    figure('plots/confusion.png', 'Confusion matrix plot'),
    figure('plots/reliability.png', 'Reliability diagram: accuracy against confidence on the test set'),
    figure('plots/roc.png', 'ROC of "not a digit": held-out letters, symbols, words and doodles against test digits'),
  ];
  const downloads = element('ul', undefined, { class: 'downloads' });
  for (const [href, label, sizeKey] of DOWNLOADS) {
    const item = element('li');
    item.append(element('a', label, { href, download: '' }));
    const bytes = metrics.export_sizes?.[sizeKey];
    if (typeof bytes === 'number') item.append(` (${formatBytes(bytes)})`);
    downloads.append(item);
  }
  container.replaceChildren(...parts.filter(Boolean), element('h3', 'Downloads'), downloads);
}
