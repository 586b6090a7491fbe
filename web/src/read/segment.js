// Mirror of pipeline/read/segment.py, step by step: find the digits of a number in
// the ink map, left to right. Pieces of ink are the marks; specks, dots, lines
// and borders are set aside; marks overlapping horizontally are one digit; the
// model chooses how to read what is left (cuts through touching digits, bending
// around strokes; broken digits joined) by the joint probability of the digits, weighed by how much
// each looks like one whole digit. A candidate may also be read as a mark that is not a digit, by the
// model's eleventh class. The marks of a number (. , - : /) are found first, by their geometry (punctuation.js),
// and taken out. Boxes are {left, top, right, bottom}, half-open, in work pixels until the end.
import { blankReason, digitInput, roundHalfUp, scaleToPeak } from './preprocess.js';
import { findPunctuation, inPlace, shapes } from './punctuation.js';

const LEFT_OUT = -1; // a piece the best reading leaves out
const boxWidth = (b) => b.right - b.left;
const boxHeight = (b) => b.bottom - b.top;
const union = (a, b) => ({
  left: Math.min(a.left, b.left), top: Math.min(a.top, b.top),
  right: Math.max(a.right, b.right), bottom: Math.max(a.bottom, b.bottom),
});
/** The smallest box holding all of `boxes` ({left, top, right, bottom}). */
export const unionAll = (boxes) => boxes.reduce(union);
const overlap = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left));

/**
 * Marks (pieces of ink, or pen strokes) grouped into digits, left to right, and
 * the marks that are lines: {groups: [[index, ...], ...], lines: [index, ...]}.
 * See group_marks.
 */
export function groupMarks(boxes, params) {
  const groups = [];
  const lines = [];
  const order = boxes.map((_, i) => i).sort((i, j) => boxWidth(boxes[i]) - boxWidth(boxes[j]) || i - j);
  for (const i of order) {
    const box = boxes[i];
    const hits = groups.filter((g) => overlap(box, g.box) >= params.overlap * Math.min(boxWidth(box), boxWidth(g.box)));
    const flat = boxWidth(box) >= params.line_aspect * boxHeight(box);
    const under = hits.length === 1 && box.top >= hits[0].box.bottom && boxWidth(box) >= boxWidth(hits[0].box);
    if (flat && (hits.length >= 2 || under)) {
      lines.push(i);
      continue;
    }
    if (!hits.length) {
      groups.push({ box, members: [i] });
      continue;
    }
    const [target, ...others] = hits;
    target.members.push(i);
    target.box = union(target.box, box);
    for (const other of others) {
      target.members.push(...other.members);
      target.box = union(target.box, other.box);
      groups.splice(groups.indexOf(other), 1);
    }
  }
  groups.sort((a, b) => a.box.left - b.box.left || a.box.top - b.box.top
    || Math.min(...a.members) - Math.min(...b.members));
  return { groups: groups.map((g) => g.members.sort((a, b) => a - b)), lines: lines.sort((a, b) => a - b) };
}

/** Which groups are big enough to be digits: not dots or specks beside the tallest. */
export function dropDots(boxes, params) {
  const tallest = Math.max(...boxes.map(boxHeight));
  return boxes.map((b) => Math.max(boxWidth(b), boxHeight(b)) >= params.min_digit_fraction * tallest);
}

// 8-connected pieces of a mask, numbered in raster order of their first pixel (as find_components renumbers them).
export function findComponents(mask, width, height) {
  const labels = new Int32Array(width * height);
  const boxes = [];
  const sizes = [];
  const stack = new Int32Array(width * height);
  for (let start = 0; start < width * height; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = boxes.length + 1;
    const box = { left: width, top: height, right: 0, bottom: 0 };
    let size = 0;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top) {
      const p = stack[--top];
      const x = p % width;
      const y = (p - x) / width;
      size++;
      box.left = Math.min(box.left, x); box.right = Math.max(box.right, x + 1);
      box.top = Math.min(box.top, y); box.bottom = Math.max(box.bottom, y + 1);
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (mask[q] && !labels[q]) {
            labels[q] = label;
            stack[top++] = q;
          }
        }
      }
    }
    boxes.push(box);
    sizes.push(size);
  }
  return { labels, boxes, sizes };
}

