"""Personal examples on the page: teaching (a digit, or "not a digit"), IndexedDB, the panel, import checks of both
file versions, re-embedding, parity with Python."""

from __future__ import annotations

import json

import numpy as np
import pytest
from playwright.sync_api import Page
from test_personal import mnist_digit_image
from test_web import (
    FLOAT32_MODEL,
    NOT_DIGIT_MESSAGE,
    STROKES,
    _encode,
    answered,
    assert_reading_parity,
    correct,
    marked_images,
    message,
    number_images,
    open_app,
    open_controlled,
    reload_offline,
    settle,
    upload,
    wait_ready,
)

from pipeline.bench.browser import draw_strokes, predict_in_page, read_in_page, serve, teach_in_page
from pipeline.bench.writers import WRITERS, draw
from pipeline.config import CLASSES, NOT_DIGIT
from pipeline.read.personal import check_document, load_examples
from pipeline.read.predict import Predictor

NOT_DIGIT_LABEL = CLASSES.index(NOT_DIGIT)  # 10: what "Wrong? It was" teaches for "not a digit"


@pytest.fixture
def fresh_context(browser):
    """A context of its own, so its examples (IndexedDB) reach no other test."""
    context = browser.new_context(service_workers="block", accept_downloads=True)
    yield context
    context.close()


@pytest.fixture(scope="module")
def personal_site(quick_dist):
    with serve(quick_dist) as url:
        yield url


def _count(page: Page) -> int:
    return page.evaluate("() => window.digits.examples()")


def _wait_count(page: Page, count: int) -> None:
    page.wait_for_function(f"() => window.digits.examples() === {count}")


def test_teaching_sticks_across_reloads_offline_and_forget_undoes_it(browser, quick_dist, mnist):
    image, other = mnist_digit_image(mnist, 0), mnist_digit_image(mnist, 1)  # a 7 and a 2
    with serve(quick_dist) as url:
        context = browser.new_context()
        page = open_controlled(context, url)
        network, other_network = predict_in_page(page, image)["digit"], predict_in_page(page, other)["digit"]
        taught = (network + 3) % 10
        assert teach_in_page(page, image, taught) == 1
        assert predict_in_page(page, image)["digit"] == taught
        assert predict_in_page(page, other)["digit"] == other_network
    reload_offline(context, page)
    assert _count(page) == 1
    assert predict_in_page(page, image)["digit"] == taught
    assert read_in_page(page, image)["number"] == str(taught)
    page.evaluate("() => window.digits.forget()")
    assert _count(page) == 0 and predict_in_page(page, image)["digit"] == network
    context.close()


def test_wrong_it_was_teaches_the_digit_under_the_answer(fresh_context, personal_site):
    page = open_app(fresh_context, personal_site, "wasm")
    draw_strokes(page, STROKES["one"])
    settle(page)
    shown = page.get_attribute('[data-testid="prediction"]', "data-digit")
    right = "7" if shown != "7" else "4"
    correct(page, "digits", value=right)
    _wait_count(page, 1)
    page.wait_for_selector(f'[data-testid="prediction"][data-digit="{right}"]')
    _wait_status(page, f"Learnt: that was a {right}.")
    assert page.locator('[data-testid="examples-list"] li').count() == 1
    assert page.get_attribute('[data-testid="examples-list"] li', "data-label") == right


def _status(page: Page) -> str:
    return page.text_content('[data-testid="examples-status"]')


def _wait_status(page: Page, text: str) -> None:
    page.wait_for_function(
        "(text) => document.querySelector('[data-testid=examples-status]').textContent === text", arg=text
    )


def _import(page: Page, name: str, text: str) -> str:
    page.evaluate("() => { document.querySelector('[data-testid=examples-status]').textContent = ''; }")
    page.set_input_files(
        '[data-testid="examples-import"]',
        files=[{"name": name, "mimeType": "application/json", "buffer": text.encode()}],
    )
    page.wait_for_function("() => document.querySelector('[data-testid=examples-status]').textContent !== ''")
    return _status(page)


def _labels(page: Page) -> list[str]:
    items = page.locator('[data-testid="examples-list"] li')
    return [items.nth(i).get_attribute("data-label") for i in range(items.count())]


