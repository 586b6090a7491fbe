"""`bench`: the notebook's model and ours, side by side, on the same data and machine.

Three builds: the notebook's protocol (1000 images per class, 20 epochs) with
its architecture and batch size 128 (`seed`) and with ours (`default`, at its
own batch size), then the default full build into `dist/`. For each: test accuracy, parameters, export sizes,
training time, Python inference throughput (SavedModel, TFLite) and accuracy on
generated real-world images through the full preprocessing path; for the site
in `dist/`, the browser figures of `page.py`. Writes `dist/bench.json` and `dist/bench.md`; a full bench also
writes the results files (`results.py`) and the README's pictures (`screenshot.py`).
"""

from __future__ import annotations

import json
import platform
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import tensorflow as tf

from ..build import run_build, write_json
from ..data.datasets import load_dataset
from ..data.negatives import HELD_OUT, Negative, negative_set
from ..export.formats import EXPORT_PATHS
from ..model.machine import cpu_count, cpu_model, onednn_label, onednn_on, vector_isa
from ..model.training import to_model_input
from ..read.personal import class_probabilities, personalize
from ..read.predict import Predictor, tflite_runner
from ..read.segment import Reading
from ..settings import QUICK, BuildOptions, TrainSettings
from .camera import bench_clips, measure_camera
from .results import FULL_RUN, markdown_table, publish
from .sets import (
    WrittenNumber,
    exact_accuracy,
    labelled_number_set,
    number_set,
    punctuated_accuracy,
    punctuated_set,
    realworld_set,
    shares,
)
from .writers import WRITERS, teach_writer, writer_samples

NOTEBOOK = {"per_class": 1000, "epochs": 20}  # the protocol of the notebook we grew from
NOTEBOOK_BATCH_SIZE = 128
REALWORLD_COUNT = 400
# 200 of each length and kind: at 40, one misread digit moved a 4-digit figure by 2.5 points.
NUMBER_COUNT = 2000
THROUGHPUT_IMAGES = 2000
THROUGHPUT_BATCH = 100
# Held-out marks that are not digits: 100 of each kind (letters, symbols, words, doodles).
NEGATIVE_COUNT = 400
# Numbers with held-out letters beside them ("Nr 42"): 50 of each length (1 to 4 digits).
LABELLED_NUMBER_COUNT = 200
# Numbers with marks (sets.PUNCTUATED): 100 of each kind.
PUNCTUATED_COUNT = 500
# Clips per condition (bench/camera.py), every third a 6-digit number: enough steady and panned ones to tell 95% of
# held answers exact from less (six gave steps of 17 points), fewer of the rest, at about 7 seconds a clip.
CAMERA_CLIPS = {"steady": 20, "pan": 20, "light": 8, "tilt": 8, "glare": 8, "blur": 8}


def _images_per_second(run_batch, inputs: np.ndarray) -> float:
    run_batch(inputs[:THROUGHPUT_BATCH])  # warm-up: graph tracing, delegate set-up
    started = time.perf_counter()
    for start in range(0, len(inputs), THROUGHPUT_BATCH):
        run_batch(inputs[start : start + THROUGHPUT_BATCH])
    return len(inputs) / (time.perf_counter() - started)


def python_throughput(build_dir: Path, inputs: np.ndarray) -> dict[str, float]:
    loaded = tf.saved_model.load(str(build_dir / EXPORT_PATHS["saved_model"]))
    tflite = tflite_runner(build_dir / EXPORT_PATHS["tflite"], inputs[:THROUGHPUT_BATCH].shape)
    return {
        "saved_model_images_per_s": round(_images_per_second(lambda b: loaded.serve(tf.constant(b)), inputs)),
        "tflite_images_per_s": round(_images_per_second(tflite, inputs)),
    }


def _flagged(reading: Reading, threshold: float) -> bool:
    """Whether a reading claims no digit, or only digits below the "not sure" threshold (page.py's twin)."""
    return all(d.confidence < threshold for d in reading.digits)


def python_realworld_accuracy(predictor: Predictor, realworld: list[tuple[str, np.ndarray, int]]) -> dict[str, float]:
    """Accuracy per style and overall: the image must read as exactly its one digit (what `predict` does)."""
    hits: dict[str, list[bool]] = {}
    for style, rgba, label in realworld:
        hits.setdefault(style, []).append(predictor.read(rgba).number == str(label))
    return shares(hits)


def python_number_accuracy(predictor: Predictor, numbers: list[WrittenNumber]) -> dict[str, float]:
    return exact_accuracy(numbers, [predictor.read(n.rgba).number for n in numbers])


def python_numbers(predictor: Predictor, numbers: list[WrittenNumber]) -> tuple[dict[str, float], float]:
    """Exact accuracy on written numbers, and the share of their readings that gained a mark (. , - : /) that was
    not written."""
    readings = [predictor.read(n.rgba) for n in numbers]
    gained = float(np.mean([bool(r.punctuation) for r in readings]))
    return exact_accuracy(numbers, [r.number for r in readings]), gained


