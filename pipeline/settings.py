"""Build and training options with their defaults. Kept free of TensorFlow so the CLI starts fast."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUICK = {"per_class": 300, "epochs": 4}  # a smoke-test profile for tests and CI


MIN_UPDATES_PER_EPOCH = 250


def batch_size_for(train_images: int) -> int:
    """128, halved (down to 32) until an epoch has MIN_UPDATES_PER_EPOCH updates.

    A small training set gets more, noisier updates per epoch: on the notebook's 9,000 images
    batch 32 reached 99.20% where 128 reached 99.08% in the same 20 epochs (measured).
    """
    size = 128
    while size > 32 and train_images / size < MIN_UPDATES_PER_EPOCH:
        size //= 2
    return size


@dataclass(frozen=True)
class TrainSettings:
    arch: str = "default"
    # With oneDNN's kernels (machine.prefer_onednn) 16 epochs of the six-convolution network trained in 417-436 s on
    # a 2-core AVX2 CPU for 99.71/99.69/99.72% (seeds 42/1/2); the five-convolution one took 555-694 s at busier
    # hours of its host for 99.70/99.72/99.61%, and 24 epochs on Eigen 888-1224 s for 99.63% (42).
    epochs: int = 16
    batch_size: int | None = None  # None: batch_size_for(number of training images)
    learning_rate: float | None = None  # None: the architecture's own
    patience: int = 4
    seed: int = 42


@dataclass
class BuildOptions:
    dataset: str | None = None
    per_class: int | None = None
    val_fraction: float = 0.1
    out: Path = PROJECT_ROOT / "dist"
    web: bool = True
    train: TrainSettings = field(default_factory=TrainSettings)
