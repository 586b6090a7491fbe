"""Invoke tasks: thin wrappers around `python -m pipeline`, the test tools and the lock resolver."""

from __future__ import annotations

import sys

from invoke import task

PYTHON = sys.executable


def _flags(**options: object) -> str:
    """--name value for each option that was given (None and False are left out)."""
    parts = []
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            parts.append(flag)
        elif value not in (None, False):
            parts.append(f"{flag} {value}")
    return " ".join(parts)


TRAIN_HELP = {
    "dataset": "mnist, emnist-digits, emnist-mnist or a path (default: EMNIST digits if in datasets/, else MNIST)",
    "arch": "default, compact, or seed (the original notebook's network)",
    "epochs": "maximum epochs (EarlyStopping may stop sooner)",
    "per_class": "keep at most N training images per class",
    "quick": "smoke-test profile: a small subset, a few epochs",
    "out": "output directory (default: dist)",
}


@task(help=TRAIN_HELP)
def build(c, dataset=None, arch=None, epochs=None, per_class=None, seed=None, quick=False, out=None):
    """Train, evaluate, export SavedModel/TFLite/TF.js, verify them, and assemble the web app in dist/."""
    flags = _flags(dataset=dataset, arch=arch, epochs=epochs, per_class=per_class, seed=seed, quick=quick, out=out)
    c.run(f"{PYTHON} -m pipeline build {flags}", pty=sys.stdout.isatty())


@task(help=TRAIN_HELP)
def train(c, dataset=None, arch=None, epochs=None, per_class=None, seed=None, quick=False, out=None):
    """Like build, without assembling the web app."""
    flags = _flags(dataset=dataset, arch=arch, epochs=epochs, per_class=per_class, seed=seed, quick=quick, out=out)
    c.run(f"{PYTHON} -m pipeline train {flags}", pty=sys.stdout.isatty())


@task(
    iterable=["image"],
    help={
        "image": "an image file (repeat for several)",
        "json": "one JSON object per line",
        "examples": "personal examples exported from the page (JSON)",
    },
)
def predict(c, image, json=False, examples=None):
    """Read the digits in image files with the exported model."""
    c.run(f"{PYTHON} -m pipeline predict {' '.join(image)} {_flags(json=json, examples=examples)}")


@task(
    help={
        "quick": "small data and few epochs: checks the benchmark runs, not the targets",
        "built": "measure the full build already in dist/ (reading, numbers, browser) without training",
    }
)
def bench(c, quick=False, built=False):
    """Benchmark the notebook's model against ours and the web app in Chromium: dist/bench.json, docs/results.md."""
    c.run(f"{PYTHON} -m pipeline bench {_flags(quick=quick, built=built)}", pty=sys.stdout.isatty())


@task(help={"out": "the built site whose bench.json to use (default: dist)"})
def docs(c, out=None):
    """Rewrite docs/results.md, the README's results table and its pictures from a full bench already in dist/."""
    c.run(f"{PYTHON} -m pipeline docs {_flags(out=out)}", pty=sys.stdout.isatty())


@task(help={"port": "port to listen on (default 8000)"})
def serve(c, port=8000):
    """Serve dist/ on http://127.0.0.1:PORT/ (any static server works)."""
    c.run(f"{PYTHON} -m http.server {port} --bind 127.0.0.1 --directory dist")


@task
def lint(c):
    """ruff lint and format check."""
    c.run(f"{PYTHON} -m ruff check .")
    c.run(f"{PYTHON} -m ruff format --check .")


@task(
    pre=[lint],
    help={
        "k": "only tests matching this pytest -k expression",
        "m": "only tests matching this marker expression, e.g. 'not browser' (no Chromium needed)",
    },
)
def test(c, k=None, m=None):
    """Lint, then the whole test suite (pytest, Playwright in Chromium)."""
    flags = _flags(k=repr(k) if k else None) + (f" -m {m!r}" if m else "")  # pytest has no --m
    c.run(f"{PYTHON} -m pytest {flags}", pty=sys.stdout.isatty())


# The Pythons with a lock in requirements/ (scripts/install.sh installs from them).
LOCKED_PYTHONS = ("3.11", "3.12")


@task(help={"upgrade": "move every pin to the newest release pyproject.toml allows (default: keep pins that fit)"})
def lock(c, upgrade=False):
    """Re-resolve requirements/py3XX.txt: pyproject.toml's dependencies and dev extras, pinned with hashes."""
    for version in LOCKED_PYTHONS:
        out = f"requirements/py{version.replace('.', '')}.txt"
        c.run(
            f"{PYTHON} -m uv pip compile pyproject.toml --extra dev --generate-hashes --quiet"
            f" --python-version {version} --python-platform x86_64-manylinux_2_28 -c requirements/constraints.txt"
            f" --custom-compile-command 'invoke lock' -o {out} {_flags(upgrade=upgrade)}"
        )
