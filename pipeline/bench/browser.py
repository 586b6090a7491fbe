"""Find a Chromium for Playwright and serve a built site locally (browser tests and benchmarks)."""

from __future__ import annotations

import base64
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SYSTEM_CHROMIUM = Path("/usr/bin/chromium")


def first_executable(candidates: list[str | Path | None]) -> str | None:
    """The first of `candidates` (paths; None is skipped) that is an executable file, or None."""
    return next((str(c) for c in candidates if c and Path(c).is_file() and os.access(c, os.X_OK)), None)


def find_chromium(playwright_chromium_path: str | None) -> str:
    """CHROMIUM_PATH, else Playwright's own browser if installed, else the system Chromium.

    Raises instead of returning nothing: a browser test that silently does not run proves nothing.
    """
    candidates = [os.environ.get("CHROMIUM_PATH"), playwright_chromium_path, str(SYSTEM_CHROMIUM)]
    found = first_executable(candidates) or shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    raise RuntimeError(
        "No Chromium found: set CHROMIUM_PATH, run `playwright install chromium`, "
        "or install the system package (apt-get install chromium)."
    )


def launch_chromium(playwright, args: tuple[str, ...] = ()):
    """A headless Chromium found by find_chromium, with the flags this sandboxed setup needs and `args`."""
    try:
        bundled = playwright.chromium.executable_path
    except Exception:  # noqa: BLE001 (no bundled browser is a normal setup)
        bundled = None
    return playwright.chromium.launch(executable_path=find_chromium(bundled), args=[*LAUNCH_ARGS, *args])


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".json": "application/json",
    }

    def __init__(self, *args, prefix: str, **kwargs):
        self._prefix = prefix
        super().__init__(*args, **kwargs)

    def translate_path(self, path: str) -> str:
        # Anything outside the mount point maps to a path that does not exist (404).
        if not path.startswith(self._prefix):
            return str(Path(self.directory) / "__outside_mount__")
        return super().translate_path("/" + path[len(self._prefix) :])

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (signature of the base class)
        pass


@contextmanager
def serve(directory: Path, prefix: str = "/") -> Iterator[str]:
    """Serve `directory` at http://127.0.0.1:PORT{prefix}; yields that URL (ending in /)."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = functools.partial(_Handler, directory=str(directory), prefix=prefix)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()


# Runs in the page: RGBA bytes (base64) -> window.digits.predictImage, with the 28x28 input it saw.
_PREDICT_RGBA_JS = """async ([b64, width, height]) => {
  const bytes = Uint8ClampedArray.from(atob(b64), (c) => c.charCodeAt(0));
  const result = await window.digits.predictImage(new ImageData(bytes, width, height));
  return { ...result, pixels: result.pixels && Array.from(result.pixels) };
}"""


def predict_in_page(page, rgba: np.ndarray) -> dict:
    """{digit, confidence, probabilities, pixels, reason} from the app's own preprocessing and model."""
    height, width = rgba.shape[:2]
    return page.evaluate(_PREDICT_RGBA_JS, [base64.b64encode(rgba.tobytes()).decode(), width, height])


# Runs in the page: RGBA bytes (base64) -> window.digits.readImage, every digit with the 28x28 input it saw.
_READ_RGBA_JS = """async ([b64, width, height]) => {
  const bytes = Uint8ClampedArray.from(atob(b64), (c) => c.charCodeAt(0));
  const reading = await window.digits.readImage(new ImageData(bytes, width, height));
  return { ...reading, digits: reading.digits.map((d) => ({ ...d, pixels: Array.from(d.pixels) })) };
}"""


def read_in_page(page, rgba: np.ndarray) -> dict:
    """{number, digits: [{digit, confidence, notDigit, box, probabilities, pixels}], marks: [the same, for the marks
    read as not digits], reason} from the page's own reading."""
    height, width = rgba.shape[:2]
    return page.evaluate(_READ_RGBA_JS, [base64.b64encode(rgba.tobytes()).decode(), width, height])


# Runs in the page: RGBA bytes (base64) -> window.digits.teach(imageData, label), the number of examples stored.
_TEACH_RGBA_JS = """async ([b64, width, height, label]) => {
  const bytes = Uint8ClampedArray.from(atob(b64), (c) => c.charCodeAt(0));
  return window.digits.teach(new ImageData(bytes, width, height), label);
}"""


def teach_in_page(page, rgba: np.ndarray, label: int) -> int:
    """Store the image as the person's example of `label` (a digit, or 10 for not a digit), as "Wrong? It was"
    does; returns the example count."""
    height, width = rgba.shape[:2]
    return page.evaluate(_TEACH_RGBA_JS, [base64.b64encode(rgba.tobytes()).decode(), width, height, label])


def on_pad(box: dict, strokes: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
    """Strokes in pad fractions (0..1 of its width and height) -> page coordinates, on a pad whose bounding box is
    {x, y, width, height}."""
    return [[(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in stroke] for stroke in strokes]


def draw_strokes(page, strokes: list[list[tuple[float, float]]], steps: int = 4) -> None:
    """Draw on the pad with the mouse; points are fractions (0..1) of the pad's width and height, each reached in
    `steps` pointer moves (one where the points are already as dense as a mouse's)."""
    box = page.locator('[data-testid="pad"]').bounding_box()
    for points in on_pad(box, strokes):
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point, steps=steps)
        page.mouse.up()
