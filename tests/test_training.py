"""EarlyStopping and ModelCheckpoint are really applied during training."""

import numpy as np
import pytest

from pipeline.config import CLASSES
from pipeline.model.networks import get_architecture
from pipeline.model.training import one_hot, train
from pipeline.settings import TrainSettings, batch_size_for


def test_early_stopping_stops_and_the_checkpoint_is_the_best_epoch(mnist, tmp_path):
    x, y = mnist.x_train[:600], mnist.y_train[:600]
    # A learning rate far too high: validation loss stops improving at once, so patience runs out.
    settings = TrainSettings(arch="seed", epochs=12, batch_size=64, learning_rate=0.5, patience=1, seed=0)
    result = train(x[:500], y[:500], x[500:], y[500:], settings, tmp_path / "best.keras")
    assert result.epochs_run < settings.epochs
    assert (tmp_path / "best.keras").is_file()
    val_loss = result.history["val_loss"]
    assert result.best_epoch == int(np.argmin(val_loss)) + 1
    restored = result.model.evaluate(x[500:] / 255, np.eye(len(CLASSES))[y[500:]], verbose=0)[0]
    assert restored == pytest.approx(min(val_loss), rel=1e-4)


@pytest.mark.parametrize(("images", "expected"), [(54_000, 128), (40_000, 128), (20_000, 64), (9_000, 32), (500, 32)])
def test_small_training_sets_get_smaller_batches(images, expected):
    assert batch_size_for(images) == expected


def test_the_default_recipe_trains_on_smoothed_labels(mnist, tmp_path):
    x, y = mnist.x_train[:400], mnist.y_train[:400]
    settings = TrainSettings(epochs=1, seed=0)
    result = train(x[:300], y[:300], x[300:], y[300:], settings, tmp_path / "best.keras")
    probabilities = result.model.predict(x[300:] / 255, verbose=0)
    smoothing = get_architecture("default").label_smoothing
    assert smoothing > 0
    targets = one_hot(y[300:]) * (1 - smoothing) + smoothing / len(CLASSES)
    smoothed = -(targets * np.log(probabilities)).sum(axis=1).mean()
    plain = -np.log(probabilities[np.arange(100), y[300:]]).mean()
    assert result.history["val_loss"][0] == pytest.approx(smoothed, rel=1e-3)
    assert abs(smoothed - plain) > 0.01


def test_soft_targets_train_as_they_are():
    """Runs of touching digits train on their digits' classes in equal shares (model/not_digit.digit_runs)."""
    soft = np.zeros((1, len(CLASSES)), np.float32)
    soft[0, [2, 7]] = 0.5
    np.testing.assert_array_equal(one_hot(soft), soft)
    np.testing.assert_array_equal(one_hot(np.array([3]))[0], np.eye(len(CLASSES))[3])
