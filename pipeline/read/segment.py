"""Find the digits of a number in an image, left to right.

It works on the ink map that preprocessing computes (polarity and background
already dealt with). Connected pieces of ink are the marks; specks, dots, lines
and page borders are set aside; marks that overlap horizontally are grouped into
one digit (the detached bar of a 5, a 4 or 7 written in two strokes). What is
left is a row of pieces, and the model itself chooses how to read them: a wide
piece may be touching digits and is offered cuts from its thinnest columns,
bending around strokes; neighbouring pieces may be one broken digit. Every way
of reading the row is scored by the joint probability of its digits, weighed by
how much each looks like one whole digit rather than a piece of one or two run
together (the model's whole_digit output and the distance of its embedding from
the training digits' prototypes), and the best one wins. A candidate may also
be read as a mark that is not a digit, by the model's own probability of that
(its eleventh class): the letters of "Nr 42" are left out of the number, each
with its box, and a word reads no number at all. Each digit then goes through
the single-digit preprocessing unchanged. Before all this, the marks of a number (. , - : /) are told by their
shape and place in the row (`punctuation.py`) and taken out of it, so that a slash is never also read as a 1.

`web/src/read/segment.js` mirrors this file step by step, with the same parameters
(`config.SEGMENT`, written to `dist/config.json`), so the page and
`python -m pipeline predict` find the same boxes and read the same number.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from ..config import IMAGE_SIZE, LABELS, SEGMENT
from .preprocess import InkMap, blank_reason, digit_input, round_half_up, scale_to_peak
from .punctuation import Mark, Shape, find_punctuation, in_place, shapes

_LEFT_OUT = -1  # a piece the best reading leaves out
IMAGE_SHAPE = (IMAGE_SIZE, IMAGE_SIZE)


@dataclass(frozen=True)
class Scores:
    """What the model says of a batch of candidate digits."""

    probabilities: np.ndarray  # (N, 11) of config.CLASSES, with any personal examples' votes
    whole: np.ndarray  # (N,) log-odds that each is one whole digit (the whole_digit output)
    typicality: np.ndarray  # (N,) cosine similarity of each one's embedding to the nearest typical digit


def model_scores(outputs: dict[str, np.ndarray], probabilities: np.ndarray, typicality: np.ndarray) -> Scores:
    """Scores from the network's outputs by name (config.OUTPUTS), the probabilities to answer with and the
    typicality to weigh by (both with any personal examples: personal.personalize, personal.typicality)."""
    whole = outputs["whole_digit"].reshape(-1).astype(np.float64)
    return Scores(probabilities, whole, np.asarray(typicality, dtype=np.float64))


# A batch of 28x28 inputs -> the model's scores of them.
Classify = Callable[[np.ndarray], Scores]


@dataclass(frozen=True)
class Box:
    """A half-open pixel rectangle."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def union(self, other: Box) -> Box:
        return Box(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )

    def overlap(self, other: Box) -> int:
        """Width of the horizontal overlap."""
        return max(0, min(self.right, other.right) - max(self.left, other.left))


@dataclass
class _Group:
    box: Box
    members: list[int]


def group_marks(boxes: list[Box]) -> tuple[list[list[int]], list[int]]:
    """Marks (pieces of ink, or pen strokes) grouped into digits, left to right; and the marks that are lines.

    Narrow marks are placed first, so digits exist before a line that may span them.
    A mark joins the digits it overlaps by `overlap` of the narrower width. A flat
    mark spanning two digits, or lying under one it covers, is an underline or a rule.
    """
    groups: list[_Group] = []
    lines: list[int] = []
    for i in sorted(range(len(boxes)), key=lambda i: (boxes[i].width, i)):
        box = boxes[i]
        hits = [g for g in groups if box.overlap(g.box) >= SEGMENT["overlap"] * min(box.width, g.box.width)]
        flat = box.width >= SEGMENT["line_aspect"] * box.height
        under = len(hits) == 1 and box.top >= hits[0].box.bottom and box.width >= hits[0].box.width
        if flat and (len(hits) >= 2 or under):
            lines.append(i)
            continue
        if not hits:
            groups.append(_Group(box, [i]))
            continue
        target = hits[0]
        target.members.append(i)
        target.box = target.box.union(box)
        for other in hits[1:]:
            target.members += other.members
            target.box = target.box.union(other.box)
            groups.remove(other)
    groups.sort(key=lambda g: (g.box.left, g.box.top, min(g.members)))
    return [sorted(g.members) for g in groups], sorted(lines)


