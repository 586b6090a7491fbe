"""Browser figures for `invoke bench`, in headless Chromium with Playwright.

Per TF.js backend: bytes over the wire on a first visit (gzip-compressed, as a
static host would serve them; the model card's plots apart), model load time, time from pointer-up to the
answer on screen (median and p95 over drawn digits, and over the last stroke of
drawn 6-digit numbers), accuracy on the generated real-world images and exact
accuracy on numbers drawn with the mouse, through the page's own reading and
model; on the first backend also exact accuracy on the generated numbers and on numbers with letters beside
them, the share of held-out marks that are not digits the page flags, uploaded and drawn with the mouse, and numbers
with marks (. , - : /), uploaded and drawn, with pointer-up to their answer.
The page measures its own timings (performance.measure in web/src/main.js).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from playwright.sync_api import Page, sync_playwright

from ..data.negatives import Negative, glyph
from .browser import draw_strokes, launch_chromium, read_in_page, serve, teach_in_page
from .drawn import LONE_DIGITS_PER_PART, Drawing, drawn_set
from .sets import WrittenNumber, exact_accuracy, punctuated_accuracy, shares
from .writers import WRITERS, draw

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
# Each digit as pen strokes in a unit cell (x right, y down), for numbers drawn on the pad.
DIGIT_STROKES = {
    "0": [[(0.5 + 0.4 * np.sin(t), 0.5 - 0.45 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 16)]],
    "1": [[(0.55, 0.05), (0.5, 0.95)]],
    "2": [[(0.15, 0.25), (0.35, 0.05), (0.7, 0.05), (0.85, 0.25), (0.8, 0.45), (0.15, 0.95), (0.9, 0.95)]],
    "3": [[(0.15, 0.1), (0.75, 0.05), (0.8, 0.3), (0.4, 0.48), (0.85, 0.65), (0.75, 0.95), (0.15, 0.9)]],
    "4": [[(0.65, 0.05), (0.1, 0.65), (0.9, 0.65)], [(0.65, 0.05), (0.65, 0.95)]],
    "5": [[(0.85, 0.05), (0.2, 0.05), (0.15, 0.45), (0.7, 0.4), (0.85, 0.7), (0.65, 0.95), (0.15, 0.9)]],
    "6": [[(0.75, 0.05), (0.3, 0.4), (0.15, 0.75), (0.4, 0.95), (0.75, 0.85), (0.8, 0.6), (0.45, 0.5), (0.2, 0.7)]],
    "7": [[(0.1, 0.05), (0.9, 0.05), (0.4, 0.95)]],
    "8": [[(0.5, 0.5), (0.2, 0.3), (0.5, 0.05), (0.8, 0.3), (0.5, 0.5), (0.15, 0.75), (0.5, 0.95), (0.85, 0.75)]],
    "9": [[(0.8, 0.3), (0.5, 0.05), (0.2, 0.25), (0.45, 0.5), (0.8, 0.3), (0.75, 0.95)]],
}
# The marks of a number as pen strokes, in a cell as tall as a digit's and `MARK_WIDTHS` of it wide: a point is a
# tap, a colon two.
MARK_STROKES = {
    ".": [[(0.5, 0.93)]],
    ",": [[(0.6, 0.9), (0.3, 1.15)]],
    "-": [[(0.05, 0.5), (0.95, 0.52)]],
    ":": [[(0.5, 0.3)], [(0.5, 0.85)]],
    "/": [[(0.95, -0.12), (0.05, 1.1)]],
}
MARK_WIDTHS = {".": 0.35, ",": 0.35, "-": 1.0, ":": 0.35, "/": 0.8}
SURE_DIGITS = '[data-testid="digits"] [data-state="sure"]'  # the digits of the answer read above the threshold


def number_strokes(number: str) -> list[list[tuple[float, float]]]:
    """Pen strokes (pad fractions) writing `number` across the pad, each digit or mark in a cell of its own."""
    cell, gap = 0.12, 0.03
    widths = [cell * MARK_WIDTHS.get(c, 1.0) for c in number]
    left = (1 - sum(widths) - (len(number) - 1) * gap) / 2
    strokes = []
    for c, width in zip(number, widths, strict=True):
        shapes = MARK_STROKES[c] if c in MARK_STROKES else DIGIT_STROKES[c]
        strokes += [[(left + x * width, 0.15 + y * 0.7) for x, y in stroke] for stroke in shapes]
        left += width + gap
    return strokes


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def timings(samples: list[float]) -> dict:
    """Timings (ms) as the bench reports them: {median, p95, samples}."""
    return {
        "median": round(_percentile(samples, 50), 1),
        "p95": round(_percentile(samples, 95), 1),
        "samples": len(samples),
    }


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
    start = len(page.evaluate(MEASURES_JS, "pointerup-to-answer"))
    for i in range(DRAWINGS):
        page.click('[data-testid="clear"]')
        before = len(page.evaluate(MEASURES_JS, "pointerup-to-answer"))
        draw_strokes(page, STROKES[i % len(STROKES)])
        page.wait_for_function(
            "([name, count]) => performance.getEntriesByName(name).length > count", arg=["pointerup-to-answer", before]
        )
        page.wait_for_selector("#answer[aria-busy=false]", state="attached")
    return page.evaluate(MEASURES_JS, "pointerup-to-answer")[start:]


def _draw_anew(page: Page, strokes: list[list[tuple[float, float]]], steps: int = 4) -> None:
    """Clear the pad, draw the strokes (draw_strokes) and wait for the answer to the last of them."""
    page.click('[data-testid="clear"]')
    draw_strokes(page, strokes, steps)
    page.wait_for_selector("#answer[aria-busy=false]", state="attached")


def _pad_aspect(page: Page) -> float:
    box = page.locator('[data-testid="pad"]').bounding_box()
    return box["width"] / box["height"]


def _draw_and_read(page: Page, drawing: Drawing) -> tuple[bool, int]:
    """Draws on a clear pad; whether the number read is the one drawn, and how many of its digits are not sure."""
    _draw_anew(page, drawing.strokes, steps=1)
    read = page.get_attribute('[data-testid="prediction"]', "data-number")
    return read == drawing.text, max(0, len(drawing.text) - page.locator(SURE_DIGITS).count())


def _drawn_numbers(page: Page, every: int = 1) -> dict:
    """Numbers of 2 to 6 digits and lone digits drawn with the mouse by drawn.py's hands, in every part, every
    `every`-th of them: the share read exactly, by part; the share of the numbers' digits flagged (drawn, but not
    among the sure digits of the answer); and pointer-up to the whole answer after the last stroke of each 6-digit
    number."""
    aspect = _pad_aspect(page)
    numbers = drawn_set(aspect)[::every]
    lone = drawn_set(aspect, (1, 1), LONE_DIGITS_PER_PART)[::every]
    exact, flagged, six_digit_ms = {}, 0, []
    for drawing in numbers:
        right, unsure = _draw_and_read(page, drawing)
        exact.setdefault(drawing.part, []).append(right)
        flagged += unsure
        if len(drawing.text) == 6:
            six_digit_ms.append(page.evaluate(MEASURES_JS, "pointerup-to-answer")[-1])
    lone_exact = {}
    for drawing in lone:
        lone_exact.setdefault(drawing.part, []).append(_draw_and_read(page, drawing)[0])
    return {
        "drawn_number_accuracy": float(np.mean([r for part in exact.values() for r in part])),
        "drawn_numbers": {**shares(exact), "count": len(numbers)},
        "drawn_lone_digits": {**shares(lone_exact), "count": len(lone)},
        "drawn_digits_flagged": flagged / sum(len(d.text) for d in numbers),
        "six_digit_pointer_up_to_answer_ms": timings(six_digit_ms),
    }


# Six characters with marks, drawn on the pad: each kind of sets.PUNCTUATED ("d" a digit).
DRAWN_PUNCTUATED = ("dd.ddd", "-dd.dd", "dd,ddd", "dd:dd", "dd/ddd", "d.dddd")
DRAWN_PUNCTUATED_COUNT = 30


def _drawn_punctuated(page: Page) -> dict:
    """Numbers of six characters with marks drawn with the mouse: the share read exactly, marks included, and
    pointer-up to the whole answer after the last stroke (a point is the last stroke of none of them)."""
    rng = np.random.default_rng(3)
    correct, answer_ms = 0, []
    for i in range(DRAWN_PUNCTUATED_COUNT):
        text = "".join(str(rng.integers(0, 10)) if c == "d" else c for c in DRAWN_PUNCTUATED[i % len(DRAWN_PUNCTUATED)])
        _draw_anew(page, number_strokes(text))
        correct += page.get_attribute('[data-testid="prediction"]', "data-text") == text
        answer_ms.append(page.evaluate(MEASURES_JS, "pointerup-to-answer")[-1])
    return {
        "drawn_punctuated_accuracy": correct / DRAWN_PUNCTUATED_COUNT,
        "punctuated_pointer_up_to_answer_ms": timings(answer_ms),
    }


STORED_EXAMPLES = 200


def _answer_with_stored_examples(page: Page) -> dict:
    """Pointer-up to answer with STORED_EXAMPLES personal examples on the device, every answer combining them."""
    rng = np.random.default_rng(1)
    for i in range(STORED_EXAMPLES):
        writer = WRITERS[i % len(WRITERS)]
        teach_in_page(page, draw(writer, str(i % 10), rng), i % 10)
    answer_ms = _pointer_up_to_answer(page)
    page.evaluate("() => window.digits.forget()")
    return {"examples": STORED_EXAMPLES, **timings(answer_ms)}


def _realworld_accuracy(page: Page, realworld: list[tuple[str, np.ndarray, int]]) -> float:
    correct = sum(read_in_page(page, rgba)["number"] == str(label) for _, rgba, label in realworld)
    return correct / len(realworld)


def _flagged(reading: dict, threshold: float) -> bool:
    """Whether the page's reading claims no digit, or only digits below the "not sure" threshold (runner.py's twin)."""
    return all(d["confidence"] < threshold for d in reading["digits"])


DRAWN_MARKS = 40


def _not_digits_flagged(page: Page, negatives: list[Negative], threshold: float) -> dict:
    """Share of held-out marks flagged, by kind and overall: uploaded (the bench's images), and the first
    DRAWN_MARKS of them drawn on the pad with the mouse, stroke by stroke, as a person would."""
    hits: dict[str, list[bool]] = {}
    for negative in negatives:
        hits.setdefault(negative.kind, []).append(_flagged(read_in_page(page, negative.rgba), threshold))
    drawn = []
    rng = np.random.default_rng(2)
    for negative in negatives[:DRAWN_MARKS]:
        strokes, aspect = glyph(negative.kind, negative.name, rng)
        # A word as wide as the pad's middle; one glyph in a square on the pad's middle.
        width = min(0.8, 0.35 * aspect)
        _draw_anew(page, [[(0.5 + (x / aspect - 0.5) * width, 0.2 + y * 0.6) for x, y in s] for s in strokes])
        # Flagged: no digit in the answer's list is sure (the list holds every digit read, each sure or unsure).
        drawn.append(page.locator(SURE_DIGITS).count() == 0)
    return {
        "uploaded": shares(hits),
        "drawn": float(np.mean(drawn)),
        "drawn_count": len(drawn),
    }


def measure_browser(
    dist: Path,
    realworld: list[tuple[str, np.ndarray, int]],
    numbers: list[WrittenNumber],
    negatives: list[Negative],
    labelled: list[WrittenNumber],
    punctuated: list[WrittenNumber],
) -> dict:
    """Figures per backend for the site in `dist`, each backend in a fresh browser profile."""
    threshold = json.loads((dist / "config.json").read_text())["confidence_threshold"]
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
                "pointer_up_to_answer_ms": timings(answer_ms),
                # Every drawing on the first backend; a sixth of them on the others, which read the same.
                **_drawn_numbers(page, 1 if backend == BACKENDS[0] else 6),
                **figures,
                "realworld_accuracy": _realworld_accuracy(page, realworld),
            }
            if backend == BACKENDS[0]:
                readings = [read_in_page(page, n.rgba) for n in numbers]
                results[backend]["numbers_exact_accuracy"] = exact_accuracy(numbers, [r["number"] for r in readings])
                results[backend]["numbers_gaining_marks"] = float(np.mean([bool(r["punctuation"]) for r in readings]))
                readings = [read_in_page(page, n.rgba) for n in punctuated]
                results[backend]["punctuated"] = punctuated_accuracy(
                    punctuated, [(r["number"], r["text"]) for r in readings]
                )
                results[backend].update(_drawn_punctuated(page))
                read = [read_in_page(page, n.rgba)["number"] for n in labelled]
                results[backend]["labelled_numbers_exact_accuracy"] = exact_accuracy(labelled, read)
                results[backend]["not_digit_flagged"] = _not_digits_flagged(page, negatives, threshold)
                realworld_flagged = [_flagged(read_in_page(page, rgba), threshold) for _, rgba, _ in realworld]
                results[backend]["realworld_digits_flagged"] = float(np.mean(realworld_flagged))
                results[backend]["stored_examples_pointer_up_to_answer_ms"] = _answer_with_stored_examples(page)
            context.close()
        browser.close()
    return results
