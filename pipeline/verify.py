"""Check that every export computes what the Keras model computes.

SavedModel, TFLite (ai_edge_litert) and the TF.js model (in Node, pure TF.js on
the cpu backend) are run on the same fixed batch of test images; a float32
export may differ from Keras by at most `TOLERANCE` and must agree on every argmax.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from .config import IMAGE_SIZE
from .export import EXPORT_PATHS
from .predict import tflite_runner

TOLERANCE = 1e-5
TFJS_RUNNER = Path(__file__).with_name("tfjs_predict.mjs")


class ParityError(RuntimeError):
    pass


def saved_model_probabilities(saved_model: Path, batch: np.ndarray) -> np.ndarray:
    loaded = tf.saved_model.load(str(saved_model))  # keep a reference: its variables die with it
    return loaded.serve(tf.constant(batch)).numpy()


def tflite_probabilities(tflite_file: Path, batch: np.ndarray) -> np.ndarray:
    return tflite_runner(tflite_file, batch.shape)(batch)


def tfjs_probabilities(model_dir: Path, batch: np.ndarray, backend: str = "cpu") -> np.ndarray:
    """Run the TF.js model in Node; "cpu" is the reference backend, "wasm" the fast one for large batches."""
    with tempfile.NamedTemporaryFile(suffix=".f32") as pixels:
        pixels.write(batch.astype("<f4").tobytes())
        pixels.flush()
        done = subprocess.run(
            ["node", str(TFJS_RUNNER), str(model_dir), pixels.name, str(len(batch)), str(IMAGE_SIZE), backend],
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["no output"]
        raise ParityError(f"{model_dir}: TF.js model failed to run in Node: {lines[-1]}")
    return np.array(json.loads(done.stdout), dtype=np.float32)


def check_parity(model: keras.Model, build_dir: Path, batch: np.ndarray) -> dict[str, float]:
    """Max abs probability difference per export; raises ParityError past the tolerance."""
    reference = model.predict(batch, verbose=0)
    runs = {
        "saved_model": saved_model_probabilities(build_dir / EXPORT_PATHS["saved_model"], batch),
        "tflite": tflite_probabilities(build_dir / EXPORT_PATHS["tflite"], batch),
        "tfjs": tfjs_probabilities(build_dir / EXPORT_PATHS["tfjs"], batch),
    }
    differences = {}
    for name, probabilities in runs.items():
        if probabilities.shape != reference.shape:
            raise ParityError(f"{name}: output shape {probabilities.shape}, expected {reference.shape}")
        differences[name] = float(np.abs(probabilities - reference).max())
        mismatched = int((probabilities.argmax(axis=1) != reference.argmax(axis=1)).sum())
        if differences[name] > TOLERANCE or mismatched:
            raise ParityError(
                f"{name} export disagrees with Keras: max abs difference {differences[name]:.2e} "
                f"(limit {TOLERANCE:.0e}), {mismatched} of {len(batch)} predictions differ"
            )
    return differences
