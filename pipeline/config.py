"""Constants shared by the Python pipeline and the browser app.

This module is the single source of truth: `shared_config()` is written to
`dist/config.json` by the build and the web app reads it from there, so the two
sides cannot drift apart.
"""

from __future__ import annotations

from typing import Any

IMAGE_SIZE = 28  # model input is IMAGE_SIZE x IMAGE_SIZE x 1
LABELS = tuple(str(d) for d in range(10))
# Model input = raw 0..255 pixel * PIXEL_SCALE, so the digit is light (1.0) on dark (0.0).
PIXEL_SCALE = 1.0 / 255.0

# External-image preprocessing, modelled on how MNIST itself was made (see preprocess.py).
PREPROCESS: dict[str, float | int] = {
    # Digits are scaled to fit this box inside the IMAGE_SIZE field, keeping aspect.
    "fit_size": 20,
    # Where the centre of mass goes, in pixels from the top-left corner. MNIST's training digits
    # average 14.49 (rows) and 14.50 (columns): half a pixel past the field's middle.
    "center": 14.5,
    # Larger images are area-downscaled first so the later steps cost the same on any photo;
    # 128 leaves a digit that fills a fifth of the frame still larger than the 20-pixel box.
    "work_max_side": 128,
    # Width of the border band (fraction of the shorter side) whose median decides polarity.
    "border_fraction": 0.05,
    # Window of the background estimate (fraction of the shorter side); must exceed stroke width.
    "background_window_fraction": 0.25,
    # Below this ink contrast (0..1) the image counts as blank: no digit is guessed.
    "min_contrast": 0.15,
    # After scaling ink to a peak of 1, values below this are paper texture or noise.
    "noise_floor": 0.2,
    # Decompression-bomb guard for uploaded or command-line images.
    "max_pixels": 40_000_000,
}

# Below a threshold on the (calibrated) top probability the app says it is unsure instead of answering.
# The build chooses it on the validation split (calibration.choose_threshold) and writes it to config.json:
# the lowest top probability at and above which at least `target_accuracy` of the answers are right,
# measured only over at least `min_answers` answers (fewer cannot tell 99.5% from 100%), then clamped
# to [floor, ceiling]. Where the target is not reached, or validation is too small, the ceiling.
CONFIDENCE_RULE: dict[str, float | int] = {
    "target_accuracy": 0.995,
    "min_answers": 200,
    # A calibrated 0.6 is wrong two times in five: doubt enough to say so, whatever validation says.
    "floor": 0.6,
    # Never hedge on an answer that is right nine times in ten.
    "ceiling": 0.9,
}
# The lowest threshold a build can choose, and what shared_config() gives without a build's choice.
CONFIDENCE_THRESHOLD = CONFIDENCE_RULE["floor"]


def shared_config(confidence_threshold: float = CONFIDENCE_THRESHOLD) -> dict[str, Any]:
    """Everything the browser needs to reproduce the Python preprocessing and labels, and when to be unsure."""
    return {
        "image_size": IMAGE_SIZE,
        "labels": list(LABELS),
        "pixel_scale": PIXEL_SCALE,
        "preprocess": dict(PREPROCESS),
        "confidence_threshold": confidence_threshold,
    }
