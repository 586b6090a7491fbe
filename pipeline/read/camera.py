"""A camera frame as the reader takes it: the guide box in the frame's middle, scaled down to a bounded size.

The page draws the guide box over the video and reads only what is inside it, frame after frame, as it reads an
upload (`readImage`): there is no other reading path. `web/src/read/camera.js` is the twin, with the same box
(`config.CAMERA`); the page scales with the browser's own image smoothing, this with Pillow's, so the two crops
agree in their box and size and are read alike, not to the pixel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..config import CAMERA


@dataclass(frozen=True)
class Guide:
    """The guide box in frame pixels, and the size it is scaled to."""

    left: int
    top: int
    width: int
    height: int
    out_width: int
    out_height: int


def guide_box(width: int, height: int, settings: dict = CAMERA) -> Guide:
    """The guide box of a `width` x `height` frame: centred, `guide_width` and `guide_height` of it, whole pixels;
    scaled so its longer side is at most `max_side`."""
    box_width = max(1, _round(width * settings["guide_width"]))
    box_height = max(1, _round(height * settings["guide_height"]))
    scale = min(1.0, settings["max_side"] / max(box_width, box_height))
    return Guide(
        (width - box_width) // 2,
        (height - box_height) // 2,
        box_width,
        box_height,
        max(1, _round(box_width * scale)),
        max(1, _round(box_height * scale)),
    )


def _round(value: float) -> int:
    """Halves up, as JavaScript's Math.round (Python's round takes them to the even neighbour)."""
    return math.floor(value + 0.5)


def guide_crop(frame: np.ndarray, settings: dict = CAMERA) -> np.ndarray:
    """An (H, W, 3 or 4) uint8 frame -> the RGBA of its guide box, scaled as the page scales it."""
    guide = guide_box(frame.shape[1], frame.shape[0], settings)
    box = frame[guide.top : guide.top + guide.height, guide.left : guide.left + guide.width]
    image = Image.fromarray(box).convert("RGBA")
    return np.asarray(image.resize((guide.out_width, guide.out_height), Image.BILINEAR, reducing_gap=2.0))