def drop_dots(boxes: list[Box]) -> list[bool]:
    """Which groups are big enough to be digits: not dots or specks beside the tallest."""
    tallest = max(box.height for box in boxes)
    limit = SEGMENT["min_digit_fraction"] * tallest
    return [max(box.width, box.height) >= limit for box in boxes]


@dataclass(frozen=True)
class Components:
    """Connected pieces of ink (8-connected), numbered in raster order of their first pixel."""

    labels: np.ndarray  # 0 = no ink, k = piece k - 1
    boxes: list[Box]
    sizes: list[int]  # pixel counts


def find_components(mask: np.ndarray) -> Components:
    labels, count = ndimage.label(mask, structure=np.ones((3, 3), dtype=int))
    # Renumber by first pixel in raster order, the order the browser's scan finds them in.
    _, first = np.unique(labels.ravel(), return_index=True)
    order = np.argsort(first[1:]) if count else np.array([], dtype=int)
    renumber = np.zeros(count + 1, dtype=np.int32)
    renumber[order + 1] = np.arange(1, count + 1)
    labels = renumber[labels]
    slices = ndimage.find_objects(labels)
    boxes = [Box(s[1].start, s[0].start, s[1].stop, s[0].stop) for s in slices]
    sizes = np.bincount(labels.ravel(), minlength=count + 1)[1:].tolist()
    return Components(labels, boxes, sizes)


@dataclass(frozen=True)
class Piece:
    """One group of marks whole, or the part of it between two cuts: in each of the group's rows, the columns
    [starts[row], stops[row]), or [left, right) where a side is the group's own edge (None)."""

    group: int
    left: int  # the leftmost column the piece can hold
    right: int
    cut_ink: float = 0.0  # where the piece starts at a cut: ink pixels the cut crosses / the group's height
    starts: tuple[int, ...] | None = None
    stops: tuple[int, ...] | None = None


def cut_path(pixels: np.ndarray, x: int, reach: int) -> np.ndarray:
    """The column of a cut in each row of `pixels` (a group's ink, True where ink): from top to bottom, a column
    a row at most, within `reach` of column x, crossing the fewest ink pixels and, among those, staying
    nearest to x (ties: straight down, then left, then right; the leftmost end). Pixels left of it are one side."""
    height, width = pixels.shape
    low, high = max(0, x - reach), min(width - 1, x + reach)
    columns = np.arange(low, high + 1)
    # One ink pixel crossed outweighs any drift from x.
    cost = pixels[:, low : high + 1].astype(np.int64) * (height * (reach + 1)) + np.abs(columns - x)
    never = np.iinfo(np.int64).max // 2
    total = cost[0].copy()
    moves = np.zeros(cost.shape, dtype=np.int64)  # where each row's best path came from: -1, 0 or +1 columns
    for row in range(1, height):
        best = total.copy()
        for move, source in ((-1, np.r_[never, total[:-1]]), (1, np.r_[total[1:], never])):
            better = source < best
            best[better], moves[row, better] = source[better], move
        total = best + cost[row]
    path = np.empty(height, dtype=np.int64)
    path[-1] = int(np.argmin(total))
    for row in range(height - 1, 0, -1):
        path[row - 1] = path[row] + moves[row, path[row]]
    return low + path


