"""The marks of a number (. , - : /): told from digits and specks by their shape and place in the row."""

import io
import json

import numpy as np
import pytest
from conftest import run_pipeline
from PIL import Image, ImageDraw
from scipy import ndimage
from test_segment import classify, clear_digits, glyph, noise_page, paper  # noqa: F401 (classify, clear_digits: fixtures)

from pipeline.bench.sets import PUNCTUATED, punctuated_accuracy, punctuated_kind, punctuated_set
from pipeline.data.punctuation import draw_mark, stroke_width
from pipeline.read.preprocess import ink_map
from pipeline.read.punctuation import MARKS, number_value
from pipeline.read.segment import Scores, find_marks, read_number

HEIGHT = 48  # the digits' height in the rows below


def written(text: str, digits: dict[str, np.ndarray], seed: int = 0, gap: int = 10) -> np.ndarray:
    """Ink of `text` written in a row: each digit the MNIST test digit `digits` gives for it, HEIGHT pixels tall, each
    mark drawn by data/punctuation.py in proportion to them (upright), `gap` pixels apart."""
    rng = np.random.default_rng(seed)
    glyphs = {c: glyph(digits[c], HEIGHT) for c in set(text) if c.isdigit()}
    stroke = float(np.median([stroke_width(g > 0.5) for g in glyphs.values()]))
    items = [(glyphs[c], 0) if c.isdigit() else draw_mark(c, HEIGHT, stroke, 0.0, rng) for c in text]
    top = min(t for _, t in items)
    bottom = max(t + g.shape[0] for g, t in items)
    canvas = np.zeros((bottom - top, sum(g.shape[1] for g, _ in items) + gap * (len(items) - 1)))
    left = 0
    for g, t in items:
        region = canvas[t - top : t - top + g.shape[0], left : left + g.shape[1]]
        np.maximum(region, g, out=region)
        left += g.shape[1] + gap
    return canvas


@pytest.fixture(scope="module")
def digits(mnist) -> dict[str, np.ndarray]:
    """The first MNIST test digit of each label; the 1 the most upright of the first fifty."""
    chosen = {str(label): mnist.x_test[np.flatnonzero(mnist.y_test == label)[0]] for label in range(10)}
    ones = mnist.x_test[np.flatnonzero(mnist.y_test == 1)[:50]]

    def lean(image: np.ndarray) -> float:
        ys, xs = np.nonzero(image > 128)
        return abs(np.polyfit(ys, xs, 1)[0])

    chosen["1"] = min(ones, key=lean)
    return chosen


def marks_of(strength: np.ndarray) -> str:
    return "".join(mark.mark for mark in find_marks(ink_map(paper(strength))).punctuation)


@pytest.mark.parametrize("text", ["12.5", "0.38", "3,188", "-47", "-2.5", "4:52", "18/11", "7/4/26", "12,345.6"])
def test_each_mark_between_digits_is_read(digits, text):
    assert marks_of(written(text, digits)) == "".join(c for c in text if not c.isdigit())


@pytest.mark.parametrize("text", ["12.", ".12", "47-", "3,", "/18", "18/"])
def test_a_mark_where_numbers_have_none_is_no_mark(digits, text):
    """A full stop after the number, a stroke before or after it: set aside or read as segmentation reads them."""
    assert marks_of(written(text, digits)) == ""


def test_specks_far_smaller_than_the_stroke_are_not_points(digits):
    strength = written("125", digits, gap=14)
    for x in (30, 70):  # between the digits, on the baseline: where a point would be
        strength[HEIGHT - 3 : HEIGHT - 1, x : x + 1] = 1.0
    assert marks_of(strength) == ""


def test_an_upright_one_between_digits_is_a_one_and_a_long_leaning_stroke_a_slash(digits):
    assert marks_of(written("418", digits)) == ""
    assert marks_of(written("4/8", digits)) == "/"


