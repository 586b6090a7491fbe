"""The installable app: web manifest, icons rendered from web/icon.svg, and start_url working offline.

Each runs at the site root and under a sub-path, as on GitHub Pages.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin

import pytest
from PIL import Image
from test_web import STROKES, open_controlled, open_ready, settle, wait_ready

from pipeline.bench.browser import draw_strokes, serve

PREFIXES = ["/", "/digit-recognition/"]
REQUIRED = ["name", "short_name", "start_url", "scope", "display", "icons", "theme_color", "background_color"]
ICON_LINKS_JS = """() => [...document.querySelectorAll('link[rel~=icon], link[rel=apple-touch-icon]')]
  .map((link) => ({ rel: link.rel, href: link.href, sizes: link.sizes.value, type: link.type }))"""
THEME_COLOR_JS = """() => {
  const meta = [...document.querySelectorAll('meta[name=theme-color]')].find((m) => matchMedia(m.media).matches);
  const rgb = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).slice(0, 3);
  return { meta: meta?.content, page: '#' + rgb.map((v) => Number(v).toString(16).padStart(2, '0')).join('') };
}"""


def fetch(page, url: str) -> tuple[bytes, str]:
    """The body and content type of a successful GET."""
    response = page.request.get(url)
    assert response.status == 200, url
    return response.body(), response.headers["content-type"].split(";")[0]


@contextmanager
def app_with_manifest(browser, site: Path, prefix: str) -> Iterator[tuple[str, object, object, str, dict]]:
    """The app served at `prefix`, ready, in a context of its own: (url, context, page, manifest URL, manifest)."""
    with serve(site, prefix) as url:
        context = browser.new_context(service_workers="block")
        try:
            page = open_ready(context, url)
            yield url, context, page, *linked_manifest(page)
        finally:
            context.close()


def linked_manifest(page) -> tuple[str, dict]:
    url = page.eval_on_selector("link[rel=manifest]", "link => link.href")
    body, content_type = fetch(page, url)
    assert content_type == "application/manifest+json"
    return url, json.loads(body)


def corners_opaque(image: Image.Image) -> bool:
    alpha = image.convert("RGBA").getchannel("A")
    width, height = image.size
    return all(alpha.getpixel(xy) == 255 for xy in [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)])


@pytest.mark.parametrize("prefix", PREFIXES)
def test_manifest_is_valid_and_linked(browser, quick_dist: Path, prefix):
    with app_with_manifest(browser, quick_dist, prefix) as (url, context, page, manifest_url, manifest):
        assert manifest_url == url + "manifest.webmanifest"
        # Chromium's own parser: no errors, and the same URL.
        chromium = context.new_cdp_session(page).send("Page.getAppManifest")
        assert chromium["url"] == manifest_url and chromium["errors"] == []

        assert [member for member in REQUIRED if not manifest.get(member)] == []
        assert manifest["display"] == "standalone"
        # Relative to the manifest, so the app is the site wherever it is hosted.
        assert urljoin(manifest_url, manifest["start_url"]) == url
        assert urljoin(manifest_url, manifest["scope"]) == url


@pytest.mark.parametrize("prefix", PREFIXES)
def test_icons_load_with_their_declared_sizes(browser, quick_dist: Path, prefix):
    with app_with_manifest(browser, quick_dist, prefix) as (url, context, page, manifest_url, manifest):
        declared = set()
        for icon in manifest["icons"]:
            body, content_type = fetch(page, urljoin(manifest_url, icon["src"]))
            assert content_type == icon["type"], icon
            declared |= {(size, purpose) for size in icon["sizes"].split() for purpose in icon["purpose"].split()}
            if icon["type"] == "image/svg+xml":
                assert icon["sizes"] == "any" and body.lstrip().startswith(b"<svg")
                continue
            image = Image.open(io.BytesIO(body))
            assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"], icon
            # A maskable icon is cropped by the launcher, so it must bleed to its edges.
            assert corners_opaque(image) == ("maskable" in icon["purpose"]), icon
        assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= declared

        links = page.evaluate(ICON_LINKS_JS)
        assert {link["rel"] for link in links} == {"icon", "apple-touch-icon"}
        for link in links:
            assert link["href"].startswith(url), link
            body, content_type = fetch(page, link["href"])
            if link["type"]:
                assert content_type == link["type"], link
            if link["rel"] == "apple-touch-icon":  # iOS fills transparent corners with black
                image = Image.open(io.BytesIO(body))
                assert content_type == "image/png" and image.size == (180, 180) and corners_opaque(image)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_theme_color_matches_the_page(browser, quick_dist: Path, scheme):
    with serve(quick_dist) as url:
        context = browser.new_context(service_workers="block", color_scheme=scheme)
        page = open_ready(context, url)
        colors = page.evaluate(THEME_COLOR_JS)
        _, manifest = linked_manifest(page)
        context.close()
    assert colors["meta"] == colors["page"]
    if scheme == "light":  # the manifest has one colour: the default scheme's
        assert manifest["theme_color"] == manifest["background_color"] == colors["page"]


def test_service_worker_precaches_manifest_and_icons(quick_dist: Path):
    precache = json.loads(re.search(r'\["\./",[^\]]*\]', (quick_dist / "sw.js").read_text()).group(0))
    manifest = json.loads((quick_dist / "manifest.webmanifest").read_text())
    wanted = {"manifest.webmanifest", "icons/apple-touch-icon.png", *(icon["src"] for icon in manifest["icons"])}
    assert wanted - set(precache) == set()


@pytest.mark.parametrize("prefix", PREFIXES)
def test_start_url_opens_offline(browser, quick_dist: Path, prefix):
    """Installed, the app opens at start_url: after one visit that must work with no network at all."""
    with serve(quick_dist, prefix) as url:
        context = browser.new_context()
        page = open_controlled(context, url)
        manifest_url, manifest = linked_manifest(page)
        errors = context.new_cdp_session(page).send("Page.getInstallabilityErrors")["installabilityErrors"]
        # Playwright's contexts are incognito ones, where nothing installs; every other criterion must hold.
        assert [error["errorId"] for error in errors if error["errorId"] != "in-incognito"] == []
    context.set_offline(True)  # and the server is gone too
    start = context.new_page()
    start.goto(urljoin(manifest_url, manifest["start_url"]))
    wait_ready(start)
    draw_strokes(start, STROKES["one"])
    assert settle(start) != ""
    icons = [urljoin(manifest_url, icon["src"]) for icon in manifest["icons"]]
    statuses = start.evaluate("(urls) => Promise.all(urls.map((url) => fetch(url).then((r) => r.status)))", icons)
    assert statuses == [200] * len(icons)
    context.close()
