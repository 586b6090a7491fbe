// Mirror of pipeline/read/preprocess.py, step by step and in the same arithmetic
// order, so browser and Python give the same 28x28 input for the same RGBA.
// Images are {data, width, height} row-major Float64Arrays unless noted.

// Python's round() is banker's rounding; both sides use floor(x + 0.5).
export const roundHalfUp = (x) => Math.floor(x + 0.5);

// numpy's float64 sum of a contiguous run (pairwise, 8-way unrolled). Matching
// its rounding matters where a centre of mass lands exactly on a half pixel.
function numpySum(values, start, n) {
  if (n < 8) {
    let total = 0;
    for (let i = 0; i < n; i++) total += values[start + i];
    return total;
  }
  if (n <= 128) {
    const r = Array.from({ length: 8 }, (_, j) => values[start + j]);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    let total = (r[0] + r[1] + (r[2] + r[3])) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < n; i++) total += values[start + i];
    return total;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return numpySum(values, start, half) + numpySum(values, start + half, n - half);
}

function toGrayscale({ data, width, height }) {
  const n = width * height;
  const luma = new Float64Array(n);
  const alpha = new Float64Array(n);
  let opaque = true;
  for (let i = 0; i < n; i++) {
    luma[i] = (data[4 * i] / 255) * 0.299 + (data[4 * i + 1] / 255) * 0.587 + (data[4 * i + 2] / 255) * 0.114;
    alpha[i] = data[4 * i + 3] / 255;
    if (alpha[i] < 1) opaque = false;
  }
  if (opaque) return { data: luma, width, height };
  // Visible pixels of a transparent image are the ink: put them on a contrasting background.
  const opaqueWeight = numpySum(alpha, 0, n);
  const weighted = numpySum(alpha.map((a, i) => a * luma[i]), 0, n);
  const inkLuma = opaqueWeight > 0 ? weighted / opaqueWeight : 0;
  const background = inkLuma < 0.5 ? 1 : 0;
  const gray = new Float64Array(n);
  for (let i = 0; i < n; i++) gray[i] = alpha[i] * luma[i] + (1 - alpha[i]) * background;
  return { data: gray, width, height };
}

// Resample one axis by exact area averaging, from running sums (see area_resize_axis).
function areaResizeAxis(image, size, alongRows) {
  const nIn = alongRows ? image.height : image.width;
  const lines = alongRows ? image.width : image.height;
  const step = alongRows ? image.width : 1;
  const lineStep = alongRows ? 1 : image.width;
  const outWidth = alongRows ? image.width : size;
  const outHeight = alongRows ? size : image.height;
  const out = new Float64Array(outWidth * outHeight);
  const outStep = alongRows ? outWidth : 1;
  const outLineStep = alongRows ? 1 : outWidth;
  const base = new Int32Array(size + 1);
  const frac = new Float64Array(size + 1);
  for (let j = 0; j <= size; j++) {
    const edge = (j * nIn) / size;
    base[j] = Math.min(Math.floor(edge), nIn - 1);
    frac[j] = edge - base[j];
  }
  const footprint = nIn / size;
  const running = new Float64Array(nIn + 1);
  const atEdges = new Float64Array(size + 1);
  for (let line = 0; line < lines; line++) {
    for (let i = 0; i < nIn; i++) running[i + 1] = running[i] + image.data[line * lineStep + i * step];
    for (let j = 0; j <= size; j++) {
      const b = base[j];
      atEdges[j] = running[b] + frac[j] * (running[b + 1] - running[b]);
    }
    for (let j = 0; j < size; j++) out[line * outLineStep + j * outStep] = (atEdges[j + 1] - atEdges[j]) / footprint;
  }
  return { data: out, width: outWidth, height: outHeight };
}

const areaResize = (image, height, width) => areaResizeAxis(areaResizeAxis(image, height, true), width, false);

// Running min or max over `window` samples of one line, indices clamped at the
// ends (numpy's edge padding). van Herk/Gil-Werman: O(1) per sample for any
// window, which keeps live prediction within a frame.
function slidingExtreme1d(src, out, start, stride, n, window, isMax, scratch) {
  const { line, prefix, suffix } = scratch;
  const half = Math.floor(window / 2);
  const padded = n + 2 * half;
  for (let p = 0; p < padded; p++) line[p] = src[start + Math.min(Math.max(p - half, 0), n - 1) * stride];
  for (let p = 0; p < padded; p++) {
    const v = line[p];
    if (p % window === 0) prefix[p] = v;
    else prefix[p] = isMax ? Math.max(v, prefix[p - 1]) : Math.min(v, prefix[p - 1]);
  }
  suffix[padded - 1] = line[padded - 1];
  for (let p = padded - 2; p >= 0; p--) {
    const v = line[p];
    if (p % window === window - 1) suffix[p] = v;
    else suffix[p] = isMax ? Math.max(v, suffix[p + 1]) : Math.min(v, suffix[p + 1]);
  }
  for (let i = 0; i < n; i++) {
    out[start + i * stride] = isMax ? Math.max(suffix[i], prefix[i + window - 1]) : Math.min(suffix[i], prefix[i + window - 1]);
  }
}

function slidingExtreme(image, window, isMax) {
  const { width, height } = image;
  const length = Math.max(width, height) + window;
  const scratch = { line: new Float64Array(length), prefix: new Float64Array(length), suffix: new Float64Array(length) };
  const columns = new Float64Array(width * height);
  for (let x = 0; x < width; x++) slidingExtreme1d(image.data, columns, x, width, height, window, isMax, scratch);
  const rows = new Float64Array(width * height);
  for (let y = 0; y < height; y++) slidingExtreme1d(columns, rows, y * width, 1, width, window, isMax, scratch);
  return { data: rows, width, height };
}

