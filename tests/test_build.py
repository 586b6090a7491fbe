"""The quick build end to end, as a user runs it: exports, parity, metrics, predict, and failures."""

import json
import re

import numpy as np
import pytest
from conftest import run_pipeline
from PIL import Image

from pipeline.config import CONFIDENCE_RULE, shared_config
from pipeline.data.render import digit_on_paper, digit_on_transparent
from pipeline.model.calibration import TEMPERATURE_BOUNDS
from pipeline.model.machine import vector_isa
from pipeline.settings import QUICK


def test_build_writes_every_artifact(quick_dist):
    for relative in [
        "export/saved_model/saved_model.pb",
        "export/tflite/model.tflite",
        "export/tfjs_model/model.json",
        "model/model.json",
        "plots/curves.png",
        "plots/confusion.png",
        "plots/reliability.png",
        "plots/roc.png",
        "metrics.json",
        "config.json",
        "index.html",
    ]:
        assert (quick_dist / relative).is_file(), relative
    assert (quick_dist / "export/tflite/labels.txt").read_text().split() == [str(d) for d in range(10)]
    # The shared constants, with the "not sure" threshold this build chose.
    metrics = json.loads((quick_dist / "metrics.json").read_text())
    config = json.loads((quick_dist / "config.json").read_text())
    assert config == json.loads(
        json.dumps(shared_config(metrics["confidence_threshold"]["threshold"], metrics["model"]))
    )
    assert not (quick_dist / "checkpoint").exists()
    assert not list(quick_dist.parent.glob(".dist.*")), "temporary build directories left behind"


def test_build_prints_a_line_per_step(quick_build):
    _, done = quick_build
    steps = [
        "[1/9] data",
        "[2/9] train",
        "[3/9] calibrate",
        "[4/9] evaluate",
        "[5/9] reading outputs",
        "[6/9] export",
        "[7/9] verify",
        "[8/9] web model",
        "[9/9] web app",
    ]
    for step in steps:
        assert re.search(rf"^{re.escape(step)}.* done \(\d+\.\d s\)$", done.stdout, re.MULTILINE), step
    output = done.stdout + done.stderr
    assert "cuda" not in output.lower()
    # No native TensorFlow log lines ("2026-11-25 04:33:32.877555: E ...", "W0000 00:00:...").
    assert not re.search(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IWEF] |[IWEF]\d{4} )", output, re.MULTILINE)


def test_metrics(quick_dist):
    metrics = json.loads((quick_dist / "metrics.json").read_text())
    assert metrics["dataset"]["name"] == "mnist"
    counts = {"train": 2700, "val": 300, "test": 10000, "train_not_digit": 270, "val_not_digit": 30}
    assert metrics["dataset"]["counts"] == counts
    assert metrics["dataset"]["per_class_cap"] == QUICK["per_class"]
    assert metrics["test"]["accuracy"] > 0.8  # 300 images per class, 4 epochs: about 0.93
    for split in ("train", "val", "test"):
        assert 0 <= metrics[split]["accuracy"] <= 1 and metrics[split]["loss"] > 0
    matrix = np.array(metrics["confusion_matrix"])
    assert matrix.shape == (11, 11) and matrix.sum() == 10000 and matrix[10].sum() == 0  # no test mark
    assert np.trace(matrix) / 10000 == pytest.approx(metrics["test"]["accuracy"])
    assert set(metrics["per_class"]) == {*(str(d) for d in range(10)), "not a digit"}
    assert metrics["per_class"]["3"]["recall"] == pytest.approx(matrix[3, 3] / matrix[3].sum())
    assert metrics["params"] > 10_000 and metrics["training_time_s"] > 0
    assert metrics["training_machine"]["isa"] == vector_isa() and metrics["training_machine"]["cores"] >= 1
    assert metrics["training"]["epochs_run"] == len(metrics["history"]["loss"])
    assert metrics["training"]["batch_size"] == 32  # 2,700 images: batch_size_for's smallest
    assert {"tensorflow", "keras", "numpy", "python"} <= set(metrics["versions"])
    assert metrics["git_commit"]
    assert set(metrics["export_sizes"]) >= {"saved_model", "tflite", "tfjs", "web_model"}


