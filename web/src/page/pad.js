// Drawing pad: pointer strokes (mouse, touch, pen) on an opaque white canvas,
// with undo of the last stroke. It is wide enough for a number; the strokes are
// known, so the digits are the strokes grouped by horizontal overlap
// (segment.js's groupMarks), each rendered alone the way a lone digit is, with a
// pen in proportion to its size. The marks of a number (. , - : /) are found in
// the strokes' pixels as in an image's (punctuation.js), and their strokes are no digit's.
// The backing store is HEIGHT pixels tall whatever the screen, so a digit's
// image does not depend on the screen it was drawn on; its width follows the
// pad's shape on the page.
import { findPunctuation, shapes } from '../read/punctuation.js';
import { dropDots, findComponents, groupMarks, unionAll } from '../read/segment.js';

const HEIGHT = 280;
const LINE_WIDTH = 20; // about MNIST's stroke-to-digit ratio at this size
// The marks are found on the strokes painted at this scale: a pen of 10 pixels is ample for their geometry.
const MARKS_SCALE = 0.5;
// Each digit is rendered again from its strokes with a pen in proportion to its size (this share of its longer
// side), at most the pad's: the digits of a number are drawn smaller than a lone one, and the pad's pen would make
// them bolder than MNIST's. Chosen on the tune part of the bench's drawn numbers (docs/experiments.md).
const PEN_PER_SIDE = 0.15;
const MIN_PEN = 3;
const INK = '#000';
const PAPER = '#fff';
// A digit is rendered alone on a square this much larger than its longer side: paper around it,
// as around a lone digit drawn on a square pad.
const DIGIT_MARGIN = 1.5;
// ... and painted at most this many pixels a side: six times the model's 20, and the size every figure of the pad
// was measured at. Photos of rows need more (config.preprocess.work_max_side, raised for the camera); a digit
// painted alone does not, and painted larger a drawn 8 open at the bottom read as "not a digit" (docs/experiments.md).
const DIGIT_PIXELS = 128;
// How the boxes of what was read look on the (always white) pad: a mark left out of the number is grey and
// thin, so it reads as set aside rather than as a doubt about a digit.
const BOX_STYLES = {
  digit: { color: '#0b57d0', dash: [], width: 3 },
  unsure: { color: '#8a4b00', dash: [8, 5], width: 3 }, // as an unsure digit in the answer's row (app.css --warn)
  mark: { color: '#767676', dash: [4, 4], width: 2 },
};

/**
 * The boxes of a reading ({digits, marks, punctuation}), each with its kind: a digit, unsure below `threshold`, or
 * a mark left out as not a digit. The marks of the number are boxed as its digits are.
 */
export function readingBoxes(reading, threshold) {
  const kind = (d) => (d.confidence < threshold ? 'unsure' : 'digit');
  return [
    ...reading.digits.map((d) => ({ box: d.box, kind: kind(d) })),
    ...reading.marks.map((m) => ({ box: m.box, kind: 'mark' })),
    ...(reading.punctuation ?? []).map((m) => ({ box: m.box, kind: kind(m) })),
  ];
}

/**
 * Outlines boxes ({box: [x, y, width, height], kind}) on ctx in their kind's style, mapped by `placement`
 * ({scale, x, y}), with lines `thickness` times the pad's; returns the rectangles drawn.
 */
export function strokeBoxes(ctx, boxes, placement, thickness = 1) {
  return boxes.map(({ box, kind }) => {
    const { color, dash, width } = BOX_STYLES[kind];
    ctx.strokeStyle = color;
    ctx.setLineDash(dash);
    ctx.lineWidth = width * thickness;
    const [x, y, w, h] = box.map((v) => v * placement.scale);
    ctx.strokeRect(x + placement.x, y + placement.y, w, h);
    return [x + placement.x, y + placement.y, w, h];
  });
}

function paintStroke(ctx, points) {
  ctx.beginPath();
  ctx.moveTo(points[0].x, points[0].y);
  if (points.length === 1) ctx.lineTo(points[0].x + 0.01, points[0].y); // a tap leaves a dot
  // Quadratic curves through the midpoints smooth out jagged pointer samples.
  for (let i = 1; i < points.length - 1; i++) {
    const mid = { x: (points[i].x + points[i + 1].x) / 2, y: (points[i].y + points[i + 1].y) / 2 };
    ctx.quadraticCurveTo(points[i].x, points[i].y, mid.x, mid.y);
  }
  if (points.length > 1) ctx.lineTo(points.at(-1).x, points.at(-1).y);
  ctx.stroke();
}

// Strokes on white paper with a pen `pen` pad pixels wide; `view` maps pad pixels onto the canvas
// (x' = (x - view.x) * view.scale).
function paint(ctx, width, height, strokes, view = { x: 0, y: 0, scale: 1 }, pen = LINE_WIDTH) {
  ctx.fillStyle = PAPER;
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = INK;
  ctx.lineWidth = pen;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.save();
  ctx.setTransform(view.scale, 0, 0, view.scale, -view.x * view.scale, -view.y * view.scale);
  for (const stroke of strokes) paintStroke(ctx, stroke);
  ctx.restore();
}