def test_panel_deletes_forgets_exports_and_imports_and_refuses_bad_files(
    fresh_context, personal_site, quick_dist, mnist, tmp_path
):
    page = open_app(fresh_context, personal_site, "wasm")
    teach_in_page(page, mnist_digit_image(mnist, 0), 1)
    teach_in_page(page, mnist_digit_image(mnist, 1), 5)
    teach_in_page(page, next(iter(marked_images().values())), NOT_DIGIT_LABEL)
    items = page.locator('[data-testid="examples-list"] li')
    items.nth(2).wait_for()
    assert _labels(page) == ["1", "5", NOT_DIGIT]
    assert page.text_content('[data-testid="examples-count"]') == "3 examples of your handwriting."
    assert items.nth(2).get_by_role("button").get_attribute("aria-label") == f"Delete example 3, {NOT_DIGIT}"
    items.nth(0).get_by_role("button", name="Delete").click()
    _wait_status(page, "Deleted an example of 1.")
    assert _count(page) == 2
    with page.expect_download() as download:
        page.click('[data-testid="examples-export"]')
    exported = json.loads(download.value.path().read_text())
    assert exported["format"] == "digit-recognition-examples" and exported["version"] == 2
    assert [e["label"] for e in exported["examples"]] == ["5", NOT_DIGIT]
    # Python reads the page's file: "not a digit" is its last class.
    predictor = Predictor(quick_dist / "export/tflite/model.tflite")
    path = tmp_path / "examples.json"
    path.write_text(json.dumps(exported))
    assert [e.label for e in load_examples(path, predictor.embedding_size, predictor.fingerprint)] == [5, 10]
    page.click('[data-testid="examples-forget"]')
    _wait_status(page, "All your examples are forgotten.")
    assert _count(page) == 0
    assert page.locator('[data-testid="examples-list"] li').count() == 0
    assert _import(page, "mine.json", json.dumps(exported)) == "Imported 2 examples from mine.json."
    assert _count(page) == 2 and _labels(page) == ["5", NOT_DIGIT]
    # A file from before "not a digit" (version 1: each example's "digit") still imports.
    good = exported["examples"][0]
    old_example = {key: value for key, value in good.items() if key != "label"}
    version_1 = {**exported, "version": 1, "examples": [{**old_example, "digit": 7}]}
    assert _import(page, "old.json", json.dumps(version_1)) == "Imported 1 example from old.json."
    assert _count(page) == 3 and _labels(page) == ["5", NOT_DIGIT, "7"]

    config = json.loads(page.evaluate("() => fetch('config.json').then((r) => r.text())"))
    size, limit = config["model"]["embedding_size"], config["personal"]["max_file_bytes"]
    bad_files = {
        "version.json": ({**exported, "version": 99}, "examples format version 99 is not supported (expected 1 or 2)"),
        "label.json": (
            {**exported, "examples": [{**good, "label": "x"}]},
            "example 1: label 'x' is not one of 0-9 or 'not a digit'",
        ),
        "number.json": ({**exported, "examples": [{**good, "label": 7}]}, "example 1: label 7 is not one of 0-9"),
        "digit.json": ({**version_1, "examples": [{**good, "digit": 12}]}, "example 1: digit 12 is not one of 0-9"),
        "size.json": (
            {**exported, "examples": [good, {**good, "embedding": good["embedding"][:-1]}]},
            f"example 2: embedding has {size - 1} values, expected {size}",
        ),
        "notjson.json": ("{oops", "not a JSON file"),
        "big.json": (" " * (limit + 1), f"over the {limit:,}-byte limit"),
    }
    for name, (document, reason) in bad_files.items():
        status = _import(page, name, document if isinstance(document, str) else json.dumps(document))
        assert status.startswith(f"{name}: ") and reason in status and status.endswith("Nothing was changed."), status
        if not isinstance(document, str):  # word for word what `python -m pipeline predict --examples` says
            assert check_document(document, size, config["model"]["fingerprint"]) in status, status
        assert page.get_attribute('[data-testid="examples-status"]', "data-state") == "error"
        assert _count(page) == 3


@pytest.mark.parametrize("backend", ["wasm", "webgl", "cpu"])
def test_page_and_python_agree_with_examples(fresh_context, personal_site, quick_dist, tmp_path, backend):
    """Examples taught on the page, exported, and given to Python: the same probabilities within 1e-4."""
    page = open_app(fresh_context, personal_site, backend, FLOAT32_MODEL)
    rng = np.random.default_rng(3)
    writer = WRITERS[0]
    taught = {digit: draw(writer, str(digit), rng) for digit in (1, 4, 7, 9)}
    for digit, image in taught.items():
        teach_in_page(page, image, digit)
    marks = list(marked_images().values())
    teach_in_page(page, marks[0], NOT_DIGIT_LABEL)  # a letter, symbol, word or doodle of this person's
    document = page.evaluate("() => window.digits.exportExamples()")
    path = tmp_path / "examples.json"
    path.write_text(json.dumps(document))
    predictor = Predictor(quick_dist / "export/tflite/model.tflite")
    examples = load_examples(path, predictor.embedding_size, predictor.fingerprint)
    assert predictor.use_examples(examples) == 0  # this model's own: used as they are
    images = [draw(writer, str(d), rng) for d in (1, 4, 7, 9, 0, 3)] + list(number_images().values())[:4] + marks[:6]
    moved = 0.0
    for image in images:
        browser_reading, reading = read_in_page(page, image), predictor.read(image)
        assert_reading_parity(browser_reading, reading)
        for expected in reading.digits + reading.marks:
            outputs = predictor.outputs(expected.pixels[None])
            network = np.append(outputs["probabilities"][0], outputs["not_digit"][0])
            moved = max(moved, np.abs(expected.classes - network).max())
    assert moved > 0.1  # the examples did change answers, so their part of the sum was compared too


