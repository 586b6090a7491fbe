// Mirror of pipeline/read/punctuation.py, step by step: the marks written in numbers besides the digits
// (decimal point, comma, minus, colon, slash), told by their shape and place in the row, with the same
// parameters (config.json's `punctuation`). Shapes are {box: {left, top, right, bottom}, area, edge, lean, flatness}.

// Ink with a 4-neighbour that is not ink, or on the border (binary_erosion's border_value=0).
function isEdge(mask, width, height, x, y) {
  return x === 0 || y === 0 || x === width - 1 || y === height - 1 || !mask[y * width + x - 1]
    || !mask[y * width + x + 1] || !mask[(y - 1) * width + x] || !mask[(y + 1) * width + x];
}

/** The shape of each component (segment.js's findComponents: labels and boxes, over the 0/1 mask). */
export function shapes(labels, boxes, mask, width, height) {
  const sums = boxes.map(() => ({ area: 0, edge: 0, sx: 0, sy: 0, sxx: 0, sxy: 0, syy: 0 }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const label = labels[y * width + x];
      if (!label) continue;
      const s = sums[label - 1];
      const b = boxes[label - 1];
      // Moments about the box's corner, in integers summed exactly, as numpy sums them.
      const dx = x - b.left;
      const dy = y - b.top;
      s.area++;
      if (isEdge(mask, width, height, x, y)) s.edge++;
      s.sx += dx; s.sy += dy; s.sxx += dx * dx; s.sxy += dx * dy; s.syy += dy * dy;
    }
  }
  return boxes.map((b, i) => {
    const { area: n, edge, sx, sy, sxx, sxy, syy } = sums[i];
    const vxx = sxx / n - (sx / n) ** 2;
    const vxy = sxy / n - (sx * sy) / n ** 2;
    const vyy = syy / n - (sy / n) ** 2;
    const spread = Math.sqrt(Math.max(0, (vxx - vyy) ** 2 / 4 + vxy ** 2));
    const larger = (vxx + vyy) / 2 + spread;
    const smaller = (vxx + vyy) / 2 - spread;
    return { box: b, area: n, edge, lean: vyy > 0 ? -vxy / vyy : 0, flatness: larger > 0 ? smaller / larger : 1 };
  });
}

const width = (s) => s.box.right - s.box.left;
const height = (s) => s.box.bottom - s.box.top;
const centreY = (s) => (s.box.top + s.box.bottom) / 2;

function median(values) {
  const ordered = [...values].sort((a, b) => a - b);
  const middle = Math.floor(ordered.length / 2);
  return ordered.length % 2 ? ordered[middle] : (ordered[middle - 1] + ordered[middle]) / 2;
}

// The pieces' mean stroke width: twice their area over their edge pixels (see _stroke).
const strokeOf = (pieces) => (2 * pieces.reduce((t, s) => t + s.area, 0)) / Math.max(1, pieces.reduce((t, s) => t + s.edge, 0));

/** The row of the pieces tall enough to be digits (see row_of). */
export function rowOf(tall) {
  const stroke = strokeOf(tall);
  const top = median(tall.map((s) => s.box.top));
  const bottom = median(tall.map((s) => s.box.bottom));
  return { top, bottom, height: bottom - top, stroke, lean: median(tall.map((s) => s.lean)) };
}

function createTests(p) {
  // How surely value >= limit: 0.5 at the limit, sharper the smaller `unit` (by default the limit itself).
  // The exponent is clamped as Python's is, where math.exp overflows.
  const atLeast = (value, limit, unit = limit) => 1 / (1 + Math.exp(Math.min(700, Math.max(-700, (-p.sharpness * (value - limit)) / unit))));
  const atMost = (value, limit, unit = limit) => atLeast(-value, -limit, unit);
  const point = (s, stroke) => {
    const size = Math.max(width(s), height(s));
    return Math.min(
      atLeast(size, p.point_min * stroke),
      atMost(size, p.point_max * stroke),
      atLeast(Math.min(width(s), height(s)), p.point_round * size),
    );
  };
  const bar = (s, stroke, length) => Math.min(
    atLeast(width(s), p.bar_flat * height(s)),
    atMost(height(s), p.bar_thick * stroke),
    atLeast(width(s), length),
  );
  // A point and a comma are both small and low; a comma has a tail (see _in_row).
  const inRow = (s, row) => {
    const h = row.height;
    const y = centreY(s);
    const size = Math.max(width(s), height(s));
    const low = Math.min(
      atLeast(size, p.point_min * row.stroke),
      atMost(size, p.comma_largest * h),
      atLeast(y - row.top, p.point_low * h),
      atMost(y - row.top, (1 + p.point_below) * h),
    );
    const tail = Math.min(atLeast(height(s), p.comma_tall * width(s)), atLeast(s.box.bottom - row.bottom, p.comma_below * h));
    return [
      ['.', Math.min(low, point(s, row.stroke), atMost(size, p.point_largest * h), 1 - tail)],
      [',', Math.min(low, atMost(size, p.comma_max * row.stroke), tail)],
      ['-', Math.min(
        bar(s, row.stroke, p.bar_shortest * h),
        atMost(width(s), p.bar_longest * h),
        atLeast(y - row.top, p.bar_high * h),
        atMost(y - row.top, p.bar_low * h),
      )],
    ];
  };
  const colon = (upper, lower, row) => {
    const within = p.colon_within * row.height;
    return Math.min(
      point(upper, row.stroke),
      point(lower, row.stroke),
      atLeast(centreY(lower) - centreY(upper), p.colon_apart * row.height),
      atLeast(centreY(upper), row.top - within, row.height),
      atMost(centreY(lower), row.bottom + within, row.height),
    );
  };
  const slash = (s, row) => Math.min(
    atMost(s.flatness, p.slash_straight),
    atLeast(height(s), p.slash_tall * row.height),
    atLeast(row.top - s.box.top, p.slash_rise * row.height),
    atLeast(s.lean - row.lean, p.slash_lean, p.lean_unit),
    atLeast(s.lean, p.slash_forward, p.lean_unit),
  );
  return { point, bar, inRow, colon, slash };
}

