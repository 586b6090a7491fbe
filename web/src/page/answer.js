// The answer panel: the number read (big), confidence, message, each digit
// with its confidence and the 28x28 image the model saw, and for a lone digit
// the ten-bar chart of its probabilities. Under each digit, "Wrong? It was"
// teaches the right one (onCorrect).
const percent = (p) => `${Math.round(p * 100)}%`;

/** Draws a 28x28 model input (floats in 0..1, or nothing for black) into a canvas context. */
export function drawPixels(ctx, pixels, imageSize) {
  const image = ctx.createImageData(imageSize, imageSize);
  for (let i = 0; i < imageSize * imageSize; i++) {
    const v = pixels ? Math.round(pixels[i] * 255) : 0;
    image.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
}

// "Wrong? It was: [0-9]" for one digit; picking one calls onPick(label index).
function correctionControl(labels, shown, position, onPick) {
  const label = document.createElement('label');
  label.className = 'correct';
  label.append('Wrong? It was');
  const select = document.createElement('select');
  select.dataset.testid = 'correct';
  select.setAttribute('aria-label', `Wrong? Digit ${position} was`);
  select.append(new Option('…', ''), ...labels.map((name, i) => new Option(name, String(i), false, false)));
  [...select.options].find((o) => o.value === String(shown)).disabled = true;
  select.addEventListener('change', () => {
    if (select.value !== '') onPick(Number(select.value));
  });
  label.append(select);
  return label;
}

export function createAnswerPanel(root, { labels, threshold, imageSize, onCorrect }) {
  const digitEl = root.querySelector('[data-testid="prediction"]');
  const confidenceEl = root.querySelector('[data-testid="confidence"]');
  const messageEl = root.querySelector('[data-role="message"]');
  const seen = root.querySelector('[data-role="seen"]');
  seen.width = imageSize;
  seen.height = imageSize;
  const seenCtx = seen.getContext('2d');
  const digitList = root.querySelector('[data-testid="digits"]');

  const chart = root.querySelector('[data-testid="probabilities"]');
  const bars = labels.map((label) => {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.className = 'bar-label';
    name.textContent = label;
    const track = document.createElement('span');
    track.className = 'bar-track';
    const fill = document.createElement('span');
    fill.className = 'bar-fill';
    track.append(fill);
    const value = document.createElement('span');
    value.className = 'bar-value';
    item.append(name, track, value);
    chart.append(item);
    return { item, fill, value };
  });

  function setBars(probabilities) {
    bars.forEach(({ item, fill, value }, i) => {
      const p = probabilities ? probabilities[i] : 0;
      fill.style.setProperty('inline-size', `${(p * 100).toFixed(1)}%`);
      value.textContent = probabilities ? percent(p) : '';
      item.setAttribute('aria-label', probabilities ? `${labels[i]}: ${percent(p)}` : labels[i]);
    });
  }

  // One entry per digit read: its 28x28 image, the digit and its confidence; an unsure one stands out.
  function listDigits(digits) {
    digitList.replaceChildren(...digits.map(({ digit, confidence, pixels }, i) => {
      const item = document.createElement('li');
      const sure = confidence >= threshold;
      item.dataset.digit = labels[digit];
      item.dataset.state = sure ? 'sure' : 'unsure';
      const image = document.createElement('canvas');
      image.width = image.height = imageSize;
      image.setAttribute('aria-hidden', 'true');
      drawPixels(image.getContext('2d'), pixels, imageSize);
      const name = document.createElement('span');
      name.className = 'digit-name';
      name.textContent = labels[digit];
      const value = document.createElement('span');
      value.className = 'digit-confidence';
      value.textContent = sure ? percent(confidence) : `${percent(confidence)}, unsure`;
      item.setAttribute('aria-label', `digit ${i + 1}: ${labels[digit]}, ${percent(confidence)} confident${sure ? '' : ', unsure'}`);
      item.append(image, name, value, correctionControl(labels, digit, i + 1, (right) => onCorrect({ pixels, digit: right })));
      return item;
    }));
  }

  function show({ number = '', single = '', confidence = '', message = '', probabilities = null, pixels = null, digits = [], state }) {
    digitEl.textContent = number;
    digitEl.dataset.digit = single;
    digitEl.dataset.number = number;
    confidenceEl.textContent = confidence;
    messageEl.textContent = message;
    root.dataset.state = state;
    setBars(probabilities);
    chart.hidden = digits.length > 1;
    drawPixels(seenCtx, pixels, imageSize);
    seen.closest('figure').hidden = digits.length > 1;
    listDigits(digits);
  }

  function runnerUp({ digit, probabilities }) {
    return probabilities.map((p, i) => [p, i]).filter(([, i]) => i !== digit)
      .reduce((best, next) => (next[0] > best[0] ? next : best))[1];
  }

  return {
    setBusy: (busy) => root.setAttribute('aria-busy', String(busy)),
    showEmpty: () => show({ message: 'Draw a digit or a number', state: 'empty' }),
    showBlank: () => show({ message: 'No digit found in that image. Draw a digit or try another image.', state: 'blank' }),
    showError: (message) => show({ message, state: 'error' }),
    /** A reading: {number, digits: [{digit, confidence, probabilities, pixels}]} with at least one digit. */
    showReading({ number, digits }) {
      const unsure = digits.filter((d) => d.confidence < threshold);
      const state = unsure.length ? 'unsure' : 'sure';
      if (digits.length === 1) {
        const [only] = digits;
        const message = unsure.length
          ? `Not sure: ${labels[only.digit]} or ${labels[runnerUp(only)]}?`
          : `It looks like a ${labels[only.digit]}.`;
        return show({
          number, single: labels[only.digit], confidence: `${percent(only.confidence)} confident`, message,
          probabilities: only.probabilities, pixels: only.pixels, digits, state,
        });
      }
      const least = digits.reduce((a, b) => (b.confidence < a.confidence ? b : a));
      const message = unsure.length
        ? `Not sure about ${unsure.length === 1 ? 'one digit' : `${unsure.length} digits`}: ${unsure
          .map((d) => `${labels[d.digit]} or ${labels[runnerUp(d)]}?`).join(' ')}`
        : `It reads ${number}.`;
      return show({
        number, confidence: `${digits.length} digits, the least sure ${percent(least.confidence)} confident`,
        message, digits, state,
      });
    },
  };
}
