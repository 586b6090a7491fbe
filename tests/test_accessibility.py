"""Accessibility: axe-core finds no serious or critical problem in any state of the page, and the keyboard
reaches every feature, uploads included (someone who cannot draw can still get a prediction), and the
correction of an answer, "not a digit" included.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_web import (  # noqa: F401 (site: the session's server, a fixture)
    ANSWERED,
    LOAD_TIMEOUT_MS,
    NOT_DIGIT_MESSAGE,
    STROKES,
    _encode,
    answered,
    correct,
    marked_images,
    message,
    open_app,
    parity_images,
    settle,
    site,
    upload,
)

from pipeline.bench.browser import draw_strokes, predict_in_page
from pipeline.read.predict import Predictor

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
# A phone in the light scheme and a desktop in the dark one: narrow layouts and both palettes get checked.
SCREENS = {
    "phone-light": {"viewport": {"width": 360, "height": 740}, "color_scheme": "light"},
    "desktop-dark": {"viewport": {"width": 1280, "height": 720}, "color_scheme": "dark"},
}
FOCUSED_JS = """() => {
  const el = document.activeElement;
  return el.dataset.testid || (el.closest('#model-card') ? 'model-card' : el.tagName.toLowerCase());
}"""


def axe(page) -> dict:
    """axe-core's results for the page as it is now (the page must allow the injected script)."""
    if not page.evaluate("() => 'axe' in window"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")


def blocking(results: dict) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture(scope="module")
def not_digit_png(quick_dist) -> bytes:
    """An image Python's reader reads as marks that are not digits, and no digit, as a PNG file."""
    predictor = Predictor(quick_dist / "export" / "tflite" / "model.tflite")
    for rgba in marked_images().values():
        reading = predictor.read(rgba)
        if reading.marks and not reading.digits:
            return _encode(rgba, "PNG")
    pytest.fail("no image reads as not a digit")


@pytest.fixture(params=list(SCREENS))
def axe_context(browser, request):
    # The page's CSP forbids scripts it did not ship, axe-core among them.
    context = browser.new_context(bypass_csp=True, service_workers="block", **SCREENS[request.param])
    yield context
    context.close()


def test_axe_catches_a_serious_problem(axe_context, site):  # noqa: F811
    """The check itself works: an image without a text alternative is reported."""
    page = open_app(axe_context, site, "cpu")
    assert blocking(axe(page)) == []
    page.evaluate("() => document.querySelector('main').append(document.createElement('img'))")
    assert any(line.startswith("image-alt (critical)") for line in blocking(axe(page)))


def test_no_serious_problems_while_used(axe_context, site, not_digit_png):  # noqa: F811
    page = open_app(axe_context, site, "cpu")
    page.locator("#model-card-body table").first.wait_for()
    assert blocking(axe(page)) == [], "loaded"
    draw_strokes(page, STROKES["seven"])
    assert answered(page) in ANSWERED
    assert blocking(axe(page)) == [], "after drawing"
    page.locator("#answer li summary").first.click()  # a digit's, or a mark's if the quick model saw none
    assert blocking(axe(page)) == [], "with a correction open"
    upload(page, "digit.png", "image/png", _encode(parity_images()["dark_on_light"], "PNG"))
    assert answered(page) in ANSWERED
    assert blocking(axe(page)) == [], "after an upload"
    upload(page, "letter.png", "image/png", not_digit_png)
    assert answered(page) == "not-digit"
    assert blocking(axe(page)) == [], "after an upload that is not a digit"
    upload(page, "notes.txt", "text/plain", b"not an image")
    page.wait_for_selector("#answer[data-state=error]", state="attached")
    assert blocking(axe(page)) == [], "after a failed upload"


def test_no_serious_problems_without_a_model(axe_context, site):  # noqa: F811
    page = axe_context.new_page()
    page.goto(site + "?model=missing/model.json")
    page.wait_for_selector("html[data-model=error]", state="attached", timeout=LOAD_TIMEOUT_MS)
    page.locator("#model-card-body table").first.wait_for()
    assert page.locator("#model-status").is_visible()
    assert blocking(axe(page)) == []


def tab_through(page, presses: int = 40) -> list[str]:
    """What each Tab press focuses, from the top of the page."""
    page.evaluate("() => document.activeElement.blur()")
    reached = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(FOCUSED_JS))
    return reached


def tab_to(page, control: str, presses: int) -> None:
    """Press Tab from the top of the page until `control` (FOCUSED_JS's name for it) has the focus."""
    page.evaluate("() => document.activeElement.blur()")
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_JS) == control:
            return
    pytest.fail(f"Tab never reached {control}")


def test_tab_order_reaches_every_feature(browser, site):  # noqa: F811
    context = browser.new_context(service_workers="block")
    page = open_app(context, site, "cpu")
    page.locator("#model-card-body table").first.wait_for()
    reached = tab_through(page)
    context.close()
    controls = ["undo", "clear", "upload", "model-card"]
    assert set(controls) <= set(reached), reached
    # In reading order: the controls under the pad, then the model card (its table scrolls, its links download).
    assert [reached.index(name) for name in controls] == sorted(reached.index(name) for name in controls)


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_upload_with_the_keyboard_alone(browser, site, key):  # noqa: F811
    context = browser.new_context(service_workers="block")
    page = open_app(context, site, "cpu")
    # Playwright turns on file-chooser interception when a listener is added, without waiting for it:
    # one added only around the key press can miss the dialog.
    page.on("filechooser", lambda _: None)
    tab_to(page, "upload", 20)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press(key)
    rgba = parity_images()["dark_on_light"]
    chooser.value.set_files(files=[{"name": "digit.png", "mimeType": "image/png", "buffer": _encode(rgba, "PNG")}])
    digit = predict_in_page(page, rgba)["digit"]
    assert settle(page) == str(digit)
    assert message(page).startswith((f"A {digit}, ", f"An {digit}, ", f"Not sure: {digit} ("))
    context.close()


def test_a_mark_that_is_not_a_digit_can_be_corrected_with_the_keyboard(browser, site, not_digit_png):  # noqa: F811
    """With no digit on screen, the mark is reached by Tab and opened with Enter; its "Wrong? It was" is next,
    named, and offers every digit."""
    context = browser.new_context(service_workers="block")
    page = open_app(context, site, "cpu")
    upload(page, "letter.png", "image/png", not_digit_png)
    assert answered(page) == "not-digit"
    assert message(page).startswith(NOT_DIGIT_MESSAGE)
    assert page.locator('[data-testid="correct"]').is_hidden()  # closed until the mark is chosen
    tab_to(page, "summary", 60)
    assert page.evaluate("() => document.activeElement.textContent").startswith("Mark 1: not a digit, ")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_JS) == "correct"
    focused = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert focused == "Wrong? Mark 1 was"
    options = page.evaluate("() => [...document.activeElement.options].map((o) => [o.text, o.disabled])")
    assert options[1:] == [[str(d), False] for d in range(10)] + [["not a digit", True]]
    context.close()