// A stroke's box with its line width, in whole pixels (segment.js's {left, top, right, bottom}).
function strokeBox(points) {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const half = LINE_WIDTH / 2;
  return {
    left: Math.floor(Math.min(...xs) - half), top: Math.floor(Math.min(...ys) - half),
    right: Math.ceil(Math.max(...xs) + half), bottom: Math.ceil(Math.max(...ys) + half),
  };
}

export function createPad(canvas, overlay, onChange) {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const overlayCtx = overlay.getContext('2d');
  const strokes = [];
  const strokeIds = []; // one per stroke, never reused
  let nextStrokeId = 0;
  let active = null; // stroke being drawn, with the pointer that draws it
  let picture = null; // an uploaded image shown instead of strokes, with where it sits
  let width = HEIGHT;

  function redraw() {
    if (picture) return showPicture();
    paint(ctx, width, HEIGHT, strokes);
  }

  // The backing store keeps the pad's shape on the page at HEIGHT pixels tall; strokes keep their coordinates.
  function fitToLayout() {
    const rect = canvas.getBoundingClientRect();
    const next = rect.height > 0 ? Math.max(HEIGHT, Math.round((HEIGHT * rect.width) / rect.height)) : width;
    if (next === width && canvas.width === next) return;
    width = next;
    canvas.width = overlay.width = width;
    canvas.height = overlay.height = HEIGHT;
    redraw();
  }

  // The marks of a number among the strokes, read from the pixels of the strokes as from an image's
  // (punctuation.js): {punctuation: [{mark, confidence, box}], strokesOf: [the strokes of each mark]}. The strokes
  // are painted again at MARKS_SCALE, cropped to their box: the scan then costs a quarter of the pad's pixels at
  // most, and the marks' tests are in strokes and heights, which the scale does not change. `strokeBoxes`
  // holds each stroke's box (strokeBox).
  function strokeMarks(config, strokeBoxes) {
    if (!strokes.length || picture) return { punctuation: [], strokesOf: [] };
    const all = unionAll(strokeBoxes);
    const view = { x: all.left, y: all.top, scale: MARKS_SCALE };
    const w = Math.ceil((all.right - all.left) * MARKS_SCALE);
    const h = Math.ceil((all.bottom - all.top) * MARKS_SCALE);
    const marksCtx = new OffscreenCanvas(w, h).getContext('2d', { willReadFrequently: true });
    paint(marksCtx, w, h, strokes, view);
    const { data } = marksCtx.getImageData(0, 0, w, h);
    const mask = new Uint8Array(w * h);
    for (let i = 0; i < mask.length; i++) mask[i] = data[4 * i] < 128 ? 1 : 0;
    const { labels, boxes } = findComponents(mask, w, h);
    const pieces = shapes(labels, boxes, mask, w, h);
    const marks = findPunctuation(pieces, boxes.map((_, i) => i), config);
    // A stroke is connected ink, so the component under its first point holds all of it.
    const componentOf = strokes.map(([{ x, y }]) => {
      const column = Math.min(w - 1, Math.max(0, Math.round((x - view.x) * MARKS_SCALE)));
      const row = Math.min(h - 1, Math.max(0, Math.round((y - view.y) * MARKS_SCALE)));
      return labels[row * w + column] - 1;
    });
    const strokesOf = marks.map((m) => strokes.map((_, i) => i).filter((i) => m.members.includes(componentOf[i])));
    const punctuation = marks.map(({ mark, confidence, members }) => {
      const box = unionAll(members.map((k) => boxes[k]));
      const [left, top] = [view.x + box.left / MARKS_SCALE, view.y + box.top / MARKS_SCALE];
      const [width, height] = [(box.right - box.left) / MARKS_SCALE, (box.bottom - box.top) / MARKS_SCALE];
      return { mark, confidence, box: [left, top, width, height].map(Math.round) };
    });
    return { punctuation, strokesOf };
  }

  function showPicture() {
    const { image, scale, x, y } = picture;
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, width, HEIGHT);
    const bitmap = new OffscreenCanvas(image.width, image.height);
    bitmap.getContext('2d').putImageData(image, 0, 0);
    ctx.drawImage(bitmap, x, y, image.width * scale, image.height * scale);
  }

  function toCanvas(event) {
    const rect = canvas.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) * width) / rect.width, y: ((event.clientY - rect.top) * HEIGHT) / rect.height };
  }

  canvas.addEventListener('pointerdown', (event) => {
    if (active || event.button > 0) return;
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    picture = null;
    active = { id: event.pointerId, points: [toCanvas(event)] };
    strokes.push(active.points);
    strokeIds.push(nextStrokeId++);
    redraw();
    onChange({ final: false });
  });
  canvas.addEventListener('pointermove', (event) => {
    if (active?.id !== event.pointerId) return;
    const samples = event.getCoalescedEvents?.() ?? [];
    for (const sample of samples.length ? samples : [event]) active.points.push(toCanvas(sample));
    redraw();
    onChange({ final: false });
  });
  const finish = (event) => {
    if (active?.id !== event.pointerId) return;
    active = null;
    onChange({ final: true, pointerUp: true });
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);
  new ResizeObserver(fitToLayout).observe(canvas);
  fitToLayout();

  return {
    isEmpty: () => strokes.length === 0,
    imageData: () => ctx.getImageData(0, 0, width, HEIGHT),
    /**
     * The drawing as digits, left to right, and the marks of the number: {digits: [{key, box: [x, y, width,
     * height], image()}], punctuation: [{mark, confidence, box}], notes}. Each digit's image() is its strokes alone
     * on white paper; lines under or across digits and dots are left out. `key` changes exactly when the digit's
     * strokes do, so its reading can be kept until then.
     */
    digitImages(config) {
      const segmentParams = config.segment;
      const strokeBoxes = strokes.map(strokeBox);
      const { punctuation, strokesOf } = strokeMarks(config, strokeBoxes);
      const inMarks = new Set(strokesOf.flat());
      const kept = strokes.map((_, i) => i).filter((i) => !inMarks.has(i));
      const boxes = kept.map((i) => strokeBoxes[i]);
      const grouped = groupMarks(boxes, segmentParams);
      const lines = grouped.lines;
      const groups = grouped.groups.map((members) => members.map((m) => kept[m]));
      const groupBoxes = grouped.groups.map((members) => unionAll(members.map((m) => boxes[m])));
      const big = groups.length ? dropDots(groupBoxes, segmentParams) : [];
      const notes = [];
      if (lines.length) notes.push(`${lines.length} underline(s) or rule(s) ignored`);
      if (!big.every(Boolean)) notes.push(`${big.filter((b) => !b).length} dot(s) ignored`);
      const digits = groups.flatMap((members, g) => {
        if (!big[g]) return [];
        const box = groupBoxes[g];
        const side = Math.max(box.right - box.left, box.bottom - box.top) * DIGIT_MARGIN;
        // Rendered no larger than DIGIT_PIXELS: the same digit, a fraction of the work.
        const scale = Math.min(1, DIGIT_PIXELS / side);
        const pixels = Math.ceil(side * scale);
        const view = { x: (box.left + box.right - side) / 2, y: (box.top + box.bottom - side) / 2, scale };
        const ink = Math.max(box.right - box.left, box.bottom - box.top) - LINE_WIDTH;
        const pen = Math.min(LINE_WIDTH, Math.max(MIN_PEN, PEN_PER_SIDE * ink));
        const image = () => {
          const digitCtx = new OffscreenCanvas(pixels, pixels).getContext('2d', { willReadFrequently: true });
          paint(digitCtx, pixels, pixels, members.map((m) => strokes[m]), view, pen);
          return digitCtx.getImageData(0, 0, pixels, pixels);
        };
        // A finished stroke never changes and a stroke being drawn only grows: ids and lengths say it all.
        const key = members.map((m) => `${strokeIds[m]}:${strokes[m].length}`).join(',');
        return [{ key, image, box: [box.left, box.top, box.right - box.left, box.bottom - box.top] }];
      });
      return { digits, punctuation, notes };
    },
    /** Shows an uploaded image on the pad (the strokes are cleared); returns how its pixels map onto the pad. */
    showImage(image) {
      strokes.length = 0;
      strokeIds.length = 0;
      active = null;
      const scale = Math.min(width / image.width, HEIGHT / image.height);
      picture = { image, scale, x: (width - image.width * scale) / 2, y: (HEIGHT - image.height * scale) / 2 };
      redraw();
      return picture;
    },
    /**
     * Outlines boxes ([x, y, width, height] in pad pixels, or an image's pixels mapped by `placement`) of a
     * `kind`: a digit, an unsure digit, or a mark left out as not a digit. The overlay's data-boxes lists the
     * kinds drawn, in the order given (for tests and scripts: the canvas itself holds only pixels).
     */
    markBoxes(boxes, placement = { scale: 1, x: 0, y: 0 }) {
      overlayCtx.clearRect(0, 0, overlay.width, overlay.height);
      strokeBoxes(overlayCtx, boxes, placement);
      overlay.dataset.boxes = boxes.map(({ kind }) => kind).join(' ');
    },
    clear() {
      strokes.length = 0;
      strokeIds.length = 0;
      active = null;
      picture = null;
      redraw();
      onChange({ final: true });
    },
    undo() {
      if (active) active = null;
      picture = null;
      strokes.pop();
      strokeIds.pop();
      redraw();
      onChange({ final: true });
    },
  };
}
