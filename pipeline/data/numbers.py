"""Digits written side by side as people write numbers, then rendered in one of the real-world styles.

Numbers of 2 to 6 digits get random gaps, sizes, baselines and a shared slant, and a share of them have each digit
touching the next. The whole-digit head learns from training digits laid out here (`model/wholeness.py`); the
benchmark lays out test digits the same way (`bench/sets.py`).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from .punctuation import draw_mark, stroke_width
from .render import STYLES, paint

LENGTHS = (2, 3, 4, 5, 6)


def _slanted(digit: np.ndarray, height: int, slant: float) -> np.ndarray:
    """The digit's ink (cropped, 0..1) scaled to `height` and sheared by `slant` (x shift per row, upwards)."""
    rows, cols = np.flatnonzero(digit.any(axis=1)), np.flatnonzero(digit.any(axis=0))
    crop = Image.fromarray(digit[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1])
    width = max(1, round(crop.width * height / crop.height))
    scaled = crop.resize((width, height), Image.BILINEAR)
    extra = int(np.ceil(abs(slant) * height))
    # An affine map from output to input pixels: x_in = x_out + slant * y_out - offset.
    offset = extra if slant > 0 else 0
    sheared = scaled.transform(
        (width + extra, height), Image.AFFINE, (1, slant, -offset, 0, 1, 0), resample=Image.BILINEAR
    )
    return np.asarray(sheared, dtype=np.float64) / 255


def compose(
    digits: list[np.ndarray | str], touching: bool, rng: np.random.Generator
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Ink coverage (0..1) of the digits written side by side, and each digit's columns [left, right). An item that
    is a string is one of the marks of `data/punctuation.py`, drawn in proportion to the digits."""
    base = int(rng.integers(24, 72))
    slant = float(rng.uniform(-0.25, 0.25))
    glyphs, tops = [], []
    for digit in digits:
        if isinstance(digit, str):
            continue
        height = max(8, round(base * rng.uniform(0.85, 1.15)))
        glyphs.append(_slanted(digit, height, slant))
        tops.append(round(base * rng.uniform(-0.1, 0.1)) - (height - base) // 2)
    marked = [isinstance(item, str) for item in digits]
    stroke = float(np.median([stroke_width(glyph > 0.5) for glyph in glyphs])) if any(marked) else 0.0
    for i, item in enumerate(digits):
        if marked[i]:
            glyph, top = draw_mark(item, base, stroke, slant, rng)
            glyphs.insert(i, glyph)
            tops.insert(i, top)
    # Spaced digits leave a gap of a tenth to half a digit's height; touching ones overlap by a tenth to a
    # fifth of it, so that their strokes run into each other. A mark is written closer, and touches nothing.
    gaps = [
        round(base * rng.uniform(0.05, 0.25))
        if before or after
        else -round(base * rng.uniform(0.1, 0.2))
        if touching
        else round(base * rng.uniform(0.1, 0.5))
        for before, after in zip(marked, marked[1:], strict=False)
    ]
    lefts = [0]
    for glyph, gap in zip(glyphs, gaps, strict=False):
        lefts.append(lefts[-1] + glyph.shape[1] + gap)
    shift = -min(tops)
    height = max(top + shift + g.shape[0] for top, g in zip(tops, glyphs, strict=True))
    width = max(left + g.shape[1] for left, g in zip(lefts, glyphs, strict=True))
    canvas = np.zeros((height, width))
    for glyph, top, left in zip(glyphs, tops, lefts, strict=True):
        region = canvas[top + shift : top + shift + glyph.shape[0], left : left + glyph.shape[1]]
        np.maximum(region, glyph, out=region)
    return canvas, [(left, left + glyph.shape[1]) for glyph, left in zip(glyphs, lefts, strict=True)]


def write(
    digits: list[np.ndarray | str], touching: bool, style: str, rng: np.random.Generator
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """RGBA of the digits written side by side in `style`, somewhere in a larger frame, and each digit's
    columns [left, right) in it."""
    strength, columns = compose(digits, touching, rng)
    height, width = strength.shape
    margin_y, margin_x = (int(rng.integers(height // 4, height + 1)) for _ in range(2))
    size = (height + 2 * margin_y, width + 2 * margin_x)
    top_left = (int(rng.integers(0, 2 * margin_y + 1)), int(rng.integers(0, 2 * margin_x + 1)))
    rgba = paint(strength, size, top_left, style, rng)
    return rgba, [(top_left[1] + left, top_left[1] + right) for left, right in columns]


def kind_of(i: int, lengths: tuple[int, ...] = LENGTHS) -> tuple[int, bool, str]:
    """The length, spaced/touching and style of the i-th number of a set: each taken in turn."""
    return lengths[i % len(lengths)], (i // len(lengths)) % 2 == 1, STYLES[(i // (2 * len(lengths))) % len(STYLES)]