@dataclass
class DigitRead:
    """A candidate read as a digit, or (in Reading.marks) as a mark that is not one."""

    box: list[int]  # [x, y, width, height] in the source image's pixels
    pixels: np.ndarray  # the model's 28x28 input
    classes: np.ndarray  # probabilities of config.CLASSES: the ten digits, then "not a digit"

    @property
    def probabilities(self) -> np.ndarray:
        """The ten digits' probabilities; with not_digit they add up to one."""
        return self.classes[: len(LABELS)]

    @property
    def not_digit(self) -> float:
        return float(self.classes[len(LABELS)])

    @property
    def digit(self) -> int:
        return int(self.probabilities.argmax())

    @property
    def confidence(self) -> float:
        return float(self.probabilities.max())


@dataclass
class PunctuationRead:
    """A mark of a number read (read/punctuation.py): one of punctuation.MARKS."""

    mark: str
    box: list[int]  # [x, y, width, height] in the source image's pixels
    confidence: float


@dataclass
class Reading:
    digits: list[DigitRead] = field(default_factory=list)
    reason: str | None = None  # why nothing, or something, was left out
    marks: list[DigitRead] = field(default_factory=list)  # marks read as not digits, left to right
    punctuation: list[PunctuationRead] = field(default_factory=list)  # marks of the number, left to right

    @property
    def number(self) -> str:
        return "".join(str(d.digit) for d in self.digits)

    @property
    def text(self) -> str:
        """The digits and the marks of the number, left to right (by their boxes' centres; ties: the digit)."""
        items = [(d.box[0] * 2 + d.box[2], 0, str(d.digit)) for d in self.digits]
        items += [(m.box[0] * 2 + m.box[2], 1, m.mark) for m in self.punctuation]
        return "".join(character for _, _, character in sorted(items, key=lambda item: item[:2]))


