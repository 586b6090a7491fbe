"""The whole_digit output tells one whole digit from a piece of one or two run together (wholeness.py)."""

import json

import numpy as np
import pytest

from pipeline.data.numbers import compose
from pipeline.model import wholeness


@pytest.fixture(scope="module")
def predictor(quick_dist):
    from pipeline.read.predict import Predictor

    return Predictor(quick_dist / "export/tflite/model.tflite")


def test_compose_gives_each_digits_columns(mnist):
    strength, columns = compose(list(mnist.x_test[:3]), touching=False, rng=np.random.default_rng(0))
    assert len(columns) == 3
    assert columns[0][0] == 0 and columns[-1][1] == strength.shape[1]
    for (_, right), (left, _) in zip(columns, columns[1:], strict=False):
        assert left > right  # spaced: a gap between neighbours
        assert not strength[:, right:left].any()


def test_candidates_are_labelled_by_the_digits_they_cover(mnist):
    inputs, whole = wholeness.labelled_candidates(mnist.x_test, 24, np.random.default_rng(0))
    assert inputs.shape[1:] == (28, 28) and len(inputs) == len(whole)
    # Lone digits (every sixth number) are candidates too, so both kinds are there.
    assert 0.05 < whole.mean() < 0.6


def test_whole_digit_separates_unseen_digits_from_pieces(mnist, predictor):
    """On numbers written with test digits, which the head never saw, a whole digit outscores a piece."""
    inputs, whole = wholeness.labelled_candidates(mnist.x_test, 60, np.random.default_rng(1))
    logits = predictor.outputs(inputs)["whole_digit"][:, 0]
    wholes, pieces = logits[whole == 1], logits[whole == 0]
    auc = (wholes[:, None] > pieces[None, :]).mean()  # the chance that a random whole beats a random piece
    assert auc > 0.8, auc


def test_build_records_the_head(quick_dist):
    record = json.loads((quick_dist / "metrics.json").read_text())["whole_digit"]
    assert record["candidates"] > 1000 and record["numbers"] > 0
    assert record["held_out_accuracy"] > max(record["whole_share"], 1 - record["whole_share"])