def test_web_model_is_the_smallest_precision_that_keeps_the_accuracy(quick_dist):
    metrics = json.loads((quick_dist / "metrics.json").read_text())
    web_model, keras_accuracy = metrics["web_model"], metrics["test"]["accuracy"]
    assert web_model["keras_test_accuracy"] == keras_accuracy
    candidates = web_model["candidates"]
    assert "uint8" in candidates  # always tried first
    precision = web_model["precision"]
    assert precision in ("uint8", "float16", "float32")
    tried = list(candidates)
    for rejected in tried[: tried.index(precision)] if precision in tried else tried:
        assert candidates[rejected]["test_accuracy"] < keras_accuracy - 0.0005
    if precision != "float32":
        assert candidates[precision]["test_accuracy"] >= keras_accuracy - 0.0005
        assert web_model["bytes"] == candidates[precision]["bytes"] < metrics["export_sizes"]["tfjs"] * 0.6
    weights = json.loads((quick_dist / "model/model.json").read_text())["weightsManifest"][0]["weights"]
    quantized = {w.get("quantization", {}).get("dtype") for w in weights}
    assert quantized == ({None} if precision == "float32" else {precision} | ({None} & quantized))


def test_calibration_and_threshold_are_recorded(quick_dist):
    metrics = json.loads((quick_dist / "metrics.json").read_text())
    calibration = metrics["calibration"]
    assert TEMPERATURE_BOUNDS[0] < calibration["temperature"] < TEMPERATURE_BOUNDS[1]
    assert calibration["ece_bins"] == 15
    # T minimises the validation NLL, so it can only lower it (T = 1 was a candidate).
    assert calibration["val_nll"]["after"] <= calibration["val_nll"]["before"]
    ece = calibration["test_ece"]
    assert set(ece) == {"before", "after", "web_model"} and all(0 <= v <= 1 for v in ece.values())
    # The web model is the calibrated model, quantized: its calibration error stays close to Keras'.
    assert ece["web_model"] == metrics["web_model"]["test_ece"] == pytest.approx(ece["after"], abs=0.01)
    for curve in (*calibration["test_reliability"].values(), metrics["web_model"]["test_reliability"]):
        assert len(curve) == 15 and sum(b["count"] for b in curve) == 10000
    # The scores in metrics.json are the calibrated (exported) model's: its reliability table agrees with them.
    after = calibration["test_reliability"]["after"]
    hits = sum(b["count"] * b["accuracy"] for b in after if b["count"])
    assert hits / 10000 == pytest.approx(metrics["test"]["accuracy"])

    chosen = metrics["confidence_threshold"]
    assert chosen["rule"] == CONFIDENCE_RULE
    assert CONFIDENCE_RULE["floor"] <= chosen["threshold"] <= CONFIDENCE_RULE["ceiling"]
    if chosen["reason"] == "target":
        assert chosen["val"]["accuracy_answered"] >= CONFIDENCE_RULE["target_accuracy"]
    assert 0 < chosen["test"]["answered"] <= 1


def test_exports_agree_with_keras(quick_dist):
    parity = json.loads((quick_dist / "metrics.json").read_text())["parity"]
    assert set(parity) == {"saved_model", "tflite", "tfjs"}
    assert all(0 <= difference <= 1e-5 for difference in parity.values())


