"""Turn any image of a digit into the 28x28 input the model was trained on.

MNIST digits were made by size-normalising each digit to fit a 20x20 box
(keeping aspect, anti-aliased) and centring its centre of mass in a 28x28 field,
light ink on a dark background. Real images (dark ink on paper, photos with
uneven light, chalk on a board, transparent PNGs, any size, digit anywhere) are
brought to the same form here.

`web/src/read/preprocess.js` mirrors this file step by step, and both read their
parameters from `config.PREPROCESS` (written to `dist/config.json`). Every step
uses plain arithmetic (no library resampler) so the two give the same pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import IMAGE_SIZE, PREPROCESS

# ITU-R 601 luma, the weights PIL and most image tools use for "grayscale".
_LUMA = np.array([0.299, 0.587, 0.114])


@dataclass(frozen=True)
class Preprocessed:
    """`pixels` is float32 (28, 28) in [0, 1], or None with `reason` when there is no digit."""

    pixels: np.ndarray | None
    reason: str | None = None


def round_half_up(x: float) -> int:
    # Python's round() is banker's rounding; JS Math.round is half-up. Use one rule on both sides.
    return int(np.floor(x + 0.5))


def area_resize_axis(image: np.ndarray, size: int, axis: int) -> np.ndarray:
    """Resample one axis to `size` by exact area averaging (anti-aliased like MNIST's).

    Each output pixel is the mean of the input over its footprint, computed from
    the running sum so that any scale factor, up or down, costs O(n).
    """
    n_in = image.shape[axis]
    moved = np.moveaxis(image, axis, 0)
    running = np.concatenate([np.zeros((1, *moved.shape[1:])), np.cumsum(moved, axis=0)])
    edges = np.arange(size + 1) * n_in / size
    base = np.minimum(np.floor(edges).astype(int), n_in - 1)
    frac = (edges - base).reshape(-1, *([1] * (moved.ndim - 1)))
    at_edges = running[base] + frac * (running[base + 1] - running[base])
    resized = (at_edges[1:] - at_edges[:-1]) / (n_in / size)
    return np.moveaxis(resized, 0, axis)


def area_resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    return area_resize_axis(area_resize_axis(image, height, 0), width, 1)


def _sliding_extreme(image: np.ndarray, window: int, reduce: np.ufunc) -> np.ndarray:
    # Separable min/max filter with edge replication (the browser clamps indices the same way).
    half = window // 2
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (half, half)
        padded = np.pad(image, pad, mode="edge")
        windows = np.lib.stride_tricks.sliding_window_view(padded, window, axis=axis)
        image = reduce.reduce(windows, axis=-1)
    return image


def to_grayscale(rgba: np.ndarray) -> np.ndarray:
    """Luminance in [0, 1] with transparency composited onto a background that contrasts with the ink.

    A transparent PNG's visible pixels are the ink, whatever their colour, so
    dark ink goes onto white and light ink onto black.
    """
    rgba = rgba.astype(np.float64) / 255.0
    luma = rgba[..., :3] @ _LUMA
    alpha = rgba[..., 3]
    if alpha.min() >= 1.0:
        return luma
    opaque_weight = alpha.sum()
    ink_luma = (alpha * luma).sum() / opaque_weight if opaque_weight > 0 else 0.0
    background = 1.0 if ink_luma < 0.5 else 0.0
    return alpha * luma + (1.0 - alpha) * background


def border_median(gray: np.ndarray) -> float:
    band = max(1, round_half_up(PREPROCESS["border_fraction"] * min(gray.shape)))
    mask = np.zeros(gray.shape, dtype=bool)
    mask[:band, :] = mask[-band:, :] = True
    mask[:, :band] = mask[:, -band:] = True
    return float(np.median(gray[mask]))


def extract_ink(gray: np.ndarray) -> np.ndarray:
    """Ink strength >= 0 with the background removed, robust to uneven light.

    Polarity comes from the border: paper is usually what surrounds the digit, and the ink lies at the far end
    of the grey range from it. Dark ink on dim paper (a photo in poor light, paper in shadow) is still dark ink,
    where a border darker than mid-grey would have read the paper as chalk on a board. The bright end's reach is
    discounted (`bright_reach_weight`), since a glare adds light to paper and never takes it away.
    The background is a grey opening (min then max filter) with a window wider
    than any stroke: it follows gradients and shadows but not the ink, so
    subtracting it (a top-hat transform) leaves only the strokes.
    """
    border = border_median(gray)
    dark_ink = border - gray.min() >= PREPROCESS["bright_reach_weight"] * (gray.max() - border)
    ink = 1.0 - gray if dark_ink else gray
    window = 2 * int(PREPROCESS["background_window_fraction"] * min(ink.shape) / 2) + 1
    background = _sliding_extreme(_sliding_extreme(ink, window, np.minimum), window, np.maximum)
    return np.maximum(ink - background, 0.0)


def center_in_field(digit: np.ndarray) -> np.ndarray:
    """Place the digit in the IMAGE_SIZE field with its centre of mass where MNIST's sits."""
    height, width = digit.shape
    total = digit.sum()
    # Moments summed in plain order, as the browser does, so a centre of exactly .5 rounds the same way.
    center_row = sum(float(s) * (i + 0.5) for i, s in enumerate(digit.sum(axis=1))) / total
    center_col = sum(float(s) * (j + 0.5) for j, s in enumerate(digit.sum(axis=0))) / total
    top = min(max(round_half_up(PREPROCESS["center"] - center_row), 0), IMAGE_SIZE - height)
    left = min(max(round_half_up(PREPROCESS["center"] - center_col), 0), IMAGE_SIZE - width)
    field = np.zeros((IMAGE_SIZE, IMAGE_SIZE))
    field[top : top + height, left : left + width] = digit
    return field


@dataclass(frozen=True)
class InkMap:
    """Ink strength >= 0 at work resolution (background removed), and the source image's size."""

    ink: np.ndarray
    contrast: float  # the peak ink strength
    source_shape: tuple[int, int]

    @property
    def is_blank(self) -> bool:
        return self.contrast < PREPROCESS["min_contrast"]


def work_shape(height: int, width: int) -> tuple[int, int]:
    """The size the later steps work at: the long side capped at work_max_side, more for a row of digits."""
    longest, shortest = max(height, width), min(height, width)
    aspect = min(longest / shortest, PREPROCESS["max_aspect"])
    limit = PREPROCESS["work_max_side"] * max(1.0, aspect / PREPROCESS["number_aspect"])
    if longest <= limit:
        return height, width
    scale = limit / longest
    return max(1, round_half_up(height * scale)), max(1, round_half_up(width * scale))


def ink_map(rgba: np.ndarray) -> InkMap:
    """RGBA uint8 (H, W, 4) of any size -> its ink at work resolution."""
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.shape[0] == 0 or rgba.shape[1] == 0:
        raise ValueError(f"expected a non-empty (H, W, 4) RGBA array, got shape {rgba.shape}")
    gray = to_grayscale(rgba)
    shape = work_shape(*gray.shape)
    if shape != gray.shape:
        gray = area_resize(gray, *shape)
    ink = extract_ink(gray)
    return InkMap(ink, float(ink.max()), (rgba.shape[0], rgba.shape[1]))


def scale_to_peak(ink: np.ndarray, peak: float) -> np.ndarray:
    """Ink scaled to a peak of 1, with values under the noise floor (paper texture, noise) set to 0."""
    floor = PREPROCESS["noise_floor"]
    return np.clip((ink / peak - floor) / (1.0 - floor), 0.0, 1.0)


def digit_input(ink: np.ndarray) -> np.ndarray:
    """The ink of one digit (zero elsewhere) -> the model's 28x28 input, the way MNIST was made."""
    ink = scale_to_peak(ink, float(ink.max()))
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]

    scale = PREPROCESS["fit_size"] / max(crop.shape)
    fitted = area_resize(
        crop,
        max(1, round_half_up(crop.shape[0] * scale)),
        max(1, round_half_up(crop.shape[1] * scale)),
    )
    return center_in_field(fitted).astype(np.float32)


def blank_reason(ink: InkMap) -> str:
    return f"blank image: no ink found (contrast {ink.contrast:.2f})"


def preprocess_rgba(rgba: np.ndarray) -> Preprocessed:
    """RGBA uint8 (H, W, 4) of any size -> the model's 28x28 input, or a reason it has no digit.

    All the ink is taken as one digit; `segment.read_number` finds several.
    """
    ink = ink_map(rgba)
    if ink.is_blank:
        return Preprocessed(None, blank_reason(ink))
    return Preprocessed(digit_input(ink.ink))