def leaning_back(digits: dict[str, np.ndarray], stroke_lean: float, slant: float = -0.5) -> np.ndarray:
    """ "4", a straight stroke and "8" in a hand leaning back by `slant` (x per y, negative: the tops to the left), the
    stroke 1.35 times as tall as the digits, rising above them, and leaning `stroke_lean` by itself: where it leans
    back less than the digits, it leans right of the row as a slash does."""
    row = written("48", digits, gap=60)
    top, side = HEIGHT // 2, int(abs(slant) * 2 * HEIGHT)
    canvas = Image.fromarray(np.pad(row * 255, ((top, 4), (side, side))).astype(np.uint8))
    stroke = round(stroke_width(row > 0.5))
    length, bottom = 1.35 * HEIGHT, top + HEIGHT
    x = side + glyph(digits["4"], HEIGHT).shape[1] + 30 - stroke_lean * length / 2
    # Drawn leaning by its own lean less the hand's, then sheared with the digits by the hand's.
    ImageDraw.Draw(canvas).line([(x, bottom), (x + (stroke_lean - slant) * length, bottom - length)], 255, stroke)
    height = canvas.height
    sheared = ndimage.affine_transform(
        np.asarray(canvas, dtype=float) / 255, [[1, 0], [slant, 1]], offset=[0, -slant * height], order=1
    )
    return sheared


def test_a_ones_lean_in_a_hand_leaning_back_is_no_slash_but_a_slash_leaning_right_is(digits):
    assert marks_of(leaning_back(digits, 0.5)) == "/"
    # Leaning back by 0.25, less than the digits: right of the row, as a slash, but no slash leans left.
    assert marks_of(leaning_back(digits, -0.25)) == ""


def test_a_mark_inside_a_digits_columns_is_part_of_it(digits):
    """A bar across a digit (a 7's crossbar) or a point under one is the digit's, not a mark of the number."""
    strength = written("474", digits, gap=14)
    seven = slice(HEIGHT, 2 * HEIGHT)  # roughly the 7's columns
    strength[HEIGHT // 2 - 2 : HEIGHT // 2 + 2, seven.start + 8 : seven.start + 30] = 1.0
    assert "-" not in marks_of(strength)


def broken_stroke(digits: dict[str, np.ndarray], above: bool = True) -> np.ndarray:
    """ "4", an upright stroke broken in three, none of its pieces half the digits' height, and "8": as a camera sees
    a 1 or a 7's stem written with a failing pen. Its foot, about a stroke long, is shaped and placed as a point;
    without the pieces `above` it, it is one."""
    row = written("48", digits, gap=40)
    stroke = round(stroke_width(row > 0.5))
    x = glyph(digits["4"], HEIGHT).shape[1] + 20 - stroke // 2
    pieces = ((0, 0.4), (0.48, 0.8), (1 - 1.2 * stroke / HEIGHT, 1))
    for top, bottom in pieces if above else pieces[-1:]:
        row[round(top * HEIGHT) : round(bottom * HEIGHT), x : x + stroke] = 1.0
    return row


def test_the_foot_of_a_broken_stroke_is_no_point(digits):
    """A point has nothing over it; the foot of a stroke broken in two has the rest of the stroke."""
    assert marks_of(broken_stroke(digits)) == ""
    assert marks_of(broken_stroke(digits, above=False)) == "."


def test_noise_rules_and_a_ruled_page_give_no_marks():
    assert marks_of(noise_page()) == ""
    ruled = np.zeros((200, 400))
    ruled[::25, :] = 1.0  # ruled lines across the page
    ruled[60:120, 180:186] = 1.0  # and a stroke
    assert marks_of(ruled) == ""


def test_jpeg_speckle_and_paper_texture_give_no_marks(digits):
    rgba = paper(written("4721", digits, gap=14))
    rng = np.random.default_rng(0)
    grain = rng.normal(0, 12, rgba.shape[:2])[..., None]  # paper texture
    rgba[..., :3] = np.clip(rgba[..., :3] + grain, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgba[..., :3]).save(buffer, "JPEG", quality=25)  # and its speckle
    decoded = np.asarray(Image.open(buffer).convert("RGBA"))
    assert "".join(m.mark for m in find_marks(ink_map(decoded)).punctuation) == ""


def _no_model(inputs: np.ndarray) -> Scores:
    raise AssertionError("a lone mark needs no model")


@pytest.mark.parametrize(("shape", "mark"), [("point", "."), ("bar", "-")])
def test_a_lone_point_or_bar_is_the_answer_without_a_digit(shape, mark):
    strength = np.zeros((60, 60))
    if shape == "point":
        rows, cols = np.mgrid[0:60, 0:60]
        strength[(rows - 30) ** 2 + (cols - 30) ** 2 <= 36] = 1.0
        strength[5, 5] = 1.0  # a speck beside it changes nothing
    else:
        strength[28:34, 10:50] = 1.0
    reading = read_number(ink_map(paper(strength)), _no_model)
    assert reading.text == mark and reading.number == "" and not reading.digits
    assert reading.punctuation[0].confidence > 0.5


def test_stroke_width_is_the_width_of_a_bar():
    bar = np.zeros((60, 60), bool)
    bar[5:55, 20:26] = True
    assert stroke_width(bar) == pytest.approx(6, rel=0.1)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("94.05", 94.05),
        ("-99", -99),
        ("3,188", 3188),
        ("1,234,567.5", 1234567.5),
        ("0.13", 0.13),
        ("007", 7),
        ("4:52", None),
        ("18/11", None),
        ("1,23", None),  # commas stand between thousands only
        (".", None),
        ("-", None),
        ("", None),
    ],
)
def test_the_value_is_the_text_as_a_number_where_it_is_one(text, value):
    assert number_value(text) == value
    assert type(number_value(text)) is type(value)