def test_exported_model_gives_the_calibrated_probabilities(quick_dist, mnist):
    """The TFLite file on its own reproduces the calibrated figures, not the uncalibrated ones."""
    from pipeline.model.calibration import expected_calibration_error
    from pipeline.model.training import to_model_input
    from pipeline.read.personal import class_probabilities
    from pipeline.read.predict import tflite_runner

    calibration = json.loads((quick_dist / "metrics.json").read_text())["calibration"]
    inputs = to_model_input(mnist.x_test)
    outputs = tflite_runner(quick_dist / "export/tflite/model.tflite", inputs.shape)(inputs)
    probabilities = class_probabilities(outputs)  # the eleven, as calibration measured them
    mean_confidence = float(probabilities.max(axis=1).mean())
    assert mean_confidence == pytest.approx(calibration["test_mean_confidence"]["after"], abs=1e-5)
    assert expected_calibration_error(probabilities, mnist.y_test) == pytest.approx(
        calibration["test_ece"]["after"], abs=1e-4
    )
    if abs(np.log(calibration["temperature"])) > 0.05:
        assert abs(mean_confidence - calibration["test_mean_confidence"]["before"]) > 1e-3


def test_checkpoint_holds_the_best_validation_epoch(quick_dist):
    metrics = json.loads((quick_dist / "metrics.json").read_text())
    val_loss = metrics["history"]["val_loss"]
    assert metrics["training"]["best_epoch"] == int(np.argmin(val_loss)) + 1
    # The model calibrated is the checkpointed best epoch, not the last one. (The history's loss is the label-smoothed
    # one it trained on: compare accuracies, over validation's digits and marks that are not digits together, as
    # training saw them, before the "not a digit" prior shift turns some marks' answers into digits.)
    best = metrics["training"]["best_epoch"] - 1
    before = metrics["calibration"]["val_accuracy"]["before"]
    assert before == pytest.approx(metrics["history"]["val_accuracy"][best], abs=1e-6)


def test_same_command_gives_the_same_accuracy(quick_dist, tmp_path):
    done = run_pipeline("train", "--quick", "--out", str(tmp_path / "again"))
    assert done.returncode == 0, done.stderr
    first = json.loads((quick_dist / "metrics.json").read_text())["test"]["accuracy"]
    second = json.loads((tmp_path / "again" / "metrics.json").read_text())["test"]["accuracy"]
    assert round(first, 4) == round(second, 4)


# --- predict ---------------------------------------------------------------


@pytest.fixture(scope="module")
def well_predicted_digits(quick_dist, mnist):
    """Test digits (one per class) the quick model gets right from their MNIST pixels, and reads as that one
    digit with nothing left out in every rendering (it is weak enough to cut a curly one in two)."""
    from pipeline.read.predict import Predictor

    predictor = Predictor(quick_dist / "export/tflite/model.tflite")
    chosen = {}
    for image, label in zip(mnist.x_test[:500], mnist.y_test[:500], strict=True):
        if label in chosen or predictor.probabilities(image / 255).argmax() != label:
            continue
        readings = [predictor.read(rgba) for rgba in renderings(image).values()]
        if all(reading.number == str(label) and reading.reason is None for reading in readings):
            chosen[int(label)] = image
    return chosen


def renderings(digit: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "dark-on-light.png": digit_on_paper(digit, (140, 120), (20, 20, 90)),
        "light-on-dark.jpg": digit_on_paper(digit, (100, 100), (10, 10, 80), ink=(240, 240, 240), paper=(30, 30, 30)),
        "transparent.png": digit_on_transparent(digit, (120, 120), (20, 20, 80)),
        "off-centre.png": digit_on_paper(digit, (300, 500), (200, 380, 90)),
        "large.jpg": digit_on_paper(digit, (1200, 1600), (150, 300, 800)),
    }