const overlap = (a, b) => Math.max(0, Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left));

/** Whether a piece is at least as large across as a point of `stroke` can be: smaller, it is a speck (see _no_speck). */
const noSpeck = (shape, stroke, p) => Math.max(width(shape), height(shape)) >= p.point_min * stroke;

/** Whether ink reaching into the row lies over `shape`, in its columns: a broken stroke's foot, not a point (see _beneath). */
function beneath(shape, others, row, p) {
  return others.some((o) => noSpeck(o, row.stroke, p)
    && row.top < o.box.bottom && o.box.bottom <= centreY(shape)
    && overlap(o, shape) > p.inside * width(shape));
}

// The first of equals wins, as Python's max() keeps it.
function best(readings) {
  return readings.reduce((a, b) => (b[1] > a[1] ? b : a));
}

/** A piece with nothing beside it but specks is a point or a bar by its own stroke, or no mark (see _alone). */
function alone(shape, index, others, p, tests) {
  const stroke = strokeOf([shape]);
  if (others.some((o) => noSpeck(o, stroke, p))) return null;
  const point = tests.point(shape, stroke);
  const bar = tests.bar(shape, stroke, p.bar_flat * height(shape));
  const [mark, confidence] = point >= bar ? ['.', point] : ['-', bar];
  return confidence >= 0.5 ? [{ mark, confidence, members: [index] }] : [];
}

/**
 * The marks of a number among the candidates (indices into `pieces`), left to right, each standing where numbers
 * have it: [{mark, confidence, members}] (see find_punctuation). `config` is config.json: its `punctuation` and
 * `segment`.
 */
export function findPunctuation(pieces, candidates, config) {
  const p = config.punctuation;
  const tests = createTests(p);
  const tallest = Math.max(0, ...candidates.map((i) => height(pieces[i])));
  const tall = candidates.filter((i) => height(pieces[i]) >= config.segment.min_height_fraction * tallest);
  if (tall.length === 1) {
    const found = alone(pieces[tall[0]], tall[0], candidates.filter((i) => i !== tall[0]).map((i) => pieces[i]), p, tests);
    if (found) return found;
  }
  const row = rowOf(tall.map((i) => pieces[i]));
  if (row.height <= 0 || row.stroke <= 0) return [];
  const marks = [];
  for (const i of tall) {
    // Measured against the others: in "1/2" the slash would be a third of the row it is compared with.
    const others = tall.filter((k) => k !== i).map((k) => pieces[k]);
    const confidence = others.length ? tests.slash(pieces[i], rowOf(others)) : 0;
    if (confidence >= 0.5) marks.push({ mark: '/', confidence, members: [i] });
  }
  const slashes = new Set(marks.map((m) => m.members[0]));
  const digits = tall.filter((i) => !slashes.has(i));
  // A piece inside another's columns is a part of it (a 7's bar, a 5's flag), whatever it looks like.
  const free = candidates.filter((i) => !slashes.has(i)
    && !digits.some((k) => k !== i && overlap(pieces[i], pieces[k]) > p.inside * width(pieces[i])));
  const used = new Set();
  for (const a of free) {
    for (const b of free) {
      if (a === b || used.has(a) || used.has(b) || centreY(pieces[a]) >= centreY(pieces[b])) continue;
      if (!overlap(pieces[a], pieces[b])) continue;
      const confidence = tests.colon(pieces[a], pieces[b], row);
      if (confidence >= 0.5) {
        marks.push({ mark: ':', confidence, members: [a, b] });
        used.add(a);
        used.add(b);
      }
    }
  }
  for (const i of free) {
    if (used.has(i)) continue;
    const [mark, confidence] = best(tests.inRow(pieces[i], row));
    if (confidence >= 0.5 && !((mark === '.' || mark === ',')
      && beneath(pieces[i], candidates.filter((k) => k !== i).map((k) => pieces[k]), row, p))) {
      marks.push({ mark, confidence, members: [i] });
      used.add(i);
    }
  }
  const placed = inPlace(marks, pieces, digits.filter((i) => !used.has(i)).map((i) => (pieces[i].box.left + pieces[i].box.right) / 2));
  const leftOf = (m) => Math.min(...m.members.map((k) => pieces[k].box.left));
  return placed.sort((a, b) => leftOf(a) - leftOf(b) || compareMembers(a.members, b.members));
}

// Python's tuple order: element by element, then the shorter first.
function compareMembers(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * Whether `mark` centred at column x stands where numbers have it among digits centred at `centres`: a point,
 * comma, colon or slash between two, a bar before one (see stands).
 */
export function stands(mark, x, centres) {
  return centres.some((c) => c > x) && (mark === '-' || centres.some((c) => c < x));
}

/** The marks that stand where numbers have them among digits centred at `centres` (see in_place). */
export function inPlace(marks, pieces, centres) {
  return marks.filter((m) => stands(
    m.mark,
    (Math.min(...m.members.map((k) => pieces[k].box.left)) + Math.max(...m.members.map((k) => pieces[k].box.right))) / 2,
    centres,
  ));
}

// A number as people write one: an optional minus, digits (with commas between thousands) and a decimal part.
const NUMBER = /^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/;

/** The text read as a number where it is one ("-3,188.5" is -3188.5), else null (see number_value). */
export function numberValue(text) {
  return NUMBER.test(text) ? Number(text.replaceAll(',', '')) : null;
}