def test_punctuated_set_is_seeded_and_has_every_kind(mnist):
    first = punctuated_set(mnist.x_test, mnist.y_test, 20, seed=3)
    again = punctuated_set(mnist.x_test, mnist.y_test, 20, seed=3)
    assert [n.label for n in first] == [n.label for n in again]
    assert all(np.array_equal(a.rgba, b.rgba) for a, b in zip(first, again, strict=True))
    assert [punctuated_kind(n.label) for n in first[:5]] == list(PUNCTUATED)
    assert all(any(c in MARKS for c in n.label) and len(n.label) <= 12 for n in first)


def test_punctuated_accuracy_judges_marks_where_the_digits_are_right(mnist):
    numbers = punctuated_set(mnist.x_test, mnist.y_test, 5, seed=3)
    digits_of = ["".join(c for c in n.label if c.isdigit()) for n in numbers]
    read = [(digits_of[0], numbers[0].label), (digits_of[1], digits_of[1]), ("", "")] + [
        (d, n.label) for d, n in zip(digits_of[3:], numbers[3:], strict=True)
    ]
    result = punctuated_accuracy(numbers, read)
    kinds = [punctuated_kind(n.label) for n in numbers]
    assert result["digits_right"][kinds[2]] == 0.0 and kinds[2] not in result["exact_of_digits_right"]
    assert result["exact_of_digits_right"][kinds[1]] == 0.0 and result["exact_of_digits_right"][kinds[0]] == 1.0
    assert result["exact_of_digits_right"]["overall"] == 0.75


def test_predict_reports_text_value_and_marks(clear_digits, quick_dist, tmp_path):  # noqa: F811 (a fixture)
    """The command line's --json keeps "number" the digits alone and adds what was read with its marks."""
    image = tmp_path / "amount.png"
    rgba = paper(written("12.5", {str(d): image for d, image in clear_digits.items()}, gap=14))
    Image.fromarray(rgba, "RGBA").save(image)
    done = run_pipeline("predict", "--json", "--model", str(quick_dist / "export/tflite/model.tflite"), str(image))
    assert done.returncode == 0, done.stderr
    [answer] = [json.loads(line) for line in done.stdout.splitlines()]
    assert [m["mark"] for m in answer["punctuation"]] == ["."] and 0.5 <= answer["punctuation"][0]["confidence"] <= 1
    assert answer["number"] == "125" and answer["text"] == "12.5" and answer["value"] == 12.5
    plain = run_pipeline("predict", "--model", str(quick_dist / "export/tflite/model.tflite"), str(image))
    assert f": {answer['text']} (" in plain.stdout
