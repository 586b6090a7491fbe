"""Build and training options with their defaults. Kept free of TensorFlow so the CLI starts fast."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUICK = {"per_class": 300, "epochs": 4}  # a smoke-test profile for tests and CI


@dataclass(frozen=True)
class TrainSettings:
    arch: str = "default"
    epochs: int = 12
    batch_size: int = 128
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
