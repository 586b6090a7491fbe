"""Marks that are not digits, drawn from pen strokes by the project itself: letters, symbols, words and doodles.

Never rendered from a font: the evaluations of writing in the wild render fonts, and a model trained on them would
be measured on its own training data. Letters that handwriting shares with digits (O and o, I and l, S and s, Z and
z, B and b, G, g and q) are left out: reading them as 0, 1, 5, 2, 8, 6 and 9 is fine. So are the five marks that
numbers hold (. , - : /).

The glyphs are split in two groups, as the open-set literature does: `TRAINED` (letters A to M, half of the symbols,
their words, some doodles) is what a model may learn from, and `HELD_OUT` (N to Z, the other symbols, their words,
the smiley, star, spiral and scribble) is only ever measured. A sample is its glyph drawn once by a random hand
(slant, width, pen, and the wobble of `strokes.draw_glyph`), as RGBA pixels of a pad.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .strokes import Stroke, arc, draw_glyph

TAU = 2 * np.pi

LETTERS: dict[str, list[Stroke]] = {
    # Capitals, on the whole box.
    "A": [[(0.1, 0.95), (0.5, 0.05), (0.9, 0.95)], [(0.28, 0.6), (0.72, 0.6)]],
    "C": [arc(0.55, 0.5, 0.4, 0.45, np.pi / 4, -5 * np.pi / 4, 16)],
    "D": [[(0.2, 0.05), (0.2, 0.95)], [(0.2, 0.05), (0.55, 0.08), (0.85, 0.3), (0.85, 0.7), (0.55, 0.92), (0.2, 0.95)]],
    "E": [[(0.8, 0.05), (0.2, 0.05), (0.2, 0.95), (0.8, 0.95)], [(0.2, 0.5), (0.65, 0.5)]],
    "F": [[(0.8, 0.05), (0.2, 0.05), (0.2, 0.95)], [(0.2, 0.5), (0.6, 0.5)]],
    "H": [[(0.2, 0.05), (0.2, 0.95)], [(0.8, 0.05), (0.8, 0.95)], [(0.2, 0.5), (0.8, 0.5)]],
    "J": [[(0.3, 0.05), (0.85, 0.05)], [(0.65, 0.05), (0.65, 0.75), (0.5, 0.95), (0.25, 0.9), (0.15, 0.7)]],
    "K": [[(0.2, 0.05), (0.2, 0.95)], [(0.8, 0.05), (0.2, 0.55)], [(0.35, 0.45), (0.85, 0.95)]],
    "L": [[(0.25, 0.05), (0.25, 0.95), (0.8, 0.95)]],
    "M": [[(0.1, 0.95), (0.15, 0.05), (0.5, 0.6), (0.85, 0.05), (0.9, 0.95)]],
    "N": [[(0.15, 0.95), (0.15, 0.05), (0.85, 0.95), (0.85, 0.05)]],
    "P": [[(0.2, 0.95), (0.2, 0.05), (0.6, 0.05), (0.8, 0.2), (0.8, 0.35), (0.6, 0.5), (0.2, 0.5)]],
    "Q": [arc(0.5, 0.45, 0.38, 0.4, 0, TAU, 20), [(0.55, 0.7), (0.9, 0.98)]],
    "R": [
        [(0.2, 0.95), (0.2, 0.05), (0.6, 0.05), (0.8, 0.2), (0.8, 0.35), (0.6, 0.5), (0.2, 0.5)],
        [(0.45, 0.5), (0.85, 0.95)],
    ],
    "T": [[(0.1, 0.05), (0.9, 0.05)], [(0.5, 0.05), (0.5, 0.95)]],
    "U": [[(0.15, 0.05), (0.15, 0.7), (0.35, 0.95), (0.65, 0.95), (0.85, 0.7), (0.85, 0.05)]],
    "V": [[(0.1, 0.05), (0.5, 0.95), (0.9, 0.05)]],
    "W": [[(0.05, 0.05), (0.25, 0.95), (0.5, 0.35), (0.75, 0.95), (0.95, 0.05)]],
    "X": [[(0.15, 0.05), (0.85, 0.95)], [(0.85, 0.05), (0.15, 0.95)]],
    "Y": [[(0.15, 0.05), (0.5, 0.5), (0.85, 0.05)], [(0.5, 0.5), (0.5, 0.95)]],
    # Small letters: the x-height from 0.4 down, ascenders from the top.
    "a": [arc(0.45, 0.67, 0.3, 0.28, 0, TAU, 14), [(0.75, 0.4), (0.78, 0.95)]],
    "c": [arc(0.5, 0.67, 0.3, 0.28, np.pi / 4, -5 * np.pi / 4, 12)],
    "d": [arc(0.45, 0.7, 0.28, 0.25, 0, TAU, 14), [(0.75, 0.05), (0.75, 0.95)]],
    "e": [[(0.2, 0.65), (0.8, 0.65), (0.75, 0.45), (0.5, 0.37), (0.25, 0.45), (0.2, 0.7), (0.35, 0.92), (0.8, 0.85)]],
    "f": [[(0.75, 0.1), (0.55, 0.03), (0.4, 0.15), (0.4, 0.95)], [(0.2, 0.4), (0.7, 0.4)]],
    "h": [[(0.25, 0.05), (0.25, 0.95)], [(0.25, 0.6), (0.45, 0.42), (0.7, 0.45), (0.75, 0.6), (0.75, 0.95)]],
    "k": [[(0.25, 0.05), (0.25, 0.95)], [(0.75, 0.4), (0.25, 0.7)], [(0.4, 0.62), (0.8, 0.95)]],
    "m": [
        [(0.1, 0.95), (0.1, 0.4)],
        [(0.1, 0.55), (0.25, 0.4), (0.4, 0.45), (0.45, 0.95)],
        [(0.45, 0.55), (0.6, 0.4), (0.8, 0.45), (0.85, 0.95)],
    ],
    "n": [[(0.2, 0.95), (0.2, 0.4)], [(0.2, 0.55), (0.4, 0.4), (0.7, 0.45), (0.78, 0.6), (0.8, 0.95)]],
    "p": [[(0.25, 0.35), (0.25, 0.98)], arc(0.5, 0.5, 0.27, 0.16, 0, TAU, 14)],
    "r": [[(0.25, 0.95), (0.25, 0.4)], [(0.25, 0.6), (0.45, 0.42), (0.75, 0.42)]],
    "t": [[(0.45, 0.1), (0.45, 0.85), (0.6, 0.95), (0.8, 0.88)], [(0.2, 0.4), (0.75, 0.4)]],
    "u": [[(0.2, 0.4), (0.2, 0.8), (0.4, 0.95), (0.65, 0.9), (0.8, 0.7)], [(0.8, 0.4), (0.82, 0.95)]],
    "v": [[(0.15, 0.4), (0.5, 0.95), (0.85, 0.4)]],
    "w": [[(0.05, 0.4), (0.25, 0.95), (0.5, 0.55), (0.75, 0.95), (0.95, 0.4)]],
    "x": [[(0.2, 0.4), (0.8, 0.95)], [(0.8, 0.4), (0.2, 0.95)]],
    "y": [[(0.2, 0.4), (0.5, 0.75)], [(0.8, 0.4), (0.35, 0.98)]],
}

SYMBOLS: dict[str, list[Stroke]] = {
    "+": [[(0.5, 0.15), (0.5, 0.85)], [(0.15, 0.5), (0.85, 0.5)]],
    "=": [[(0.15, 0.35), (0.85, 0.35)], [(0.15, 0.65), (0.85, 0.65)]],
    "#": [[(0.35, 0.1), (0.3, 0.9)], [(0.7, 0.1), (0.65, 0.9)], [(0.1, 0.35), (0.9, 0.35)], [(0.1, 0.65), (0.9, 0.65)]],
    "&": [
        [(0.85, 0.95), (0.3, 0.35), (0.3, 0.15), (0.45, 0.05), (0.6, 0.15), (0.55, 0.35), (0.15, 0.7), (0.25, 0.92)]
        + [(0.5, 0.95), (0.85, 0.55)]
    ],
    "<": [[(0.8, 0.15), (0.2, 0.5), (0.8, 0.85)]],
    "~": [[(0.1, 0.55), (0.3, 0.4), (0.5, 0.5), (0.7, 0.6), (0.9, 0.45)]],
    "?": [[(0.2, 0.25), (0.35, 0.07), (0.65, 0.05), (0.8, 0.25), (0.5, 0.5), (0.5, 0.72)], [(0.5, 0.9), (0.5, 0.93)]],
    "*": [[(0.5, 0.1), (0.5, 0.9)], [(0.15, 0.3), (0.85, 0.7)], [(0.85, 0.3), (0.15, 0.7)]],
    "%": [
        arc(0.25, 0.22, 0.12, 0.14, 0, TAU, 10),
        [(0.85, 0.05), (0.15, 0.95)],
        arc(0.75, 0.78, 0.12, 0.14, 0, TAU, 10),
    ],
    "@": [
        [(0.65, 0.45), (0.55, 0.35), (0.42, 0.4), (0.4, 0.6), (0.55, 0.65), (0.65, 0.45), (0.68, 0.65), (0.85, 0.6)]
        + [(0.9, 0.4), (0.75, 0.12), (0.45, 0.08), (0.15, 0.3), (0.12, 0.65), (0.35, 0.92), (0.7, 0.92)]
    ],
    ">": [[(0.2, 0.15), (0.8, 0.5), (0.2, 0.85)]],
    "^": [[(0.15, 0.7), (0.5, 0.2), (0.85, 0.7)]],
}

_STAR = [(0.5 + 0.45 * np.sin(k * 2 * TAU / 5), 0.5 - 0.45 * np.cos(k * 2 * TAU / 5)) for k in range(6)]
_SPIRAL = [
    (0.5 + 0.45 * t / (3 * TAU) * np.sin(t), 0.5 - 0.45 * t / (3 * TAU) * np.cos(t))
    for t in np.linspace(0, 3 * TAU, 40)
]
DOODLES: dict[str, list[Stroke]] = {
    "heart": [
        [
            (0.5, 0.3),
            (0.3, 0.1),
            (0.1, 0.3),
            (0.15, 0.55),
            (0.5, 0.92),
            (0.85, 0.55),
            (0.9, 0.3),
            (0.7, 0.1),
            (0.5, 0.3),
        ]
    ],
    "arrow": [[(0.05, 0.5), (0.95, 0.5)], [(0.7, 0.25), (0.95, 0.5), (0.7, 0.75)]],
    "zigzag": [[(0.05, 0.7), (0.2, 0.3), (0.35, 0.7), (0.5, 0.3), (0.65, 0.7), (0.8, 0.3), (0.95, 0.7)]],
    "house": [[(0.15, 0.95), (0.15, 0.45), (0.5, 0.1), (0.85, 0.45), (0.85, 0.95), (0.15, 0.95)]],
    "tick": [[(0.1, 0.55), (0.35, 0.85), (0.9, 0.15)]],
    "coil": [
        [(0.1 + 0.8 * t / (4 * TAU) + 0.12 * np.sin(t), 0.5 - 0.25 * np.cos(t)) for t in np.linspace(0, 4 * TAU, 48)]
    ],
    "smiley": [
        arc(0.5, 0.5, 0.45, 0.45, 0, TAU, 20),
        [(0.35, 0.35), (0.36, 0.38)],
        [(0.65, 0.35), (0.66, 0.38)],
        arc(0.5, 0.55, 0.25, 0.2, 0.6 * np.pi, 1.4 * np.pi, 8),
    ],
    "star": [_STAR],
    "spiral": [_SPIRAL],
}
SCRIBBLE = "scribble"  # a new random path each sample, so no two are alike

TRAINED_WORDS = ("ache", "face", "head", "deck", "make", "hack", "fade", "each")
HELD_OUT_WORDS = ("run", "turn", "nut", "try", "put", "pry", "yurt", "tux")
LETTER_STEP = 0.8  # a letter's advance in a word, in letter heights

TRAINED: dict[str, tuple[str, ...]] = {
    "letter": tuple("ACDEFHJKLMacdefhkm"),
    "symbol": ("+", "=", "#", "&", "<", "~"),
    "word": TRAINED_WORDS,
    "doodle": ("heart", "arrow", "zigzag", "house", "tick", "coil"),
}
HELD_OUT: dict[str, tuple[str, ...]] = {
    "letter": tuple("NPQRTUVWXYnprtuvwxy"),
    "symbol": ("?", "*", "%", "@", ">", "^"),
    "word": HELD_OUT_WORDS,
    "doodle": ("smiley", "star", "spiral", SCRIBBLE),
}
KINDS = tuple(TRAINED)


@dataclass(frozen=True)
class Negative:
    kind: str
    name: str
    rgba: np.ndarray


def glyph(kind: str, name: str, rng: np.random.Generator) -> tuple[list[Stroke], float]:
    """The strokes of one glyph and its aspect (width over height)."""
    if kind == "letter":
        return LETTERS[name], 1.0
    if kind == "symbol":
        return SYMBOLS[name], 1.0
    if kind == "word":
        strokes = [[(x + k * LETTER_STEP, y) for x, y in stroke] for k, c in enumerate(name) for stroke in LETTERS[c]]
        return strokes, LETTER_STEP * (len(name) - 1) + 1.0
    if name == SCRIBBLE:
        return [[tuple(p) for p in rng.uniform(0.05, 0.95, (int(rng.integers(6, 13)), 2))]], 1.0
    return DOODLES[name], 1.0


def negative_set(groups: dict[str, tuple[str, ...]], count: int, seed: int = 0) -> list[Negative]:
    """`count` samples of `groups` (TRAINED or HELD_OUT): kinds in turn, each kind's glyphs in turn, each drawn by
    a hand of its own."""
    rng = np.random.default_rng(seed)
    samples = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        names = groups[kind]
        name = names[(i // len(KINDS)) % len(names)]
        strokes, aspect = glyph(kind, name, rng)
        slant, width, pen = rng.uniform(-0.4, 0.5), rng.uniform(0.6, 1.3), rng.uniform(0.05, 0.12)
        samples.append(Negative(kind, name, draw_glyph(strokes, rng, slant, width, pen, aspect)))
    return samples
