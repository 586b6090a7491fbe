"""Browser figures for `invoke bench`, in headless Chromium with Playwright.

Per TF.js backend: bytes over the wire on a first visit (gzip-compressed, as a
static host would serve them; the model card's plots apart), model load time, time from pointer-up to the
answer on screen (median and p95 over drawn digits), and accuracy on the
generated real-world images through the page's own preprocessing and model.
The page measures its own timings (performance.measure in web/src/main.js).
"""

from __future__ import annotations

import gzip
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from playwright.sync_api import Page, sync_playwright

from .browser import draw_strokes, launch_chromium, predict_in_page, serve

BACKENDS = ("wasm", "webgl", "cpu")
DRAWINGS = 30
# Strokes in pad fractions: a 1, a 7, a 0 and a 4, drawn in turn.
STROKES = [
    [[(0.5, 0.15), (0.5, 0.85)]],
    [[(0.25, 0.2), (0.75, 0.2), (0.4, 0.85)]],
    [[(0.5 + 0.22 * np.sin(t), 0.5 - 0.32 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 16)]],
    [[(0.6, 0.15), (0.25, 0.6), (0.75, 0.6)], [(0.6, 0.35), (0.6, 0.85)]],
]
MEASURES_JS = "(name) => performance.getEntriesByName(name).map((entry) => entry.duration)"


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def _first_visit(page: Page, url: str) -> dict:
    """Bytes the page fetched until its model was ready, gzip-compressed as a static host would serve them.

    What the app needs to run (HTML, CSS, JS, WASM, JSON, the model) is counted apart from the model
    card's plot images, which are not needed to draw a digit.
    """
    fetched: dict[str, int] = {}

    def record(response) -> None:
        # The service worker's own precache downloads are not the page's; their bodies are not readable here.
        if response.status == 200 and not response.request.service_worker:
            fetched[response.url] = len(gzip.compress(response.body(), compresslevel=6))

    page.context.on("response", record)
    page.goto(url)
    page.wait_for_selector("html[data-model=ready]", state="attached", timeout=60_000)
    page.wait_for_load_state("networkidle")
    images = {u: n for u, n in fetched.items() if urlparse(u).path.endswith((".png", ".jpg", ".svg"))}
    return {
        "first_load_gzip_bytes": sum(fetched.values()) - sum(images.values()),
        "first_load_files": len(fetched) - len(images),
        "card_images_gzip_bytes": sum(images.values()),
    }


def _pointer_up_to_answer(page: Page) -> list[float]:
    """One sample per stroke: every lifted pen is an answer the user waits for."""
    for i in range(DRAWINGS):
        page.click('[data-testid="clear"]')
        before = len(page.evaluate(MEASURES_JS, "pointerup-to-answer"))
        draw_strokes(page, STROKES[i % len(STROKES)])
        page.wait_for_function(
            "([name, count]) => performance.getEntriesByName(name).length > count", arg=["pointerup-to-answer", before]
        )
        page.wait_for_selector("#answer[aria-busy=false]", state="attached")
    return page.evaluate(MEASURES_JS, "pointerup-to-answer")


def _realworld_accuracy(page: Page, realworld: list[tuple[str, np.ndarray, int]]) -> float:
    correct = sum(predict_in_page(page, rgba)["digit"] == label for _, rgba, label in realworld)
    return correct / len(realworld)


def measure_browser(dist: Path, realworld: list[tuple[str, np.ndarray, int]]) -> dict[str, dict]:
    """Figures per backend for the site in `dist`, each backend in a fresh browser profile."""
    results = {}
    with serve(dist) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for backend in BACKENDS:
            context = browser.new_context()
            page = context.new_page()
            figures = _first_visit(page, f"{url}?backend={backend}")
            load_ms = page.evaluate(MEASURES_JS, "model-load")[0]
            answer_ms = _pointer_up_to_answer(page)
            results[backend] = {
                "backend_in_use": page.text_content('[data-testid="backend"]'),
                "model_load_ms": round(load_ms, 1),
                "pointer_up_to_answer_ms": {
                    "median": round(_percentile(answer_ms, 50), 1),
                    "p95": round(_percentile(answer_ms, 95), 1),
                    "samples": len(answer_ms),
                },
                **figures,
                "realworld_accuracy": _realworld_accuracy(page, realworld),
            }
            context.close()
        browser.close()
    return results
