"""Read an image file safely into RGBA pixels, or fail with a one-line InputError."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..config import PREPROCESS
from ..errors import InputError

# Pillow's own bomb guard, at our limit: it raises on images over twice this size.
Image.MAX_IMAGE_PIXELS = int(PREPROCESS["max_pixels"])


def load_rgba(path: Path) -> np.ndarray:
    """uint8 (H, W, 4), EXIF orientation applied; the first frame of an animation."""
    if not path.is_file():
        raise InputError(path, "file not found")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > PREPROCESS["max_pixels"]:
                    raise InputError(
                        path, f"image too large: {width}x{height} pixels (limit {PREPROCESS['max_pixels']:,})"
                    )
                image.load()
                upright = ImageOps.exif_transpose(image)
                return np.asarray(upright.convert("RGBA"))
    except InputError:
        raise
    except UnidentifiedImageError:
        raise InputError(path, "not a readable image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(
            path, f"image too large (decompression bomb, limit {PREPROCESS['max_pixels']:,} pixels)"
        ) from None
    except (OSError, SyntaxError, ValueError) as err:
        raise InputError(path, f"truncated or corrupt image ({err})") from None
