"""The benchmark's generated sets, made from MNIST test digits only: nothing here is ever trained on.

- `realworld_set`: lone digits rendered the ways people bring them to the app (`data/render.py`).
- `number_set`: numbers of 2 to 6 digits, spaced or touching, in the same styles (`data/numbers.py`), so that
  exact-number accuracy measures what a user who photographs a house number or a meter reading gets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data.numbers import kind_of, write
from ..data.render import STYLES, render


@dataclass(frozen=True)
class WrittenNumber:
    style: str
    touching: bool
    label: str  # the digits, left to right
    rgba: np.ndarray


def number_set(images: np.ndarray, labels: np.ndarray, count: int, seed: int = 0) -> list[WrittenNumber]:
    """`count` written numbers: lengths, spaced/touching and styles taken in turn, digits drawn from `images`."""
    rng = np.random.default_rng(seed)
    numbers = []
    for i in range(count):
        length, touching, style = kind_of(i)
        chosen = rng.choice(len(images), size=length, replace=False)
        rgba, _ = write([images[j] for j in chosen], touching, style, rng)
        numbers.append(WrittenNumber(style, touching, "".join(str(int(labels[j])) for j in chosen), rgba))
    return numbers


def exact_accuracy(numbers: list[WrittenNumber], read: list[str]) -> dict[str, float]:
    """Share of numbers read exactly, overall and by length and spaced/touching."""
    hits: dict[str, list[bool]] = {}
    for number, answer in zip(numbers, read, strict=True):
        correct = answer == number.label
        kind = "touching" if number.touching else "spaced"
        for key in ("overall", f"{kind} {len(number.label)}", kind, f"length {len(number.label)}"):
            hits.setdefault(key, []).append(correct)
    return {key: float(np.mean(values)) for key, values in sorted(hits.items())}


def realworld_set(
    images: np.ndarray, labels: np.ndarray, count: int, seed: int = 0
) -> list[tuple[str, np.ndarray, int]]:
    """(style, rgba, label) for `count` test digits, styles taken in turn."""
    rng = np.random.default_rng(seed)
    chosen = rng.choice(len(images), size=count, replace=False)
    return [
        (STYLES[i % len(STYLES)], render(images[j], STYLES[i % len(STYLES)], rng), int(labels[j]))
        for i, j in enumerate(chosen)
    ]
