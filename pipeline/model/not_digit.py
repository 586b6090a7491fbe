"""The eleventh class's inputs: marks that are not digits, as the reader sees them.

A softmax over ten digits has no way to say "none of these": every letter, symbol or doodle reads as some digit.
The network learns an eleventh class instead (Hendrycks et al. 2019 and Dhamija et al. 2018 found training on
negatives separates them better than any threshold on a digits-only network), from `data/negatives.py`'s `TRAINED`
glyphs only, so that the `HELD_OUT` ones measure marks it never saw.

A user's image is not read whole: segmentation cuts it into candidates (`segment.find_candidates`), and each is
a model input. So each negative is drawn on the pad, cut the same way, and its candidates become inputs of the
eleventh class: the whole mark, and some of its pieces (a word's letters, a
letter's halves). A piece that is one straight stroke is left out, at any angle: an upright or slanted stroke is a
1 whatever it was cut from (and a dash or a slash is a mark the next issue reads). Paper noise (blobs and ruled
lines) is cut the same way, on clean paper.

Runs of touching digits are digits, not marks: without them, the class learnt that whatever was not one digit was
"not a digit", and a group of touching digits read so as surely as a letter; segmentation could then not tell a
zigzag, to be left out, from a number, to be cut (docs/experiments.md). `digit_runs` makes them from training
digits, each the soft target of its digits in equal shares.

Only clean ink, as the training digits are: marks painted as photos or chalk (half of them at first) taught the
network that a photo's grain meant "not a digit", and generated real-world 1s and 0s read so (docs/experiments.md).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from ..config import CLASSES, IMAGE_SIZE
from ..data.negatives import TRAINED, negative_set
from ..data.numbers import compose
from ..data.render import ink_on_paper
from ..read.preprocess import digit_input, ink_map
from ..read.segment import find_candidates

# The ink's spread across its main axis over its spread along it (square root of the eigenvalue ratio of its
# second moments): of MNIST's first 20,000 training digits, 94.4% of the 1s are below this and 0.6% of the others;
# the bars of an E and the strokes of an A are too, a C or a + far above.
STROKE_RATIO = 0.3
PIECES_PER_MARK = 3  # besides the whole image's own candidate: a word gives dozens, all much alike
NOISE_SHARE = 0.1  # of the samples: paper noise rather than a glyph
BATCH = 120  # glyphs drawn at a time: a multiple of the kinds, so each batch holds them all alike


def _paper_noise(rng: np.random.Generator) -> np.ndarray:
    """Blobs of smoothed noise on paper with ruled lines across: what a photo of an empty page leaves."""
    height, width = (int(v) for v in rng.integers(64, 200, 2))
    field = ndimage.gaussian_filter(rng.normal(size=(height, width)), rng.uniform(1.5, 5))
    strength = np.clip((field - np.quantile(field, rng.uniform(0.9, 0.98))) * 20, 0, 1)
    for row in rng.integers(0, height, int(rng.integers(0, 4))):
        strength[row : row + 2] = 0.6
    return ink_on_paper(strength, (height, width), (0, 0))


def is_stroke(pixels: np.ndarray) -> bool:
    """Whether a model input's ink is one straight stroke, however slanted."""
    rows, cols = np.nonzero(pixels > 0.2)
    if len(rows) < 3:
        return True
    spread = np.linalg.eigvalsh(np.cov(np.stack([rows, cols]).astype(np.float64)))
    return bool(np.sqrt(max(spread[0], 0.0) / max(spread[1], 1e-9)) < STROKE_RATIO)


def candidate_inputs(rgba: np.ndarray, rng: np.random.Generator, pieces: int = PIECES_PER_MARK) -> list[np.ndarray]:
    """The model inputs segmentation would make of an image: the widest candidate and up to `pieces` others, none
    of them a straight stroke."""
    ink = ink_map(rgba)
    if ink.is_blank:
        return []
    found = find_candidates(ink)
    kept = [k for k in range(len(found.boxes)) if not is_stroke(found.inputs[k])]
    if not kept:
        return []
    widest = max(kept, key=lambda k: (found.boxes[k].width, -k))
    others = [k for k in kept if k != widest]
    chosen = [widest, *rng.choice(others, min(pieces, len(others)), replace=False).tolist()]
    return [found.inputs[k] for k in chosen]


def not_digit_inputs(count: int, seed: int) -> np.ndarray:
    """`count` uint8 (N, 28, 28) inputs of the eleventh class, as the training digits are stored."""
    rng = np.random.default_rng(seed)
    marks = round(count * (1 - NOISE_SHARE))
    inputs: list[np.ndarray] = []
    batch = 0
    while len(inputs) < marks:
        for negative in negative_set(TRAINED, BATCH, seed=seed * 1000 + batch):
            inputs += candidate_inputs(negative.rgba, rng)
        batch += 1
    inputs = inputs[:marks]
    while len(inputs) < count:
        inputs += candidate_inputs(_paper_noise(rng), rng, pieces=0)
    pixels = np.clip(np.round(np.array(inputs) * 255), 0, 255).astype(np.uint8)
    return pixels.reshape(-1, IMAGE_SIZE, IMAGE_SIZE)


RUN_LENGTHS = (2, 3)


def digit_runs(images: np.ndarray, labels: np.ndarray, count: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """`count` uint8 (N, 28, 28) inputs of 2 or 3 touching digits from `images` (as `data.numbers` writes them, as
    segmentation would take the run whole), and their soft targets (N, classes): each digit's share equal."""
    rng = np.random.default_rng(seed)
    inputs, targets = [], np.zeros((count, len(CLASSES)), np.float32)
    for i in range(count):
        chosen = rng.choice(len(images), RUN_LENGTHS[i % len(RUN_LENGTHS)], replace=False)
        strength, _ = compose([images[j] for j in chosen], touching=True, rng=rng)
        inputs.append(digit_input(strength))
        np.add.at(targets[i], labels[chosen].astype(int), 1.0 / len(chosen))
    pixels = np.clip(np.round(np.array(inputs) * 255), 0, 255).astype(np.uint8)
    return pixels.reshape(-1, IMAGE_SIZE, IMAGE_SIZE), targets
