// The answer: under the pad, the number read and one sentence that says how sure it is (the same sentence is
// announced to screen readers, once per answer); beside the pad, the digits in a row in the order written, each
// with the 28x28 image the model saw and its confidence, and for a lone digit the chart of its probabilities (the
// ten digits' and "not a digit"'s). Marks read as not digits are listed apart. Choosing a digit or a mark opens
// "Wrong? It was" for it alone, which teaches the right answer (onCorrect), "not a digit" among them.
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

// Words for screen readers only, between what is shown: "Digit 2: 7, 98% confident".
function spoken(text) {
  const span = document.createElement('span');
  span.className = 'visually-hidden';
  span.textContent = text;
  return span;
}

// One entry of the digits' or the marks' row (`what`, e.g. "Digit 2"): the 28x28 image the model saw, a name and
// a confidence, as a disclosure whose summary is the entry itself, so that choosing it opens its "Wrong? It was"
// (`correction`) and no other.
function entry(pixels, imageSize, what, name, confidence, unsure, correction) {
  const item = document.createElement('li');
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  const image = document.createElement('canvas');
  image.width = image.height = imageSize;
  image.setAttribute('aria-hidden', 'true');
  drawPixels(image.getContext('2d'), pixels, imageSize);
  const nameEl = document.createElement('span');
  nameEl.className = 'digit-name';
  nameEl.textContent = name;
  const valueEl = document.createElement('span');
  valueEl.className = 'digit-confidence';
  valueEl.textContent = percent(confidence);
  summary.append(image, spoken(`${what}: `), nameEl, spoken(', '), valueEl, spoken(` confident${unsure ? ', unsure' : ''}`));
  details.append(summary, correction);
  item.append(details);
  return item;
}

// Only one correction is open at a time: opening one closes the rest (the `name` attribute of <details> does the
// same, but not in every engine this page runs in).
function oneOpenAtATime(list) {
  list.addEventListener('toggle', (event) => {
    if (!event.target.open) return;
    for (const other of list.querySelectorAll('details[open]')) if (other !== event.target) other.open = false;
  }, true);
}

// 1 -> "1st", 2 -> "2nd": a digit's place in the number, as a sentence says it.
const ordinal = (n) => `${n}${['th', 'st', 'nd', 'rd'][n % 100 >= 11 && n % 100 <= 13 ? 0 : Math.min(n % 10, 4) % 4]}`;