/**
 * What segmentation weighs candidate digits by (see model_scores): {probabilities, whole, typicality}, a
 * row each, from the network's outputs by name, the probabilities to answer with and the typicality to weigh by
 * (both with any personal examples: personal.js's personalize and typicality).
 */
export function modelScores(outputs, probabilities, typicality) {
  return { probabilities, whole: outputs.whole_digit.map((row) => row[0]), typicality };
}

// How good candidate k is as a digit, in log-probability (see _digit_score). Its probabilities are those of the
// classes: the `digits` (config.json's labels) first, then "not a digit".
function digitScore(scores, k, box, params, digits) {
  const probability = Math.max(...scores.probabilities[k].slice(0, digits));
  const score = Math.log(Math.max(probability, 1e-30)) + wholeScore(scores, k, params);
  return score - params.wide_penalty * Math.max(0, boxWidth(box) / boxHeight(box) - params.wide_aspect);
}

// What candidate k scores for being one whole thing, a digit or a mark (see _whole_score).
function wholeScore(scores, k, params) {
  const score = params.digit_bonus + params.whole_weight * scores.whole[k];
  return score - params.typical_weight * Math.max(0, params.typical_floor - scores.typicality[k]);
}

// How good candidate k is as a mark that is not a digit, in log-probability (see _mark_score).
function markScore(scores, k, params, digits) {
  const probability = Math.max(scores.probabilities[k][digits], 1e-30);
  return Math.log(probability) + wholeScore(scores, k, params) + params.not_digit_bonus;
}

/** The note for marks read as not digits (see _marks_note). */
export function marksNote(count) {
  return count === 1 ? '1 mark that is not a digit' : `${count} marks that are not digits`;
}

/**
 * Whether candidate k of `scores` reads better as a digit than as a mark that is not one, as readNumber weighs
 * the two (ties: a digit). The pad reads each group of strokes so, as one candidate.
 */
export function readsAsDigit(scores, k, box, config) {
  const digits = config.labels.length;
  return digitScore(scores, k, box, config.segment, digits) >= markScore(scores, k, config.segment, digits);
}

// The `count` items of largest size, in their original order.
function keepLargest(items, sizes, count) {
  const keep = items.map((_, i) => i).sort((i, j) => sizes[j] - sizes[i] || i - j).slice(0, count).sort((i, j) => i - j);
  return keep.map((i) => items[i]);
}

/**
 * The column of a cut in each row of `pixels` (a group's ink, 1 where ink, `width` wide), as cut_path finds it:
 * from top to bottom, a column a row at most, within `reach` of column x, crossing the fewest ink pixels and,
 * among those, staying nearest to x (ties: straight down, then left, then right; the leftmost end).
 */
export function cutPath(pixels, width, height, x, reach) {
  const low = Math.max(0, x - reach);
  const count = Math.min(width - 1, x + reach) - low + 1;
  // One ink pixel crossed outweighs any drift from x.
  const cost = (y, i) => pixels[y * width + low + i] * height * (reach + 1) + Math.abs(low + i - x);
  let total = Array.from({ length: count }, (_, i) => cost(0, i));
  const moves = new Int8Array(height * count); // where each row's best path came from: -1, 0 or +1 columns
  for (let y = 1; y < height; y++) {
    total = total.map((stay, i) => {
      let best = stay;
      if (i > 0 && total[i - 1] < best) [best, moves[y * count + i]] = [total[i - 1], -1];
      if (i + 1 < count && total[i + 1] < best) [best, moves[y * count + i]] = [total[i + 1], 1];
      return best + cost(y, i);
    });
  }
  const path = new Array(height);
  path[height - 1] = total.indexOf(Math.min(...total));
  for (let y = height - 1; y > 0; y--) path[y - 1] = path[y] + moves[y * count + path[y]];
  return path.map((i) => low + i);
}

