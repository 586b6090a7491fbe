import numpy as np
import pytest

from pipeline.data.splits import cap_per_class, stratified_split

LABELS = np.repeat(np.arange(10), [50, 60, 70, 80, 90, 100, 110, 120, 130, 140])


def test_cap_per_class_keeps_at_most_n_of_each_class_seeded():
    kept = cap_per_class(LABELS, 75, seed=3)
    counts = np.bincount(LABELS[kept], minlength=10)
    assert counts.tolist() == [50, 60, 70] + [75] * 7
    np.testing.assert_array_equal(kept, cap_per_class(LABELS, 75, seed=3))
    assert not np.array_equal(kept, cap_per_class(LABELS, 75, seed=4))
    assert len(cap_per_class(LABELS, None, seed=3)) == len(LABELS)


def test_stratified_split_is_disjoint_proportional_and_seeded():
    train, val = stratified_split(LABELS, 0.1, seed=0)
    assert len(np.intersect1d(train, val)) == 0 and len(train) + len(val) == len(LABELS)
    val_counts = np.bincount(LABELS[val], minlength=10)
    assert val_counts.tolist() == [5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    again = stratified_split(LABELS, 0.1, seed=0)
    np.testing.assert_array_equal(val, again[1])
    assert not np.array_equal(val, stratified_split(LABELS, 0.1, seed=1)[1])


def test_bad_val_fraction():
    with pytest.raises(ValueError, match="val_fraction"):
        stratified_split(LABELS, 1.0, seed=0)
