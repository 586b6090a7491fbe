"""The five marks read in numbers (`config.PUNCTUATION`: . , - : /), drawn as a hand writes them beside digits.

Each mark is drawn in the row's own units: the digits' height `base` (their top at y = 0, their baseline at
y = base) and their stroke width, with its size, place and tilt drawn at random within what handwriting shows: a
point one to two strokes wide on the baseline, a comma's tail below it, a bar near the middle, a colon's two points
within the digits' height, a slash leaning right about as tall as the digits. The benchmark's punctuated numbers
(`bench/sets.py`) are MNIST test digits with these marks between them; nothing is trained on them.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage


def stroke_width(mask: np.ndarray) -> float:
    """The mean width of the strokes of `mask` (True where ink), in pixels: twice the ink's area over its edge pixels
    (ink with a 4-neighbour that is not ink), since a stroke of width w and length L has area wL and two edges of L.
    The reader measures a row's stroke so (read/punctuation.row_of), and the marks are drawn to it."""
    if not mask.any():
        return 0.0
    inner = ndimage.binary_erosion(mask, structure=ndimage.generate_binary_structure(2, 1), border_value=0)
    return 2 * float(mask.sum()) / float((mask & ~inner).sum())


SUPERSAMPLE = 4  # drawn this much larger, then averaged down: anti-aliased edges as a scan's


def _points(mark: str, base: float, stroke: float, rng: np.random.Generator) -> list[tuple[list, float]]:
    """The mark as strokes: (points in row units, pen width); a point is a stroke of one point."""
    dot = lambda: stroke * rng.uniform(1.0, 1.8)  # noqa: E731
    if mark == ".":
        d = dot()
        return [([(0.0, base - d / 2 + base * rng.uniform(-0.06, 0.03))], d)]
    if mark == ",":
        top = base - base * rng.uniform(0.0, 0.1)
        tail = (-base * rng.uniform(0.03, 0.12), base + base * rng.uniform(0.12, 0.28))
        return [([(0.0, top)], dot()), ([(0.0, top), tail], stroke)]
    if mark == "-":
        length, y = base * rng.uniform(0.3, 0.6), base * rng.uniform(0.4, 0.65)
        return [([(0.0, y), (length, y + base * rng.uniform(-0.06, 0.06))], stroke)]
    if mark == ":":
        upper, lower = base * rng.uniform(0.2, 0.45), base * rng.uniform(0.7, 0.95)
        return [([(0.0, upper)], dot()), ([(base * rng.uniform(-0.04, 0.04), lower)], dot())]
    if mark == "/":
        lean = base * rng.uniform(0.4, 0.8)
        return [([(lean, base * rng.uniform(-0.15, 0.0)), (0.0, base * (1 + rng.uniform(0.0, 0.12)))], stroke)]
    raise ValueError(f"not a mark: {mark!r}")


def draw_mark(mark: str, base: float, stroke: float, slant: float, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Ink coverage (0..1) of `mark` for a row of digits `base` pixels high with strokes `stroke` pixels wide,
    leaning as the digits do (`slant`: x shift per pixel upwards), and the row of its top relative to theirs."""
    strokes = [
        ([(x + slant * (base - y), y) for x, y in points], pen) for points, pen in _points(mark, base, stroke, rng)
    ]
    xs = [x for points, pen in strokes for x, _ in points for x in (x - pen / 2, x + pen / 2)]
    ys = [y for points, pen in strokes for _, y in points for y in (y - pen / 2, y + pen / 2)]
    left, top = int(np.floor(min(xs))), int(np.floor(min(ys)))
    width, height = int(np.ceil(max(xs))) - left + 1, int(np.ceil(max(ys))) - top + 1
    canvas = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE))
    draw = ImageDraw.Draw(canvas)
    for points, pen in strokes:
        scaled = [((x - left) * SUPERSAMPLE, (y - top) * SUPERSAMPLE) for x, y in points]
        r = pen * SUPERSAMPLE / 2
        if len(scaled) > 1:
            draw.line(scaled, fill=255, width=max(1, round(2 * r)))
        for px, py in scaled:  # round ends and joints
            draw.ellipse((px - r, py - r, px + r, py + r), fill=255)
    small = canvas.resize((width, height), Image.BOX)
    return np.asarray(small, dtype=np.float64) / 255, top
