"""Shared fixtures: one quick end-to-end build per test session, and generated images."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.datasets import load_mnist

ROOT = Path(__file__).resolve().parent.parent


def run_pipeline(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m pipeline ARGS` as a user runs it; never raises on a non-zero exit."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="session")
def mnist():
    return load_mnist()


@pytest.fixture(scope="session")
def quick_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """`python -m pipeline build --quick` into a temporary dist/: the real build, on a small subset."""
    out = tmp_path_factory.mktemp("build") / "dist"
    done = run_pipeline("build", "--quick", "--out", str(out))
    assert done.returncode == 0, f"quick build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return out, done


@pytest.fixture(scope="session")
def quick_dist(quick_build) -> Path:
    return quick_build[0]


def digit_on_paper(
    digit: np.ndarray, size: tuple[int, int], box: tuple[int, int, int], ink=(20, 20, 60), paper=(245, 240, 230)
) -> np.ndarray:
    """RGBA image: an MNIST digit (light on dark, 0-255) scaled to box=(top, left, side), as ink on paper."""
    from PIL import Image

    top, left, side = box
    strength = np.asarray(Image.fromarray(digit).resize((side, side), Image.BILINEAR), dtype=np.float64) / 255
    image = np.empty((*size, 3))
    image[:] = paper
    region = image[top : top + side, left : left + side]
    region[:] = region * (1 - strength[..., None]) + np.array(ink) * strength[..., None]
    alpha = np.full((*size, 1), 255.0)
    return np.concatenate([image, alpha], axis=2).round().astype(np.uint8)