// The groups of marks of one image, and the pixels of any run of pieces of them (see _Row).
function createRow(ink, components, groups) {
  const { width } = ink;
  const groupOf = new Int32Array(components.boxes.length + 1);
  groups.forEach((members, g) => members.forEach((m) => (groupOf[m + 1] = g + 1)));
  const boxes = groups.map((members) => unionAll(members.map((m) => components.boxes[m])));

  // Where the pieces' pixels can be: their columns, over their groups' rows.
  function bounds(pieces) {
    return unionAll(pieces.map((p) => ({ ...boxes[p.group], left: p.left, right: p.right })));
  }

  // The pieces' pixels within `area` only: a full-image mask per candidate would add up on a wide image.
  function mask(pieces, area) {
    const areaWidth = boxWidth(area);
    const out = new Uint8Array(areaWidth * boxHeight(area));
    for (const piece of pieces) {
      const { top, bottom } = boxes[piece.group];
      // A group's pixels lie within its own rows, which `area` holds.
      for (let y = top; y < bottom; y++) {
        const stop = piece.stops ? piece.stops[y - top] : piece.right;
        for (let x = piece.starts ? piece.starts[y - top] : piece.left; x < stop; x++) {
          if (groupOf[components.labels[y * width + x]] === piece.group + 1) out[(y - area.top) * areaWidth + x - area.left] = 1;
        }
      }
    }
    return out;
  }

  // The pieces' ink box, their ink cropped to it ({data, width, height}) and their pixel count; null without ink.
  function crop(pieces) {
    const area = bounds(pieces);
    const areaWidth = boxWidth(area);
    const inside = mask(pieces, area);
    let top = area.bottom, bottom = -1, left = area.right, right = -1;
    for (let y = area.top; y < area.bottom; y++) {
      for (let x = area.left; x < area.right; x++) {
        if (inside[(y - area.top) * areaWidth + x - area.left]) {
          top = Math.min(top, y); bottom = Math.max(bottom, y);
          left = Math.min(left, x); right = Math.max(right, x);
        }
      }
    }
    if (bottom < 0) return null;
    const box = { left, top, right: right + 1, bottom: bottom + 1 };
    const cropWidth = boxWidth(box);
    const data = new Float64Array(cropWidth * boxHeight(box));
    let size = 0;
    for (let y = box.top; y < box.bottom; y++) {
      for (let x = box.left; x < box.right; x++) {
        if (inside[(y - area.top) * areaWidth + x - area.left]) {
          data[(y - box.top) * cropWidth + x - box.left] = ink.data[y * width + x];
          size++;
        }
      }
    }
    return { box, crop: { data, width: cropWidth, height: boxHeight(box) }, size };
  }

  // The group whole or, when wide enough to be touching digits, cut from its thinnest columns (see _Row.cuts).
  function cuts(group, params) {
    const box = boxes[group];
    const whole = { group, left: box.left, right: box.right, cutInk: 0, starts: null, stops: null };
    if (boxWidth(box) <= params.split_aspect * boxHeight(box)) return [whole];
    const pixels = mask([whole], box);
    const maskWidth = boxWidth(box);
    const height = boxHeight(box);
    const profile = new Int32Array(maskWidth);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < maskWidth; x++) profile[x] += pixels[y * maskWidth + x];
    }
    const spacing = Math.max(1, roundHalfUp(params.cut_spacing * height));
    const reach = roundHalfUp(params.cut_reach * height);
    const inner = [];
    for (let x = spacing; x < maskWidth - spacing + 1; x++) inner.push(x);
    inner.sort((a, b) => profile[a] - profile[b] || a - b);
    const chosen = [];
    const most = Math.min(params.max_cuts, Math.trunc(maskWidth / spacing) - 1);
    for (const x of inner) {
      if (chosen.length >= most) break;
      if (chosen.every((c) => Math.abs(x - c) >= spacing)) chosen.push(x);
    }
    const paths = chosen.sort((a, b) => a - b).map((x) => cutPath(pixels, maskWidth, height, x, reach));
    for (let k = 1; k < paths.length; k++) paths[k] = paths[k].map((x, y) => Math.max(x, paths[k - 1][y]));
    const crossed = paths.map((path) => path.reduce((sum, x, y) => sum + pixels[y * maskWidth + x], 0) / height);
    const edges = [null, ...paths.map((path) => path.map((x) => box.left + x)), null];
    const pieces = [];
    for (let k = 0; k + 1 < edges.length; k++) {
      const [starts, stops] = [edges[k], edges[k + 1]];
      pieces.push({
        group, left: starts ? Math.min(...starts) : box.left, right: stops ? Math.max(...stops) : box.right,
        cutInk: k ? crossed[k - 1] : 0, starts, stops,
      });
    }
    // A cut through a gap between two marks of the group can leave a piece with no ink.
    return pieces.filter((piece) => mask([piece], box).some(Boolean));
  }

  // Pieces of different groups make one digit only when the gaps between them are small.
  function closeEnough(run, params) {
    const tallest = Math.max(...run.map((p) => boxHeight(boxes[p.group])));
    for (let k = 0; k + 1 < run.length; k++) {
      const [a, b] = [run[k], run[k + 1]];
      if (a.group !== b.group && boxes[b.group].left - boxes[a.group].right > params.merge_gap * tallest) return false;
    }
    return true;
  }

  return { boxes, crop, cuts, closeEnough };
}

