"""Constants shared by the Python pipeline and the browser app.

This module is the single source of truth: `shared_config()` is written to
`dist/config.json` by the build and the web app reads it from there, so the two
sides cannot drift apart.
"""

from __future__ import annotations

from typing import Any

IMAGE_SIZE = 28  # model input is IMAGE_SIZE x IMAGE_SIZE x 1
LABELS = tuple(str(d) for d in range(10))
# The eleventh answer (issue 26): letters, symbols, words and doodles. The network's softmax has one more class than
# LABELS, the last; its probability is the exported `not_digit` output, and `probabilities` holds the ten digits'
# share of the same softmax, so the eleven add up to one.
NOT_DIGIT = "not a digit"
CLASSES = (*LABELS, NOT_DIGIT)
# Model input = raw 0..255 pixel * PIXEL_SCALE, so the digit is light (1.0) on dark (0.0).
PIXEL_SCALE = 1.0 / 255.0
# The exported model's outputs, by name (model.with_reading_outputs): every format keeps the names, and every reader
# asks for them by name, never by position. The embedding and prototype_similarity are what personal examples are
# compared by (personal.py).
OUTPUTS = ("probabilities", "not_digit", "embedding", "prototype_similarity", "whole_digit")

# External-image preprocessing, modelled on how MNIST itself was made (see preprocess.py).
PREPROCESS: dict[str, float | int] = {
    # Digits are scaled to fit this box inside the IMAGE_SIZE field, keeping aspect.
    "fit_size": 20,
    # Where the centre of mass goes, in pixels from the top-left corner. MNIST's training digits
    # average 14.49 (rows) and 14.50 (columns): half a pixel past the field's middle.
    "center": 14.5,
    # Larger images are area-downscaled first so the later steps cost the same on any photo. At 128 the digits of
    # a number across half a camera's guide box were 9 to 12 pixels tall and 7s read as 9s; at 192, 14 to 19, and a
    # small flat 0 or 6 was cut in two; 256 gives them 18 to 24, near the model's 20 (docs/experiments.md, "The
    # camera", "Digits as tall as the model's").
    "work_max_side": 256,
    # Past this aspect ratio an image is likely a row of digits: its long side may grow in proportion,
    # so each digit keeps about the pixels a lone one gets. Up to this ratio nothing changes.
    "number_aspect": 2.0,
    # ... and no further than this ratio, which bounds the work for a panorama of noise.
    "max_aspect": 8.0,
    # Width of the border band (fraction of the shorter side) whose median decides polarity.
    "border_fraction": 0.05,
    # Light only adds: a glare on paper can reach farther above the paper's grey than dark ink lies below it, and
    # must not turn the page into a board. The bright end's distance from the border counts for this much.
    "bright_reach_weight": 0.5,
    # Window of the background estimate (fraction of the shorter side); must exceed stroke width.
    "background_window_fraction": 0.25,
    # Below this ink contrast (0..1) the image counts as blank: no digit is guessed.
    "min_contrast": 0.15,
    # After scaling ink to a peak of 1, values below this are paper texture or noise.
    "noise_floor": 0.2,
    # Decompression-bomb guard for uploaded or command-line images.
    "max_pixels": 40_000_000,
}

