"""The web app in Firefox and WebKit on the WASM backend: model load and pen-up to answer, as the page measures them.

The Chromium figures (page.py) come from Playwright; these come from the system's Firefox ESR (puppeteer-core over
WebDriver BiDi) and WebKitGTK (its WebDriver, through Selenium), the same drivers tests/test_engines.py uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..browser import serve
from ..page import STROKES, timings
from .driver import Driver, EngineError
from .steps import ANSWER_MEASURE, LOAD_MEASURE, clear, draw, measures, open_app, text, wait_answered, wait_measured

ENGINES = ("firefox", "webkit")
DRAWINGS = 20
# One stroke each (a 1, a 7, a 0), so every drawing is exactly one pen-up and one sample; page.py's 4 has two.
ONE_STROKE = [strokes for strokes in STROKES if len(strokes) == 1]


@contextmanager
def open_engine(engine: str) -> Iterator[Driver]:
    """A fresh browser profile of `engine` ("firefox" or "webkit"), closed on exit."""
    if engine == "firefox":
        from .firefox import Firefox

        driver: Driver = Firefox()
    elif engine == "webkit":
        from .webkit import WebKit

        driver = WebKit()
    else:
        raise ValueError(f"unknown engine {engine!r} (use {', '.join(ENGINES)})")
    try:
        yield driver
    finally:
        driver.close()


def _pointer_up_to_answer(driver: Driver, drawings: int) -> list[float]:
    samples = []
    for i in range(drawings):
        clear(driver)
        before = draw(driver, ONE_STROKE[i % len(ONE_STROKE)])
        # The measure is taken in the frame after the answer is up: wait for it, not only for aria-busy.
        samples.append(wait_measured(driver, ANSWER_MEASURE, before)[before])
        wait_answered(driver)
    return samples


def measure_engines(dist: Path, drawings: int = DRAWINGS) -> dict:
    """Per engine, in a fresh profile on the site in `dist` with ?backend=wasm: {model_load_ms,
    pointer_up_to_answer_ms: {median, p95, samples}, backend_in_use, engine_version}."""
    results = {}
    with serve(dist) as url:
        for engine in ENGINES:
            with open_engine(engine) as driver:
                loaded = open_app(driver, f"{url}?backend=wasm")
                if loaded["state"] != "ready":
                    raise EngineError(f"{engine}: the app did not load: {loaded['message']}")
                results[engine] = {
                    "model_load_ms": round(float(measures(driver, LOAD_MEASURE)[0]), 1),
                    "pointer_up_to_answer_ms": timings(_pointer_up_to_answer(driver, drawings)),
                    "backend_in_use": text(driver, '[data-testid="backend"]'),
                    "engine_version": driver.version,
                }
    return results