def test_examples_of_another_model_are_embedded_again(fresh_context, personal_site, mnist):
    page = open_app(fresh_context, personal_site, "wasm", FLOAT32_MODEL)
    teach_in_page(page, mnist_digit_image(mnist, 0), 3)
    current = page.evaluate("() => window.digits.exportExamples()")["examples"][0]
    # As a previous build would have left it: another fingerprint, an embedding of another size.
    page.evaluate(
        """async () => {
          const done = (request) => new Promise((resolve) => { request.onsuccess = () => resolve(request.result); });
          const db = await done(indexedDB.open('digit-recognition'));
          const tx = db.transaction('examples', 'readwrite');
          const store = tx.objectStore('examples');
          const old = { fingerprint: 'an-older-build', embedding: [1, 2, 3] };
          for (const e of await done(store.getAll())) store.put({ ...e, ...old });
          await new Promise((resolve) => { tx.oncomplete = resolve; });
          db.close();
        }"""
    )
    page.reload()
    wait_ready(page)
    again = page.evaluate("() => window.digits.exportExamples()")["examples"][0]
    assert again["fingerprint"] == current["fingerprint"] != "an-older-build"
    assert again["pixels"] == current["pixels"]
    np.testing.assert_allclose(again["embedding"], current["embedding"], atol=1e-5)


def test_without_indexeddb_the_examples_last_as_long_as_the_page(browser, personal_site, mnist):
    context = browser.new_context(service_workers="block")
    context.add_init_script("Object.defineProperty(window, 'indexedDB', { get: () => undefined })")
    page = open_app(context, personal_site, "wasm")
    assert page.get_attribute("html", "data-model") == "ready"
    assert "your examples last until you close it" in page.text_content('[data-testid="examples-status"]')
    image = mnist_digit_image(mnist, 0)
    taught = (predict_in_page(page, image)["digit"] + 3) % 10
    assert teach_in_page(page, image, taught) == 1
    assert predict_in_page(page, image)["digit"] == taught
    context.close()


def test_wrong_it_was_teaches_not_a_digit_and_a_mark_as_a_digit(fresh_context, personal_site, quick_dist, tmp_path):
    """ "Wrong? It was" offers "not a digit" under a digit, and every digit under a mark; what it teaches is read
    as Python reads it with the same examples."""
    page = open_app(fresh_context, personal_site, "wasm", FLOAT32_MODEL)
    predictor = Predictor(quick_dist / "export/tflite/model.tflite")
    readings = [(rgba, predictor.read(rgba)) for rgba in marked_images().values()]
    letter = next(rgba for rgba, r in readings if len(r.digits) == 1 and not r.marks)  # a letter read as a digit
    mark = next(rgba for rgba, r in readings if r.marks and not r.digits)  # read as not a digit

    upload(page, "letter.png", "image/png", _encode(letter, "PNG"))
    assert answered(page) in ("sure", "unsure")
    correct(page, "digits", label=NOT_DIGIT)
    _wait_count(page, 1)
    _wait_status(page, f"Learnt: that was {NOT_DIGIT}.")
    assert _labels(page) == [NOT_DIGIT]
    # Taught like a digit: the letter is now read as not a digit, here and in Python.
    page.wait_for_selector("#answer[data-state=not-digit]", state="attached")
    assert message(page).startswith(NOT_DIGIT_MESSAGE)

    upload(page, "mark.png", "image/png", _encode(mark, "PNG"))
    assert answered(page) == "not-digit"
    correct(page, "marks", value="7")
    _wait_count(page, 2)
    _wait_status(page, "Learnt: that was a 7.")
    assert _labels(page) == [NOT_DIGIT, "7"]

    path = tmp_path / "examples.json"
    path.write_text(json.dumps(page.evaluate("() => window.digits.exportExamples()")))
    predictor.use_examples(load_examples(path, predictor.embedding_size, predictor.fingerprint))
    assert [e.label for e in predictor.examples] == [NOT_DIGIT_LABEL, 7]
    reading = predictor.read(letter)
    assert reading.marks and not reading.digits
    for image in (letter, mark):
        assert_reading_parity(read_in_page(page, image), predictor.read(image))
