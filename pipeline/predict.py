"""Predict the digit in external image files with the exported TFLite model.

TFLite through ai_edge_litert loads in milliseconds without importing TensorFlow,
which suits a command-line tool.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from .config import IMAGE_SIZE, LABELS
from .errors import InputError
from .images import load_rgba
from .preprocess import preprocess_rgba


@dataclass(frozen=True)
class Prediction:
    file: str
    digit: int | None
    confidence: float | None
    probabilities: list[float] | None
    reason: str | None = None

    def as_json(self) -> str:
        fields = {
            "file": self.file,
            "digit": self.digit,
            "confidence": self.confidence,
            "probabilities": self.probabilities,
        }
        if self.reason:
            fields["reason"] = self.reason
        return json.dumps(fields)

    def as_text(self) -> str:
        if self.digit is None:
            return f"{self.file}: no digit ({self.reason})"
        bars = " ".join(f"{label}:{p:.3f}" for label, p in zip(LABELS, self.probabilities, strict=True))
        return f"{self.file}: {self.digit} (confidence {self.confidence:.3f})  [{bars}]"


def tflite_runner(tflite_file: Path, batch_shape: tuple[int, ...]):
    """A function running batches of `batch_shape` through one LiteRT interpreter, set up once."""
    interpreter = Interpreter(model_path=str(tflite_file))
    input_index = interpreter.get_input_details()[0]["index"]
    output_index = interpreter.get_output_details()[0]["index"]
    # The batch size is baked in as 1 until the input is resized, before allocation.
    interpreter.resize_tensor_input(input_index, batch_shape)
    interpreter.allocate_tensors()

    def run(batch: np.ndarray) -> np.ndarray:
        interpreter.set_tensor(input_index, batch)
        interpreter.invoke()
        return interpreter.get_tensor(output_index)

    return run


class Predictor:
    def __init__(self, tflite_file: Path) -> None:
        if not tflite_file.is_file():
            raise InputError(tflite_file, "model not found; run `invoke build` first")
        self._run = tflite_runner(tflite_file, (1, IMAGE_SIZE, IMAGE_SIZE, 1))

    def probabilities(self, pixels: np.ndarray) -> np.ndarray:
        """pixels: float32 (28, 28) model input -> 10 probabilities."""
        return self._run(pixels[np.newaxis, :, :, np.newaxis].astype(np.float32))[0]

    def predict_file(self, path: Path) -> Prediction:
        processed = preprocess_rgba(load_rgba(path))
        if processed.pixels is None:
            return Prediction(str(path), None, None, None, processed.reason)
        probabilities = self.probabilities(processed.pixels)
        digit = int(probabilities.argmax())
        return Prediction(str(path), digit, float(probabilities[digit]), [float(p) for p in probabilities])
