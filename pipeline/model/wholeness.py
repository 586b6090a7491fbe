"""Teach the model to tell one whole digit from a piece of one, or from two run together.

The classifier answers every input with some digit, often confidently: the left
half of a 0 reads as a 1, a 1 touching an 8 as an 8. Segmentation needs to know
which candidates are digits at all. After training, written numbers are made
from *training* digits (`data/numbers.write`, in every real-world style) and cut into
candidates exactly as `segment.find_candidates` cuts a user's image. A candidate
covering one digit's columns (horizontal overlap over union at least
`WHOLE_OVERLAP`) is whole; one covering under `PART_OVERLAP` of every digit is
not. A small head on the embedding learns the difference and becomes the
exported model's `whole_digit` output: log-odds that the input is one whole digit.
"""

from __future__ import annotations

import keras
import numpy as np

from ..data.numbers import kind_of, write
from ..read.preprocess import ink_map
from ..read.segment import Box, find_candidates, to_source
from .networks import whole_digit_head

WHOLE_OVERLAP = 0.8
PART_OVERLAP = 0.6
LENGTHS = (1, 2, 3, 4, 5, 6)  # lone digits too: a wide one must not be cut
EPOCHS = 15


def _column_overlap(box: list[int], columns: tuple[int, int]) -> float:
    """Horizontal overlap over union of a candidate's [x, y, width, height] and a digit's columns."""
    candidate, digit = Box(box[0], 0, box[0] + box[2], 1), Box(columns[0], 0, columns[1], 1)
    return candidate.overlap(digit) / candidate.union(digit).width


def labelled_candidates(images: np.ndarray, count: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(N, 28, 28) candidate inputs from `count` written numbers of training digits, and whether each is whole."""
    inputs, whole = [], []
    for i in range(count):
        length, touching, style = kind_of(i, LENGTHS)
        rgba, digits = write([images[j] for j in rng.choice(len(images), length, replace=False)], touching, style, rng)
        ink = ink_map(rgba)
        if ink.is_blank:
            continue
        found = find_candidates(ink)
        for box, pixels in zip(found.boxes, found.inputs, strict=True):
            overlap = max(_column_overlap(to_source(box, ink), c) for c in digits)
            if overlap >= WHOLE_OVERLAP or overlap < PART_OVERLAP:
                inputs.append(pixels)
                whole.append(overlap >= WHOLE_OVERLAP)
    return np.array(inputs, np.float32), np.array(whole, np.float32)


def fit_head(embeddings: np.ndarray, whole: np.ndarray, seed: int) -> tuple[list[np.ndarray], dict]:
    """The head's weights (hidden then output layer's), and its accuracy on a held-out fifth."""
    keras.utils.set_random_seed(seed)
    order = np.random.default_rng(seed).permutation(len(whole))
    held_out, fitted = order[: len(order) // 5], order[len(order) // 5 :]
    hidden, output = whole_digit_head()
    inputs = keras.Input((embeddings.shape[1],))
    head = keras.Model(inputs, output(hidden(inputs)))
    head.compile(keras.optimizers.Adam(1e-3), keras.losses.BinaryCrossentropy(from_logits=True))
    head.fit(embeddings[fitted], whole[fitted], batch_size=256, epochs=EPOCHS, verbose=0)
    guessed = head.predict(embeddings[held_out], batch_size=1024, verbose=0)[:, 0] > 0
    record = {
        "candidates": len(whole),
        "whole_share": float(whole.mean()),
        "held_out_accuracy": float((guessed == whole[held_out].astype(bool)).mean()),
    }
    return hidden.get_weights() + output.get_weights(), record
