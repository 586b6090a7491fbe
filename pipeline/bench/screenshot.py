"""The README's pictures: the page reading a number drawn with the mouse, taken by Chromium, never by hand.

`invoke bench` retakes them after a full bench, and `python -m pipeline docs` from a built `dist/`, so the pictures
always show the page as it is built.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from .browser import draw_strokes, launch_chromium, serve
from .page import number_strokes

# The number drawn, and the two ways the page is seen most: a desktop in the light scheme, a phone in the dark.
NUMBER = "2026"
SHOTS = {
    "app-desktop-light.png": {"viewport": {"width": 1280, "height": 800}, "color_scheme": "light"},
    "app-phone-dark.png": {
        "viewport": {"width": 390, "height": 844},
        "color_scheme": "dark",
        "is_mobile": True,
        "has_touch": True,
    },
}


def take_screenshots(browser: Browser, url: str, out_dir: Path, number: str = NUMBER) -> dict[str, str]:
    """Draw `number` on the pad in each of SHOTS and save the screen; returns what the page read in each.

    Each picture is written to a temporary file first and renamed, so a failure leaves the old pictures whole."""
    out_dir.mkdir(parents=True, exist_ok=True)
    read = {}
    for name, options in SHOTS.items():
        context = browser.new_context(**options)
        try:
            page = context.new_page()
            page.goto(url)
            page.wait_for_selector("html[data-model=ready]", state="attached", timeout=60_000)
            page.locator('[data-testid="pad"]').scroll_into_view_if_needed()
            draw_strokes(page, number_strokes(number))
            page.wait_for_selector("#answer[aria-busy=false]", state="attached")
            read[name] = page.get_attribute('[data-testid="prediction"]', "data-number") or ""
            handle, temporary = tempfile.mkstemp(suffix=".png", dir=out_dir)
            os.close(handle)
            try:
                page.screenshot(path=temporary)
                os.chmod(temporary, 0o644)  # mkstemp's 0600 would keep the picture from anyone else
                os.replace(temporary, out_dir / name)
            finally:
                Path(temporary).unlink(missing_ok=True)
        finally:
            context.close()
    return read


def screenshots(dist: Path, out_dir: Path) -> dict[str, str]:
    """take_screenshots on the site in `dist`, served locally, in a Chromium of its own."""
    with serve(dist) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            return take_screenshots(browser, url, out_dir)
        finally:
            browser.close()
