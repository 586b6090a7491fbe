"""Shared fixtures: one quick end-to-end build and one Chromium per test session, and generated images."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from pipeline.bench.browser import launch_chromium
from pipeline.data.datasets import load_mnist

ROOT = Path(__file__).resolve().parent.parent


def run_pipeline(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """`python -m pipeline ARGS` as a user runs it; never raises on a non-zero exit."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, capture_output=True, text=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Marked by what they use rather than by hand, so `-m "not browser"` can never run a browser test by mistake.
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def playwright_session():
    """The session's one Playwright: a second sync Playwright cannot start while one runs."""
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session):
    """The session's shared Chromium; a test that needs other flags (a fake camera) launches its own."""
    instance = launch_chromium(playwright_session)
    yield instance
    instance.close()


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
