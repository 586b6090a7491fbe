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

from ..config import CLASSES, IMAGE_SIZE, LABELS, OUTPUTS
from ..errors import InputError
from .images import load_rgba
from .personal import Example, personalize, reembed, typicality
from .preprocess import ink_map
from .punctuation import number_value
from .segment import DigitRead, Reading, Scores, model_scores, read_number


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
            "not_digit": single.not_digit if single else None,
            "number": self.reading.number,
            # What was read, marks included ("94.05"), and that text as a number where it is one.
            "text": self.reading.text,
            "value": number_value(self.reading.text),
            "digits": [
                {
                    "digit": d.digit,
                    "confidence": d.confidence,
                    "not_digit": d.not_digit,
                    "box": d.box,
                    "probabilities": _floats(d.probabilities),
                }
                for d in self.reading.digits
            ],
            # Marks read as not digits and left out of the number.
            "marks": [{"not_digit": m.not_digit, "box": m.box} for m in self.reading.marks],
            # The marks of the number (. , - : /), each with how surely it was told from a speck or a digit.
            "punctuation": [
                {"mark": m.mark, "confidence": m.confidence, "box": m.box} for m in self.reading.punctuation
            ],
        }
        if self.reason:
            fields["reason"] = self.reason
        return fields

    def as_json(self) -> str:
        return json.dumps(self.as_dict())

    def as_text(self) -> str:
        single = self.single
        if single and not self.reading.punctuation:
            bars = " ".join(f"{label}:{p:.3f}" for label, p in zip(LABELS, single.probabilities, strict=True))
            bars += f" not a digit:{single.not_digit:.3f}"
            return f"{self.file}: {single.digit} (confidence {single.confidence:.3f})  [{bars}]"
        marks = ", ".join(f"{m.mark} {m.confidence:.3f}" for m in self.reading.punctuation)
        if not self.reading.digits:
            if marks:
                return f"{self.file}: {self.reading.text} (no digit; confidence of each mark: {marks})"
            answer = "not a digit" if self.reading.marks else "no digit"
            return f"{self.file}: {answer} ({self.reason})"
        each = ", ".join(f"{d.digit} {d.confidence:.3f}" for d in self.reading.digits)
        marks = f"; of each mark: {marks}" if marks else ""
        return f"{self.file}: {self.reading.text} (confidence of each digit: {each}{marks})"


def _floats(values: np.ndarray) -> list[float]:
    return [float(v) for v in values]


def tflite_runner(tflite_file: Path, batch_shape: tuple[int, ...]):
    """A function running batches of `batch_shape` through one LiteRT interpreter, set up once.

    It returns the model's outputs by name (config.OUTPUTS): {"probabilities": (N, 10), "not_digit": (N,),
    "embedding": (N, D), "prototype_similarity": (N, P), "whole_digit": (N, 1)}.
    """
    interpreter = Interpreter(model_path=str(tflite_file))
    signature = interpreter.get_signature_runner()
    (input_details,) = signature.get_input_details().values()
    outputs = {name: details["index"] for name, details in signature.get_output_details().items()}
    # The runner holds a reference the interpreter counts as "internal data", which forbids resizing below.
    del signature
    if set(outputs) != set(OUTPUTS):
        raise InputError(
            tflite_file, f"model outputs {', '.join(sorted(outputs))}, not {', '.join(OUTPUTS)}; rebuild it"
        )
    # The batch size is baked in as 1 until the input is resized, before allocation.
    interpreter.resize_tensor_input(input_details["index"], batch_shape)
    interpreter.allocate_tensors()

    def run(batch: np.ndarray) -> dict[str, np.ndarray]:
        interpreter.set_tensor(input_details["index"], batch)
        interpreter.invoke()
        return {name: interpreter.get_tensor(index) for name, index in outputs.items()}

    return run


def build_fingerprint(tflite_file: Path) -> str | None:
    """The fingerprint of the build a model file belongs to (its config.json), or None if it has none."""
    config = tflite_file.resolve().parents[2] / "config.json"
    try:
        return (json.loads(config.read_text()).get("model") or {}).get("fingerprint")
    except (OSError, ValueError):
        return None


class Predictor:
    """Reads images with the TFLite model, combining its answers with personal examples when given."""

    def __init__(self, tflite_file: Path) -> None:
        if not tflite_file.is_file():
            raise InputError(tflite_file, "model not found; run `invoke build` first")
        self._run = tflite_runner(tflite_file, (1, IMAGE_SIZE, IMAGE_SIZE, 1))
        self.fingerprint = build_fingerprint(tflite_file)
        self.embedding_size = self.outputs(np.zeros((1, IMAGE_SIZE, IMAGE_SIZE), np.float32))["embedding"].shape[1]
        self.examples: list[Example] = []

    def use_examples(self, examples: list[Example]) -> int:
        """Answer with these personal examples from now on; returns how many had to be embedded again
        because another model made them (personal.reembed)."""
        self.examples = reembed(examples, self.fingerprint, lambda inputs: self.outputs(inputs)["embedding"])
        return sum(e.fingerprint != self.fingerprint for e in examples)

    def outputs(self, inputs: np.ndarray) -> dict[str, np.ndarray]:
        """(N, 28, 28) model inputs -> the network's own outputs by name (config.OUTPUTS), one image at a time."""
        runs = [self._run(pixels[np.newaxis, :, :, np.newaxis].astype(np.float32)) for pixels in inputs]
        return {name: np.concatenate([run[name] for run in runs]) for name in OUTPUTS}

    def probabilities(self, pixels: np.ndarray) -> np.ndarray:
        """pixels: float32 (28, 28) model input -> the probabilities of config.CLASSES."""
        return self.classify(pixels[np.newaxis])[0]

    def classify(self, inputs: np.ndarray) -> np.ndarray:
        """(N, 28, 28) model inputs -> (N, 11) probabilities of config.CLASSES, with the personal examples' votes."""
        if not len(inputs):
            return np.zeros((0, len(CLASSES)))
        return personalize(self.outputs(inputs), self.examples)

    def scores(self, inputs: np.ndarray) -> Scores:
        """(N, 28, 28) candidate digits -> what segmentation weighs them by, with the personal examples' votes."""
        outputs = self.outputs(inputs)
        return model_scores(outputs, personalize(outputs, self.examples), typicality(outputs, self.examples))

    def read(self, rgba: np.ndarray) -> Reading:
        return read_number(ink_map(rgba), self.scores)

    def predict_file(self, path: Path) -> Prediction:
        return Prediction(str(path), self.read(load_rgba(path)))