function median(values) {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function borderMedian(gray, params) {
  const { width, height } = gray;
  const band = Math.max(1, roundHalfUp(params.border_fraction * Math.min(height, width)));
  const values = [];
  for (let y = 0; y < height; y++) {
    const rowInBand = y < band || y >= height - band;
    for (let x = 0; x < width; x++) {
      if (rowInBand || x < band || x >= width - band) values.push(gray.data[y * width + x]);
    }
  }
  return median(values);
}

// Ink strength >= 0 with the background (a grey opening wider than any stroke) removed.
function extractInk(gray, params) {
  // The ink lies at the far end of the grey range from the border (the paper), however bright the paper is; the
  // bright end's reach is discounted, since a glare adds light to paper and never takes it away.
  const border = borderMedian(gray, params);
  let [low, high] = [Infinity, -Infinity];
  for (const v of gray.data) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  const invert = border - low >= params.bright_reach_weight * (high - border);
  const ink = { ...gray, data: gray.data.map((v) => (invert ? 1 - v : v)) };
  const window = 2 * Math.trunc((params.background_window_fraction * Math.min(ink.height, ink.width)) / 2) + 1;
  const background = slidingExtreme(slidingExtreme(ink, window, false), window, true);
  return { ...ink, data: ink.data.map((v, i) => Math.max(v - background.data[i], 0)) };
}

function crop(image, top, left, height, width) {
  const data = new Float64Array(height * width);
  for (let y = 0; y < height; y++) {
    data.set(image.data.subarray((top + y) * image.width + left, (top + y) * image.width + left + width), y * width);
  }
  return { data, width, height };
}

function centerInField(digit, size, center) {
  const { width, height } = digit;
  const total = numpySum(digit.data, 0, width * height);
  const rowSums = Array.from({ length: height }, (_, y) => numpySum(digit.data, y * width, width));
  const colSums = new Float64Array(width);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) colSums[x] += digit.data[y * width + x];
  let rowMoment = 0;
  rowSums.forEach((sum, y) => (rowMoment += sum * (y + 0.5)));
  let colMoment = 0;
  colSums.forEach((sum, x) => (colMoment += sum * (x + 0.5)));
  const top = Math.min(Math.max(roundHalfUp(center - rowMoment / total), 0), size - height);
  const left = Math.min(Math.max(roundHalfUp(center - colMoment / total), 0), size - width);
  const field = new Float32Array(size * size);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) field[(top + y) * size + left + x] = digit.data[y * width + x];
  }
  return field;
}

// The size the later steps work at: the long side capped at work_max_side, more for a row of digits.
export function workShape(height, width, params) {
  const longest = Math.max(height, width);
  const aspect = Math.min(longest / Math.min(height, width), params.max_aspect);
  const limit = params.work_max_side * Math.max(1, aspect / params.number_aspect);
  if (longest <= limit) return [height, width];
  const scale = limit / longest;
  return [Math.max(1, roundHalfUp(height * scale)), Math.max(1, roundHalfUp(width * scale))];
}

/**
 * RGBA ImageData of any size -> {ink: {data, width, height}, contrast, sourceWidth, sourceHeight, blank}:
 * ink strength at work resolution with the background removed (see ink_map).
 */
export function inkMap(imageData, config) {
  const params = config.preprocess;
  if (!imageData.width || !imageData.height) throw new Error('expected a non-empty image');
  let gray = toGrayscale(imageData);
  const [height, width] = workShape(gray.height, gray.width, params);
  if (height !== gray.height || width !== gray.width) gray = areaResize(gray, height, width);
  const ink = extractInk(gray, params);
  const contrast = ink.data.reduce((a, b) => Math.max(a, b), 0);
  return {
    ink, contrast, sourceWidth: imageData.width, sourceHeight: imageData.height, blank: contrast < params.min_contrast,
  };
}

// Ink scaled to a peak of 1, with values under the noise floor set to 0.
export function scaleToPeak(data, peak, params) {
  const floor = params.noise_floor;
  return data.map((v) => Math.min(Math.max((v / peak - floor) / (1 - floor), 0), 1));
}

/** The ink of one digit (zero elsewhere) -> the model's 28x28 input, Float32Array(size*size). */
export function digitInput(ink, config) {
  const params = config.preprocess;
  const scaled = scaleToPeak(ink.data, ink.data.reduce((a, b) => Math.max(a, b), 0), params);
  let top = ink.height, bottom = -1, left = ink.width, right = -1;
  for (let y = 0; y < ink.height; y++) {
    for (let x = 0; x < ink.width; x++) {
      if (scaled[y * ink.width + x] !== 0) {
        top = Math.min(top, y); bottom = Math.max(bottom, y);
        left = Math.min(left, x); right = Math.max(right, x);
      }
    }
  }
  const digit = crop({ ...ink, data: scaled }, top, left, bottom - top + 1, right - left + 1);
  const scale = params.fit_size / Math.max(digit.height, digit.width);
  const fitted = areaResize(
    digit,
    Math.max(1, roundHalfUp(digit.height * scale)),
    Math.max(1, roundHalfUp(digit.width * scale)),
  );
  return centerInField(fitted, config.image_size, params.center);
}

export const blankReason = (map) => `blank image: no ink found (contrast ${map.contrast.toFixed(2)})`;

/**
 * RGBA ImageData of any size -> {pixels: Float32Array(size*size) in [0, 1]} or
 * {pixels: null, reason} when there is no digit. All the ink is taken as one
 * digit; segment.js's readNumber finds several. `config` is config.json.
 */
export function preprocess(imageData, config) {
  const map = inkMap(imageData, config);
  if (map.blank) return { pixels: null, reason: blankReason(map) };
  return { pixels: digitInput(map.ink, config), reason: null };
}
