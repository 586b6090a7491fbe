// The answer panel: big digit, confidence, message, ten-bar chart and the
// 28x28 image the model actually saw.
const percent = (p) => `${Math.round(p * 100)}%`;

export function createAnswerPanel(root, { labels, threshold, imageSize }) {
  const digitEl = root.querySelector('[data-testid="prediction"]');
  const confidenceEl = root.querySelector('[data-testid="confidence"]');
  const messageEl = root.querySelector('[data-role="message"]');
  const seen = root.querySelector('[data-role="seen"]');
  seen.width = imageSize;
  seen.height = imageSize;
  const seenCtx = seen.getContext('2d');

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

  function drawSeen(pixels) {
    const image = seenCtx.createImageData(imageSize, imageSize);
    for (let i = 0; i < imageSize * imageSize; i++) {
      const v = pixels ? Math.round(pixels[i] * 255) : 0;
      image.data.set([v, v, v, 255], 4 * i);
    }
    seenCtx.putImageData(image, 0, 0);
  }

  function show({ digit = '', confidence = '', message = '', probabilities = null, pixels = null, state }) {
    digitEl.textContent = digit;
    digitEl.dataset.digit = digit;
    confidenceEl.textContent = confidence;
    messageEl.textContent = message;
    root.dataset.state = state;
    setBars(probabilities);
    drawSeen(pixels);
  }

  return {
    setBusy: (busy) => root.setAttribute('aria-busy', String(busy)),
    showEmpty: () => show({ message: 'Draw a digit', state: 'empty' }),
    showBlank: () => show({ message: 'No digit found in that image. Draw a digit or try another image.', state: 'blank' }),
    showError: (message) => show({ message, state: 'error' }),
    showResult({ digit, confidence, probabilities }, pixels) {
      const sure = confidence >= threshold;
      let message = `It looks like a ${labels[digit]}.`;
      if (!sure) {
        const runnerUp = probabilities.map((p, i) => [p, i]).filter(([, i]) => i !== digit)
          .reduce((best, next) => (next[0] > best[0] ? next : best));
        message = `Not sure: ${labels[digit]} or ${labels[runnerUp[1]]}?`;
      }
      show({
        digit: labels[digit], confidence: `${percent(confidence)} confident`, message, probabilities, pixels,
        state: sure ? 'sure' : 'unsure',
      });
    },
  };
}