export function createAnswerPanel(root, { classes, threshold, imageSize, onCorrect }) {
  const notDigit = classes.length - 1; // the last class
  const digitEl = root.querySelector('[data-testid="prediction"]');
  const messageEl = root.querySelector('[data-role="message"]');
  const announceEl = root.querySelector('[data-role="announce"]');
  const seen = root.querySelector('[data-role="seen"]');
  seen.width = imageSize;
  seen.height = imageSize;
  const seenCtx = seen.getContext('2d');
  const digitList = root.querySelector('[data-testid="digits"]');
  const markList = root.querySelector('[data-testid="marks"]');
  oneOpenAtATime(root);
  let unannounced = null; // the sentence of the answer on screen, until it is announced

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

  // One entry per digit read, in the order written: its 28x28 image, the digit and its confidence; an unsure one
  // is dashed, as its box on the pad is.
  function listDigits(digits) {
    digitList.replaceChildren(...digits.map(({ digit, confidence, pixels }, i) => {
      const sure = confidence >= threshold;
      const what = `Digit ${i + 1}`;
      const correction = correctionControl(classes, digit, what, (right) => onCorrect({ pixels, label: right }));
      const item = entry(pixels, imageSize, what, classes[digit], confidence, !sure, correction);
      item.dataset.digit = classes[digit];
      item.dataset.state = sure ? 'sure' : 'unsure';
      return item;
    }));
  }

  // One entry per mark read as not a digit, so that one the model wrongly set aside can be taught as its digit.
  function listMarks(marks) {
    markList.replaceChildren(...marks.map(({ notDigit: p, pixels }, i) => {
      const what = `Mark ${i + 1}`;
      const correction = correctionControl(classes, notDigit, what, (right) => onCorrect({ pixels, label: right }));
      const item = entry(pixels, imageSize, what, classes[notDigit], p, false, correction);
      item.dataset.label = classes[notDigit];
      return item;
    }));
    markList.hidden = !marks.length;
  }

  function show({
    number = '', text = number, single = '', sentence, probabilities = null, pixels = null, digits = [], marks = [],
    state,
  }) {
    digitEl.textContent = text;
    digitEl.dataset.digit = single;
    digitEl.dataset.number = number;
    digitEl.dataset.text = text;
    messageEl.textContent = sentence;
    unannounced = sentence;
    root.dataset.state = state;
    setBars(probabilities);
    // The chart and the image seen are one digit's, or one mark's when nothing else was read.
    chart.hidden = !probabilities;
    drawPixels(seenCtx, pixels, imageSize);
    seen.closest('figure').hidden = !pixels;
    listDigits(digits);
    listMarks(marks);
  }

  function runnerUp({ digit, probabilities }) {
    return probabilities.map((p, i) => [p, i]).filter(([, i]) => i !== digit)
      .reduce((best, next) => (next[0] > best[0] ? next : best))[1];
  }
  // "3 (55% confident) or 5": an unsure digit and the digit it may be instead.
  const doubt = (d) => `${classes[d.digit]} (${percent(d.confidence)} confident) or ${classes[runnerUp(d)]}`;

  return {
    setBusy: (busy) => root.setAttribute('aria-busy', String(busy)),
    /** Says the answer on screen to screen readers, if it was not said yet: call once the answer is final. */
    announce() {
      if (unannounced === null) return;
      announceEl.textContent = unannounced;
      unannounced = null;
    },
    showEmpty: () => show({ sentence: 'Draw a digit or a number.', state: 'empty' }),
    showWaiting: () => show({ sentence: 'Reading…', state: 'reading' }),
    showCamera: () => show({ sentence: 'Hold the number inside the box.', state: 'camera' }),
    showBlank: () => show({ sentence: 'No digit found: draw one, or try another image.', state: 'blank' }),
    showError: (message) => show({ sentence: message, state: 'error' }),
    /** A reading with no digit but marks that are not digits: {marks: [{notDigit, probabilities, pixels}]}. */
    showNotDigit({ marks }) {
      const [only] = marks;
      const one = marks.length === 1;
      return show({
        sentence: one
          ? `That doesn't look like a digit (${percent(only.notDigit)} confident).`
          : `That doesn't look like a digit: ${marks.length} marks, none of them one.`,
        probabilities: one ? [...only.probabilities, only.notDigit] : null,
        pixels: one ? only.pixels : null,
        marks,
        state: 'not-digit',
      });
    },
    /**
     * A reading: {number, text, digits: [{digit, confidence, probabilities, notDigit, pixels}], marks, punctuation:
     * [{mark, confidence}]} with at least one digit or mark of a number; the marks that are not digits were left out.
     */
    showReading({ number, text = number, digits, marks = [], punctuation = [] }) {
      const unsure = digits.map((d, i) => ({ ...d, place: i + 1 })).filter((d) => d.confidence < threshold);
      // A mark of the number told from a speck or a 1 only narrowly is unsure as a digit is.
      const unsureMarks = punctuation.filter((m) => m.confidence < threshold);
      const state = unsure.length || unsureMarks.length ? 'unsure' : 'sure';
      const least = [...digits, ...punctuation].reduce((a, b) => (b.confidence < a.confidence ? b : a));
      const lone = digits.length === 1 && !punctuation.length;
      const markDoubts = unsureMarks.map((m) => `the ${MARK_NAMES[m.mark]} (${percent(m.confidence)} confident)`);
      let sentence;
      if (!digits.length) {
        const names = punctuation.map((m) => `a ${MARK_NAMES[m.mark]}`).join(' and ');
        sentence = markDoubts.length
          ? `Not sure about ${markDoubts.join(' and ')}, and no digit.`
          : `${names}, ${percent(least.confidence)} confident, and no digit.`;
        sentence = sentence[0].toUpperCase() + sentence.slice(1);
      } else if (lone) {
        const article = text === '8' ? 'An' : 'A';
        sentence = unsure.length ? `Not sure: ${doubt(digits[0])}?` : `${article} ${text}, ${percent(least.confidence)} confident.`;
      } else if (state === 'sure') {
        const each = punctuation.length ? 'digit and mark' : 'digit';
        // "At least 100%" would be odd: the least sure rounds up to certainty.
        const floor = percent(least.confidence) === '100%' ? '100%' : `at least ${percent(least.confidence)}`;
        sentence = `It reads ${text}, each ${each} ${floor} confident.`;
      } else {
        const doubts = [...unsure.map((d) => `the ${ordinal(d.place)} digit, ${doubt(d)}`), ...markDoubts];
        sentence = `It reads ${text}, but it is not sure about ${doubts.join('; and ')}.`;
      }
      return show({
        number, text, single: lone ? classes[digits[0].digit] : '', sentence,
        probabilities: lone ? [...digits[0].probabilities, digits[0].notDigit] : null,
        pixels: lone ? digits[0].pixels : null, digits, marks, state,
      });
    },
  };
}
