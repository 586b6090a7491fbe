"""The marks written in numbers besides the digits: decimal point, comma, minus, colon and slash.

They are told from digits, specks and underlines by geometry alone, in the units of the row they are written in:
its digits' height (from their median top to their median baseline) and its stroke width, measured on the
components tall enough to be digits. A point is about one stroke across, where paper specks are much smaller than
the stroke; a comma is a point with a tail below the baseline; a bar lies flat near the row's middle, where an
underline lies below it; a colon is two points one above the other; a slash is a straight stroke, taller than the
digits and rising above them, leaning right more than the row: its length, not its slant, is what tells it from a 1
written in the same hand. Every test is soft (`config.PUNCTUATION`), so a mark near a limit reads with low
confidence and is shown as unsure, as a digit is.

A mark must also stand where numbers have it (`stands`): a point, comma, colon or slash between two digits, a bar
before one. Elsewhere its piece is read as segmentation reads any other. With no digit at all, a lone point or bar is
the answer.

`web/src/read/punctuation.js` mirrors this file step by step, with the same parameters (`config.PUNCTUATION`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import ndimage

from ..config import PUNCTUATION, SEGMENT

if TYPE_CHECKING:  # segment.py imports this module
    from .segment import Box

MARKS = (".", ",", "-", ":", "/")


@dataclass(frozen=True)
class Shape:
    """What the tests read of one connected piece of ink: its box (segment.Box), its area and edge pixels, the lean
    of its pixels (x per y, positive leaning right towards the top, as a '/') and how straight they lie (the smaller
    eigenvalue of their covariance over the larger: 0 for a line)."""

    box: Box
    area: int
    edge: int
    lean: float
    flatness: float

    @property
    def centre_y(self) -> float:
        return (self.box.top + self.box.bottom) / 2


def shapes(labels: np.ndarray, boxes: list[Box], mask: np.ndarray) -> list[Shape]:
    """The Shape of each component (`segment.Components`' labels and boxes, over the ink `mask`)."""
    count = len(boxes)
    inner = ndimage.binary_erosion(mask, structure=ndimage.generate_binary_structure(2, 1), border_value=0)
    flat = labels.ravel()
    ys, xs = np.indices(labels.shape)
    # Moments about each box's corner, in integers summed exactly, as the browser sums them.
    dx, dy = xs.ravel(), ys.ravel()

    def total(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(flat, weights=weights, minlength=count + 1)[1:]

    area, edge = total(), total((mask & ~inner).ravel().astype(np.float64))
    lefts = np.array([b.left for b in boxes] or [0])[np.maximum(flat - 1, 0)]
    tops = np.array([b.top for b in boxes] or [0])[np.maximum(flat - 1, 0)]
    x, y = (dx - lefts).astype(np.float64), (dy - tops).astype(np.float64)
    sx, sy, sxx, sxy, syy = total(x), total(y), total(x * x), total(x * y), total(y * y)
    result = []
    for i, box in enumerate(boxes):
        n = area[i]
        vxx, vxy, vyy = sxx[i] / n - (sx[i] / n) ** 2, sxy[i] / n - sx[i] * sy[i] / n**2, syy[i] / n - (sy[i] / n) ** 2
        spread = math.sqrt(max(0.0, (vxx - vyy) ** 2 / 4 + vxy**2))
        larger, smaller = (vxx + vyy) / 2 + spread, (vxx + vyy) / 2 - spread
        lean = -vxy / vyy if vyy > 0 else 0.0
        result.append(Shape(box, int(n), int(edge[i]), lean, smaller / larger if larger > 0 else 1.0))
    return result


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(frozen=True)
class Row:
    """The row the digits are written in: top, baseline and stroke width in pixels, and its median lean."""

    top: float
    bottom: float
    stroke: float
    lean: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _stroke(pieces: list[Shape]) -> float:
    """The pieces' mean stroke width: twice their area over their edge pixels (data/punctuation.stroke_width)."""
    return 2 * sum(s.area for s in pieces) / max(1, sum(s.edge for s in pieces))


def row_of(tall: list[Shape]) -> Row:
    """The row of the pieces tall enough to be digits."""
    return Row(
        _median([s.box.top for s in tall]),
        _median([s.box.bottom for s in tall]),
        _stroke(tall),
        _median([s.lean for s in tall]),
    )


def _at_least(value: float, limit: float, unit: float | None = None) -> float:
    """How surely value >= limit: 0.5 at the limit, sharper the smaller `unit` (by default the limit itself)."""
    exponent = -PUNCTUATION["sharpness"] * (value - limit) / (unit or limit)
    return 1 / (1 + math.exp(min(700.0, max(-700.0, exponent))))  # math.exp overflows past 709


def _at_most(value: float, limit: float, unit: float | None = None) -> float:
    return _at_least(-value, -limit, unit or limit)


def _point(shape: Shape, stroke: float) -> float:
    """How surely a piece is a point: one to about two strokes across, and round."""
    size = max(shape.box.width, shape.box.height)
    return min(
        _at_least(size, PUNCTUATION["point_min"] * stroke),
        _at_most(size, PUNCTUATION["point_max"] * stroke),
        _at_least(min(shape.box.width, shape.box.height), PUNCTUATION["point_round"] * size),
    )


def _bar(shape: Shape, stroke: float, length: float) -> float:
    """How surely a piece is a bar: flat, one stroke thick, and at least `length` long."""
    return min(
        _at_least(shape.box.width, PUNCTUATION["bar_flat"] * shape.box.height),
        _at_most(shape.box.height, PUNCTUATION["bar_thick"] * stroke),
        _at_least(shape.box.width, length),
    )


@dataclass(frozen=True)
class Mark:
    """A mark read: which, how surely (0.5 to 1), and the components it is made of."""

    mark: str
    confidence: float
    members: tuple[int, ...]


def _in_row(shape: Shape, row: Row) -> dict[str, float]:
    """How surely a piece that is not tall is each single-piece mark, by its shape and place in the row. A point
    and a comma are both small and low; a comma has a tail: it is taller than wide and reaches below the baseline."""
    h, s = row.height, row.stroke
    y = shape.centre_y
    size = max(shape.box.width, shape.box.height)
    low = min(
        _at_least(size, PUNCTUATION["point_min"] * s),
        _at_most(size, PUNCTUATION["comma_largest"] * h),
        _at_least(y - row.top, PUNCTUATION["point_low"] * h),
        _at_most(y - row.top, (1 + PUNCTUATION["point_below"]) * h),
    )
    tail = min(
        _at_least(shape.box.height, PUNCTUATION["comma_tall"] * shape.box.width),
        _at_least(shape.box.bottom - row.bottom, PUNCTUATION["comma_below"] * h),
    )
    return {
        ".": min(low, _point(shape, s), _at_most(size, PUNCTUATION["point_largest"] * h), 1 - tail),
        ",": min(low, _at_most(size, PUNCTUATION["comma_max"] * s), tail),
        "-": min(
            _bar(shape, s, PUNCTUATION["bar_shortest"] * h),
            _at_most(shape.box.width, PUNCTUATION["bar_longest"] * h),
            _at_least(y - row.top, PUNCTUATION["bar_high"] * h),
            _at_most(y - row.top, PUNCTUATION["bar_low"] * h),
        ),
    }


def _colon(upper: Shape, lower: Shape, row: Row) -> float:
    within = PUNCTUATION["colon_within"] * row.height
    return min(
        _point(upper, row.stroke),
        _point(lower, row.stroke),
        _at_least(lower.centre_y - upper.centre_y, PUNCTUATION["colon_apart"] * row.height),
        _at_least(upper.centre_y, row.top - within, row.height),
        _at_most(lower.centre_y, row.bottom + within, row.height),
    )


def _slash(shape: Shape, row: Row) -> float:
    """How surely a tall piece is a slash rather than a 1: straight, taller than the digits and rising above them,
    and leaning right further than the row does. A slash leans right in any hand, where a 1 written by a hand that
    leans back leans left."""
    return min(
        _at_most(shape.flatness, PUNCTUATION["slash_straight"]),
        _at_least(shape.box.height, PUNCTUATION["slash_tall"] * row.height),
        _at_least(row.top - shape.box.top, PUNCTUATION["slash_rise"] * row.height),
        _at_least(shape.lean - row.lean, PUNCTUATION["slash_lean"], PUNCTUATION["lean_unit"]),
        _at_least(shape.lean, PUNCTUATION["slash_forward"], PUNCTUATION["lean_unit"]),
    )


def find_punctuation(pieces: list[Shape], candidates: list[int]) -> list[Mark]:
    """The marks of a number among the `candidates` (indices into `pieces`, the image's components that are no rule
    or frame), left to right, each standing where numbers have it. Each component is in one mark at most; one in no
    mark is left to be read as segmentation reads it."""
    tallest = max((pieces[i].box.height for i in candidates), default=0)
    tall = [i for i in candidates if pieces[i].box.height >= SEGMENT["min_height_fraction"] * tallest]
    if len(tall) == 1:
        alone = _alone(pieces[tall[0]], tall[0], [pieces[i] for i in candidates if i != tall[0]])
        if alone is not None:
            return alone
    row = row_of([pieces[i] for i in tall])
    if row.height <= 0 or row.stroke <= 0:
        return []
    marks: list[Mark] = []
    for i in tall:
        # Measured against the others: in "1/2" the slash would be a third of the row it is compared with.
        others = [pieces[k] for k in tall if k != i]
        confidence = _slash(pieces[i], row_of(others)) if others else 0.0
        if confidence >= 0.5:
            marks.append(Mark("/", confidence, (i,)))
    slashes = {m.members[0] for m in marks}
    digits = [i for i in tall if i not in slashes]
    # A piece inside another's columns is a part of it (a 7's bar, a 5's flag), whatever it looks like.
    free = [
        i
        for i in candidates
        if i not in slashes
        and not any(
            k != i and pieces[i].box.overlap(pieces[k].box) > PUNCTUATION["inside"] * pieces[i].box.width
            for k in digits
        )
    ]
    used: set[int] = set()
    for a in free:
        for b in free:
            if a == b or a in used or b in used or pieces[a].centre_y >= pieces[b].centre_y:
                continue
            if not pieces[a].box.overlap(pieces[b].box):
                continue
            confidence = _colon(pieces[a], pieces[b], row)
            if confidence >= 0.5:
                marks.append(Mark(":", confidence, (a, b)))
                used |= {a, b}
    for i in free:
        if i in used:
            continue
        mark, confidence = max(_in_row(pieces[i], row).items(), key=lambda item: item[1])
        if confidence >= 0.5 and not (
            mark in ".," and _beneath(pieces[i], [pieces[k] for k in candidates if k != i], row)
        ):
            marks.append(Mark(mark, confidence, (i,)))
            used.add(i)
    placed = in_place(marks, pieces, [(pieces[i].box.left + pieces[i].box.right) / 2 for i in digits if i not in used])
    return sorted(placed, key=lambda m: (min(pieces[k].box.left for k in m.members), m.members))


def _no_speck(shape: Shape, stroke: float) -> bool:
    """Whether a piece is at least as large across as a point of `stroke` can be: smaller, it is a speck."""
    return max(shape.box.width, shape.box.height) >= PUNCTUATION["point_min"] * stroke


def _beneath(shape: Shape, others: list[Shape], row: Row) -> bool:
    """Whether ink reaching into the row lies over `shape`, in its columns: a point has nothing above it, where the
    foot of a stroke broken by a failing pen (a 1's, a 7's stem) has the rest of the stroke. Specks do not count."""
    return any(
        _no_speck(o, row.stroke)
        and row.top < o.box.bottom <= shape.centre_y
        and o.box.overlap(shape.box) > PUNCTUATION["inside"] * shape.box.width
        for o in others
    )


def stands(mark: str, x: float, centres: list[float]) -> bool:
    """Whether `mark` centred at column x stands where numbers have it among digits centred at `centres`: a point,
    comma, colon or slash between two, a bar before one. A mark elsewhere (a full stop, a stroke after the number)
    is none."""
    return any(c > x for c in centres) and (mark == "-" or any(c < x for c in centres))


def in_place(marks: list[Mark], pieces: list[Shape], centres: list[float]) -> list[Mark]:
    """The marks that stand where numbers have them among digits centred at `centres`. Checked twice: among the
    pieces that may be digits, so that a stroke out of place is read as before, and among the digits read, since a
    piece that looked like one may be read as a mark that is not a digit."""
    return [
        mark
        for mark in marks
        if stands(
            mark.mark,
            (min(pieces[k].box.left for k in mark.members) + max(pieces[k].box.right for k in mark.members)) / 2,
            centres,
        )
    ]


def _alone(shape: Shape, index: int, others: list[Shape]) -> list[Mark] | None:
    """A piece with nothing beside it but specks (smaller than a point of its stroke) is a point or a bar by its own
    stroke width, or no mark; None where it is not alone."""
    stroke = _stroke([shape])
    if any(_no_speck(o, stroke) for o in others):
        return None
    point = _point(shape, stroke)
    bar = _bar(shape, stroke, PUNCTUATION["bar_flat"] * shape.box.height)
    mark, confidence = (".", point) if point >= bar else ("-", bar)
    return [Mark(mark, confidence, (index,))] if confidence >= 0.5 else []


# A number as people write one: an optional minus, digits (with commas between thousands) and a decimal part.
NUMBER = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


def number_value(text: str) -> int | float | None:
    """The text read as a number where it is one ("-3,188.5" is -3188.5), else None (a time, a date, a lone mark)."""
    if not NUMBER.fullmatch(text):
        return None
    plain = text.replace(",", "")
    return float(plain) if "." in plain else int(plain)
