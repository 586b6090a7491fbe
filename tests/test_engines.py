"""The core of the web app in Firefox and WebKit, on the WASM backend: it loads, reads a number drawn with the
mouse and an uploaded picture as Python does, keeps a taught example across a reload, and works offline.

The system's browsers, nothing downloaded: Firefox ESR through puppeteer-core (WebDriver BiDi), WebKitGTK's
MiniBrowser through its WebDriver and Selenium (pipeline/bench/engines/). The Chromium suite is
test_web.py's.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.bench.browser import serve
from pipeline.bench.engines import ENGINES, open_engine
from pipeline.bench.engines.driver import Driver, wait_until
from pipeline.bench.engines.steps import (
    correct_first_digit,
    draw_and_read,
    features,
    open_app,
    text,
    wait_loaded,
    wait_service_worker,
)
from pipeline.bench.page import number_strokes
from pipeline.read.predict import Predictor

# Run by `-m browser`, skipped by `-m "not browser"`: these need Firefox, WebKitGTK and an X server of their own.
pytestmark = pytest.mark.browser

BACKEND = '[data-testid="backend"]'
EXAMPLES_COUNT = '[data-testid="examples-count"]'
WASM_BINARIES = {"tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm.wasm"}
# An answer to the upload: the panel left "Draw a digit or a number" and nothing is pending.
UPLOAD_ANSWERED_JS = """(() => { const answer = document.getElementById('answer');
  return answer.dataset.state !== 'empty' && answer.getAttribute('aria-busy') === 'false'; })()"""


@pytest.fixture(scope="module", params=ENGINES)
def browser_session(request) -> Iterator[Driver]:
    """One browser per engine for the whole module, closed before the next engine starts."""
    with open_engine(request.param) as driver:
        yield driver


@pytest.fixture
def engine(browser_session: Driver) -> Driver:
    browser_session.errors()  # a test answers only for the errors it causes
    return browser_session


@pytest.fixture(scope="module")
def site(quick_dist: Path) -> Iterator[str]:
    with serve(quick_dist) as url:
        yield url


def eventually(driver: Driver, selector: str, expected: str, timeout_s: float = 10) -> str | None:
    """The element's text once it is `expected`, or what it still is after timeout_s (for the assert to show)."""
    deadline = time.monotonic() + timeout_s
    while (found := text(driver, selector)) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def test_loads_ready_on_wasm(engine, site):
    loaded = open_app(engine, f"{site}?backend=wasm")
    assert loaded["state"] == "ready", loaded["message"]
    assert text(engine, BACKEND) == "wasm"
    # TF.js picked one of its WASM binaries by the engine's SIMD support, and the page fetched it.
    assert set(features(engine)["wasmFiles"]) & WASM_BINARIES
    assert engine.errors() == []


def test_number_drawn_with_the_mouse_is_read(engine, site):
    open_app(engine, f"{site}?backend=wasm")
    # Three strokes, the 4's two and the 7's: each pen-up is answered, and the last answer is the whole number.
    assert draw_and_read(engine, number_strokes("47")) == "47"
    assert engine.errors() == []


@pytest.fixture(scope="module")
def uploaded_digit(tmp_path_factory, mnist, quick_dist) -> tuple[Path, str]:
    """An MNIST test digit (a 2) scanned dark on light as a PNG, and the number Python reads in it (the reader of
    `python -m pipeline predict`)."""
    gray = 255 - np.asarray(Image.fromarray(mnist.x_test[1]).resize((112, 112), Image.Resampling.BILINEAR))
    path = tmp_path_factory.mktemp("upload") / "digit.png"
    Image.fromarray(gray).convert("RGBA").save(path)
    python = Predictor(quick_dist / "export" / "tflite" / "model.tflite").predict_file(path).reading.number
    assert python, "Python reads no number in the picture"
    return path, python


def test_uploaded_picture_reads_as_python_reads_it(engine, site, uploaded_digit):
    path, python = uploaded_digit
    open_app(engine, f"{site}?backend=wasm")
    engine.upload('[data-testid="upload"]', path)
    wait_until(engine, UPLOAD_ANSWERED_JS, what="the answer to the upload")
    assert engine.evaluate("document.querySelector('[data-testid=\"prediction\"]').dataset.number") == python
    assert engine.errors() == []


def test_example_taught_on_the_page_survives_a_reload(engine, quick_dist):
    with serve(quick_dist) as url:  # an origin of its own, so its IndexedDB starts empty
        open_app(engine, f"{url}?backend=wasm")
        assert text(engine, EXAMPLES_COUNT) == "No examples yet."
        shown = draw_and_read(engine, number_strokes("7"))
        right = "1" if shown != "1" else "2"
        correct_first_digit(engine, right)
        assert eventually(engine, EXAMPLES_COUNT, "1 example of your handwriting.") == "1 example of your handwriting."
        # What is on screen is read again with the example: the drawing now reads as the digit taught.
        wait_until(engine, f"document.querySelector('[data-testid=\"prediction\"]').dataset.digit === '{right}'")

        engine.reload()
        assert wait_loaded(engine)["state"] == "ready"
        assert eventually(engine, EXAMPLES_COUNT, "1 example of your handwriting.") == "1 example of your handwriting."
    assert engine.errors() == []


def test_reloads_offline_once_the_service_worker_took_control(engine, quick_dist):
    with serve(quick_dist) as url:
        open_app(engine, f"{url}?backend=wasm")
        wait_service_worker(engine)
    # The server is gone, not merely unreachable from the browser: nothing but the service worker can answer.
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=5)

    engine.reload()
    loaded = wait_loaded(engine)
    assert loaded["state"] == "ready", loaded["message"]
    assert text(engine, BACKEND) == "wasm"
    assert draw_and_read(engine, number_strokes("3")) == "3"
    assert engine.errors() == []
