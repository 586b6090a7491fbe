"""The benchmark's generated sets, made from MNIST test digits only: nothing here is ever trained on.

- `realworld_set`: lone digits rendered the ways people bring them to the app (`data/render.py`).
- `number_set`: numbers of 2 to 6 digits, spaced or touching, in the same styles (`data/numbers.py`), so that
  exact-number accuracy measures what a user who photographs a house number or a meter reading gets.
- `labelled_number_set`: such numbers with held-out letters before or after them ("Nr 42", "42 kg" but in letters
  the model never learnt as not digits), which must read as the number alone.
- `punctuated_set`: numbers written with the marks of `data/punctuation.py`, of five kinds (`PUNCTUATED`), which
  must read exactly, marks included.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..data.negatives import HELD_OUT, glyph
from ..data.numbers import compose, kind_of, write
from ..data.render import STYLES, paint, render
from ..data.strokes import draw_glyph


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


def shares(hits: dict[str, list[bool]]) -> dict[str, float]:
    """The share of hits overall and in each group."""
    overall = [hit for group in hits.values() for hit in group]
    return {"overall": float(np.mean(overall)), **{name: float(np.mean(h)) for name, h in hits.items()}}


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


def _letters(text: str, height: int, rng: np.random.Generator) -> np.ndarray:
    """Ink coverage (0..1) of `text` drawn by a hand (`strokes.draw_glyph`), cropped and scaled to `height`."""
    strokes, aspect = glyph("word", text, rng) if len(text) > 1 else glyph("letter", text, rng)
    pad = draw_glyph(strokes, rng, rng.uniform(-0.2, 0.3), rng.uniform(0.8, 1.1), rng.uniform(0.06, 0.1), aspect)
    strength = 1.0 - pad[..., :3].mean(axis=2) / 255.0
    rows, cols = np.flatnonzero(strength.max(axis=1) > 0.1), np.flatnonzero(strength.max(axis=0) > 0.1)
    crop = Image.fromarray(np.round(strength[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1] * 255).astype(np.uint8))
    width = max(1, round(crop.width * height / crop.height))
    return np.asarray(crop.resize((width, height), Image.BILINEAR), dtype=np.float64) / 255


def labelled_number_set(
    images: np.ndarray, labels: np.ndarray, count: int, seed: int = 0, letters: tuple[str, ...] = HELD_OUT["letter"]
) -> list[WrittenNumber]:
    """`count` spaced numbers of 1 to 4 digits from `images`, each with one or two `letters` (by default the
    held-out ones, never trained on as not digits) before it, after it, or both, a space apart; styles in turn."""
    rng = np.random.default_rng(seed)
    numbers = []
    for i in range(count):
        chosen = rng.choice(len(images), size=1 + i % 4, replace=False)
        digits, _ = compose([images[j] for j in chosen], touching=False, rng=rng)
        height = digits.shape[0]
        sides = ("before", "after", "both")[(i // 4) % 3]
        parts = [digits]
        if sides in ("before", "both"):
            parts.insert(0, _letters("".join(rng.choice(letters, int(rng.integers(1, 3)))), height, rng))
        if sides in ("after", "both"):
            parts.append(_letters(str(rng.choice(letters)), height, rng))
        gap = round(height * rng.uniform(0.4, 0.8))
        width = sum(part.shape[1] for part in parts) + gap * (len(parts) - 1)
        strength, left = np.zeros((height, width)), 0
        for part in parts:
            strength[:, left : left + part.shape[1]] = np.maximum(strength[:, left : left + part.shape[1]], part)
            left += part.shape[1] + gap
        margin = height // 2
        style = STYLES[(i // 12) % len(STYLES)]
        rgba = paint(strength, (height + 2 * margin, width + 2 * margin), (margin, margin), style, rng)
        numbers.append(WrittenNumber(style, False, "".join(str(int(labels[j])) for j in chosen), rgba))
    return numbers


# The kinds of punctuated numbers, as patterns: "d" is a digit, "D" an optional one; any other character a mark.
PUNCTUATED = {
    "decimal": ("Dd.d", "DDd.dd", "d.dd"),
    "negative": ("-d", "-Dd", "-DDd", "-d.d"),
    "thousands": ("DDd,ddd", "d,ddd,ddd"),
    "time": ("Dd:dd",),
    "date": ("Dd/Dd", "Dd/Dd/dd"),
}


def punctuated_set(images: np.ndarray, labels: np.ndarray, count: int, seed: int = 0) -> list[WrittenNumber]:
    """`count` spaced numbers with marks (`PUNCTUATED`'s kinds in turn, their patterns at random), digits drawn from
    `images`, in the real-world styles in turn; each label is its text, e.g. "94.05"."""
    rng = np.random.default_rng(seed)
    kinds = list(PUNCTUATED)
    numbers = []
    for i in range(count):
        patterns = PUNCTUATED[kinds[i % len(kinds)]]
        pattern = patterns[int(rng.integers(len(patterns)))]
        characters = [c for c in pattern if c != "D" or rng.random() < 0.5]
        digits = rng.choice(len(images), size=sum(c in "dD" for c in characters), replace=False)
        items, text, k = [], "", 0
        for c in characters:
            if c in "dD":
                items.append(images[digits[k]])
                text += str(int(labels[digits[k]]))
                k += 1
            else:
                items.append(c)
                text += c
        style = STYLES[(i // len(kinds)) % len(STYLES)]
        rgba, _ = write(items, False, style, rng)
        numbers.append(WrittenNumber(style, False, text, rgba))
    return numbers


def punctuated_kind(text: str) -> str:
    """The kind of PUNCTUATED a punctuated number's text is (a negative decimal is a negative)."""
    for kind, mark in (("negative", "-"), ("date", "/"), ("time", ":"), ("thousands", ","), ("decimal", ".")):
        if mark in text:
            return kind
    raise ValueError(f"no mark in {text!r}")


def punctuated_accuracy(numbers: list[WrittenNumber], read: list[tuple[str, str]]) -> dict[str, dict[str, float]]:
    """Per kind and overall, from (digits, text) read for each number: the share whose digits are all right, and of
    those, the share read exactly, marks included (the issue's measure: marks are judged where the digits are)."""
    digits: dict[str, list[bool]] = {}
    exact: dict[str, list[bool]] = {}
    for number, (number_read, text_read) in zip(numbers, read, strict=True):
        kind = punctuated_kind(number.label)
        right = number_read == "".join(c for c in number.label if c.isdigit())
        digits.setdefault(kind, []).append(right)
        if right:
            exact.setdefault(kind, []).append(text_read == number.label)
    return {"digits_right": shares(digits), "exact_of_digits_right": shares(exact)}
