"""Training augmentation: one affine warp per image, in range, reproducible, fresh each epoch, off at the end."""

import numpy as np
import pytest
import tensorflow as tf

from pipeline.data.augment import WarpRanges, random_warp
from pipeline.model.training import CLEAN_FINAL_EPOCHS, _training_batches, one_hot, to_model_input
from pipeline.settings import TrainSettings

SEED = tf.constant([42, 0])


@pytest.fixture(scope="module")
def digits(mnist) -> np.ndarray:
    return to_model_input(mnist.x_test[:64])


@pytest.fixture(scope="module")
def small_set(mnist) -> tuple[np.ndarray, np.ndarray]:
    """32 digits and their one-hot labels: with batch size 32, each batch is an epoch."""
    return to_model_input(mnist.x_test[:32]), one_hot(mnist.y_test[:32])


def _ink(images: np.ndarray) -> np.ndarray:
    return images.sum(axis=(1, 2, 3))


def _centroids(images: np.ndarray) -> np.ndarray:
    grid = np.arange(images.shape[1], dtype=np.float64)
    ink = _ink(images)
    rows = (images.sum(axis=(2, 3)) * grid).sum(axis=1) / ink
    cols = (images.sum(axis=(1, 3)) * grid).sum(axis=1) / ink
    return np.stack([rows, cols], axis=1)


def test_zero_ranges_leave_images_untouched(digits):
    assert np.array_equal(random_warp(digits, SEED, WarpRanges(0, 0, 0, 0)).numpy(), digits)


def test_same_seed_same_warp_and_each_image_its_own(digits):
    first = random_warp(digits, SEED).numpy()
    assert np.array_equal(first, random_warp(digits, SEED).numpy())
    assert not np.array_equal(first, random_warp(digits, tf.constant([42, 1])).numpy())
    # The same digit repeated gets different warps within one batch.
    same = np.repeat(digits[:1], 8, axis=0)
    warped = random_warp(same, SEED).numpy()
    assert len({w.tobytes() for w in warped}) == 8


def test_shifts_stay_within_range_and_keep_the_ink(digits):
    shifted = random_warp(digits, SEED, WarpRanges(degrees=0, zoom=0, shift=0.1, stroke=0)).numpy()
    moved = np.abs(_centroids(shifted) - _centroids(digits))
    # Digits with a 3-pixel empty border lose nothing over the edge, so their centroids move by the shift itself.
    inside = digits[:, :3].max(axis=(1, 2, 3)) + digits[:, -3:].max(axis=(1, 2, 3)) == 0
    inside &= digits[:, :, :3].max(axis=(1, 2, 3)) + digits[:, :, -3:].max(axis=(1, 2, 3)) == 0
    assert inside.sum() > 32
    assert moved[inside].max() <= 0.1 * 28 + 0.05
    assert moved[inside].max() > 1.5  # the draws really use the range
    np.testing.assert_allclose(_ink(shifted)[inside], _ink(digits)[inside], rtol=1e-3)


def test_rotation_turns_about_the_centre(digits):
    rotated = random_warp(digits, SEED, WarpRanges(degrees=10, zoom=0, shift=0, stroke=0)).numpy()
    # A 10-degree turn about the image centre moves a centroid that sits near it by well under a pixel.
    centre_offset = np.linalg.norm(_centroids(digits) - 13.5, axis=1)
    moved = np.linalg.norm(_centroids(rotated) - _centroids(digits), axis=1)
    assert np.all(moved <= centre_offset * np.sin(np.radians(10)) * 1.1 + 0.1)
    np.testing.assert_allclose(_ink(rotated), _ink(digits), rtol=0.03)


def test_zoom_scales_the_ink_by_the_square_of_the_scale(digits):
    zoomed = random_warp(digits, SEED, WarpRanges(degrees=0, zoom=0.1, shift=0, stroke=0)).numpy()
    ratio = _ink(zoomed) / _ink(digits)
    # Sampling from a region `scale` times wider shrinks the digit's area by scale^2.
    assert np.all((ratio > 1 / 1.1**2 - 0.02) & (ratio < 1 / 0.9**2 + 0.02))
    assert ratio.min() < 0.95 and ratio.max() > 1.05


def test_stroke_width_varies_both_ways_and_the_digit_stays_put(digits):
    varied = random_warp(digits, SEED, WarpRanges(degrees=0, zoom=0, shift=0, stroke=0.5)).numpy()
    ratio = _ink(varied) / _ink(digits)
    # Half way to a one-pixel erosion or dilation takes away or adds up to about a quarter of the ink.
    assert ratio.min() < 0.9 and ratio.max() > 1.1
    assert np.all((ratio > 0.6) & (ratio < 1.45))
    # A 2x2 max-pool moves the stroke by at most half a pixel.
    assert np.abs(_centroids(varied) - _centroids(digits)).max() < 0.75


def test_every_epoch_sees_new_warps_and_reruns_see_the_same(small_set):
    images, labels = small_set

    def two_epochs() -> list[np.ndarray]:
        # Sorting the per-image ink undoes the shuffle.
        batches = _training_batches(images, labels, TrainSettings(), batch_size=32).take(2)
        return [np.sort(_ink(x.numpy())) for x, _ in batches]

    first, second = two_epochs()
    assert not np.allclose(first, second)
    rerun = two_epochs()
    assert np.array_equal(first, rerun[0]) and np.array_equal(second, rerun[1])


def test_the_final_epochs_train_on_the_digits_as_they_are(small_set):
    images, labels = small_set
    epochs = CLEAN_FINAL_EPOCHS + 1
    batches = _training_batches(images, labels, TrainSettings(epochs=epochs), batch_size=32).take(epochs)
    ink = [np.sort(_ink(x.numpy())) for x, _ in batches]
    assert not np.allclose(ink[0], np.sort(_ink(images)))
    for clean in ink[1:]:
        np.testing.assert_array_equal(clean, np.sort(_ink(images)))
