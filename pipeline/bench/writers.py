"""The "new writers" evaluation: handwriting styles MNIST rarely has, drawn from pen strokes.

MNIST's writers were American census staff and students. Each writer here has a hand of their
own: a glyph for every digit (a continental 1 with its flag and foot, a barred 7, an open or a
closed 4, a curled 9, a slashed 0, a looped 2, ...), a slant, a width and a pen. Every sample of
a digit is that glyph again with the wobble of a real hand (points, size, angle, pen width drawn
at random), rendered on a white pad and put through the single-digit preprocessing, as a drawing
on the page would be.

`writer_samples` gives each writer's samples; runner.py teaches from the first ones of a digit
and measures on the rest (personal.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..config import PERSONAL
from ..data.strokes import Stroke, arc, draw_glyph
from ..read.personal import Example, model_input, personalize, quantize_pixels
from ..read.preprocess import preprocess_rgba

# Glyphs: each a list of strokes. The plain ones are close to MNIST's; the others are the styles it lacks.
GLYPHS: dict[str, dict[str, list[Stroke]]] = {
    "0": {
        "plain": [arc(0.5, 0.5, 0.38, 0.45, 0, 2 * np.pi, 20)],
        "slashed": [arc(0.5, 0.5, 0.38, 0.45, 0, 2 * np.pi, 20), [(0.2, 0.85), (0.8, 0.15)]],
        "round": [arc(0.5, 0.5, 0.45, 0.45, 0, 2 * np.pi, 20)],
    },
    "1": {
        "plain": [[(0.55, 0.05), (0.5, 0.95)]],
        "flag": [[(0.2, 0.35), (0.6, 0.05), (0.55, 0.95)]],
        "flag_foot": [[(0.25, 0.3), (0.6, 0.05), (0.55, 0.95)], [(0.25, 0.95), (0.85, 0.95)]],
    },
    "2": {
        "plain": [[(0.15, 0.25), (0.35, 0.05), (0.7, 0.05), (0.85, 0.25), (0.8, 0.45), (0.15, 0.95), (0.9, 0.95)]],
        "looped": [
            [
                (0.15, 0.25),
                (0.4, 0.05),
                (0.75, 0.1),
                (0.8, 0.35),
                (0.25, 0.85),
                (0.15, 0.75),
                (0.35, 0.7),
                (0.5, 0.95),
                (0.9, 0.9),
            ]
        ],
    },
    "3": {
        "plain": [[(0.15, 0.1), (0.75, 0.05), (0.8, 0.3), (0.4, 0.48), (0.85, 0.65), (0.75, 0.95), (0.15, 0.9)]],
        "flat_top": [[(0.15, 0.05), (0.85, 0.05), (0.45, 0.42), (0.85, 0.62), (0.72, 0.95), (0.15, 0.88)]],
    },
    "4": {
        "closed": [[(0.65, 0.05), (0.1, 0.65), (0.9, 0.65)], [(0.65, 0.05), (0.65, 0.95)]],
        "open": [[(0.2, 0.05), (0.15, 0.55), (0.85, 0.55)], [(0.65, 0.15), (0.65, 0.95)]],
        "crossed": [[(0.25, 0.05), (0.2, 0.6), (0.95, 0.6)], [(0.7, 0.3), (0.6, 0.95)]],
    },
    "5": {
        "plain": [[(0.85, 0.05), (0.2, 0.05), (0.15, 0.45), (0.7, 0.4), (0.85, 0.7), (0.65, 0.95), (0.15, 0.9)]],
        "bar_apart": [
            [(0.25, 0.08), (0.2, 0.45), (0.7, 0.4), (0.85, 0.7), (0.65, 0.95), (0.15, 0.88)],
            [(0.3, 0.05), (0.9, 0.02)],
        ],
    },
    "6": {
        "plain": [
            [(0.75, 0.05), (0.3, 0.4), (0.15, 0.75), (0.4, 0.95), (0.75, 0.85), (0.8, 0.6), (0.45, 0.5), (0.2, 0.7)]
        ],
        "round": [arc(0.5, 0.7, 0.35, 0.27, -np.pi / 2, 3 * np.pi / 2, 16) + [(0.2, 0.5), (0.45, 0.1), (0.8, 0.02)]],
    },
    "7": {
        "plain": [[(0.1, 0.05), (0.9, 0.05), (0.4, 0.95)]],
        "barred": [[(0.1, 0.08), (0.9, 0.05), (0.45, 0.95)], [(0.35, 0.5), (0.85, 0.5)]],
        "hooked": [[(0.1, 0.25), (0.15, 0.05), (0.9, 0.08), (0.5, 0.6), (0.45, 0.95)]],
    },
    "8": {
        "plain": [
            [
                (0.5, 0.5),
                (0.2, 0.3),
                (0.5, 0.05),
                (0.8, 0.3),
                (0.5, 0.5),
                (0.15, 0.75),
                (0.5, 0.95),
                (0.85, 0.75),
                (0.5, 0.5),
            ]
        ],
        "two_rings": [arc(0.5, 0.27, 0.25, 0.22, 0, 2 * np.pi, 14), arc(0.5, 0.72, 0.33, 0.24, 0, 2 * np.pi, 14)],
    },
    "9": {
        "plain": [[(0.8, 0.3), (0.5, 0.05), (0.2, 0.25), (0.45, 0.5), (0.8, 0.3), (0.75, 0.95)]],
        "curled": [
            [(0.8, 0.3), (0.5, 0.05), (0.2, 0.25), (0.45, 0.5), (0.8, 0.3), (0.75, 0.75), (0.55, 0.95), (0.25, 0.85)]
        ],
        "round": [arc(0.5, 0.3, 0.32, 0.25, np.pi / 2, 5 * np.pi / 2, 16) + [(0.82, 0.3), (0.82, 0.95)]],
    },
}


@dataclass(frozen=True)
class Writer:
    name: str
    styles: dict[str, str]  # digit -> glyph name; the rest are "plain" (4: "closed")
    slant: float = 0.0  # x shift per unit of height, upwards to the right when positive
    width: float = 1.0  # horizontal scale
    pen: float = 0.07  # stroke width, a fraction of the digit's height

    def glyph(self, digit: str) -> list[Stroke]:
        default = "closed" if digit == "4" else "plain"
        return GLYPHS[digit][self.styles.get(digit, default)]


WRITERS = (
    Writer("continental", {"1": "flag_foot", "7": "barred", "4": "open", "9": "curled"}),
    Writer("slanted", {"7": "barred", "1": "flag"}, slant=0.6, width=0.75),
    Writer("round", {"0": "round", "2": "looped", "6": "round", "9": "round", "8": "two_rings"}, width=1.4, pen=0.12),
    Writer("backhand", {"4": "crossed", "3": "flat_top", "5": "bar_apart", "9": "curled"}, slant=-0.45),
    Writer("engineer", {"0": "slashed", "7": "hooked", "1": "flag_foot", "4": "open", "2": "looped"}, pen=0.05),
    Writer("narrow", {"1": "flag", "7": "barred", "4": "crossed", "5": "bar_apart"}, width=0.4, pen=0.09),
    Writer("hurried", {"1": "flag", "7": "barred", "4": "open", "9": "curled", "2": "looped"}, slant=0.5, width=0.6),
)


def draw(writer: Writer, digit: str, rng: np.random.Generator) -> np.ndarray:
    """One sample of `digit` in `writer`'s hand, as RGBA pixels of a pad: black ink on white."""
    return draw_glyph(writer.glyph(digit), rng, writer.slant, writer.width, writer.pen)


