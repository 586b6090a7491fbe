"""Temperature scaling (Guo et al. 2017), calibration error, and the "not sure" threshold.

Label smoothing keeps the network's top probability near 0.9 even where it is
almost always right. One temperature T, fitted on the validation split, rescales
the logits so that a probability means what it says; it is folded into the last
Dense layer, so every export carries it and nothing downstream needs to know.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax

from ..config import CONFIDENCE_RULE
from .networks import output_layer

ECE_BINS = 15
# At most this share of validation digits may be answered "not a digit" (the eleventh class the likeliest): the
# class's prior is lowered until so (fit_not_digit_shift). Half a per mille: 3 of MNIST's 6,000 validation digits.
MAX_DIGITS_NOT_DIGIT = 0.0005
# Far outside anything a trained network needs, yet short of overflow in float32 logits.
TEMPERATURE_BOUNDS = (0.05, 20.0)


def predict_logits(model: keras.Model, inputs: np.ndarray) -> np.ndarray:
    """The softmax layer's pre-activation in float64: exact, unlike log(probabilities) where these underflow."""
    layer = output_layer(model)
    features = keras.Model(model.inputs, layer.input).predict(inputs, batch_size=512, verbose=0)
    kernel, *bias = (np.asarray(w, dtype=np.float64) for w in layer.get_weights())
    return features.astype(np.float64) @ kernel + (bias[0] if bias else 0.0)


def negative_log_likelihood(logits: np.ndarray, labels: np.ndarray, temperature: float) -> float:
    picked = log_softmax(logits / temperature, axis=1)[np.arange(len(labels)), labels.astype(int)]
    return float(-picked.mean())


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The T minimising the NLL of softmax(logits / T).

    The NLL is convex in 1/T, hence unimodal in log T: a bounded 1-D search finds the global minimum.
    """
    found = minimize_scalar(
        lambda log_t: negative_log_likelihood(logits, labels, float(np.exp(log_t))),
        bounds=tuple(np.log(TEMPERATURE_BOUNDS)),
        method="bounded",
        options={"xatol": 1e-7},
    )
    return float(np.exp(found.x))


def calibrated_probabilities(logits: np.ndarray, temperature: float) -> np.ndarray:
    return softmax(logits / temperature, axis=1)


def reliability(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> list[dict[str, Any]]:
    """Per equal-width bin of top probability, (lower, upper]: count, mean confidence, accuracy (None if empty)."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    # Bin i holds (edges[i], edges[i + 1]]; a confidence of exactly 0 cannot occur with 2+ classes.
    index = np.clip(np.searchsorted(edges, confidence, side="left") - 1, 0, bins - 1)
    table = []
    for i in range(bins):
        members = index == i
        count = int(members.sum())
        table.append(
            {
                "lower": float(edges[i]),
                "upper": float(edges[i + 1]),
                "count": count,
                "confidence": float(confidence[members].mean()) if count else None,
                "accuracy": float(correct[members].mean()) if count else None,
            }
        )
    return table


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = ECE_BINS) -> float:
    """Sum over bins of (share of answers) x |accuracy - mean confidence|."""
    filled = [b for b in reliability(probabilities, labels, bins) if b["count"]]
    return float(sum(b["count"] / len(labels) * abs(b["accuracy"] - b["confidence"]) for b in filled))


def choose_threshold(probabilities: np.ndarray, labels: np.ndarray, rule: dict = CONFIDENCE_RULE) -> dict[str, Any]:
    """The lowest top probability at and above which at least `target_accuracy` of answers are right.

    Counted only where at least `min_answers` answers are at or above it (fewer cannot measure the target),
    then clamped to [floor, ceiling]. If no threshold meets the target, or there are fewer than `min_answers`
    images at all, the ceiling: unmeasured reliability is doubt.
    """
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    order = np.argsort(-confidence, kind="stable")
    confidence, correct = confidence[order], correct[order]
    # For each k: the answers at or above confidence[k - 1], i.e. the k most confident ones.
    answered = np.arange(1, len(confidence) + 1)
    accuracy = np.cumsum(correct) / answered
    # Ties: a threshold at confidence[k - 1] admits every answer of that confidence, so only group ends count.
    group_end = np.append(confidence[1:] != confidence[:-1], True)
    meets = group_end & (answered >= rule["min_answers"]) & (accuracy >= rule["target_accuracy"])
    if not meets.any():
        reason = "too few validation images" if len(confidence) < rule["min_answers"] else "target not reached"
        return {"threshold": rule["ceiling"], "reason": reason, "rule": dict(rule)}
    k = int(np.flatnonzero(meets)[-1])  # the most answers, i.e. the lowest threshold
    raw = float(confidence[k])
    threshold = min(max(raw, rule["floor"]), rule["ceiling"])
    reason = "floor" if raw < rule["floor"] else "ceiling" if raw > rule["ceiling"] else "target"
    return {"threshold": threshold, "reason": reason, "unclamped": raw, "rule": dict(rule)}


def selective_accuracy(probabilities: np.ndarray, labels: np.ndarray, threshold: float) -> dict[str, float | None]:
    """Share of answers given (top probability >= threshold) and how many of those are right."""
    answered = probabilities.max(axis=1) >= threshold
    correct = probabilities.argmax(axis=1) == labels
    return {
        "answered": float(answered.mean()),
        "accuracy_answered": float(correct[answered].mean()) if answered.any() else None,
    }


def fit_not_digit_shift(logits: np.ndarray, labels: np.ndarray, limit: float = MAX_DIGITS_NOT_DIGIT) -> float:
    """The shift (0 or below) of the last class's logit, "not a digit", closest to 0 at which at most `limit` of the
    digits (labels below the last class) are answered "not a digit". Calibrated logits in, so the shift is too."""
    digits = logits[labels < logits.shape[1] - 1]
    # How far each digit's "not a digit" logit stands above its best digit's: the shift must take it below.
    margins = np.sort(digits[:, -1] - digits[:, :-1].max(axis=1))[::-1]
    allowed = int(np.floor(limit * len(digits)))
    if allowed >= len(margins) or margins[allowed] < 0:
        return 0.0
    return -float(np.nextafter(margins[allowed], np.inf))


def fold_temperature(model: keras.Model, temperature: float, not_digit_shift: float = 0.0) -> keras.Model:
    """A copy of `model` whose softmax layer computes softmax(logits / T + s), s the not_digit_shift on the last
    class only: kernel and bias divided by T, then s added to the last class's bias.

    softmax((W x + b) / T) = softmax((W / T) x + b / T), so the architecture, and every export of it, is unchanged.
    """
    # From the config, not clone_model: that renames the input layer, and with it every export's input.
    calibrated = model.__class__.from_config(model.get_config())
    calibrated.set_weights(model.get_weights())
    layer = output_layer(calibrated)
    kernel, bias = (w / np.float32(temperature) for w in layer.get_weights())
    bias[-1] += np.float32(not_digit_shift)
    layer.set_weights([kernel, bias])
    return calibrated