function toSource(box, map) {
  const scaleY = map.sourceHeight / map.ink.height;
  const scaleX = map.sourceWidth / map.ink.width;
  const left = roundHalfUp(box.left * scaleX);
  const top = roundHalfUp(box.top * scaleY);
  return [left, top, roundHalfUp(box.right * scaleX) - left, roundHalfUp(box.bottom * scaleY) - top];
}

/**
 * The groups of marks that may be digits, left to right, the marks of a number, and what was set aside (see
 * find_marks): {components, groups, shapes, punctuation, notes}.
 */
export function findMarks(map, params) {
  const { ink } = map;
  const scaled = scaleToPeak(ink.data, map.contrast, params.preprocess);
  const mask = scaled.map((v) => (v > 0 ? 1 : 0));
  const components = findComponents(mask, ink.width, ink.height);
  const seg = params.segment;
  const { boxes } = components;
  const tallest = Math.max(...boxes.map(boxHeight));
  const notes = [];
  const specks = boxes.map((b) => Math.max(boxWidth(b), boxHeight(b)) < seg.speck_fraction * tallest);
  const spanning = boxes.map((b) => b.left === 0 && b.right === ink.width);
  const pieces = shapes(components.labels, boxes, mask, ink.width, ink.height);
  const unruled = boxes.map((_, i) => i).filter((i) => !spanning[i]);
  const punctuation = findPunctuation(pieces, unruled.length ? unruled : boxes.map((_, i) => i), params);
  const used = new Set(punctuation.flatMap((mark) => mark.members));
  let marks = boxes.map((_, i) => i).filter((i) => !specks[i] && !spanning[i] && !used.has(i));
  if (!marks.length) marks = boxes.map((_, i) => i).filter((i) => !specks[i] && !used.has(i));
  if (!marks.length) return { components, groups: [], shapes: pieces, punctuation, notes };
  if (spanning.some(Boolean)) notes.push(`${spanning.filter(Boolean).length} line(s) across the whole image ignored`);
  const grouped = groupMarks(marks.map((i) => boxes[i]), seg);
  if (grouped.lines.length) notes.push(`${grouped.lines.length} underline(s) or rule(s) ignored`);
  let groups = grouped.groups.map((members) => members.map((m) => marks[m]));
  const big = dropDots(groups.map((members) => unionAll(members.map((m) => boxes[m]))), seg);
  if (!big.every(Boolean)) notes.push(`${big.filter((b) => !b).length} dot(s) or speck(s) ignored`);
  groups = groups.filter((_, g) => big[g]);
  const most = 2 * seg.max_digits;
  if (groups.length > most) {
    const sizes = groups.map((members) => members.reduce((total, m) => total + components.sizes[m], 0));
    groups = keepLargest(groups, sizes, most);
  }
  return { components, groups, shapes: pieces, punctuation, notes };
}

/**
 * The candidate digits of a (not blank) ink map (see find_candidates): {pieces, spans: [[start, end)],
 * boxes, sizes (ink pixels), inputs: 28x28 Float32Arrays, notes}.
 */
