// "Your handwriting": the stored examples as thumbnails with their classes (a digit or "not a digit"), each
// deletable; Forget all; export to and import from a JSON file. An import is checked whole before anything is stored.
import { classNames, ExamplesError, examplesDocument, modelInput, parseExamples } from '../read/personal.js';
import { describeLabel, drawPixels } from './answer.js';

const byTestId = (root, id) => root.querySelector(`[data-testid="${id}"]`);

export function createExamplesPanel(root, store, config) {
  const classes = classNames(config);
  const list = byTestId(root, 'examples-list');
  const count = byTestId(root, 'examples-count');
  const status = byTestId(root, 'examples-status');
  const exportButton = byTestId(root, 'examples-export');
  const forgetButton = byTestId(root, 'examples-forget');
  const importInput = byTestId(root, 'examples-import');
  const size = config.image_size;

  function say(message, state = 'ok') {
    status.textContent = message;
    status.dataset.state = state;
  }

  function render(examples) {
    count.textContent = examples.length
      ? `${examples.length} example${examples.length === 1 ? '' : 's'} of your handwriting.`
      : 'No examples yet.';
    exportButton.disabled = forgetButton.disabled = !examples.length;
    list.replaceChildren(...examples.map(({ id, label, pixels }, i) => {
      const item = document.createElement('li');
      item.dataset.label = classes[label];
      const thumbnail = document.createElement('canvas');
      thumbnail.width = thumbnail.height = size;
      thumbnail.setAttribute('aria-hidden', 'true');
      drawPixels(thumbnail.getContext('2d'), modelInput(pixels), size);
      const name = document.createElement('span');
      name.textContent = classes[label];
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.textContent = 'Delete';
      remove.setAttribute('aria-label', `Delete example ${i + 1}, ${describeLabel(classes, label)}`);
      remove.addEventListener('click', () => store.remove(id).then(() => say(`Deleted an example of ${classes[label]}.`)));
      item.append(thumbnail, name, remove);
      return item;
    }));
  }

  forgetButton.addEventListener('click', async () => {
    await store.clear();
    say('All your examples are forgotten.');
  });

  exportButton.addEventListener('click', () => {
    const document_ = examplesDocument(store.list(), config);
    const url = URL.createObjectURL(new Blob([JSON.stringify(document_)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'digit-examples.json';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  });

  importInput.addEventListener('change', async () => {
    const [file] = importInput.files;
    importInput.value = '';
    if (!file) return;
    try {
      const text = file.size > config.personal.max_file_bytes ? '' : await file.text();
      const examples = parseExamples(text, file.size, {
        settings: config.personal, classes, embeddingSize: config.model.embedding_size,
        fingerprint: config.model.fingerprint, imageSize: size,
      });
      await store.add(examples);
      say(`Imported ${examples.length} example${examples.length === 1 ? '' : 's'} from ${file.name}.`);
    } catch (error) {
      const reason = error instanceof ExamplesError ? error.message : `could not be imported (${error.message})`;
      say(`${file.name}: ${reason}. Nothing was changed.`, 'error');
    }
  });

  store.onChange(render);
  render(store.list());
  if (!store.persistent) say('This browser does not let the page store data: your examples last until you close it.');
  return { say };
}