class _Row:
    """The groups of marks of one image, and the pixels of any run of pieces of them."""

    def __init__(self, ink: InkMap, components: Components, groups: list[list[int]]) -> None:
        self.ink = ink
        self.labels = components.labels
        self.group_of = np.zeros(len(components.boxes) + 1, dtype=np.int32)  # label -> group number + 1
        for g, members in enumerate(groups):
            self.group_of[np.array(members) + 1] = g + 1
        self.boxes = [_union([components.boxes[m] for m in members]) for members in groups]

    def bounds(self, pieces: list[Piece]) -> Box:
        """Where the pieces' pixels can be: their columns, over their groups' rows."""
        return _union([Box(p.left, self.boxes[p.group].top, p.right, self.boxes[p.group].bottom) for p in pieces])

    def mask(self, pieces: list[Piece], bounds: Box) -> np.ndarray:
        """The pieces' pixels within `bounds` only: a full-image mask per candidate would add up on a wide image."""
        labels = self.labels[bounds.top : bounds.bottom, bounds.left : bounds.right]
        mask = np.zeros(labels.shape, dtype=bool)
        columns = np.arange(bounds.left, bounds.right)
        for piece in pieces:
            box = self.boxes[piece.group]
            rows = slice(box.top - bounds.top, box.bottom - bounds.top)  # a group's pixels lie within its own rows
            starts = np.array(piece.starts) if piece.starts else np.full(box.height, piece.left)
            stops = np.array(piece.stops) if piece.stops else np.full(box.height, piece.right)
            between = (columns >= starts[:, None]) & (columns < stops[:, None])
            mask[rows] |= between & (self.group_of[labels[rows]] == piece.group + 1)
        return mask

    def crop(self, pieces: list[Piece]) -> tuple[Box, np.ndarray, int] | None:
        """The pieces' ink box, their ink cropped to it, and their pixel count; None when they hold no ink."""
        bounds = self.bounds(pieces)
        mask = self.mask(pieces, bounds)
        rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        if not len(rows):
            return None
        inside = mask[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        top, left = bounds.top + int(rows[0]), bounds.left + int(cols[0])
        box = Box(left, top, left + inside.shape[1], top + inside.shape[0])
        ink = self.ink.ink[box.top : box.bottom, box.left : box.right]
        return box, np.where(inside, ink, 0.0), int(np.count_nonzero(inside))

    def cuts(self, group: int) -> list[Piece]:
        """The group whole or, when wide enough to be touching digits, cut from its thinnest columns."""
        box = self.boxes[group]
        whole = Piece(group, box.left, box.right)
        if box.width <= SEGMENT["split_aspect"] * box.height:
            return [whole]
        pixels = self.mask([whole], box)
        # Pixel counts, not ink sums, so that ties (and their order) are the same in the browser.
        profile = pixels.sum(axis=0)
        spacing = max(1, round_half_up(SEGMENT["cut_spacing"] * box.height))
        reach = round_half_up(SEGMENT["cut_reach"] * box.height)
        inner = range(spacing, box.width - spacing + 1)
        chosen: list[int] = []
        most = min(SEGMENT["max_cuts"], int(box.width / spacing) - 1)
        for x in sorted(inner, key=lambda x: (int(profile[x]), x)):
            if len(chosen) >= most:
                break
            if all(abs(x - c) >= spacing for c in chosen):
                chosen.append(x)
        rows = np.arange(box.height)
        paths = [cut_path(pixels, x, reach) for x in sorted(chosen)]
        for left, right in zip(paths, paths[1:], strict=False):
            np.maximum(right, left, out=right)
        crossed = [int(pixels[rows, path].sum()) / box.height for path in paths]
        paths = [tuple((box.left + path).tolist()) for path in paths]
        edges: list[tuple[int, ...] | None] = [None, *paths, None]
        pieces = [
            Piece(group, min(a) if a else box.left, max(b) if b else box.right, ([0.0, *crossed])[k], a, b)
            for k, (a, b) in enumerate(zip(edges, edges[1:], strict=False))
        ]
        # A cut through a gap between two marks of the group can leave a piece with no ink.
        return [piece for piece in pieces if self.mask([piece], box).any()]


def _union(boxes: list[Box]) -> Box:
    result = boxes[0]
    for box in boxes[1:]:
        result = result.union(box)
    return result


def to_source(box: Box, ink: InkMap) -> list[int]:
    """[x, y, width, height] in the source image's pixels."""
    scale_y = ink.source_shape[0] / ink.ink.shape[0]
    scale_x = ink.source_shape[1] / ink.ink.shape[1]
    left, top = round_half_up(box.left * scale_x), round_half_up(box.top * scale_y)
    right, bottom = round_half_up(box.right * scale_x), round_half_up(box.bottom * scale_y)
    return [left, top, right - left, bottom - top]


def _whole_score(scores: Scores, k: int) -> float:
    """What candidate k scores for being one whole thing, a digit or a mark, in log-probability: see
    config.SEGMENT."""
    score = SEGMENT["digit_bonus"] + SEGMENT["whole_weight"] * float(scores.whole[k])
    return score - SEGMENT["typical_weight"] * max(0.0, SEGMENT["typical_floor"] - float(scores.typicality[k]))


def _digit_score(scores: Scores, k: int, box: Box) -> float:
    """How good a digit candidate k is, in log-probability: see config.SEGMENT."""
    score = math.log(max(float(scores.probabilities[k][: len(LABELS)].max()), 1e-30)) + _whole_score(scores, k)
    return score - SEGMENT["wide_penalty"] * max(0.0, box.width / box.height - SEGMENT["wide_aspect"])


def _mark_score(scores: Scores, k: int) -> float:
    """How good candidate k is as a mark that is not a digit, in log-probability: see config.SEGMENT. As a digit's
    score, but for the class's probability and the bonus, and with no doubt for being wide (a word is)."""
    probability = max(float(scores.probabilities[k][len(LABELS)]), 1e-30)
    return math.log(probability) + _whole_score(scores, k) + SEGMENT["not_digit_bonus"]


def reads_as_digit(scores: Scores, k: int, box: Box) -> bool:
    """Whether candidate k reads better as a digit than as a mark that is not one, as read_number weighs the two
    (ties: a digit). The page's pad reads each group of strokes so, as one candidate (segment.js's readsAsDigit)."""
    return _digit_score(scores, k, box) >= _mark_score(scores, k)


def _marks_note(count: int) -> str:
    return "1 mark that is not a digit" if count == 1 else f"{count} marks that are not digits"


def _keep_largest(items: list, sizes: list[int], count: int) -> list:
    """The `count` items of largest size, in their original order."""
    keep = sorted(sorted(range(len(items)), key=lambda i: (-sizes[i], i))[:count])
    return [items[i] for i in keep]


@dataclass(frozen=True)
class Marks:
    """What find_marks finds: the components, the groups of them that may be digits (left to right), the marks of
    a number among them (read/punctuation.py), and notes on what was set aside."""

    components: Components
    groups: list[list[int]]
    shapes: list[Shape]
    punctuation: list[Mark]
    notes: list[str]


def find_marks(ink: InkMap) -> Marks:
    """The groups of marks that may be digits, left to right, the marks of a number, and what was set aside."""
    mask = scale_to_peak(ink.ink, ink.contrast) > 0
    components = find_components(mask)
    boxes = components.boxes
    tallest = max(box.height for box in boxes)
    notes = []
    specks = [max(b.width, b.height) < SEGMENT["speck_fraction"] * tallest for b in boxes]
    # A piece touching both side edges is a rule, a frame or a grid (unless it is all there is).
    width = ink.ink.shape[1]
    spanning = [b.left == 0 and b.right == width for b in boxes]
    pieces = shapes(components.labels, boxes, mask)
    punctuation = find_punctuation(pieces, [i for i in range(len(boxes)) if not spanning[i]] or list(range(len(boxes))))
    used = {k for mark in punctuation for k in mark.members}
    marks = [i for i in range(len(boxes)) if not specks[i] and not spanning[i] and i not in used]
    if not marks:
        marks = [i for i in range(len(boxes)) if not specks[i] and i not in used]
    if not marks:
        return Marks(components, [], pieces, punctuation, notes)
    elif any(spanning):
        notes.append(f"{sum(spanning)} line(s) across the whole image ignored")
    groups, lines = group_marks([boxes[i] for i in marks])
    if lines:
        notes.append(f"{len(lines)} underline(s) or rule(s) ignored")
    groups = [[marks[m] for m in members] for members in groups]
    big = drop_dots([_union([boxes[m] for m in members]) for members in groups])
    if not all(big):
        notes.append(f"{big.count(False)} dot(s) or speck(s) ignored")
    groups = [members for members, keep in zip(groups, big, strict=True) if keep]
    # Bounds the work on a page of text or a noise photo: the largest marks are the likeliest digits.
    most = 2 * SEGMENT["max_digits"]
    if len(groups) > most:
        sizes = [sum(components.sizes[m] for m in members) for members in groups]
        groups = _keep_largest(groups, sizes, most)
    return Marks(components, groups, pieces, punctuation, notes)


@dataclass
class Candidates:
    """Every run of up to max_pieces neighbouring pieces that is tall enough to be a digit."""

    pieces: list[Piece]
    spans: list[tuple[int, int]]  # [start, end) in pieces, in order of start
    boxes: list[Box]  # in work pixels
    sizes: list[int]  # ink pixels
    inputs: np.ndarray  # (N, 28, 28), each through the single-digit preprocessing
    notes: list[str]  # what find_marks set aside
    shapes: list[Shape]  # of every component
    punctuation: list[Mark]  # the marks of a number, before they are placed among the digits read


def find_candidates(ink: InkMap) -> Candidates:
    """The candidate digits of a (not blank) ink map, for the model to choose among."""
    found = find_marks(ink)
    row = _Row(ink, found.components, found.groups)
    pieces = [piece for g in range(len(found.groups)) for piece in row.cuts(g)]
    shortest = SEGMENT["min_height_fraction"] * max((box.height for box in row.boxes), default=0)
    # A mark whole is always a candidate, even when cut into more than max_pieces (a small digit's cuts are close).
    group_end = {piece.group: i + 1 for i, piece in enumerate(pieces)}
    spans, boxes, sizes, crops = [], [], [], []
    for start in range(len(pieces)):
        ends = list(range(start + 1, min(len(pieces), start + SEGMENT["max_pieces"]) + 1))
        whole_mark = group_end[pieces[start].group]
        if (start == 0 or pieces[start - 1].group != pieces[start].group) and whole_mark > ends[-1]:
            ends.append(whole_mark)
        for end in ends:
            run = pieces[start:end]
            if end - start > 1 and not _close_enough(run, row):
                break
            cropped = row.crop(run)
            if cropped is not None and cropped[0].height >= shortest:
                box, crop, size = cropped
                spans.append((start, end))
                boxes.append(box)
                crops.append(crop)
                sizes.append(size)
    inputs = np.array([digit_input(crop) for crop in crops])
    return Candidates(
        pieces, spans, boxes, sizes, inputs.reshape(-1, *IMAGE_SHAPE), found.notes, found.shapes, found.punctuation
    )


def read_number(ink: InkMap, classify: Classify) -> Reading:
    """The digits in an ink map, left to right, read by `classify`."""
    if ink.is_blank:
        return Reading(reason=blank_reason(ink))
    found = find_candidates(ink)
    pieces, notes = found.pieces, found.notes
    if len(found.inputs):
        scores = classify(found.inputs)
    else:
        scores = Scores(np.zeros((0, len(LABELS) + 1)), np.zeros(0), np.zeros(0))

    # Best reading of the first `end` pieces: the highest total log-probability (a Viterbi pass). A run of pieces
    # is a digit or a mark that is not a digit; a piece may also be left out, at a cost: the bar of a 5 too far
    # from it, a stray mark.
    # Only a whole group of marks (connected ink, or strokes over each other) may be a mark that is not a digit:
    # a piece cut from a digit, or two digits apart, must not be set aside as one for free. "Nr" is two marks.
    whole_group = [
        (a == 0 or pieces[a - 1].group != pieces[a].group)
        and (b == len(pieces) or pieces[b].group != pieces[b - 1].group)
        and pieces[a].group == pieces[b - 1].group
        for a, b in found.spans
    ]
    # A group the model, seeing it whole, takes surely for a mark that is not a digit is cut at a cost of those
    # log-odds too: a zigzag is not a row of 1s. Touching digits, whole, are digits to it (model/not_digit.py).
    mark_odds: dict[int, float] = {}
    for k, (a, _) in enumerate(found.spans):
        if whole_group[k]:
            mark = min(max(float(scores.probabilities[k][len(LABELS)]), 1e-9), 1 - 1e-9)
            mark_odds[pieces[a].group] = max(0.0, math.log(mark / (1 - mark)))
    best = [0.0] + [-math.inf] * len(pieces)
    back: list[tuple[int, bool]] = [(_LEFT_OUT, False)] * (len(pieces) + 1)  # (candidate, read as a digit)
    k = 0
    for start in range(len(pieces)):
        if best[start] - SEGMENT["skip_penalty"] > best[start + 1]:
            best[start + 1], back[start + 1] = best[start] - SEGMENT["skip_penalty"], (_LEFT_OUT, False)
        while k < len(found.spans) and found.spans[k][0] == start:
            end = found.spans[k][1]
            cut = 0.0
            if end < len(pieces) and pieces[end].group == pieces[end - 1].group:
                cut = SEGMENT["cut_penalty"] + SEGMENT["cut_ink_penalty"] * pieces[end].cut_ink
                cut += SEGMENT["mark_cut_weight"] * mark_odds.get(pieces[end].group, 0.0)
            readings = [(True, _digit_score(scores, k, found.boxes[k]))]
            if whole_group[k]:
                readings.append((False, _mark_score(scores, k)))
            for is_digit, score in readings:
                if best[start] + score - cut > best[end]:
                    best[end], back[end] = best[start] + score - cut, (k, is_digit)
            k += 1
    chosen: list[tuple[int, bool]] = []
    left_out = 0
    end = len(pieces)
    while end > 0:
        if back[end][0] == _LEFT_OUT:
            left_out, end = left_out + 1, end - 1
        else:
            chosen.append(back[end])
            end = found.spans[back[end][0]][0]
    chosen.reverse()
    if not chosen and found.spans:
        # Every mark left out: read the likeliest candidate rather than nothing, as the whole image would be read.
        best_k, is_digit = max(
            ((k, d) for k in range(len(found.spans)) for d in (True, False) if d or whole_group[k]),
            key=lambda c: _digit_score(scores, c[0], found.boxes[c[0]]) if c[1] else _mark_score(scores, c[0]),
        )
        chosen, left_out = [(best_k, is_digit)], len(pieces) - (found.spans[best_k][1] - found.spans[best_k][0])
    if left_out:
        notes.append(f"{left_out} small mark(s) left out")

    def read(k: int) -> DigitRead:
        return DigitRead(to_source(found.boxes[k], ink), found.inputs[k], scores.probabilities[k])

    digits = [read(k) for k, is_digit in chosen if is_digit]
    marks = [read(k) for k, is_digit in chosen if not is_digit]
    if len(digits) > SEGMENT["max_digits"]:
        sizes = [found.sizes[k] for k, is_digit in chosen if is_digit]
        most = SEGMENT["max_digits"]
        notes.append(f"{len(digits) - most} more mark(s) dropped: at most {most} digits are read")
        digits = _keep_largest(digits, sizes, most)
    # A mark alone in the image needs no digit; among marks that may be digits, one beside the digits read does.
    columns = [(found.boxes[k].left + found.boxes[k].right) / 2 for k, is_digit in chosen if is_digit]
    placed = in_place(found.punctuation, found.shapes, columns) if found.spans else list(found.punctuation)
    # At most max_digits characters in all: the least sure marks go first.
    placeable = len(placed)
    while placed and len(placed) + len(digits) > SEGMENT["max_digits"]:
        placed.remove(min(placed, key=lambda m: m.confidence))
    if len(placed) < placeable:
        most = SEGMENT["max_digits"]
        notes.append(f"{placeable - len(placed)} more mark(s) dropped: at most {most} characters are read")
    punctuation = [_punctuation_read(mark, found.shapes, ink) for mark in placed]
    if marks:
        notes.insert(0, _marks_note(len(marks)) + (" left out" if digits else ""))
    elif not digits and not punctuation:
        notes.insert(0, "no digit found")
    return Reading(digits, "; ".join(notes) or None, marks, punctuation)


def _punctuation_read(mark: Mark, pieces: list[Shape], ink: InkMap) -> PunctuationRead:
    box = _union([pieces[k].box for k in mark.members])
    return PunctuationRead(mark.mark, to_source(box, ink), mark.confidence)


def _close_enough(run: list[Piece], row: _Row) -> bool:
    """Pieces of different groups make one digit only when the gaps between them are small."""
    height = max(row.boxes[p.group].height for p in run)
    for a, b in zip(run, run[1:], strict=False):
        if a.group != b.group and row.boxes[b.group].left - row.boxes[a.group].right > SEGMENT["merge_gap"] * height:
            return False
    return True