# Finding the digits of a number in the ink map (segment.py, segment.js). Lengths are fractions of the
# tallest mark's height, so the rules hold at any size.
SEGMENT: dict[str, float | int] = {
    # More digits than this are not read: a page of text or a noise photo stops here, with a reason.
    "max_digits": 12,
    # Connected pieces of ink shorter and narrower than this are specks of dust or noise.
    "speck_fraction": 0.12,
    # A mark (or group of marks) smaller than this on both axes is a dot, not a digit.
    "min_digit_fraction": 0.35,
    # Marks overlapping by this share of the narrower one's width are one digit: the detached bar of
    # a 5, a 4 or 7 written in two strokes.
    "overlap": 0.5,
    # A mark this many times wider than tall, spanning two digits or lying under one, is a line, not a digit.
    "line_aspect": 4.0,
    # Neighbours closer than this may be pieces of one digit (a 0 broken by faint ink); the model decides.
    "merge_gap": 0.3,
    # Marks wider than this (width / height) may be touching digits; the model decides where to cut.
    "split_aspect": 0.8,
    # Candidate cuts lie at least this far from each other and from a mark's ends, at most this many per mark.
    "cut_spacing": 0.2,
    "max_cuts": 12,
    # A cut starts at its thin column and bends, a column a row at most, up to this far either side to cross
    # as little ink as it can: touching digits overlap, and a straight cut through the overlap takes a piece
    # of each. Where two cuts would cross, the right one keeps to the left one's right.
    "cut_reach": 0.075,
    # A digit is rarely wider than tall: readings with wider pieces lose this much log-probability
    # per unit of aspect ratio past `wide_aspect`.
    "wide_aspect": 0.8,
    "wide_penalty": 4.5,
    # Cutting through a connected mark costs this much log-probability, so a wide digit (a slanted 8)
    # is not read as two when the two readings are about as likely.
    "cut_penalty": 1.5,
    # ... and this much more per unit of ink crossed, as a share of the mark's height: digits touch where
    # a stroke or two meet, while a cut along a stroke (the tail of a 9) splits one digit.
    "cut_ink_penalty": 3.0,
    # The classifier reads a piece of a digit, or two digits run together, as some digit, often confidently.
    # Two more signals of the model tell them from one whole digit (wholeness.py): the whole_digit output,
    # log-odds that the input is one whole digit, adds `whole_weight` times itself; and a digit whose
    # embedding is further than `typical_floor` (cosine) from every prototype of the training digits loses
    # `typical_weight` per unit below it. Each digit read earns `digit_bonus`, since every digit's
    # log-probability is below zero and would otherwise favour reading fewer. Tuned on written numbers made
    # from MNIST test digits with other seeds than the benchmark's (7, then 8 to check; docs/experiments.md,
    # "Numbers"), last with the six-convolution network: digit_bonus, wide_aspect and skip_penalty, then
    # cut_reach and cut_penalty for cuts that bend, then digit_bonus and wide_penalty with those cuts.
    "whole_weight": 0.5,
    "typical_floor": 0.95,
    "typical_weight": 30.0,
    "digit_bonus": 1.75,
    # A whole group of marks may instead be read as a mark that is not a digit, and left out of the number. It scores
    # as a digit does, but with the log of the model's probability of "not a digit" (its eleventh class), plus this,
    # and without the doubt for being wide (a word is): for one group the two readings differ by their class's
    # probability alone. A piece of a digit, or digits run together, is no whole thing, and loses by its whole_digit
    # output and its typicality as it would as a digit.
    "not_digit_bonus": 0.0,
    # Each cut through a group costs this much more per unit of the log-odds (above even) that the group, whole, is
    # a mark that is not a digit: a zigzag or an H is not cut into 1s. With not_digit_bonus, chosen on the trained
    # marks and on numbers with trained letters, both drawn with seed 7 (docs/experiments.md, "Not a digit"): at 2,
    # 95.5% of those marks flagged against 93.5% at 1 and 88% at 0, and the written numbers read as without marks.
    "mark_cut_weight": 2.0,
    # A digit is at least this share of the tallest mark's height: shorter pieces join a neighbour ...
    "min_height_fraction": 0.5,
    # ... or are left out, at this cost in log-probability.
    "skip_penalty": 6.0,
    # At most this many neighbouring pieces make one digit.
    "max_pieces": 5,
}

# The marks read in numbers besides the digits (read/punctuation.py, punctuation.js), told from digits and specks by
# their shape and place in the row, in the row's units: the digits' height H (median top to median baseline of the
# components at least min_height_fraction as tall as the tallest) and their stroke width s (twice their area over
# their edge pixels). Each test is soft: a value v against its limit L counts sigmoid(sharpness * (v - L) / unit),
# the unit being L unless said; a mark's confidence is the least of its tests, and it is read when that is at least
# 0.5. Chosen on punctuated numbers and plain numbers drawn with seed 7 (docs/experiments.md, "Marks"); the bench's
# are seed 42.
PUNCTUATION: dict[str, float] = {
    "sharpness": 10.0,
    # A point (alone, or one of a colon's two) is from this many strokes across to `point_max`; smaller is a speck.
    "point_min": 0.6,
    "point_max": 2.2,
    # ... and round: its shorter side at least this share of its longer; and at most this share of H across, since
    # a solid blot is "one stroke" wide by its own measure.
    "point_round": 0.6,
    "point_largest": 0.5,
    # A point or comma lies low: its centre below this share of H from the digits' top, and above the baseline +
    # `point_below` H.
    "point_low": 0.6,
    "point_below": 0.3,
    # A comma is a point with a tail: this many times taller than wide or more, reaching this share of H below the
    # baseline, and at most `comma_max` strokes long and `comma_largest` H.
    "comma_tall": 1.1,
    "comma_below": 0.08,
    "comma_max": 3.6,
    "comma_largest": 0.75,
    # A colon's two points: their centres this share of H apart or more, and within the row's height +- this.
    "colon_apart": 0.25,
    "colon_within": 0.15,
    # A bar (minus) is this many times wider than tall, at most this many strokes thick, this share of H long or more
    # and at most `bar_longest`, its centre between these shares of H from the top.
    "bar_flat": 1.6,
    "bar_thick": 2.5,
    "bar_shortest": 0.25,
    "bar_longest": 1.2,
    "bar_high": 0.2,
    "bar_low": 0.8,
    # A slash is a straight stroke (the smaller eigenvalue of its pixels' covariance at most this share of the larger),
    # this share of H tall or more, its top above the digits' by this share of H, and leaning right more than the
    # row's median lean (x per y) by `slash_lean`, counted in units of `lean_unit`. A 1 is as straight, and as
    # slanted as its hand: its length and its rise are what tell it (docs/experiments.md, "Marks").
    "slash_straight": 0.03,
    "slash_tall": 1.15,
    "slash_rise": 0.03,
    "slash_lean": 0.0,
    "lean_unit": 0.25,
    # ... and leaning right by itself, this much or more: a "/" leans right in every hand, a 1 of a hand that leans
    # back leans left (the bench's drawn numbers, docs/experiments.md "Marks").
    "slash_forward": 0.1,
    # A mark is none of these where it overlaps a digit's columns by this share of its own width: a digit's part.
    "inside": 0.1,
}

