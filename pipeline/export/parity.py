"""Check that every export computes what the Keras model computes.

SavedModel, TFLite (ai_edge_litert) and the TF.js model (in Node, pure TF.js on
the cpu backend) are run on the same fixed batch of test images; in each of a
float32 export's outputs (config.OUTPUTS) every value may
differ from Keras by at most `TOLERANCE` (relative to the output's largest value
where that exceeds 1), and every argmax must agree.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from ..config import IMAGE_SIZE, OUTPUTS
from ..read.personal import class_probabilities
from ..read.predict import tflite_runner
from .formats import EXPORT_PATHS

TOLERANCE = 1e-5
TFJS_RUNNER = Path(__file__).with_name("tfjs_predict.mjs")


class ParityError(RuntimeError):
    pass


Outputs = dict[str, np.ndarray]  # config.OUTPUTS by name


def saved_model_outputs(saved_model: Path, batch: np.ndarray) -> Outputs:
    loaded = tf.saved_model.load(str(saved_model))  # keep a reference: its variables die with it
    return {name: value.numpy() for name, value in loaded.serve(tf.constant(batch)).items()}


def tflite_outputs(tflite_file: Path, batch: np.ndarray) -> Outputs:
    return tflite_runner(tflite_file, batch.shape)(batch)


def tfjs_outputs(
    model_dir: Path, batch: np.ndarray, backend: str = "cpu", outputs: tuple[str, ...] = OUTPUTS
) -> Outputs:
    """Run the TF.js model in Node; "cpu" is the reference backend, "wasm" the fast one for large batches."""
    with tempfile.NamedTemporaryFile(suffix=".f32") as pixels:
        pixels.write(batch.astype("<f4").tobytes())
        pixels.flush()
        arguments = [str(model_dir), pixels.name, str(len(batch)), str(IMAGE_SIZE), backend, ",".join(outputs)]
        done = subprocess.run(["node", str(TFJS_RUNNER), *arguments], capture_output=True, text=True)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or ["no output"]
        # Node ends with its own version line: the error is the last line that names one.
        cause = next((line for line in reversed(lines) if "Error" in line), lines[-1])
        raise ParityError(f"{model_dir}: TF.js model failed to run in Node: {cause.strip()}")
    return {name: np.array(values, dtype=np.float32) for name, values in json.loads(done.stdout).items()}


def tfjs_probabilities(model_dir: Path, batch: np.ndarray, backend: str = "cpu") -> np.ndarray:
    """(N, 11): the ten digits' probabilities, then "not a digit"'s."""
    return class_probabilities(tfjs_outputs(model_dir, batch, backend, outputs=("probabilities", "not_digit")))


def _difference(values: np.ndarray, reference: np.ndarray) -> float:
    # Embedding features can run to tens, where float32 rounding alone exceeds an absolute 1e-5.
    return float(np.abs(values - reference).max() / max(1.0, float(np.abs(reference).max())))


def check_parity(model: keras.Model, build_dir: Path, batch: np.ndarray) -> dict[str, float]:
    """Max abs difference per export, over every output of `model` (model.with_reading_outputs's); raises
    ParityError past the tolerance."""
    reference = model.predict(batch, verbose=0)
    runs = {
        "saved_model": saved_model_outputs(build_dir / EXPORT_PATHS["saved_model"], batch),
        "tflite": tflite_outputs(build_dir / EXPORT_PATHS["tflite"], batch),
        "tfjs": tfjs_outputs(build_dir / EXPORT_PATHS["tfjs"], batch),
    }
    differences = {}
    for name, outputs in runs.items():
        for output in OUTPUTS:
            if outputs[output].shape != reference[output].shape:
                raise ParityError(f"{name}: {output} shape {outputs[output].shape}, expected {reference[output].shape}")
        differences[name] = max(_difference(outputs[o], reference[o]) for o in OUTPUTS)
        probabilities, expected = class_probabilities(outputs), class_probabilities(reference)
        mismatched = int((probabilities.argmax(axis=1) != expected.argmax(axis=1)).sum())
        if differences[name] > TOLERANCE or mismatched:
            raise ParityError(
                f"{name} export disagrees with Keras: max abs difference {differences[name]:.2e} "
                f"(limit {TOLERANCE:.0e}), {mismatched} of {len(batch)} predictions differ"
            )
    return differences