export function findCandidates(map, config) {
  const seg = config.segment;
  const { ink } = map;
  const found = findMarks(map, config);
  const row = createRow(ink, found.components, found.groups);
  const pieces = found.groups.flatMap((_, g) => row.cuts(g, seg));
  const shortest = seg.min_height_fraction * Math.max(0, ...row.boxes.map(boxHeight));
  // A mark whole is always a candidate, even when cut into more than max_pieces (a small digit's cuts are close).
  const groupEnd = new Map(pieces.map((piece, i) => [piece.group, i + 1]));
  const spans = [];
  const boxes = [];
  const sizes = [];
  const crops = [];
  for (let start = 0; start < pieces.length; start++) {
    const ends = [];
    for (let end = start + 1; end <= Math.min(pieces.length, start + seg.max_pieces); end++) ends.push(end);
    const wholeMark = groupEnd.get(pieces[start].group);
    if ((start === 0 || pieces[start - 1].group !== pieces[start].group) && wholeMark > ends[ends.length - 1]) {
      ends.push(wholeMark);
    }
    for (const end of ends) {
      const run = pieces.slice(start, end);
      if (end - start > 1 && !row.closeEnough(run, seg)) break;
      const cropped = row.crop(run);
      if (cropped && boxHeight(cropped.box) >= shortest) {
        spans.push([start, end]);
        boxes.push(cropped.box);
        crops.push(cropped.crop);
        sizes.push(cropped.size);
      }
    }
  }
  const inputs = crops.map((crop) => digitInput(crop, config));
  return { pieces, spans, boxes, sizes, inputs, notes: found.notes, shapes: found.shapes, punctuation: found.punctuation };
}

/**
 * The digits in an ink map (preprocess.js's inkMap), left to right, and the marks read as not digits:
 * {digits: [{box: [x, y, width, height] in source pixels, pixels, classes}], marks: [the same], reason}, where
 * `classes` are the probabilities of the ten digits and then of "not a digit".
 * `classify(inputs)` takes an array of 28x28 Float32Arrays and resolves to their scores (modelScores).
 */
