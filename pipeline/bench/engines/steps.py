"""The app's steps for any Driver (Firefox or WebKit): open it, draw on its pad and read the answer, upload a
picture, correct a digit, wait for its service worker, read its own performance measures, and list what the
engine offers the app."""

from __future__ import annotations

from itertools import pairwise

from ..browser import on_pad
from .driver import Driver, call, wait_until

ANSWER_MEASURE = "pointerup-to-answer"  # performance.measure names in web/src/main.js
LOAD_MEASURE = "model-load"
LOAD_TIMEOUT_S = 60
# Mouse moves between two points of a stroke, as draw_strokes asks of Playwright (steps=4), so every engine gets the
# same pointer events.
STEPS = 4

_MEASURES_JS = "(name) => performance.getEntriesByName(name).map((entry) => entry.duration)"
_PAD_BOX_JS = """() => {
  const pad = document.querySelector('[data-testid="pad"]');
  pad.scrollIntoView({ block: 'center' });
  const { x, y, width, height } = pad.getBoundingClientRect();
  return { x, y, width, height };
}"""
# What the app relies on that not every engine has had, and which TF.js WASM binary it chose (SIMD or not).
_FEATURES_JS = """() => ({
  offscreenCanvas: typeof OffscreenCanvas === 'function',
  coalescedEvents: typeof PointerEvent.prototype.getCoalescedEvents === 'function',
  createImageBitmap: typeof createImageBitmap === 'function',
  serviceWorker: 'serviceWorker' in navigator,
  exclusiveDetails: 'name' in HTMLDetailsElement.prototype,
  wasmFiles: performance.getEntriesByType('resource').map((e) => e.name.split('/').pop())
    .filter((name) => name.endsWith('.wasm')),
})"""


def open_app(driver: Driver, url: str) -> dict:
    """Load the app and wait until its model is ready or failed: {state, message (the page's model status)}."""
    driver.goto(url)
    return wait_loaded(driver)


def wait_loaded(driver: Driver) -> dict:
    """Wait for `html[data-model]` to leave "loading" (main.js sets "ready" or "error"): {state, message}."""
    return wait_until(
        driver,
        "document.documentElement.dataset.model !== 'loading' && {state: document.documentElement.dataset.model,"
        " message: document.getElementById('model-status')?.textContent ?? ''}",
        LOAD_TIMEOUT_S,
        "the model to load",
    )


def text(driver: Driver, selector: str) -> str | None:
    return driver.evaluate(call("(s) => document.querySelector(s)?.textContent ?? null", selector))


def measures(driver: Driver, name: str) -> list[float]:
    """The durations (ms) of the page's performance measures of that name, oldest first."""
    return driver.evaluate(call(_MEASURES_JS, name))


def pen_paths(box: dict, strokes: list[list[tuple[float, float]]]) -> list[list[tuple[int, int]]]:
    """Strokes in pad fractions -> the mouse's path for each, in whole page pixels, with STEPS moves between
    points."""
    paths = []
    for points in on_pad(box, strokes):
        path = [points[0]]
        for (x0, y0), (x1, y1) in pairwise(points):
            path += [(x0 + (x1 - x0) * i / STEPS, y0 + (y1 - y0) * i / STEPS) for i in range(1, STEPS + 1)]
        paths.append([(round(x), round(y)) for x, y in path])
    return paths


def wait_answered(driver: Driver) -> None:
    """Wait until no reading is pending (the answer panel's aria-busy)."""
    wait_until(driver, "document.getElementById('answer')?.getAttribute('aria-busy') === 'false'", what="the answer")


def draw(driver: Driver, strokes: list[list[tuple[float, float]]]) -> int:
    """Draw the strokes (pad fractions) with the mouse; the number of pen-up-to-answer measures before them."""
    before = len(measures(driver, ANSWER_MEASURE))
    driver.draw(pen_paths(driver.evaluate(call(_PAD_BOX_JS)), strokes))
    return before


def wait_measured(driver: Driver, name: str, count: int) -> list[float]:
    """Wait until the page holds more than `count` measures of that name; them all."""
    return wait_until(
        driver,
        call(f"(name, n) => {{ const all = ({_MEASURES_JS})(name); return all.length > n && all; }}", name, count),
        what=f"measure {name}",
    )


def draw_and_read(driver: Driver, strokes: list[list[tuple[float, float]]]) -> str:
    """Draw the strokes and wait for the answer to the last pen-up: the number read (data-number)."""
    before = draw(driver, strokes)
    # The last pen-up is in (the driver returns once its events were dispatched), so busy is true until its answer.
    wait_measured(driver, ANSWER_MEASURE, before)
    wait_answered(driver)
    return driver.evaluate("document.querySelector('[data-testid=\"prediction\"]').dataset.number")


def clear(driver: Driver) -> None:
    driver.click('[data-testid="clear"]')
    wait_answered(driver)


def correct_first_digit(driver: Driver, label: str) -> None:
    """Tell the page the first digit of its answer was `label` (a digit), through "Wrong? It was" under it."""
    driver.click('[data-testid="digits"] li summary')  # opens the digit's correction
    driver.select('[data-testid="digits"] li [data-testid="correct"]', label)


def wait_service_worker(driver: Driver) -> None:
    """Wait until the service worker controls the page: it has precached the app, which now works offline."""
    wait_until(driver, "!!navigator.serviceWorker?.controller", LOAD_TIMEOUT_S, "the service worker to take control")


def features(driver: Driver) -> dict:
    return driver.evaluate(call(_FEATURES_JS))