# Personal examples (personal.py, personal.js): how strongly a person's own digits pull the answers.
PERSONAL: dict[str, float | int] = {
    # Kernels are exp(cosine similarity / bandwidth): at 0.01, an example at cosine 0.98 from a drawing counts
    # a seventh of what the nearest prototype at 1.0 would.
    "bandwidth": 0.01,
    # An example counts this many prototypes. Chosen with the bandwidth on the new-writers set (bench/writers.py),
    # as docs/personal.md says.
    "weight": 1.0,
    # The examples file the page exports and imports: its format version (2 names each example's class, "not a
    # digit" among them; version 1 files still import) and limits.
    "version": 2,
    "max_examples": 1000,
    "max_file_bytes": 8_000_000,
}

# The camera (read/camera.py, camera.js; page/camera.js): each frame is cropped to a guide box in its middle, scaled
# down so that its longer side is at most `max_side` pixels, and read as an upload is.
CAMERA: dict[str, float | int] = {
    # The guide box's share of the frame's width and height: a row of digits is wide, and the issue asks for at
    # least the middle 60% of the width.
    "guide_width": 0.8,
    "guide_height": 0.5,
    # The reader scales any image down to its own working size (preprocess.work_max_side, more for a row of digits);
    # this bound keeps the copy out of the video cheap, so a 12-megapixel frame costs what a small photo does.
    "max_side": 640,
    # An answer is held once this many readings in a row give the same text, with the number still: its left edge
    # moved by at most `hold_motion` of the guide box's width from one reading to the next. A number panned into the
    # box shows its first digits, alike, for several frames.
    "hold_frames": 3,
    "hold_motion": 0.02,
}

# Below a threshold on the (calibrated) top probability the app says it is unsure instead of answering.
# The build chooses it on the validation split (calibration.choose_threshold) and writes it to config.json:
# the lowest top probability at and above which at least `target_accuracy` of the answers are right,
# measured only over at least `min_answers` answers (fewer cannot tell 99.5% from 100%), then clamped
# to [floor, ceiling]. Where the target is not reached, or validation is too small, the ceiling.
CONFIDENCE_RULE: dict[str, float | int] = {
    "target_accuracy": 0.995,
    "min_answers": 200,
    # A calibrated 0.6 is wrong two times in five: doubt enough to say so, whatever validation says.
    "floor": 0.6,
    # Never hedge on an answer that is right nine times in ten.
    "ceiling": 0.9,
}
# The lowest threshold a build can choose, and what shared_config() gives without a build's choice.
CONFIDENCE_THRESHOLD = CONFIDENCE_RULE["floor"]


def shared_config(confidence_threshold: float = CONFIDENCE_THRESHOLD, model: dict | None = None) -> dict[str, Any]:
    """Everything the browser needs to reproduce the Python preprocessing and labels, and when to be unsure.

    `model` is the build's {"fingerprint", "embedding_size"}, which personal examples are checked against.
    """
    return {
        "image_size": IMAGE_SIZE,
        "labels": list(LABELS),
        "not_digit": NOT_DIGIT,
        "pixel_scale": PIXEL_SCALE,
        "outputs": list(OUTPUTS),
        "preprocess": dict(PREPROCESS),
        "segment": dict(SEGMENT),
        "punctuation": dict(PUNCTUATION),
        "personal": dict(PERSONAL),
        "camera": dict(CAMERA),
        "confidence_threshold": confidence_threshold,
        "model": model,
    }