def writer_samples(writer: Writer, per_digit: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(10 * per_digit, 28, 28) model inputs and their labels, digit by digit, `per_digit` samples each."""
    rng = np.random.default_rng([seed, *writer.name.encode()])
    inputs, labels = [], []
    for digit in range(10):
        for _ in range(per_digit):
            inputs.append(preprocess_rgba(draw(writer, str(digit), rng)).pixels)
            labels.append(digit)
    return np.stack(inputs).astype(np.float32), np.array(labels)


# Per writer and digit: the first TEACH_POOL samples are what the person may teach from, the rest are held out.
TEACH_POOL = 3
HELD_OUT = 10

Outputs = Callable[[np.ndarray], dict[str, np.ndarray]]  # (N, 28, 28) inputs -> the network's outputs by name


def teaching_examples(
    inputs: np.ndarray, labels: np.ndarray, misread: np.ndarray, digits: list[int], count: int, outputs: Outputs
) -> list[Example]:
    """`count` pool samples of each of `digits` as personal examples, embedded as the page does: the misread
    ones first, since those are what a person corrects."""
    chosen = [i for d in digits for i in sorted(np.flatnonzero(labels == d), key=lambda i: not misread[i])[:count]]
    pixels = quantize_pixels(inputs[chosen]) if chosen else np.zeros((0, 28, 28), np.uint8)
    embeddings = outputs(model_input(pixels))["embedding"] if chosen else []
    return [Example(int(labels[i]), p, e, "") for i, p, e in zip(chosen, pixels, embeddings, strict=True)]


def teach_writer(writer: Writer, outputs: Outputs, settings: dict = PERSONAL, seed: int = 0) -> dict:
    """Held-out accuracy before teaching, after one example of each digit the network got wrong, and after three.

    A digit counts as wrong when the network misreads any of the writer's samples of it, as a person
    writing it again and again would notice.
    """
    inputs, labels = writer_samples(writer, TEACH_POOL + HELD_OUT, seed)
    pool = np.tile(np.arange(TEACH_POOL + HELD_OUT) < TEACH_POOL, 10)
    network = outputs(inputs)
    misread = network["probabilities"].argmax(axis=1) != labels
    wrong = sorted({int(d) for d in labels[misread]})
    held = ~pool

    def accuracy(examples: list[Example]) -> float:
        probabilities = personalize({name: values[held] for name, values in network.items()}, examples, settings)
        return float((probabilities.argmax(axis=1) == labels[held]).mean())

    taught = {n: teaching_examples(inputs[pool], labels[pool], misread[pool], wrong, n, outputs) for n in (1, 3)}
    return {
        "wrong_digits": wrong,
        "before": accuracy([]),
        "after_1": accuracy(taught[1]),
        "after_3": accuracy(taught[3]),
        "examples": taught,
    }
