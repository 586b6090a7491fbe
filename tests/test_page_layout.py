"""The page as people use it: the answer in sight on a phone while drawing, the details beside the pad on a
desktop, a number's digits in a row with one correction open at a time, one sentence per state said once to
screen readers, hidden parts truly hidden, and a "Take a photo" control on phones."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import Page, expect
from test_web import (  # noqa: F401 (site: the session's server, a fixture)
    ANSWERED,
    NOT_DIGIT_MESSAGE,
    _encode,
    answered,
    message,
    open_app,
    parity_images,
    settle,
    site,
    upload,
)

from pipeline.bench.browser import draw_strokes
from pipeline.bench.page import number_strokes

PHONES = {"360x640": {"width": 360, "height": 640}, "390x844": {"width": 390, "height": 844}}
DESKTOP = {"width": 1280, "height": 800}
# Every sentence the answer can say ends so; one sentence has no end of a sentence inside it.
ONE_SENTENCE = re.compile(r"[^?!]*[.?!…]")
INSIDE_END = re.compile(r"[.?!] [A-Z]")
# Each text the announcer is given, in order (a MutationObserver, so a text said twice in a row is seen twice).
RECORD_ANNOUNCEMENTS_JS = """() => {
  window.said = [];
  const el = document.querySelector('[data-role=announce]');
  new MutationObserver(() => window.said.push(el.textContent))
    .observe(el, { childList: true, characterData: true, subtree: true });
}"""
# Each answer state the page goes through, in order.
RECORD_STATES_JS = """() => {
  window.states = [];
  const el = document.getElementById('answer');
  new MutationObserver(() => window.states.push(el.dataset.state))
    .observe(el, { attributes: true, attributeFilter: ['data-state'] });
}"""
# Elements the page hides with the hidden attribute that are still drawn on screen.
SHOWN_THOUGH_HIDDEN_JS = """() => [...document.querySelectorAll('[hidden]')]
  .filter((el) => el.getClientRects().length > 0)
  .map((el) => el.dataset.testid || el.id || el.tagName)"""


def open_sized(browser, site: str, viewport: dict, **options) -> Page:  # noqa: F811
    """The app, ready, in a fresh context of that viewport (closed with the browser's other contexts)."""
    context = browser.new_context(service_workers="block", viewport=viewport, **options)
    page = open_app(context, site, "wasm")
    page.wait_for_selector("html[data-model=ready]", state="attached")
    return page


def in_view(page: Page, selector: str) -> bool:
    """Whether the element is wholly inside the viewport, as it is scrolled now."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] >= 0


@pytest.mark.parametrize("phone", list(PHONES))
def test_the_answer_is_in_sight_on_a_phone_while_drawing(browser, site, phone):  # noqa: F811
    page = open_sized(browser, site, PHONES[phone], is_mobile=True, has_touch=True)
    page.evaluate("() => document.querySelector('[data-testid=pad]').scrollIntoView({ block: 'start' })")
    box = page.locator('[data-testid="pad"]').bounding_box()
    # The pen still down in the middle of a stroke: the answer so far must be in sight, not below the screen.
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.15)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.85, steps=8)
    assert answered(page) in ANSWERED
    assert in_view(page, '[data-testid="prediction"]') and in_view(page, "[data-role=message]")
    page.mouse.up()
    draw_strokes(page, number_strokes("2026"))
    assert answered(page) in ANSWERED
    number = page.get_attribute('[data-testid="prediction"]', "data-number")
    assert number and page.text_content('[data-testid="prediction"]') == number
    assert in_view(page, '[data-testid="prediction"]') and in_view(page, "[data-role=message]")
    assert re.search(r"\d+% confident", message(page))
    # The details are one scroll away, and nothing is wider than the phone.
    assert page.locator('[data-testid="digits"] li').count() == len(number)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONES[phone]["width"]
    page.context.close()


def test_a_number_reads_in_a_row_beside_the_pad_on_a_desktop(browser, site):  # noqa: F811
    page = open_sized(browser, site, DESKTOP)
    draw_strokes(page, number_strokes("2026"))
    assert answered(page) in ANSWERED
    pad = page.locator('[data-testid="pad"]').bounding_box()
    details = page.locator("section.answer").bounding_box()
    assert details["x"] >= pad["x"] + pad["width"] and details["y"] < pad["y"] + pad["height"]
    items = page.locator('[data-testid="digits"] li')
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    assert len(boxes) == len(page.get_attribute('[data-testid="prediction"]', "data-number")) > 1
    assert all(abs(b["y"] - boxes[0]["y"]) < 1 for b in boxes), "the digits sit in one row"
    assert [b["x"] for b in boxes] == sorted(b["x"] for b in boxes)
    row = "".join(items.nth(i).get_attribute("data-digit") for i in range(items.count()))
    assert row == page.get_attribute('[data-testid="prediction"]', "data-number"), "in the order written"
    # Each digit's picture and confidence are under it.
    first = items.first
    picture, name, value = (first.locator(s).bounding_box() for s in ("canvas", ".digit-name", ".digit-confidence"))
    assert picture["y"] < name["y"] < value["y"]
    assert re.fullmatch(r"\d+%", first.locator(".digit-confidence").text_content())
    # A number has no probability chart and no single image: they are one digit's.
    assert page.locator('[data-testid="probabilities"]').is_hidden()
    assert page.locator('[data-role="seen"]').is_hidden()
    page.context.close()


def test_the_row_wraps_on_a_narrow_screen(browser, site):  # noqa: F811
    page = open_sized(browser, site, PHONES["360x640"], is_mobile=True, has_touch=True)
    draw_strokes(page, number_strokes("902617"))
    assert answered(page) in ANSWERED
    items = page.locator('[data-testid="digits"] li')
    assert items.count() == len(page.get_attribute('[data-testid="prediction"]', "data-number")) > 4
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    assert len({round(b["y"]) for b in boxes}) > 1, "the row wraps"
    assert all(b["x"] + b["width"] <= 360 for b in boxes)
    page.context.close()


def test_wrong_opens_for_the_digit_chosen_only(browser, site):  # noqa: F811
    page = open_sized(browser, site, DESKTOP)
    draw_strokes(page, number_strokes("47"))
    assert answered(page) in ANSWERED
    correct = page.locator('[data-testid="digits"] [data-testid="correct"]')
    assert correct.count() == 2 and not any(correct.nth(i).is_visible() for i in range(2))
    summaries = page.locator('[data-testid="digits"] li summary')
    summaries.nth(1).click()
    assert [correct.nth(i).is_visible() for i in range(2)] == [False, True]
    assert correct.nth(1).get_attribute("aria-label") == "Wrong? Digit 2 was"
    summaries.nth(0).click()
    expect(correct.nth(1)).to_be_hidden()  # one open at a time (closed by the toggle event, a task later)
    assert [correct.nth(i).is_visible() for i in range(2)] == [True, False]
    page.context.close()


def test_each_state_says_one_sentence_once(browser, site):  # noqa: F811
    page = open_sized(browser, site, DESKTOP)
    page.evaluate(RECORD_ANNOUNCEMENTS_JS)
    page.evaluate(RECORD_STATES_JS)
    said = []

    def check(state: str) -> str:
        """The state reached, its one sentence, and that it was announced exactly once since the last check."""
        settle(page)
        assert page.get_attribute("#answer", "data-state") == state
        sentence = message(page)
        assert ONE_SENTENCE.fullmatch(sentence) and not INSIDE_END.search(sentence), sentence
        page.wait_for_function("(n) => window.said.length > n", arg=len(said))
        new = page.evaluate("() => window.said")[len(said) :]
        said.extend(new)
        assert new == [sentence], f"{state}: announced {new}"
        return sentence

    assert message(page) == "Draw a digit or a number."
    box = page.locator('[data-testid="pad"]').bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.15)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.85, steps=12)
    settle(page)
    assert page.evaluate("() => window.said") == [], "nothing is said while the pen is down"
    page.mouse.up()
    sentence = check(answered(page))
    lone_digit = r"An? \d, \d+% confident\.|Not sure: \d \(\d+% confident\) or \d\?"
    assert re.fullmatch(lone_digit, sentence) or sentence.startswith(NOT_DIGIT_MESSAGE), sentence
    page.click('[data-testid="clear"]')
    assert check("empty") == "Draw a digit or a number."
    upload(page, "blank.png", "image/png", _encode(parity_images()["blank"], "PNG"))
    assert check("blank").startswith("No digit found")
    upload(page, "notes.txt", "text/plain", b"not an image")
    page.wait_for_selector("#answer[data-state=error]", state="attached")
    assert "not an image" in check("error")
    upload(page, "digit.png", "image/png", _encode(parity_images()["dark_on_light"], "PNG"))
    state = answered(page)
    assert state in ("sure", "unsure")
    check(state)
    # An upload is read, and says so, before its answer.
    states = page.evaluate("() => window.states")
    assert states[-2:] == ["reading", state]
    page.context.close()


def test_not_a_digit_says_so(browser, site):  # noqa: F811
    page = open_sized(browser, site, DESKTOP)
    # A scribble of loops across the pad: no digit's shape.
    t = np.linspace(0, 6 * np.pi, 60)
    draw_strokes(page, [list(zip(0.3 + 0.4 * t / t[-1] + 0.05 * np.cos(t), 0.5 + 0.3 * np.sin(t), strict=True))])
    if answered(page) != "not-digit":
        pytest.skip("the quick model reads this scribble as a digit")
    assert message(page).startswith(NOT_DIGIT_MESSAGE)
    assert page.get_attribute('[data-testid="prediction"]', "data-number") == ""
    page.context.close()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_hidden_means_hidden_in_every_state(browser, site, screen):  # noqa: F811
    viewport = PHONES["360x640"] if screen == "phone" else DESKTOP
    page = open_sized(browser, site, viewport)
    assert page.evaluate(SHOWN_THOUGH_HIDDEN_JS) == [], "empty"
    hidden_seen = page.evaluate("() => document.querySelectorAll('[hidden]').length")
    assert hidden_seen >= 2  # the chart and the marks' row at least: the check has something to check
    for text in ("4", "2026"):
        page.click('[data-testid="clear"]')
        draw_strokes(page, number_strokes(text))
        assert answered(page) in ANSWERED
        assert page.evaluate(SHOWN_THOUGH_HIDDEN_JS) == [], text
    page.locator("#answer li summary").first.click()
    assert page.evaluate(SHOWN_THOUGH_HIDDEN_JS) == [], "a correction open"
    upload(page, "blank.png", "image/png", _encode(parity_images()["blank"], "PNG"))
    settle(page)
    assert page.evaluate(SHOWN_THOUGH_HIDDEN_JS) == [], "blank"
    page.context.close()


def test_take_a_photo_on_a_phone(browser, site):  # noqa: F811
    phone = open_sized(browser, site, PHONES["390x844"], is_mobile=True, has_touch=True)
    photo = phone.locator('[data-testid="photo"]')
    assert phone.locator("label.photo").is_visible() and phone.locator('[data-testid="upload"]').is_visible()
    assert photo.get_attribute("capture") == "environment" and photo.get_attribute("accept") == "image/*"
    assert photo.get_attribute("capture") != phone.locator('[data-testid="upload"]').get_attribute("capture")
    rgba = parity_images()["dark_on_light"]
    photo.set_input_files(files=[{"name": "photo.jpg", "mimeType": "image/png", "buffer": _encode(rgba, "PNG")}])
    assert answered(phone) in ("sure", "unsure")
    assert phone.get_attribute('[data-testid="prediction"]', "data-number")
    phone.context.close()
    # With a mouse, taking a photo would only open the files again: there is one control for that.
    desktop = open_sized(browser, site, DESKTOP)
    assert desktop.locator("label.photo").is_hidden() and desktop.locator('[data-testid="upload"]').is_visible()
    desktop.context.close()


# A vertical stroke, as a "1", from (x, top) to (x, bottom) in pad fractions.
def _one(x: float, top: float, bottom: float) -> list[list[tuple[float, float]]]:
    return [[(x, top), (x, bottom)]]


def _pen_to_height(image: dict) -> float:
    """The width of the ink across the middle row of a pad digit's image, over the ink's height."""
    rgba = np.array(image["data"], np.uint8).reshape(image["height"], image["width"], 4)
    ink = rgba[..., 0] < 128
    rows = np.flatnonzero(ink.any(axis=1))
    middle = ink[(rows[0] + rows[-1]) // 2]
    return middle.sum() / (rows[-1] - rows[0] + 1)


def test_a_small_digit_is_rendered_with_a_pen_in_proportion(browser, site):  # noqa: F811
    """The digits of a number are drawn smaller than a lone one: the pad's pen would make them bold, so each digit
    is rendered with a pen in proportion to its size, and a large lone digit with the pad's own."""
    page = open_sized(browser, site, DESKTOP)
    images_js = """() => window.digits.padDigitImages().map(({ imageData: d }) =>
        ({ width: d.width, height: d.height, data: Array.from(d.data) }))"""
    draw_strokes(page, _one(0.3, 0.4, 0.65) + _one(0.7, 0.08, 0.92))
    settle(page)
    small, large = (_pen_to_height(image) for image in page.evaluate(images_js))
    pad_pen = 20 / 280  # the pad's pen over its height
    assert large == pytest.approx(pad_pen / (0.84 + pad_pen), rel=0.15), "a large digit keeps the pad's pen"
    assert small < 0.75 * pad_pen / (0.25 + pad_pen), "a small digit gets a thinner pen than the pad's"
    assert small > large / 2, "but not a hairline"
    page.context.close()