export async function readNumber(map, config, classify) {
  if (map.blank) return { digits: [], marks: [], reason: blankReason(map) };
  const seg = config.segment;
  const digitCount = config.labels.length;
  const found = findCandidates(map, config);
  const { pieces, notes } = found;
  const scores = found.inputs.length ? await classify(found.inputs) : { probabilities: [], whole: [], typicality: [] };

  // Best reading of the first `end` pieces: the highest total log-probability (a Viterbi pass). A run of pieces
  // is a digit or a mark that is not a digit; a piece may also be left out, at a cost: the bar of a 5 too far
  // from it, a stray mark.
  // Only a whole group of marks (connected ink, or strokes over each other) may be a mark that is not a digit:
  // a piece cut from a digit, or two digits apart, must not be set aside as one for free. "Nr" is two marks.
  const wholeGroup = found.spans.map(([a, b]) => (a === 0 || pieces[a - 1].group !== pieces[a].group)
    && (b === pieces.length || pieces[b].group !== pieces[b - 1].group)
    && pieces[a].group === pieces[b - 1].group);
  // A group the model, seeing it whole, takes surely for a mark that is not a digit is cut at a cost of those
  // log-odds too: a zigzag is not a row of 1s (see read_number).
  const markOdds = new Map();
  found.spans.forEach(([a], i) => {
    if (!wholeGroup[i]) return;
    const mark = Math.min(Math.max(scores.probabilities[i][digitCount], 1e-9), 1 - 1e-9);
    markOdds.set(pieces[a].group, Math.max(0, Math.log(mark / (1 - mark))));
  });
  const best = [0, ...pieces.map(() => -Infinity)];
  const back = best.map(() => ({ k: LEFT_OUT, isDigit: false })); // (candidate, read as a digit)
  let k = 0;
  for (let start = 0; start < pieces.length; start++) {
    if (best[start] - seg.skip_penalty > best[start + 1]) {
      best[start + 1] = best[start] - seg.skip_penalty;
      back[start + 1] = { k: LEFT_OUT, isDigit: false };
    }
    for (; k < found.spans.length && found.spans[k][0] === start; k++) {
      const end = found.spans[k][1];
      let cut = 0;
      if (end < pieces.length && pieces[end].group === pieces[end - 1].group) {
        cut = seg.cut_penalty + seg.cut_ink_penalty * pieces[end].cutInk;
        cut += seg.mark_cut_weight * (markOdds.get(pieces[end].group) ?? 0);
      }
      const readings = [[true, digitScore(scores, k, found.boxes[k], seg, digitCount)]];
      if (wholeGroup[k]) readings.push([false, markScore(scores, k, seg, digitCount)]);
      for (const [isDigit, score] of readings) {
        if (best[start] + score - cut > best[end]) {
          best[end] = best[start] + score - cut;
          back[end] = { k, isDigit };
        }
      }
    }
  }
  let chosen = [];
  let leftOut = 0;
  for (let end = pieces.length; end > 0;) {
    if (back[end].k === LEFT_OUT) {
      leftOut++;
      end--;
    } else {
      chosen.push(back[end]);
      end = found.spans[back[end].k][0];
    }
  }
  chosen.reverse();
  if (!chosen.length && found.spans.length) {
    // Every mark left out: read the likeliest candidate rather than nothing, as the whole image would be read.
    // The first of equals wins, as Python's max() keeps it: candidates in order, each a digit before a mark.
    let bestScore = -Infinity;
    let bestChoice = null;
    for (let c = 0; c < found.spans.length; c++) {
      for (const isDigit of wholeGroup[c] ? [true, false] : [true]) {
        const score = isDigit ? digitScore(scores, c, found.boxes[c], seg, digitCount) : markScore(scores, c, seg, digitCount);
        if (bestChoice === null || score > bestScore) [bestScore, bestChoice] = [score, { k: c, isDigit }];
      }
    }
    chosen = [bestChoice];
    leftOut = pieces.length - (found.spans[bestChoice.k][1] - found.spans[bestChoice.k][0]);
  }
  if (leftOut) notes.push(`${leftOut} small mark(s) left out`);

  const read = (c) => ({ box: toSource(found.boxes[c], map), pixels: found.inputs[c], classes: scores.probabilities[c] });
  let digits = chosen.filter((c) => c.isDigit).map((c) => read(c.k));
  const marks = chosen.filter((c) => !c.isDigit).map((c) => read(c.k));
  if (digits.length > seg.max_digits) {
    const sizes = chosen.filter((c) => c.isDigit).map((c) => found.sizes[c.k]);
    notes.push(`${digits.length - seg.max_digits} more mark(s) dropped: at most ${seg.max_digits} digits are read`);
    digits = keepLargest(digits, sizes, seg.max_digits);
  }
  // A mark alone in the image needs no digit; among marks that may be digits, one beside the digits read does.
  const columns = chosen.filter((c) => c.isDigit).map((c) => (found.boxes[c.k].left + found.boxes[c.k].right) / 2);
  let placed = found.spans.length ? inPlace(found.punctuation, found.shapes, columns) : found.punctuation;
  // At most max_digits characters in all: the least sure marks go first (the first of equals, as Python's min()).
  const placeable = placed.length;
  while (placed.length && placed.length + digits.length > seg.max_digits) {
    const least = placed.reduce((a, b) => (b.confidence < a.confidence ? b : a));
    placed = placed.filter((m) => m !== least);
  }
  if (placed.length < placeable) {
    notes.push(`${placeable - placed.length} more mark(s) dropped: at most ${seg.max_digits} characters are read`);
  }
  const punctuation = placed.map((mark) => ({
    mark: mark.mark,
    box: toSource(unionAll(mark.members.map((k) => found.shapes[k].box)), map),
    confidence: mark.confidence,
  }));
  if (marks.length) notes.unshift(marksNote(marks.length) + (digits.length ? ' left out' : ''));
  else if (!digits.length && !punctuation.length) notes.unshift('no digit found');
  return { digits, marks, punctuation, reason: notes.join('; ') || null };
}

/** The digits and marks of a reading, left to right, by their boxes' centres; ties: the digit (see Reading.text). */
export function readingText({ digits, punctuation = [] }, labels) {
  const items = [
    ...digits.map((d) => [d.box[0] * 2 + d.box[2], 0, labels[argmaxDigit(d.classes, labels.length)]]),
    ...punctuation.map((m) => [m.box[0] * 2 + m.box[2], 1, m.mark]),
  ];
  return items.sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((item) => item[2]).join('');
}

function argmaxDigit(classes, count) {
  let best = 0;
  for (let i = 1; i < count; i++) if (classes[i] > classes[best]) best = i;
  return best;
}
