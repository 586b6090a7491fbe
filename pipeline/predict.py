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
from .preprocess import ink_map
from .segment import DigitRead, Reading, read_number


@dataclass(frozen=True)
class Prediction:
    """What one image reads as. `digit`, `confidence` and `probabilities` are set when exactly one digit is read."""

    file: str
    reading: Reading

    @property
    def single(self) -> DigitRead | None:
        return self.reading.digits[0] if len(self.reading.digits) == 1 else None

    @property
    def reason(self) -> str | None:
        count = len(self.reading.digits)
        if count > 1:
            return "; ".join(filter(None, [f"{count} digits read", self.reading.reason]))
        return self.reading.reason

    def as_dict(self) -> dict:
        single = self.single
        fields = {
            "file": self.file,
            "digit": single.digit if single else None,
            "confidence": single.confidence if single else None,
            "probabilities": _floats(single.probabilities) if single else None,
            "number": self.reading.number,
            "digits": [
                {"digit": d.digit, "confidence": d.confidence, "box": d.box, "probabilities": _floats(d.probabilities)}
                for d in self.reading.digits
            ],
        }
        if self.reason:
            fields["reason"] = self.reason
        return fields

    def as_json(self) -> str:
        return json.dumps(self.as_dict())

    def as_text(self) -> str:
        single = self.single
        if single:
            bars = " ".join(f"{label}:{p:.3f}" for label, p in zip(LABELS, single.probabilities, strict=True))
            return f"{self.file}: {single.digit} (confidence {single.confidence:.3f})  [{bars}]"
        if not self.reading.digits:
            return f"{self.file}: no digit ({self.reason})"
        each = ", ".join(f"{d.digit} {d.confidence:.3f}" for d in self.reading.digits)
        return f"{self.file}: {self.reading.number} (confidence of each digit: {each})"


def _floats(values: np.ndarray) -> list[float]:
    return [float(v) for v in values]


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

    def classify(self, inputs: np.ndarray) -> np.ndarray:
        """(N, 28, 28) model inputs -> (N, 10) probabilities."""
        return np.stack([self.probabilities(pixels) for pixels in inputs])

    def read(self, rgba: np.ndarray) -> Reading:
        return read_number(ink_map(rgba), self.classify)

    def predict_file(self, path: Path) -> Prediction:
        return Prediction(str(path), self.read(load_rgba(path)))