def test_predict_json_on_every_kind_of_image(quick_dist, well_predicted_digits, tmp_path):
    model = str(quick_dist / "export/tflite/model.tflite")
    paths, expected = [], []
    for label in (1, 3, 7):
        for name, rgba in renderings(well_predicted_digits[label]).items():
            path = tmp_path / f"{label}-{name}"
            image = Image.fromarray(rgba)
            (image.convert("RGB") if name.endswith(".jpg") else image).save(path)
            paths.append(str(path))
            expected.append(label)
    done = run_pipeline("predict", *paths, "--json", "--model", model)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["file"] for r in results] == paths
    for result in results:
        fields = {"file", "digit", "confidence", "probabilities", "not_digit", "number", "text", "value", "digits"}
        assert set(result) - {"reason"} == fields | {"marks", "punctuation"}
        # A reason beside a lone digit only says what was left out (a speck of JPEG noise, say).
        assert "ignored" in result.get("reason", "ignored")
        assert len(result["probabilities"]) == 10
        assert sum(result["probabilities"]) + result["not_digit"] == pytest.approx(1, abs=1e-4)
        assert result["confidence"] == max(result["probabilities"])
        # One digit read: the number is that digit, and its entry repeats the top-level answer.
        assert result["number"] == result["text"] == str(result["digit"]) and result["value"] == result["digit"]
        assert result["punctuation"] == []
        [only] = result["digits"]
        assert only["digit"] == result["digit"] and only["probabilities"] == result["probabilities"]
        assert only["not_digit"] == result["not_digit"]
    correct = sum(r["digit"] == label for r, label in zip(results, expected, strict=True))
    assert correct >= len(results) - 1, [(r["file"], r["digit"]) for r in results]


def test_predict_text_blank_and_bad_files_in_one_batch(quick_dist, well_predicted_digits, tmp_path):
    good = tmp_path / "seven.png"
    Image.fromarray(digit_on_paper(well_predicted_digits[7], (100, 100), (10, 10, 80))).save(good)
    blank = tmp_path / "blank.png"
    Image.new("RGB", (50, 50), "white").save(blank)
    broken = tmp_path / "broken.png"
    broken.write_bytes(good.read_bytes()[:100])
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    model = str(quick_dist / "export/tflite/model.tflite")

    done = run_pipeline("predict", str(good), str(broken), str(blank), str(text), "--model", model)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith(f"{good}: 7 (confidence ") and "9:" in lines[0]
    assert lines[1] == f"{blank}: no digit (blank image: no ink found (contrast 0.00))"
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"error: {broken}: truncated or corrupt image (")
    assert errors[1] == f"error: {text}: not a readable image"

    done = run_pipeline("predict", str(blank), "--json", "--model", model)
    result = json.loads(done.stdout)
    assert result["digit"] is None and result["confidence"] is None and "blank" in result["reason"]
    assert result["number"] == "" and result["digits"] == []


def test_predict_reads_a_number(quick_dist, well_predicted_digits, tmp_path):
    """Three spaced digits in a photo: the number, each digit's box in the source image, and plain output."""
    from pipeline.data.render import ink_on_paper

    strength = np.zeros((60, 200))
    for k, label in enumerate((3, 1, 7)):
        strength[2:58, 10 + 65 * k : 66 + 65 * k] = (
            np.asarray(Image.fromarray(well_predicted_digits[label]).resize((56, 56), Image.BILINEAR)) / 255
        )
    path = tmp_path / "number.png"
    Image.fromarray(ink_on_paper(strength, (100, 260), (20, 30))).save(path)
    model = str(quick_dist / "export/tflite/model.tflite")

    result = json.loads(run_pipeline("predict", str(path), "--json", "--model", model).stdout)
    assert result["number"] == "317"
    assert result["digit"] is None and result["confidence"] is None and result["probabilities"] is None
    assert result["reason"].startswith("3 digits read")
    lefts = []
    for digit, entry in zip((3, 1, 7), result["digits"], strict=True):
        assert entry["digit"] == digit and entry["confidence"] == max(entry["probabilities"])
        x, y, width, height = entry["box"]
        # Inside the digit's 56x56 cell (pasted at x = 40 + 65k, y = 22) and most of its height.
        cell = 40 + 65 * len(lefts)
        assert cell - 1 <= x and x + width <= cell + 57 and y >= 21 and y + height <= 22 + 57 and height > 35
        lefts.append(x)
    assert lefts == sorted(lefts)

    done = run_pipeline("predict", str(path), "--model", model)
    assert done.returncode == 0
    each = ", ".join(rf"{digit} [01]\.\d{{3}}" for digit in (3, 1, 7))  # a calibrated 1.000 is a confidence too
    assert re.fullmatch(rf"{re.escape(str(path))}: 317 \(confidence of each digit: {each}\)\n", done.stdout)


