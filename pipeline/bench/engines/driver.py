"""What a browser driver for Firefox or WebKit offers (firefox.py, webkit.py), so the app's steps (steps.py) are
written once for both engines."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import IO, Any, Protocol

# The window the app is driven in: Playwright's default, so the pad is laid out as in the Chromium tests.
VIEWPORT = (1280, 720)


class EngineError(RuntimeError):
    """The browser, its driver or a request to it failed (not the app: that is for the caller to judge)."""


class Driver(Protocol):
    engine: str  # "firefox" or "webkit"
    version: str  # the browser's name and version, e.g. "Firefox 153.8.0"

    def goto(self, url: str) -> None:
        """Navigate, and return once the page's load event has fired."""

    def reload(self) -> None: ...

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (a promise is awaited); it must survive JSON."""

    def draw(self, paths: list[list[tuple[int, int]]]) -> None:
        """Real pointer input: for each path, the mouse button down at its first point (page coordinates), moved
        through the rest, and up."""

    def click(self, selector: str) -> None: ...

    def select(self, selector: str, value: str) -> None:
        """Choose the <option> with this value, as a person would (the select's change event fires)."""

    def upload(self, selector: str, path: Path) -> None:
        """Set the file of an <input type=file>, as choosing it in the file dialog does."""

    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions since the last call."""

    def close(self) -> None: ...


def log_tail(log: IO[str]) -> str:
    """The end of a driver's log file, on a line of its own, for an error message (nothing if it is empty)."""
    log.seek(0)
    tail = log.read()[-3000:]
    return f"\n{tail}" if tail else ""


def call(function: str, *args: Any) -> str:
    """A JavaScript expression applying `function` (its source) to `args` (JSON), for Driver.evaluate."""
    return f"({function})(...{json.dumps(list(args))})"


def wait_until(driver: Driver, expression: str, timeout_s: float = 60.0, what: str = "") -> Any:
    """Poll until `expression` is truthy; its value. Polled from here so both drivers wait alike."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = driver.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{driver.engine}: waited {timeout_s:.0f} s for {what or expression}")
        time.sleep(0.02)
