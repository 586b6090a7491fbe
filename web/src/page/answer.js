// The answer panel: the number read (big), confidence, message, each digit
// with its confidence and the 28x28 image the model saw, and for a lone digit
// the chart of its probabilities (the ten digits' and "not a digit"'s). Marks
// read as not digits are listed apart. Under each digit and mark, "Wrong? It
// was" teaches the right answer (onCorrect), "not a digit" among them.
const percent = (p) => `${Math.round(p * 100)}%`;
// What each mark of a number (read/punctuation.js) is called in a sentence.
const MARK_NAMES = { '.': 'decimal point', ',': 'comma', '-': 'minus', ':': 'colon', '/': 'slash' };

/** How a class reads in a sentence ("that was …"): "a 7", or "not a digit" (the last class). */
export const describeLabel = (classes, label) => (label === classes.length - 1 ? classes[label] : `a ${classes[label]}`);

/** Draws a 28x28 model input (floats in 0..1, or nothing for black) into a canvas context. */
export function drawPixels(ctx, pixels, imageSize) {
  const image = ctx.createImageData(imageSize, imageSize);
  for (let i = 0; i < imageSize * imageSize; i++) {
    const v = pixels ? Math.round(pixels[i] * 255) : 0;
    image.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
}

// "Wrong? It was: [0-9, not a digit]" for one digit or mark (`what`, e.g. "Digit 2"), whose answer was class
// `shown`; picking one calls onPick(class index).
function correctionControl(classes, shown, what, onPick) {
  const label = document.createElement('label');
  label.className = 'correct';
  label.append('Wrong? It was');
  const select = document.createElement('select');
  select.dataset.testid = 'correct';
  select.setAttribute('aria-label', `Wrong? ${what} was`);
  select.append(new Option('…', ''), ...classes.map((name, i) => new Option(name, String(i), false, false)));
  [...select.options].find((o) => o.value === String(shown)).disabled = true;
  select.addEventListener('change', () => {
    if (select.value !== '') onPick(Number(select.value));
  });
  label.append(select);
  return label;
}

// One entry of the digits' or the marks' list: the 28x28 image the model saw, a name and a value.
function entry(pixels, imageSize, name, value) {
  const item = document.createElement('li');
  const image = document.createElement('canvas');
  image.width = image.height = imageSize;
  image.setAttribute('aria-hidden', 'true');
  drawPixels(image.getContext('2d'), pixels, imageSize);
  const nameEl = document.createElement('span');
  nameEl.className = 'digit-name';
  nameEl.textContent = name;
  const valueEl = document.createElement('span');
  valueEl.className = 'digit-confidence';
  valueEl.textContent = value;
  item.append(image, nameEl, valueEl);
  return item;
}

export function createAnswerPanel(root, { classes, threshold, imageSize, onCorrect }) {
  const notDigit = classes.length - 1; // the last class
  const digitEl = root.querySelector('[data-testid="prediction"]');
  const confidenceEl = root.querySelector('[data-testid="confidence"]');
  const messageEl = root.querySelector('[data-role="message"]');
  const seen = root.querySelector('[data-role="seen"]');
  seen.width = imageSize;
  seen.height = imageSize;
  const seenCtx = seen.getContext('2d');
  const digitList = root.querySelector('[data-testid="digits"]');
  const markList = root.querySelector('[data-testid="marks"]');

  const chart = root.querySelector('[data-testid="probabilities"]');
  const bars = classes.map((label) => {
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

  // `probabilities` of every class, the digits' and then "not a digit"'s.
  function setBars(probabilities) {
    bars.forEach(({ item, fill, value }, i) => {
      const p = probabilities ? probabilities[i] : 0;
      fill.style.setProperty('inline-size', `${(p * 100).toFixed(1)}%`);
      value.textContent = probabilities ? percent(p) : '';
      item.setAttribute('aria-label', probabilities ? `${classes[i]}: ${percent(p)}` : classes[i]);
    });
  }

  // One entry per digit read: its 28x28 image, the digit and its confidence; an unsure one stands out.
  function listDigits(digits) {
    digitList.replaceChildren(...digits.map(({ digit, confidence, pixels }, i) => {
      const sure = confidence >= threshold;
      const item = entry(pixels, imageSize, classes[digit], sure ? percent(confidence) : `${percent(confidence)}, unsure`);
      item.dataset.digit = classes[digit];
      item.dataset.state = sure ? 'sure' : 'unsure';
      item.setAttribute('aria-label', `digit ${i + 1}: ${classes[digit]}, ${percent(confidence)} confident${sure ? '' : ', unsure'}`);
      item.append(correctionControl(classes, digit, `Digit ${i + 1}`, (right) => onCorrect({ pixels, label: right })));
      return item;
    }));
  }

  // One entry per mark read as not a digit, so that one the model wrongly set aside can be taught as its digit.
  function listMarks(marks) {
    markList.replaceChildren(...marks.map(({ notDigit: p, pixels }, i) => {
      const item = entry(pixels, imageSize, classes[notDigit], `${percent(p)} confident`);
      item.dataset.label = classes[notDigit];
      item.setAttribute('aria-label', `mark ${i + 1}: ${classes[notDigit]}, ${percent(p)} confident`);
      item.append(correctionControl(classes, notDigit, `Mark ${i + 1}`, (right) => onCorrect({ pixels, label: right })));
      return item;
    }));
    markList.hidden = !marks.length;
  }

  function show({
    number = '', text = number, single = '', confidence = '', message = '', probabilities = null, pixels = null,
    digits = [], marks = [], state,
  }) {
    digitEl.textContent = text;
    digitEl.dataset.digit = single;
    digitEl.dataset.number = number;
    digitEl.dataset.text = text;
    confidenceEl.textContent = confidence;
    messageEl.textContent = message;
    root.dataset.state = state;
    setBars(probabilities);
    // The chart and the image seen are one digit's, or one mark's when nothing else was read.
    const several = digits.length > 1 || (!digits.length && marks.length > 1);
    chart.hidden = several;
    drawPixels(seenCtx, pixels, imageSize);
    seen.closest('figure').hidden = several;
    listDigits(digits);
    listMarks(marks);
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
    /** A reading with no digit but marks that are not digits: {marks: [{notDigit, probabilities, pixels}]}. */
    showNotDigit({ marks }) {
      const [only] = marks;
      return show({
        confidence: marks.length === 1
          ? `${percent(only.notDigit)} confident it is not a digit`
          : `${marks.length} marks, none of them a digit`,
        message: "That doesn't look like a digit",
        probabilities: marks.length === 1 ? [...only.probabilities, only.notDigit] : null,
        pixels: marks.length === 1 ? only.pixels : null,
        marks,
        state: 'not-digit',
      });
    },
    /**
     * A reading: {number, text, digits: [{digit, confidence, probabilities, notDigit, pixels}], marks, punctuation:
     * [{mark, confidence}]} with at least one digit or mark of a number; the marks that are not digits were left out.
     */
    showReading({ number, text = number, digits, marks = [], punctuation = [] }) {
      const unsure = digits.filter((d) => d.confidence < threshold);
      // A mark of the number told from a speck or a 1 only narrowly is unsure as a digit is.
      const unsureMarks = punctuation.filter((m) => m.confidence < threshold);
      const state = unsure.length || unsureMarks.length ? 'unsure' : 'sure';
      const doubt = unsureMarks.map((m) => `Not sure about the ${MARK_NAMES[m.mark]}.`).join(' ');
      if (!digits.length) {
        const names = punctuation.map((m) => MARK_NAMES[m.mark]).join(' and ');
        return show({
          number, text, confidence: `a ${names}, no digit`, message: doubt || `It reads ${text}`, marks, state,
        });
      }
      if (digits.length === 1 && !punctuation.length) {
        const [only] = digits;
        const message = unsure.length
          ? `Not sure: ${classes[only.digit]} or ${classes[runnerUp(only)]}?`
          : `It looks like a ${classes[only.digit]}.`;
        return show({
          number, single: classes[only.digit], confidence: `${percent(only.confidence)} confident`, message,
          probabilities: [...only.probabilities, only.notDigit], pixels: only.pixels, digits, marks, state,
        });
      }
      const least = digits.reduce((a, b) => (b.confidence < a.confidence ? b : a));
      const message = unsure.length
        ? `Not sure about ${unsure.length === 1 ? 'one digit' : `${unsure.length} digits`}: ${unsure
          .map((d) => `${classes[d.digit]} or ${classes[runnerUp(d)]}?`).join(' ')}`
        : doubt || `It reads ${text}.`;
      return show({
        number, text,
        confidence: `${digits.length} digit${digits.length === 1 ? '' : 's'}, the least sure ${percent(least.confidence)} confident`,
        message: unsure.length && doubt ? `${message} ${doubt}` : message, digits, marks, state,
      });
    },
  };
}