def python_punctuated(predictor: Predictor, numbers: list[WrittenNumber]) -> dict[str, dict[str, float]]:
    """Numbers with marks: digits right, and of those, read exactly with their marks (sets.punctuated_accuracy)."""
    readings = [predictor.read(n.rgba) for n in numbers]
    return punctuated_accuracy(numbers, [(r.number, r.text) for r in readings])


def python_not_digit_flagged(predictor: Predictor, negatives: list[Negative], threshold: float) -> dict[str, float]:
    """Share of held-out marks that are not digits that the reader flags, by kind and overall: it claims no digit,
    or only digits below the "not sure" threshold."""
    hits: dict[str, list[bool]] = {}
    for negative in negatives:
        hits.setdefault(negative.kind, []).append(_flagged(predictor.read(negative.rgba), threshold))
    return shares(hits)


def python_digits_flagged(
    predictor: Predictor, x_test: np.ndarray, realworld: list[tuple[str, np.ndarray, int]], threshold: float
) -> dict[str, float]:
    """Share of real digits flagged as above (no digit claimed, or none at or above the threshold): every MNIST
    test digit as the model reads it, the generated real-world digits through the whole reader, and the new
    writers' digits (writers.py) as the model reads them; and the share of MNIST test digits the model answers
    "not a digit" (its eleventh class the likeliest)."""
    mnist = predictor.classify(to_model_input(x_test)[..., 0])
    writers = predictor.classify(np.concatenate([writer_samples(w, per_digit=20)[0] for w in WRITERS]))
    realworld_flagged = [_flagged(predictor.read(rgba), threshold) for _, rgba, _ in realworld]
    return {
        "mnist_test": float((mnist[:, :-1].max(axis=1) < threshold).mean()),
        "mnist_test_answered_not_digit": float((mnist.argmax(axis=1) == mnist.shape[1] - 1).mean()),
        "realworld": float(np.mean(realworld_flagged)),
        "new_writers": float((writers[:, :-1].max(axis=1) < threshold).mean()),
    }


def python_new_writers(predictor: Predictor, x_test: np.ndarray, y_test: np.ndarray) -> dict:
    """Per new writer, held-out accuracy before and after teaching (writers.teach_writer); then MNIST test
    accuracy with no examples and with every writer's examples (three per misread digit) loaded at once."""
    writers, loaded = {}, []
    for writer in WRITERS:
        taught = teach_writer(writer, predictor.outputs)
        loaded += taught.pop("examples")[3]
        writers[writer.name] = taught
    mnist = predictor.outputs(to_model_input(x_test)[..., 0])
    with_examples = personalize(mnist, loaded)
    return {
        "writers": writers,
        "examples_loaded": len(loaded),
        "mnist_test_accuracy": float((class_probabilities(mnist).argmax(axis=1) == y_test).mean()),
        "mnist_test_accuracy_with_examples": float((with_examples.argmax(axis=1) == y_test).mean()),
    }


def _kernels(machine: dict | None) -> str:
    """The build's instruction set and kernels, as its metrics.json recorded them (builds since 2026-11-28)."""
    return f"{machine['isa']}, {onednn_label(machine['onednn'])}" if machine else "build machine not recorded"


def _summary(metrics: dict, build_dir: Path, inputs: np.ndarray, realworld) -> dict:
    calibration = metrics["calibration"]
    return {
        "arch": metrics["arch"],
        "train_images": metrics["dataset"]["counts"]["train"],
        "batch_size": metrics["training"]["batch_size"],
        "epochs_run": metrics["training"]["epochs_run"],
        "test_accuracy": metrics["test"]["accuracy"],
        "params": metrics["params"],
        "training_time_s": metrics["training_time_s"],
        # Next to every time: the vector instructions and kernels it ran with (timings differ most by these);
        # the build's own for its training time.
        "training_kernels": _kernels(metrics.get("training_machine")),
        "isa": vector_isa(),
        "onednn": onednn_on(),
        "calibration": {
            "temperature": calibration["temperature"],
            "test_ece_keras_before": calibration["test_ece"]["before"],
            "test_ece_keras": calibration["test_ece"]["after"],
            "test_ece_web_model": calibration["test_ece"]["web_model"],
            "confidence_threshold": metrics["confidence_threshold"]["threshold"],
        },
        "export_bytes": {
            **metrics["export_sizes"],
            **{f"tfjs_{p}": c["bytes"] for p, c in metrics["web_model"]["candidates"].items()},
        },
        "web_model": {
            "precision": metrics["web_model"]["precision"],
            "bytes": metrics["web_model"]["bytes"],
            "tfjs_test_accuracy": metrics["web_model"]["candidates"]
            .get(metrics["web_model"]["precision"], {})
            .get("test_accuracy", metrics["test"]["accuracy"]),
        },
        **python_throughput(build_dir, inputs),
        "not_digit_auc": metrics.get("not_digit", {}).get("held_out_auc", {}),
        "realworld_accuracy_python": python_realworld_accuracy(
            Predictor(build_dir / EXPORT_PATHS["tflite"]), realworld
        ),
    }


