"""Glyphs as pen strokes, drawn with the wobble of a hand on a white pad, as the page's pad would show them.

The new writers' digits (`bench/writers.py`) and the marks that are not digits (`data/negatives.py`) are drawn here:
each sample is its glyph again with the points, size, angle and pen width of one moment's hand drawn at random.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

Stroke = list[tuple[float, float]]  # points in a unit box (x right, y down); a wide glyph's x runs to its aspect
PAD_SIZE = 160  # pixels of the pad's height each sample is drawn on


def arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, n: int = 14) -> Stroke:
    """Points of an elliptic arc, clockwise from `start` to `end` radians, 0 at the top."""
    return [(cx + rx * np.sin(t), cy - ry * np.cos(t)) for t in np.linspace(start, end, n)]


def draw_glyph(
    strokes: list[Stroke],
    rng: np.random.Generator,
    slant: float = 0.0,
    width: float = 1.0,
    pen: float = 0.07,
    aspect: float = 1.0,
) -> np.ndarray:
    """RGBA pixels of a pad, black ink on white: `strokes` drawn once by a hand with this slant (x shift per unit of
    height, upwards), horizontal scale `width` and pen (a fraction of the glyph's height), plus a wobble from rng.
    A glyph `aspect` times as wide as high (a word) gets a pad that much wider."""
    angle = np.deg2rad(rng.uniform(-6, 6))
    scale = rng.uniform(0.85, 1.1)
    size = 0.6 * PAD_SIZE * scale
    pad_width = round(PAD_SIZE * aspect)
    centre = np.array([pad_width / 2, PAD_SIZE / 2]) + rng.uniform(-8, 8, 2)
    image = Image.new("RGBA", (pad_width, PAD_SIZE), (255, 255, 255, 255))
    pen_pixels = max(2, round(pen * size * rng.uniform(0.8, 1.25)))
    canvas = ImageDraw.Draw(image)
    for stroke in strokes:
        points = np.array(stroke) + rng.normal(0, 0.025, (len(stroke), 2))
        x = (points[:, 0] - aspect / 2) * width + slant * (0.5 - points[:, 1])
        y = points[:, 1] - 0.5
        rotated = np.stack([x * np.cos(angle) - y * np.sin(angle), x * np.sin(angle) + y * np.cos(angle)], axis=1)
        pixels = [tuple(p) for p in rotated * size + centre]
        canvas.line(pixels, fill=(0, 0, 0, 255), width=pen_pixels, joint="curve")
        for px, py in (pixels[0], pixels[-1]):  # round pen ends
            r = pen_pixels / 2
            canvas.ellipse((px - r, py - r, px + r, py + r), fill=(0, 0, 0, 255))
    return np.asarray(image)
