"""Temperature scaling, calibration error and the "not sure" threshold, on data whose answers are known."""

import keras
import numpy as np
import pytest
from scipy.special import softmax

from pipeline.model.calibration import (
    choose_threshold,
    expected_calibration_error,
    fit_temperature,
    fold_temperature,
    output_layer,
    predict_logits,
    reliability,
    selective_accuracy,
)
from pipeline.model.networks import build_model

RULE = {"target_accuracy": 0.99, "min_answers": 100, "floor": 0.6, "ceiling": 0.9}


def test_fit_temperature_recovers_the_temperature_the_labels_were_drawn_with():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 4, size=(20_000, 10))
    true_temperature = 2.5
    # Labels drawn from softmax(logits / T): the NLL's minimum is at T, up to sampling noise.
    cumulative = softmax(logits / true_temperature, axis=1).cumsum(axis=1)
    labels = (rng.random((len(logits), 1)) > cumulative).sum(axis=1)
    assert fit_temperature(logits, labels) == pytest.approx(true_temperature, rel=0.03)
    # Sharper logits with the same labels need a proportionally higher temperature.
    assert fit_temperature(logits * 3, labels) == pytest.approx(3 * true_temperature, rel=0.03)


def test_ece_on_a_hand_checked_example():
    # Top probabilities 0.95, 0.95 (bin 14/15, one right) and 0.5, 0.5 (bin (7/15, 8/15], both right).
    probabilities = np.array([[0.95, 0.05], [0.05, 0.95], [0.5, 0.5], [0.5, 0.5]])
    labels = np.array([0, 0, 0, 0])  # the argmax of the ties is class 0: right
    # |0.5 - 0.95| * 2/4 + |1.0 - 0.5| * 2/4 = 0.225 + 0.25
    assert expected_calibration_error(probabilities, labels) == pytest.approx(0.475)
    bins = reliability(probabilities, labels)
    assert len(bins) == 15 and sum(b["count"] for b in bins) == 4
    assert bins[7] == {"lower": 7 / 15, "upper": 8 / 15, "count": 2, "confidence": 0.5, "accuracy": 1.0}
    assert bins[14]["count"] == 2 and bins[14]["accuracy"] == 0.5
    assert bins[0]["confidence"] is None and bins[0]["accuracy"] is None
    # Right exactly as often as claimed: no error.
    perfect = np.array([[0.8, 0.2]] * 5)
    assert expected_calibration_error(perfect, np.array([0, 0, 0, 0, 1])) == pytest.approx(0.0)


def test_bins_are_closed_on_the_right():
    edge = 10 / 15  # exactly on a bin edge: belongs to the lower bin, (9/15, 10/15]
    bins = reliability(np.array([[edge, 1 - edge]]), np.array([0]))
    assert bins[9]["count"] == 1 and bins[10]["count"] == 0
    assert reliability(np.array([[1.0, 0.0]]), np.array([0]))[14]["count"] == 1


@pytest.mark.parametrize("arch", ["default", "seed"])
def test_folding_the_temperature_gives_softmax_of_logits_over_t(arch):
    keras.utils.set_random_seed(3)
    model = build_model(arch)
    # Random, non-trivial weights in the softmax layer so that T visibly matters.
    layer = output_layer(model)
    layer.set_weights([w * 20 + 0.3 for w in layer.get_weights()])
    inputs = np.random.default_rng(1).random((16, 28, 28, 1), dtype=np.float32)
    logits = predict_logits(model, inputs)
    for temperature in (0.4, 2.0):
        folded = fold_temperature(model, temperature)
        # float32 through oneDNN's kernels: the folded graph rounds a little differently (1.2e-6 measured).
        np.testing.assert_allclose(folded.predict(inputs, verbose=0), softmax(logits / temperature, axis=1), atol=1e-5)
    # The trained model itself is left as it was, and the copy keeps its architecture.
    np.testing.assert_allclose(model.predict(inputs, verbose=0), softmax(logits, axis=1), atol=1e-5)
    assert folded.to_json() == model.to_json()


def _answers(confidences: list[float], right: list[bool]) -> tuple[np.ndarray, np.ndarray]:
    """Two-class probabilities with these top probabilities (class 0 on top) and labels right or not."""
    top = np.array(confidences)
    return np.stack([top, 1 - top], axis=1), np.where(right, 0, 1)


def test_threshold_is_the_lowest_that_meets_the_target():
    # 300 answers at 0.95 (all right), then 100 at 0.75 with 2 wrong, then 100 at 0.65 with 20 wrong.
    confidences = [0.95] * 300 + [0.75] * 100 + [0.65] * 100
    probabilities, labels = _answers(confidences, [True] * 398 + [False] * 2 + [True] * 80 + [False] * 20)
    chosen = choose_threshold(probabilities, labels, RULE)
    # At 0.75: 398/400 = 99.5% >= 99%; at 0.65: 478/500 = 95.6% < 99%.
    assert chosen["threshold"] == pytest.approx(0.75) and chosen["reason"] == "target"
    assert selective_accuracy(probabilities, labels, chosen["threshold"]) == {
        "answered": pytest.approx(0.8),
        "accuracy_answered": pytest.approx(398 / 400),
    }


def test_threshold_edge_cases():
    # Every answer right: the lowest confidence would do, but the floor holds.
    probabilities, labels = _answers(list(np.linspace(0.52, 1.0, 500)), [True] * 500)
    assert choose_threshold(probabilities, labels, RULE) | {"rule": None} == {
        "threshold": 0.6,
        "reason": "floor",
        "unclamped": pytest.approx(0.52),
        "rule": None,
    }
    # Right only where very sure: clamped to the ceiling.
    probabilities, labels = _answers([0.99] * 200 + [0.8] * 300, [True] * 200 + [False] * 300)
    assert choose_threshold(probabilities, labels, RULE)["reason"] == "ceiling"
    assert choose_threshold(probabilities, labels, RULE)["threshold"] == 0.9
    # Fewer answers than the target can be measured on: the ceiling, never a lucky low threshold.
    probabilities, labels = _answers([0.7] * 50, [True] * 50)
    assert choose_threshold(probabilities, labels, RULE)["threshold"] == 0.9
    assert choose_threshold(probabilities, labels, RULE)["reason"] == "too few validation images"
    # The target is never reached.
    probabilities, labels = _answers([0.95] * 200, [True] * 190 + [False] * 10)
    assert choose_threshold(probabilities, labels, RULE)["reason"] == "target not reached"


def test_threshold_counts_tied_confidences_together():
    # The 100 most confident include the 50 wrong answers tied at 0.7 only if the threshold admits them all.
    probabilities, labels = _answers([0.8] * 150 + [0.7] * 100, [True] * 150 + [True] * 50 + [False] * 50)
    chosen = choose_threshold(probabilities, labels, RULE)
    assert chosen["threshold"] == pytest.approx(0.8)  # 0.7 would admit 200 right of 250
