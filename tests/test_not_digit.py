"""The eleventh class (model/not_digit.py): what it learns from, and how the exported model gives it."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.data import negatives
from pipeline.model import not_digit
from pipeline.model.not_digit import is_stroke, not_digit_inputs


def _line(angle: float) -> np.ndarray:
    """A 28x28 input with one stroke through the middle at `angle` radians."""
    pixels = np.zeros((28, 28), np.float32)
    for t in np.linspace(-9, 9, 200):
        pixels[int(round(14 + t * np.sin(angle))), int(round(14 + t * np.cos(angle)))] = 1.0
    return pixels


@pytest.mark.parametrize("angle", [0.0, 0.4, np.pi / 2, 2.0])
def test_a_straight_stroke_at_any_angle_is_a_stroke(angle):
    assert is_stroke(_line(angle))


def test_a_corner_a_ring_and_a_cross_are_not():
    ring = np.zeros((28, 28), np.float32)
    ring[6:22, 8:20] = 1.0
    ring[9:19, 11:17] = 0.0
    corner = np.zeros((28, 28), np.float32)
    corner[5:23, 8:10] = corner[21:23, 8:20] = 1.0  # an L
    assert not is_stroke(corner)
    assert not is_stroke(ring)
    assert not is_stroke(np.maximum(_line(0.0), _line(np.pi / 2)))


def test_inputs_are_seeded_marks_of_the_trained_glyphs_only(monkeypatch):
    asked = []
    draw = negatives.negative_set

    def spy(groups, count, seed=0):
        asked.append(groups)
        return draw(groups, count, seed)

    monkeypatch.setattr(not_digit, "negative_set", spy)
    first = not_digit_inputs(50, seed=3)
    assert asked and all(groups is negatives.TRAINED for groups in asked)
    assert first.shape == (50, 28, 28) and first.dtype == np.uint8
    np.testing.assert_array_equal(first, not_digit_inputs(50, seed=3))
    assert not np.array_equal(first, not_digit_inputs(50, seed=4))
    assert (first.max(axis=(1, 2)) > 50).all()  # every input has ink
    assert not any(is_stroke(pixels / 255) for pixels in first[: round(50 * (1 - not_digit.NOISE_SHARE))])


def test_the_exported_model_splits_one_softmax_in_two():
    import keras

    from pipeline.model.networks import build_model, embedding_features, with_reading_outputs

    model = build_model()
    size = keras.Model(model.inputs[0], embedding_features(model)).output.shape[-1]
    rng = np.random.default_rng(0)
    head = [rng.normal(size=s).astype(np.float32) for s in ((size, 32), (32,), (32, 1), (1,))]
    exported = with_reading_outputs(model, rng.normal(size=(5, size)), head)
    batch = rng.random((4, 28, 28, 1)).astype(np.float32)
    outputs = exported.predict(batch, verbose=0)
    softmax = model.predict(batch, verbose=0)
    assert outputs["probabilities"].shape == (4, 10) and outputs["not_digit"].shape == (4,)
    np.testing.assert_array_equal(outputs["probabilities"], softmax[:, :10])
    np.testing.assert_array_equal(outputs["not_digit"], softmax[:, 10])


def test_roc_counts_pairs_ranked_right_and_ties_as_half():
    from pipeline.model.evaluate import roc

    assert roc(np.array([0.9, 0.8]), np.array([0.1, 0.2]))["auc"] == 1.0
    assert roc(np.array([0.5, 0.5]), np.array([0.5]))["auc"] == 0.5
    curve = roc(np.array([0.9, 0.8, 0.4]), np.array([0.1, 0.5, 0.85]))
    assert curve["auc"] == pytest.approx(6 / 9)  # of 9 pairs, 6 have the mark above the digit
    assert curve["true_positive_rate"][-1] == curve["false_positive_rate"][-1] == 1.0