def run_bench(out: Path, quick: bool = False, seed: int = 42, built: bool = False) -> dict:
    """`built`: measure the full build already in `out` instead of training the three models first."""
    from .engines import measure_engines
    from .page import measure_browser

    data = load_dataset(None)
    realworld = realworld_set(data.x_test, data.y_test, REALWORLD_COUNT // (8 if quick else 1), seed=seed)
    numbers = number_set(data.x_test, data.y_test, NUMBER_COUNT // (8 if quick else 1), seed=seed)
    labelled = labelled_number_set(data.x_test, data.y_test, LABELLED_NUMBER_COUNT // (8 if quick else 1), seed=seed)
    negatives = negative_set(HELD_OUT, NEGATIVE_COUNT // (8 if quick else 1), seed=seed)
    punctuated = punctuated_set(data.x_test, data.y_test, PUNCTUATED_COUNT // (8 if quick else 1), seed=seed)
    inputs = to_model_input(data.x_test[:THROUGHPUT_IMAGES])
    protocol = QUICK if quick else NOTEBOOK
    # The notebook trained for its whole epoch budget: patience as long as the budget keeps that.
    notebook_settings = TrainSettings(epochs=protocol["epochs"], patience=protocol["epochs"], seed=seed)
    seed_settings = replace(notebook_settings, arch="seed", batch_size=NOTEBOOK_BATCH_SIZE)
    default_settings = TrainSettings(epochs=QUICK["epochs"], seed=seed) if quick else TrainSettings(seed=seed)
    full_per_class = QUICK["per_class"] if quick else None
    runs = {}
    if built:
        metrics = json.loads((out / "metrics.json").read_text())
        runs[FULL_RUN] = _summary(metrics, out, inputs, realworld)
    else:
        with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
            notebook = {"per_class": protocol["per_class"], "web": False}
            plans = [
                ("seed, notebook protocol", BuildOptions(**notebook, out=Path(scratch) / "seed", train=seed_settings)),
                (
                    "default, notebook protocol",
                    BuildOptions(**notebook, out=Path(scratch) / "ours", train=notebook_settings),
                ),
                (FULL_RUN, BuildOptions(per_class=full_per_class, out=out, train=default_settings)),
            ]
            for name, options in plans:
                print(f"== bench: {name}", flush=True)
                metrics = run_build(options)
                runs[name] = _summary(metrics, options.out, inputs, realworld)
    predictor = Predictor(out / EXPORT_PATHS["tflite"])
    full = runs[FULL_RUN]
    full["numbers_exact_accuracy_python"], full["numbers_gaining_marks_python"] = python_numbers(predictor, numbers)
    full["punctuated_python"] = python_punctuated(predictor, punctuated)
    runs[FULL_RUN]["new_writers_python"] = python_new_writers(predictor, data.x_test, data.y_test)
    threshold = json.loads((out / "config.json").read_text())["confidence_threshold"]
    runs[FULL_RUN]["not_digit_flagged_python"] = python_not_digit_flagged(predictor, negatives, threshold)
    runs[FULL_RUN]["digits_flagged_python"] = python_digits_flagged(predictor, data.x_test, realworld, threshold)
    runs[FULL_RUN]["labelled_numbers_exact_accuracy_python"] = python_number_accuracy(predictor, labelled)
    print("== bench: browser", flush=True)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {cpu_model()}, {cpu_count()} cores, {vector_isa()}, "
        f"{onednn_label(onednn_on())}",
        "isa": vector_isa(),
        "quick": quick,
        "dataset": data.name,
        "realworld_images": len(realworld),
        "number_images": len(numbers),
        "not_digit_images": len(negatives),
        "labelled_number_images": len(labelled),
        "punctuated_number_images": len(punctuated),
        "runs": runs,
        "browser": measure_browser(out, realworld, numbers, negatives, labelled, punctuated),
    }
    print("== bench: Firefox and WebKit", flush=True)
    report["engines"] = measure_engines(out)
    print("== bench: camera", flush=True)
    per_condition = {c: max(1, n // 4) if quick else n for c, n in CAMERA_CLIPS.items()}
    clips = bench_clips(data.x_test, data.y_test, per_condition, seed)
    report["camera"] = measure_camera(out, clips)
    write_json(out / "bench.json", report)
    table = markdown_table(report)
    (out / "bench.md").write_text(table)
    print(table, flush=True)
    if not quick:
        publish(report, out)
        print("== bench: wrote docs/results.md, docs/results.json, the README's table and docs/images/", flush=True)
    return report