def test_predict_without_a_model(tmp_path):
    done = run_pipeline("predict", "x.png", "--model", str(tmp_path / "none.tflite"))
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: {tmp_path / 'none.tflite'}: model not found; run `invoke build` first"


# --- failures leave nothing behind --------------------------------------------


def test_failed_build_writes_nothing_and_keeps_the_old_dist(tmp_path):
    out = tmp_path / "dist"
    out.mkdir()
    (out / "keep.txt").write_text("previous build")
    bad_csv = tmp_path / "bad-train.csv"
    bad_csv.write_text(",".join(["1"] + ["0"] * 784) + "\n" + ",".join(["1", "999"] + ["0"] * 783) + "\n")
    (tmp_path / "bad-test.csv").write_text(",".join(["1"] + ["0"] * 784) + "\n")

    done = run_pipeline("build", "--quick", "--dataset", str(bad_csv), "--out", str(out))
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: {bad_csv}:2: pixel 1 is 999, outside 0-255"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert (out / "keep.txt").read_text() == "previous build" and len(list(out.iterdir())) == 1


def test_unknown_dataset_and_architecture(tmp_path):
    done = run_pipeline("train", "--dataset", "nope", "--out", str(tmp_path / "d"))
    assert done.returncode == 1 and done.stderr.strip().startswith("error: nope: no such dataset")
    done = run_pipeline("train", "--quick", "--arch", "huge", "--out", str(tmp_path / "d"))
    assert (
        done.returncode == 1
        and done.stderr.strip() == "error: unknown architecture 'huge'; choose from seed, default, compact"
    )
    assert not (tmp_path / "d").exists()


def test_not_digit_is_trained_measured_and_recorded(quick_dist):
    metrics = json.loads((quick_dist / "metrics.json").read_text())
    config = json.loads((quick_dist / "config.json").read_text())
    assert "not_digit" in config["outputs"] and config["not_digit"] == "not a digit"
    record = metrics["not_digit"]
    train_digits, val_digits = metrics["dataset"]["counts"]["train"], metrics["dataset"]["counts"]["val"]
    assert record["counts"] == {"train": round(0.1 * train_digits), "val": round(0.1 * val_digits)}
    # Even the quick model tells held-out marks from test digits far better than chance.
    assert set(record["held_out_auc"]) == {"all kinds", "letters", "symbols", "words", "doodles"}
    assert record["held_out_auc"]["all kinds"] > 0.8
    assert len(metrics["confusion_matrix"]) == 11 and "not a digit" in metrics["per_class"]


def test_predict_answers_not_a_digit_for_a_mark(quick_dist, tmp_path):
    """A mark the reader sets aside reads no number, says what it saw, and exits 0: an answer, not an error."""
    from pipeline.data.negatives import TRAINED, negative_set
    from pipeline.read.predict import Predictor

    model = quick_dist / "export/tflite/model.tflite"
    predictor = Predictor(model)
    # Which marks the quick model sets aside varies from build to build; a trained one it surely knows is found.
    mark = next(m for m in negative_set(TRAINED, 48, seed=0) if not predictor.read(m.rgba).digits)
    path = tmp_path / "mark.png"
    Image.fromarray(mark.rgba).save(path)
    done = run_pipeline("predict", str(path), "--json", "--model", str(model))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["number"] == "" and result["digit"] is None and result["digits"] == []
    assert result["marks"] and all(m["not_digit"] > 0.5 for m in result["marks"])
    count = len(result["marks"])
    assert result["reason"].startswith("1 mark that is not a digit" if count == 1 else f"{count} marks that are not")
    text = run_pipeline("predict", str(path), "--model", str(model))
    assert text.returncode == 0 and text.stdout.startswith(f"{path}: not a digit (")
