"""Personal examples: a person's own digits, taught once, shift the answers for drawings like them.

The twin of web/src/read/personal.js. An example is a 28x28 image (0..255), what it is (a digit, or "not a
digit": a person's letter the model read as a digit), the embedding the model gave it (model.embedding_features)
and the fingerprint of that model.

An example speaks for a drawing only as far as it is nearer to it than the digits the network
learnt from. The exported model carries prototypes of those, `PROTOTYPES_PER_CLASS` typical
training digits of each class (k-means centres of their embeddings), and gives a drawing's
similarity to each. The nearest prototype and every example get a kernel of their cosine
similarity s to the drawing, exp(s / bandwidth), an example's counting `weight` times; the
examples' share of the total is how far the answer moves from the network's to theirs:

    share_i = weight * exp(s_i / b) / (exp(s_nearest prototype / b) + weight * sum over examples exp(s_k / b))
    p'(c)   = (1 - sum_i share_i) * p(c) + sum of share_i over examples of digit c

So a drawing taught once reads as taught from then on (its own example is at least as near as any
prototype: at weight 1 its share is at least a half), a drawing like it in a style unlike MNIST's
follows it, and an MNIST-like digit, even one resembling an example, stays with its prototype and
the network's answer. The settings are in config.PERSONAL and reach the page through config.json.

Examples travel as a JSON file (`EXAMPLES_FORMAT`), exported from and imported into the page. Version 2 names
each example's class ("label": "7" or "not a digit"); version 1 files, whose examples had a "digit" from 0 to 9,
still import.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy.cluster.vq import kmeans2

from ..config import CLASSES, IMAGE_SIZE, LABELS, PERSONAL
from ..errors import InputError

EXAMPLES_FORMAT = "digit-recognition-examples"
READABLE_VERSIONS = (1, PERSONAL["version"])
# Ten kinds of each digit: with one (the class mean), MNIST 7s were nearer to a taught slanted 1 with a flag
# than to their mean, and teaching it cost 0.3 to 0.5 points of MNIST test accuracy; with ten, 0.07 to 0.10.
PROTOTYPES_PER_CLASS = 10


@dataclass(frozen=True)
class Example:
    label: int  # index into config.CLASSES: 0-9, or 10 for "not a digit"
    pixels: np.ndarray  # uint8 (IMAGE_SIZE, IMAGE_SIZE), the model input x 255
    embedding: np.ndarray  # float32 (embedding size,)
    fingerprint: str  # of the model that gave the embedding


def quantize_pixels(pixels: np.ndarray) -> np.ndarray:
    """Model input (floats in 0..1) -> uint8, the form examples are kept in and embedded from."""
    return np.clip(np.round(np.asarray(pixels, dtype=np.float64) * 255), 0, 255).astype(np.uint8)


def model_input(pixels: np.ndarray) -> np.ndarray:
    """uint8 example pixels -> the float32 (IMAGE_SIZE, IMAGE_SIZE) model input they stand for."""
    return pixels.astype(np.float32) / np.float32(255)


def class_probabilities(outputs: dict[str, np.ndarray]) -> np.ndarray:
    """(N, 11) probabilities of config.CLASSES from the network's outputs by name: the ten digits', then "not a
    digit"'s, which add up to one."""
    not_digit = np.asarray(outputs["not_digit"]).reshape(-1, 1)
    return np.concatenate([outputs["probabilities"], not_digit], axis=1).astype(np.float64)


def personalize(outputs: dict[str, np.ndarray], examples: list[Example], settings: dict = PERSONAL) -> np.ndarray:
    """The network's outputs for N images (config.OUTPUTS by name) -> (N, 11) probabilities of config.CLASSES
    with the examples taken in."""
    probabilities = class_probabilities(outputs)
    if not examples:
        return probabilities
    to_examples = _cosines(outputs, [e.embedding for e in examples])
    nearest_prototype = nearest_prototype_cosine(outputs)[:, np.newaxis]
    # Kernels relative to the nearest of all, so none overflows however small the bandwidth.
    nearest = np.maximum(to_examples.max(axis=1, keepdims=True), nearest_prototype)
    prototypes = np.exp((nearest_prototype - nearest) / settings["bandwidth"])
    examples_kernel = settings["weight"] * np.exp((to_examples - nearest) / settings["bandwidth"])
    share = examples_kernel / (prototypes + examples_kernel.sum(axis=1, keepdims=True))  # (N, M)
    by_class = share @ np.eye(len(CLASSES))[[e.label for e in examples]]
    return (1.0 - share.sum(axis=1, keepdims=True)) * probabilities + by_class


def _cosines(outputs: dict[str, np.ndarray], embeddings: list[np.ndarray]) -> np.ndarray:
    """(N, M) cosine similarity of each image's embedding to each of M stored `embeddings`."""
    stored = _unit(np.stack(embeddings).astype(np.float64))
    return _unit(np.asarray(outputs["embedding"], dtype=np.float64)) @ stored.T


def nearest_prototype_cosine(outputs: dict[str, np.ndarray]) -> np.ndarray:
    """(N,) cosine similarity of each image's embedding to its nearest prototype (a typical training digit)."""
    embeddings = np.asarray(outputs["embedding"], dtype=np.float64)
    lengths = np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
    # The model gives dot products with unit prototypes: over the embedding's length, cosines.
    return (np.asarray(outputs["prototype_similarity"], dtype=np.float64) / lengths).max(axis=1)


