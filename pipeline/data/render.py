"""Ink painted the ways people bring digits to the app: scanned on paper, photos with uneven light and sensor
noise, chalk on a board, transparent PNGs, anywhere in the frame and at many scales.

The whole-digit head trains on training digits rendered here, and the benchmark's sets (`bench/sets.py`) render
test digits the same way, so that their accuracy goes through the full preprocessing path a user's image takes.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

STYLES = ("scan", "photo", "chalk", "transparent")


def _ink_strength(digit: np.ndarray, side: int) -> np.ndarray:
    """The digit (light on dark, 0-255) scaled to side x side, as ink coverage in [0, 1]."""
    return np.asarray(Image.fromarray(digit).resize((side, side), Image.BILINEAR), dtype=np.float64) / 255


def ink_on_paper(
    strength: np.ndarray,
    size: tuple[int, int],
    top_left: tuple[int, int],
    ink: tuple[int, int, int] = (20, 20, 60),
    paper: tuple[int, int, int] = (245, 240, 230),
) -> np.ndarray:
    """Opaque RGBA image of `size` with ink coverage `strength` (in [0, 1]) painted at top_left."""
    top, left = top_left
    image = np.empty((*size, 3))
    image[:] = paper
    region = image[top : top + strength.shape[0], left : left + strength.shape[1]]
    region[:] = region * (1 - strength[..., None]) + np.array(ink) * strength[..., None]
    alpha = np.full((*size, 1), 255.0)
    return np.concatenate([image, alpha], axis=2).round().astype(np.uint8)


def ink_on_transparent(
    strength: np.ndarray, size: tuple[int, int], top_left: tuple[int, int], ink=(0, 0, 0)
) -> np.ndarray:
    """RGBA image whose only visible pixels are the ink, in colour `ink`."""
    top, left = top_left
    rgba = np.zeros((*size, 4), dtype=np.uint8)
    rgba[..., :3] = ink
    rgba[top : top + strength.shape[0], left : left + strength.shape[1], 3] = np.round(strength * 255).astype(np.uint8)
    return rgba


def digit_on_paper(
    digit: np.ndarray,
    size: tuple[int, int],
    box: tuple[int, int, int],
    ink: tuple[int, int, int] = (20, 20, 60),
    paper: tuple[int, int, int] = (245, 240, 230),
) -> np.ndarray:
    """Opaque RGBA image of `size`: the digit scaled into box=(top, left, side) as ink on paper."""
    top, left, side = box
    return ink_on_paper(_ink_strength(digit, side), size, (top, left), ink, paper)


def digit_on_transparent(
    digit: np.ndarray, size: tuple[int, int], box: tuple[int, int, int], ink=(0, 0, 0)
) -> np.ndarray:
    """RGBA image whose only visible pixels are the ink, in colour `ink`."""
    top, left, side = box
    return ink_on_transparent(_ink_strength(digit, side), size, (top, left), ink)


def paint(strength: np.ndarray, size: tuple[int, int], top_left: tuple[int, int], style: str, rng) -> np.ndarray:
    """Ink coverage `strength` painted in one of STYLES, its colours and light drawn from rng."""
    height, width = size
    if style == "transparent":
        return ink_on_transparent(strength, size, top_left, ink=tuple(int(v) for v in rng.integers(0, 256, 3)))
    if style == "chalk":
        ink, paper = rng.integers(200, 256, 3), rng.integers(20, 90, 3)
    else:
        ink, paper = rng.integers(0, 90, 3), rng.integers(190, 256, 3)
    rgba = ink_on_paper(strength, size, top_left, tuple(ink), tuple(paper)).astype(np.float64)
    if style in ("photo", "chalk"):
        # Light falling off across the frame, in a random direction, plus sensor noise.
        angle = rng.uniform(0, 2 * np.pi)
        rows, cols = np.mgrid[0:height, 0:width]
        ramp = (np.cos(angle) * cols / width + np.sin(angle) * rows / height + 1) / 2
        light = 1 - rng.uniform(0.2, 0.45) * ramp
        rgba[..., :3] = rgba[..., :3] * light[..., None] + rng.normal(0, 4, (height, width, 1))
    return np.clip(rgba, 0, 255).round().astype(np.uint8)


def render(digit: np.ndarray, style: str, rng: np.random.Generator) -> np.ndarray:
    """One external-looking RGBA rendering of an MNIST digit, its size and place drawn from rng."""
    height, width = (int(v) for v in rng.integers(64, 400, size=2))
    side = int(rng.integers(max(16, min(height, width) // 5), min(height, width) + 1))
    top_left = (int(rng.integers(0, height - side + 1)), int(rng.integers(0, width - side + 1)))
    return paint(_ink_strength(digit, side), (height, width), top_left, style, rng)
