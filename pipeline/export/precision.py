"""Choose the web model's weight precision: the smallest that keeps the accuracy.

The TF.js model is converted with uint8 and float16 weight quantization and each
is run, in Node with TF.js itself, on the whole test set. The web app gets the
smallest whose accuracy is at most `MAX_ACCURACY_DROP` below the float32 Keras
model's; float32 if neither is. The same pass measures each one's calibration
error, since the probabilities a person reads are the web model's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from ..model.calibration import expected_calibration_error, reliability
from .formats import EXPORT_PATHS, convert_to_tfjs, directory_size
from .parity import tfjs_probabilities

MAX_ACCURACY_DROP = 0.0005  # 0.05 percentage points
PRECISIONS = ("uint8", "float16")  # smallest first


def choose_web_model(build_dir: Path, test_inputs: np.ndarray, test_labels: np.ndarray, keras_accuracy: float) -> dict:
    """Write the chosen model to build_dir/model; returns what was measured for each precision."""
    saved_model = build_dir / EXPORT_PATHS["saved_model"]
    candidates = build_dir / "quantized"
    measured = {}
    chosen, probabilities = None, None
    for precision in PRECISIONS:
        model_dir = convert_to_tfjs(saved_model, candidates / precision, quantize=precision)
        probabilities = tfjs_probabilities(model_dir, test_inputs, backend="wasm")
        accuracy = float((probabilities.argmax(axis=1) == test_labels).mean())
        measured[precision] = {
            "bytes": directory_size(model_dir),
            "test_accuracy": accuracy,
            "test_ece": expected_calibration_error(probabilities, test_labels),
        }
        if accuracy >= keras_accuracy - MAX_ACCURACY_DROP:
            chosen = precision
            break
    source = candidates / chosen if chosen else build_dir / EXPORT_PATHS["tfjs"]
    shutil.copytree(source, build_dir / EXPORT_PATHS["web_model"])
    shutil.rmtree(candidates)
    if chosen is None:
        # Only here does the page's model differ from every candidate: one more pass, for its own figures.
        probabilities = tfjs_probabilities(build_dir / EXPORT_PATHS["web_model"], test_inputs, backend="wasm")
    return {
        "precision": chosen or "float32",
        "bytes": directory_size(build_dir / EXPORT_PATHS["web_model"]),
        "keras_test_accuracy": keras_accuracy,
        "test_accuracy": float((probabilities.argmax(axis=1) == test_labels).mean()),
        "test_ece": expected_calibration_error(probabilities, test_labels),
        "test_reliability": reliability(probabilities, test_labels),
        "candidates": measured,
    }