def typicality(outputs: dict[str, np.ndarray], examples: list[Example]) -> np.ndarray:
    """(N,) how like a digit each image is: the cosine similarity of its embedding to the nearest prototype, or to the
    nearest of the person's examples of a digit where that is nearer. Segmentation doubts candidates unlike any
    (config.SEGMENT's typical_floor): a 7 of the person's own style, taught once, is a digit like the others."""
    cosine = nearest_prototype_cosine(outputs)
    digits = [e.embedding for e in examples if e.label < len(LABELS)]
    if not digits:
        return cosine
    return np.maximum(cosine, _cosines(outputs, digits).max(axis=1))


def class_prototypes(embeddings: np.ndarray, labels: np.ndarray, seed: int = 0) -> np.ndarray:
    """(classes * PROTOTYPES_PER_CLASS, D) unit vectors: k-means centres of each class's unit embeddings,
    fewer for a class with fewer images."""
    centres = []
    for label in range(len(LABELS)):
        members = _unit(np.asarray(embeddings[labels == label], dtype=np.float64))
        count = min(PROTOTYPES_PER_CLASS, len(members))
        if count:
            found, _ = kmeans2(members, count, seed=seed, minit="++")
            centres.append(found)
    return _unit(np.concatenate(centres))


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.maximum(np.linalg.norm(vectors, axis=-1, keepdims=True), 1e-12)


def examples_document(examples: list[Example]) -> dict[str, Any]:
    """The JSON file the page exports and imports."""
    return {
        "format": EXAMPLES_FORMAT,
        "version": PERSONAL["version"],
        "examples": [
            {
                "label": CLASSES[e.label],
                "pixels": [int(v) for v in e.pixels.ravel()],
                "embedding": [float(v) for v in e.embedding],
                "fingerprint": e.fingerprint,
            }
            for e in examples
        ],
    }


def load_examples(path: Path, embedding_size: int, fingerprint: str | None) -> list[Example]:
    """Read and check an examples file; any fault is an InputError naming the file, and nothing is loaded."""
    if not path.is_file():
        raise InputError(path, "examples file not found")
    size = path.stat().st_size
    if size > PERSONAL["max_file_bytes"]:
        raise InputError(path, f"examples file is {size:,} bytes, over the {PERSONAL['max_file_bytes']:,}-byte limit")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(path, f"not a JSON file ({err})") from None
    problem = check_document(document, embedding_size, fingerprint)
    if problem:
        raise InputError(path, problem)
    return [
        Example(
            label=_label_of(item, document["version"]),
            pixels=np.array(item["pixels"], dtype=np.uint8).reshape(IMAGE_SIZE, IMAGE_SIZE),
            embedding=np.array(item["embedding"], dtype=np.float32),
            fingerprint=item["fingerprint"],
        )
        for item in document["examples"]
    ]


def check_document(document: Any, embedding_size: int, fingerprint: str | None) -> str | None:
    """What is wrong with an examples file's content, or None. The same checks, in order, as personal.js."""
    if not isinstance(document, dict) or document.get("format") != EXAMPLES_FORMAT:
        return "not a digit-recognition examples file"
    version = document.get("version")
    # 2.0 is 2: the page's JSON.parse cannot tell them apart either.
    if isinstance(version, bool) or not isinstance(version, int | float) or version not in READABLE_VERSIONS:
        readable = " or ".join(str(v) for v in READABLE_VERSIONS)
        return f"examples format version {version!r} is not supported (expected {readable})"
    items = document.get("examples")
    if not isinstance(items, list):
        return "no list of examples"
    if len(items) > PERSONAL["max_examples"]:
        return f"{len(items)} examples, over the limit of {PERSONAL['max_examples']}"
    for number, item in enumerate(items, start=1):
        problem = _check_example(item, version, embedding_size, fingerprint)
        if problem:
            return f"example {number}: {problem}"
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _label_of(item: dict, version: int) -> int:
    return item["digit"] if version == 1 else CLASSES.index(item["label"])


def _check_example(item: Any, version: int, embedding_size: int, fingerprint: str | None) -> str | None:
    if not isinstance(item, dict):
        return "not an object"
    if version == 1:
        digit = item.get("digit")
        if not _is_int(digit) or not 0 <= digit < len(LABELS):
            return f"digit {digit!r} is not one of 0-9"
    elif item.get("label") not in CLASSES:
        return f"label {item.get('label')!r} is not one of 0-9 or {CLASSES[-1]!r}"
    pixels = item.get("pixels")
    if (
        not isinstance(pixels, list)
        or len(pixels) != IMAGE_SIZE * IMAGE_SIZE
        or not all(_is_int(v) and 0 <= v <= 255 for v in pixels)
    ):
        return f"pixels must be {IMAGE_SIZE * IMAGE_SIZE} whole numbers from 0 to 255"
    if not isinstance(item.get("fingerprint"), str):
        return "no model fingerprint"
    embedding = item.get("embedding")
    if not isinstance(embedding, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and np.isfinite(v) for v in embedding
    ):
        return "embedding must be a list of numbers"
    # Another model's embedding is replaced from the pixels, whatever its size; this model's must fit.
    if item["fingerprint"] == fingerprint and len(embedding) != embedding_size:
        return f"embedding has {len(embedding)} values, expected {embedding_size}"
    return None


def reembed(
    examples: list[Example], fingerprint: str | None, embed: Callable[[np.ndarray], np.ndarray]
) -> list[Example]:
    """Examples from another model get this model's embedding, from their stored pixels; `embed` maps
    (N, 28, 28) model inputs to (N, D) embeddings."""
    stale = [i for i, e in enumerate(examples) if e.fingerprint != fingerprint]
    if not stale:
        return examples
    fresh = embed(np.stack([model_input(examples[i].pixels) for i in stale]))
    updated = list(examples)
    for i, embedding in zip(stale, fresh, strict=True):
        updated[i] = Example(
            examples[i].label, examples[i].pixels, np.asarray(embedding, np.float32), fingerprint or ""
        )
    return updated
