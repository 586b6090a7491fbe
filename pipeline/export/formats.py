"""Export a trained Keras model as SavedModel, TFLite and a TF.js graph model.

The TF.js model is converted from the SavedModel (Keras 3's layers-model path
to TF.js is broken). Paths, relative to the build directory, are in `EXPORT_PATHS`.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from ..config import LABELS

EXPORT_PATHS = {
    "saved_model": Path("export/saved_model"),
    "tflite": Path("export/tflite/model.tflite"),
    "tflite_labels": Path("export/tflite/labels.txt"),
    "tfjs": Path("export/tfjs_model"),
    "web_model": Path("model"),  # the copy the web app loads, quantized (see precision.py)
}


class ExportError(RuntimeError):
    pass


def fingerprint(model: keras.Model) -> str:
    """A short hash of the weights: personal examples embedded by another model are recognised by it."""
    digest = hashlib.sha256()
    for weights in model.get_weights():
        digest.update(np.ascontiguousarray(weights, dtype=np.float32).tobytes())
    return digest.hexdigest()[:16]


def export_saved_model(model: keras.Model, build_dir: Path) -> Path:
    """`model` is model.with_reading_outputs's: the serving signature gives its outputs by name (config.OUTPUTS)."""
    target = build_dir / EXPORT_PATHS["saved_model"]
    model.export(target, verbose=False)
    return target


def export_tflite(build_dir: Path) -> Path:
    target = build_dir / EXPORT_PATHS["tflite"]
    target.parent.mkdir(parents=True, exist_ok=True)
    converter = tf.lite.TFLiteConverter.from_saved_model(str(build_dir / EXPORT_PATHS["saved_model"]))
    target.write_bytes(converter.convert())
    (build_dir / EXPORT_PATHS["tflite_labels"]).write_text("\n".join(LABELS) + "\n")
    return target


def convert_to_tfjs(saved_model: Path, target: Path, quantize: str | None = None) -> Path:
    """Run tensorflowjs_converter; `quantize` is None, "float16" or "uint8"."""
    command = [
        sys.executable,
        "-m",
        "tensorflowjs.converters.converter",
        "--input_format=tf_saved_model",
        "--output_format=tfjs_graph_model",
    ]
    if quantize:
        # A bare --quantize_* flag swallows the next path: always give it a value.
        command.append(f"--quantize_{quantize}=*")
    command += [str(saved_model), str(target)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
        raise ExportError(f"tensorflowjs_converter failed on {saved_model}: {lines[-1]}")
    return target


def export_all(model: keras.Model, build_dir: Path) -> dict[str, int]:
    """Write every format into build_dir; returns each export's size in bytes."""
    saved_model = export_saved_model(model, build_dir)
    tflite = export_tflite(build_dir)
    tfjs = convert_to_tfjs(saved_model, build_dir / EXPORT_PATHS["tfjs"])
    return {
        "saved_model": directory_size(saved_model),
        "tflite": tflite.stat().st_size,
        "tfjs": directory_size(tfjs),
    }


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
