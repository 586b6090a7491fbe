"""Marks that are not digits (data/negatives.py): what they hold, what they leave out, and how they are split."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.bench.runner import python_not_digit_flagged
from pipeline.data.negatives import HELD_OUT, KINDS, LETTERS, SCRIBBLE, TRAINED, negative_set
from pipeline.read.segment import DigitRead, Reading

# Letters people write like digits, and the marks numbers hold: neither may be taught as "not a digit".
LIKE_DIGITS = set("OoIlSsZzBbGgq")
MARKS = set(".,-:/")


def _names(groups: dict[str, tuple[str, ...]]) -> set[tuple[str, str]]:
    return {(kind, name) for kind, names in groups.items() for name in names}


def test_trained_and_held_out_share_no_glyph_and_no_letter():
    assert not _names(TRAINED) & _names(HELD_OUT)
    trained_letters = set(TRAINED["letter"]) | {c for word in TRAINED["word"] for c in word}
    held_letters = set(HELD_OUT["letter"]) | {c for word in HELD_OUT["word"] for c in word}
    assert not trained_letters & held_letters
    assert trained_letters | held_letters <= set(LETTERS)


def test_letters_like_digits_and_the_marks_of_numbers_are_left_out():
    written = {name for groups in (TRAINED, HELD_OUT) for kind in ("letter", "symbol", "word") for name in groups[kind]}
    assert not {c for name in written for c in name} & (LIKE_DIGITS | MARKS)
    assert SCRIBBLE in HELD_OUT["doodle"]  # drawn anew each time, so never the same as anything trained on


def test_the_set_is_seeded_and_takes_kinds_and_glyphs_in_turn():
    first, again = negative_set(HELD_OUT, 40, seed=3), negative_set(HELD_OUT, 40, seed=3)
    assert [n.kind for n in first] == [KINDS[i % len(KINDS)] for i in range(40)]
    assert all(np.array_equal(a.rgba, b.rgba) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[0].rgba, negative_set(HELD_OUT, 1, seed=4)[0].rgba)
    every = negative_set(TRAINED, len(KINDS) * max(map(len, TRAINED.values())), seed=0)
    assert {(n.kind, n.name) for n in every} == _names(TRAINED)


@pytest.mark.parametrize("groups", [TRAINED, HELD_OUT], ids=["trained", "held out"])
def test_every_glyph_is_drawn_whole_on_its_pad(groups):
    for sample in negative_set(groups, len(KINDS) * max(map(len, groups.values())), seed=1):
        ink = sample.rgba[..., 0] < 128
        assert sample.rgba.dtype == np.uint8 and ink.sum() > 50, sample.name
        border = np.concatenate([ink[0], ink[-1], ink[:, 0], ink[:, -1]])
        assert not border.any(), f"{sample.name} runs off its pad"
        wide = sample.rgba.shape[1] > sample.rgba.shape[0]
        assert wide == (sample.kind == "word"), sample.name


def test_flagged_means_no_digit_claimed_at_or_above_the_threshold():
    def reading(*confidences: float) -> Reading:
        return Reading(
            [DigitRead([0, 0, 1, 1], np.zeros((28, 28)), np.array([c, *[0] * 9, 1 - c])) for c in confidences]
        )

    answers = iter([reading(), reading(0.5, 0.55), reading(0.5, 0.9), reading(0.6)])

    class Stub:
        def read(self, rgba):
            return next(answers)

    negatives = negative_set(HELD_OUT, 4, seed=0)
    flagged = python_not_digit_flagged(Stub(), negatives, threshold=0.6)
    assert flagged == {"overall": 0.5, "letter": 1.0, "symbol": 1.0, "word": 0.0, "doodle": 0.0}
