"""A generated evaluation set of written numbers, made from MNIST test digits only.

Numbers of 2 to 6 digits are laid out the way people write them: random gaps,
sizes, baselines and a shared slant, and a share of them with each digit
touching the next. They are then rendered through the real-world styles
(scan, photo, chalk, transparent), so exact-number accuracy measures what a
user who photographs a house number or a meter reading gets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from .realworld import STYLES, paint

LENGTHS = (2, 3, 4, 5, 6)


@dataclass(frozen=True)
class WrittenNumber:
    style: str
    touching: bool
    label: str  # the digits, left to right
    rgba: np.ndarray


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
    digits: list[np.ndarray], touching: bool, rng: np.random.Generator
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Ink coverage (0..1) of the digits written side by side, and each digit's columns [left, right)."""
    base = int(rng.integers(24, 72))
    slant = float(rng.uniform(-0.25, 0.25))
    glyphs, tops = [], []
    for digit in digits:
        height = max(8, round(base * rng.uniform(0.85, 1.15)))
        glyphs.append(_slanted(digit, height, slant))
        tops.append(round(base * rng.uniform(-0.1, 0.1)) - (height - base) // 2)
    # Spaced digits leave a gap of a tenth to half a digit's height; touching ones overlap by a tenth to a
    # fifth of it, so that their strokes run into each other.
    gaps = [
        -round(base * rng.uniform(0.1, 0.2)) if touching else round(base * rng.uniform(0.1, 0.5)) for _ in digits[1:]
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
    digits: list[np.ndarray], touching: bool, style: str, rng: np.random.Generator
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


def number_set(images: np.ndarray, labels: np.ndarray, count: int, seed: int = 0) -> list[WrittenNumber]:
    """`count` written numbers: lengths, spaced/touching and styles taken in turn, digits drawn from `images`."""
    rng = np.random.default_rng(seed)
    numbers = []
    for i in range(count):
        length, touching, style = kind_of(i)
        chosen = rng.choice(len(images), size=length, replace=False)
        rgba, _ = write([images[j] for j in chosen], touching, style, rng)
        numbers.append(WrittenNumber(style, touching, "".join(str(int(labels[j])) for j in chosen), rgba))
    return numbers


def exact_accuracy(numbers: list[WrittenNumber], read: list[str]) -> dict[str, float]:
    """Share of numbers read exactly, overall and by length and spaced/touching."""
    hits: dict[str, list[bool]] = {}
    for number, answer in zip(numbers, read, strict=True):
        correct = answer == number.label
        kind = "touching" if number.touching else "spaced"
        for key in ("overall", f"{kind} {len(number.label)}", kind, f"length {len(number.label)}"):
            hits.setdefault(key, []).append(correct)
    return {key: float(np.mean(values)) for key, values in sorted(hits.items())}
