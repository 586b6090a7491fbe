"""`build`: data -> train -> calibrate -> evaluate -> export -> verify -> web model -> web app, one line per step.

Everything is built in a temporary sibling of the output directory and swapped
in only when every step succeeded, so a failed build never leaves a half-built `dist/`.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import keras
import numpy as np

from .config import CLASSES, shared_config
from .data.datasets import Dataset, default_dataset_name, load_dataset
from .data.negatives import HELD_OUT, KINDS, negative_set
from .data.splits import cap_per_class, stratified_split
from .export.formats import export_all, fingerprint
from .export.parity import check_parity
from .export.precision import choose_web_model
from .model import calibration, evaluate, wholeness
from .model.machine import cpu_count, cpu_model, onednn_on, vector_isa
from .model.networks import embedding_features, with_reading_outputs
from .model.not_digit import digit_runs, not_digit_inputs
from .model.training import TrainResult, to_model_input, train
from .read import personal
from .read.preprocess import preprocess_rgba
from .settings import PROJECT_ROOT, BuildOptions

WEB_BUILDER = PROJECT_ROOT / "web" / "build.mjs"
# The first test images and validation marks that are not digits: a fixed batch for the export check, where the
# not_digit output is near 0 and near 1.
PARITY_BATCH = (64, 16)
# Written numbers of training digits the whole-digit head learns from (fewer for a small training set).
WHOLENESS_NUMBERS = 3000
# Held-out marks (never trained on) per kind for the ROC of P(not a digit), drawn by other hands than the bench's.
ROC_MARKS, ROC_SEED = 100, 7
# Inputs of the eleventh class, "not a digit" (model/not_digit.py), per digit of the training and validation splits.
NOT_DIGIT_SHARE = 0.1
# Runs of touching training digits (model/not_digit.digit_runs), per training digit: digits, not marks.
RUN_SHARE = 0.05
NOT_DIGIT = len(CLASSES) - 1  # its label


class Steps:
    """Prints `[i/n] name ... (seconds)` for each step of a long job."""

    def __init__(self, total: int) -> None:
        self.total, self.done = total, 0

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self.done += 1
        print(f"[{self.done}/{self.total}] {name} ...", flush=True)
        started = time.perf_counter()
        yield
        print(f"[{self.done}/{self.total}] {name} done ({time.perf_counter() - started:.1f} s)", flush=True)


def git_commit() -> str:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    except OSError:
        return "unknown"
    if done.returncode != 0:
        return "unknown"
    return done.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")


def library_versions() -> dict[str, str]:
    packages = ("tensorflow", "keras", "tensorflowjs", "ai-edge-litert", "numpy", "scipy", "pandas")
    return {"python": platform.python_version(), **{name: version(name) for name in packages}}


def write_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, indent=2) + "\n")


def _split(data: Dataset, options: BuildOptions) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The digits' train, validation and test splits; and the marks that are not digits for the first two, drawn
    from the trained glyphs only (`train_not_digit`, `val_not_digit`), labelled NOT_DIGIT."""
    seed = options.train.seed
    kept = cap_per_class(data.y_train, options.per_class, seed)
    train_idx, val_idx = stratified_split(data.y_train[kept], options.val_fraction, seed)
    train_idx, val_idx = kept[train_idx], kept[val_idx]
    splits = {
        "train": (data.x_train[train_idx], data.y_train[train_idx]),
        "val": (data.x_train[val_idx], data.y_train[val_idx]),
        "test": (data.x_test, data.y_test),
    }
    for name, offset in (("train", 0), ("val", 1)):
        # Seeds of their own, so that no validation negative is drawn by the hand of a training one.
        negatives = not_digit_inputs(round(NOT_DIGIT_SHARE * len(splits[name][1])), seed=2 * seed + offset)
        splits[f"{name}_not_digit"] = (negatives, np.full(len(negatives), NOT_DIGIT, dtype=data.y_train.dtype))
    return splits


def _with_not_digit(splits: dict, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A split's digits and its marks that are not digits, together."""
    (x, y), (x_not, y_not) = splits[name], splits[f"{name}_not_digit"]
    return np.concatenate([x, x_not]), np.concatenate([y, y_not])


def _training_set(splits: dict, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """What the network trains on: the training digits, their marks that are not digits and runs of touching
    training digits, as soft targets over config.CLASSES."""
    x, y = _with_not_digit(splits, "train")
    x_train, y_train = splits["train"]
    runs, targets = digit_runs(x_train, y_train, round(RUN_SHARE * len(y_train)), seed=seed)
    return np.concatenate([x, runs]), np.concatenate([np.eye(len(CLASSES), dtype=np.float32)[y], targets])


def _calibrate(model: keras.Model, splits: dict) -> tuple[keras.Model, dict]:
    """Fit T on validation (digits and marks that are not digits), then the "not a digit" prior, and fold both into a
    copy of the model; records the uncalibrated figures."""
    (x_val, y_val), (x_test, y_test) = _with_not_digit(splits, "val"), splits["test"]
    # One pass over both: a second call would trace the model again.
    both = calibration.predict_logits(model, to_model_input(np.concatenate([x_val, x_test])))
    logits = {"val": both[: len(x_val)], "test": both[len(x_val) :]}
    temperature = calibration.fit_temperature(logits["val"], y_val)
    shift = calibration.fit_not_digit_shift(logits["val"] / temperature, y_val)
    before = calibration.calibrated_probabilities(logits["test"], 1.0)
    record = {
        "method": "temperature scaling, fitted on the validation split, folded into the softmax layer; then the "
        "'not a digit' logit lowered until at most "
        f"{calibration.MAX_DIGITS_NOT_DIGIT:.2%} of validation digits are answered so",
        "temperature": temperature,
        "not_digit_shift": shift,
        "ece_bins": calibration.ECE_BINS,
        # As training measured its epochs (digits and marks together), before the prior shift moves any answer.
        "val_accuracy": {"before": float((logits["val"].argmax(axis=1) == y_val).mean())},
        "val_nll": {
            "before": calibration.negative_log_likelihood(logits["val"], y_val, 1.0),
            "after": calibration.negative_log_likelihood(logits["val"], y_val, temperature),
        },
        "test_ece": {"before": calibration.expected_calibration_error(before, y_test)},
        "test_mean_confidence": {"before": float(before.max(axis=1).mean())},
        "test_reliability": {"before": calibration.reliability(before, y_test)},
    }
    return calibration.fold_temperature(model, temperature, shift), record


def _calibration_metrics(record: dict, probabilities: dict[str, np.ndarray], splits: dict) -> tuple[dict, dict]:
    """The calibrated model's own figures, and the "not sure" threshold chosen on its validation digits. Not on the
    marks that are not digits too: the eleventh class answers for them, and with them the threshold rose from 0.6
    to 0.83, which more than tripled the test digits called unsure (0.19% to 0.66%) and flagged not one more
    trained mark (docs/experiments.md, "Not a digit")."""
    (_, y_val), (_, y_test) = splits["val"], splits["test"]
    test = probabilities["test"]
    record["test_ece"]["after"] = calibration.expected_calibration_error(test, y_test)
    record["test_mean_confidence"]["after"] = float(test.max(axis=1).mean())
    record["test_reliability"]["after"] = calibration.reliability(test, y_test)
    threshold = calibration.choose_threshold(probabilities["val"], y_val)
    threshold["val"] = calibration.selective_accuracy(probabilities["val"], y_val, threshold["threshold"])
    threshold["test"] = calibration.selective_accuracy(test, y_test, threshold["threshold"])
    return record, threshold


def _metrics(
    data: Dataset, splits: dict, result: TrainResult, model: keras.Model, record: dict, options: BuildOptions
) -> tuple[dict, dict[str, np.ndarray]]:
    """Scores of `model`, the calibrated copy of the trained one (the model exported), and its probabilities of
    each split they were measured on."""
    probabilities = {name: evaluate.predict_probabilities(model, images) for name, (images, _) in splits.items()}
    scores = {name: evaluate.score(probabilities[name], labels) for name, (_, labels) in splits.items()}
    matrix = evaluate.confusion_matrix(splits["test"][1], probabilities["test"].argmax(axis=1))
    calibrated, threshold = _calibration_metrics(record, probabilities, splits)
    return {
        "dataset": {
            "name": data.name,
            "source": data.source.replace(f"{PROJECT_ROOT}/", ""),  # no build machine's paths on the page
            "per_class_cap": options.per_class,
            "val_fraction": options.val_fraction,
            "counts": {name: score["count"] for name, score in scores.items()},
        },
        "arch": options.train.arch,
        "params": int(model.count_params()),
        "training": {
            **asdict(options.train),
            "batch_size": result.batch_size,
            "epochs_run": result.epochs_run,
            "best_epoch": result.best_epoch,
        },
        **scores,
        "calibration": calibrated,
        "confidence_threshold": threshold,
        "per_class": evaluate.per_class_scores(matrix),
        "confusion_matrix": matrix.tolist(),
        "not_digit": _not_digit_metrics(probabilities, splits),
        "history": result.history,
        "training_time_s": round(result.wall_time_s, 2),
        # What the time was measured on: a bench may run later, elsewhere or under another ONEDNN_MAX_CPU_ISA.
        "training_machine": {"cpu": cpu_model(), "cores": cpu_count(), "isa": vector_isa(), "onednn": onednn_on()},
        "versions": library_versions(),
        "git_commit": git_commit(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }, probabilities


def _not_digit_roc(model: keras.Model, digits: np.ndarray, plot: Path) -> dict:
    """The ROC of the calibrated model's P(not a digit) on held-out marks, each kind and all, against `digits`, its
    P(not a digit) of the MNIST test digits; plotted to `plot`, the AUCs returned. Measured only: nothing is chosen
    by it."""
    marks = negative_set(HELD_OUT, ROC_MARKS * len(KINDS), seed=ROC_SEED)
    inputs = [preprocess_rgba(mark.rgba).pixels for mark in marks]
    not_digit = evaluate.predict_probabilities(model, np.round(np.array(inputs) * 255).astype(np.uint8))[:, -1]
    kinds = np.array([mark.kind for mark in marks])
    curves = {"all kinds": evaluate.roc(not_digit, digits)}
    curves.update({f"{kind}s": evaluate.roc(not_digit[kinds == kind], digits) for kind in KINDS})
    evaluate.plot_roc(curves, plot)
    return {name: curve["auc"] for name, curve in curves.items()}


def _not_digit_metrics(probabilities: dict[str, np.ndarray], splits: dict) -> dict:
    """How often the network's own answer (argmax of the eleven) is "not a digit": for its marks that are not
    digits (trained glyphs) and for the digits of each split."""
    answered = {name: float((p.argmax(axis=1) == NOT_DIGIT).mean()) for name, p in probabilities.items()}
    return {
        "counts": {name: int(len(splits[f"{name}_not_digit"][1])) for name in ("train", "val")},
        "share": NOT_DIGIT_SHARE,
        "answered_not_digit": answered,
    }


def run_build(options: BuildOptions) -> dict:
    """Build everything into options.out (atomically); returns the metrics written there."""
    out = options.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        metrics = _build_into(staging, options)
        _swap_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    print(f"Built {out} (test accuracy {metrics['test']['accuracy']:.4f})", flush=True)
    return metrics


def _build_into(staging: Path, options: BuildOptions) -> dict:
    steps = Steps(9 if options.web else 8)
    with steps.step("data"):
        dataset_name = options.dataset or default_dataset_name()
        if options.dataset is None and dataset_name != "mnist":
            print(f"  using {dataset_name}: its CSVs were found in datasets/", flush=True)
        data = load_dataset(dataset_name)
        splits = _split(data, options)
        counts = ", ".join(f"{name} {len(labels)}" for name, (_, labels) in splits.items())
        print(f"  {data.name} from {data.source}: {counts}", flush=True)
    with steps.step(f"train ({options.train.arch}, up to {options.train.epochs} epochs)"):
        training, validation = _training_set(splits, options.train.seed), _with_not_digit(splits, "val")
        result = train(*training, *validation, options.train, staging / "checkpoint" / "best.keras")
        print(f"  {result.epochs_run} epochs run, best on validation: epoch {result.best_epoch}", flush=True)
    with steps.step("calibrate (temperature on validation)"):
        model, record = _calibrate(result.model, splits)
        nll = record["val_nll"]
        print(f"  T = {record['temperature']:.4f}, validation NLL {nll['before']:.4f} -> {nll['after']:.4f}")
        print(f"  'not a digit' logit shifted by {record['not_digit_shift']:.3f}", flush=True)
    with steps.step("evaluate"):
        metrics, probabilities = _metrics(data, splits, result, model, record, options)
        (staging / "plots").mkdir()
        evaluate.plot_curves(result.history, staging / "plots" / "curves.png")
        evaluate.plot_confusion(np.array(metrics["confusion_matrix"]), staging / "plots" / "confusion.png")
        roc = staging / "plots" / "roc.png"
        metrics["not_digit"]["held_out_auc"] = _not_digit_roc(model, probabilities["test"][:, -1], roc)
        print(f"  test accuracy {metrics['test']['accuracy']:.4f}, loss {metrics['test']['loss']:.4f}", flush=True)
        ece, threshold = metrics["calibration"]["test_ece"], metrics["confidence_threshold"]
        auc = metrics["not_digit"]["held_out_auc"]
        print(
            f"  test ECE {ece['before']:.4f} -> {ece['after']:.4f}; "
            f"'not sure' below {threshold['threshold']:.4f} ({threshold['reason']})",
            flush=True,
        )
        print(f"  AUC of P(not a digit), held-out marks against test digits: {auc['all kinds']:.4f}", flush=True)
    with steps.step("reading outputs (prototypes, whole-digit head)"):
        model, metrics["whole_digit"] = _exported_model(model, *splits["train"], options.train.seed)
        whole = metrics["whole_digit"]
        print(
            f"  whole-digit head: {whole['candidates']} candidates, held-out accuracy {whole['held_out_accuracy']:.4f}",
            flush=True,
        )
    with steps.step("export SavedModel, TFLite, TF.js"):
        metrics["export_sizes"] = export_all(model, staging)
        # Personal examples carry the fingerprint of the model that embedded them (personal.py).
        metrics["model"] = {
            "fingerprint": fingerprint(model),
            "embedding_size": int(model.get_layer("prototype_similarity").input.shape[-1]),
            "prototypes": int(model.get_layer("prototype_similarity").units),
        }
        shutil.rmtree(staging / "checkpoint")
    with steps.step("verify exports match Keras"):
        digits, marks = PARITY_BATCH
        batch = to_model_input(np.concatenate([splits["test"][0][:digits], splits["val_not_digit"][0][:marks]]))
        metrics["parity"] = check_parity(model, staging, batch)
        print("  max abs difference: " + ", ".join(f"{k} {v:.1e}" for k, v in metrics["parity"].items()), flush=True)
    with steps.step("web model precision (TF.js on the whole test set)"):
        x_test, y_test = splits["test"]
        metrics["web_model"] = choose_web_model(staging, to_model_input(x_test), y_test, metrics["test"]["accuracy"])
        metrics["export_sizes"]["web_model"] = metrics["web_model"]["bytes"]
        metrics["calibration"]["test_ece"]["web_model"] = metrics["web_model"]["test_ece"]
        print(f"  {_describe_web_model(metrics['web_model'])}", flush=True)
        reliability = metrics["calibration"]["test_reliability"]
        curves = {
            "Keras, uncalibrated": reliability["before"],
            f"Keras, T = {metrics['calibration']['temperature']:.3f}": reliability["after"],
            f"web model ({metrics['web_model']['precision']}) in TF.js": metrics["web_model"]["test_reliability"],
        }
        evaluate.plot_reliability(curves, staging / "plots" / "reliability.png")
    write_json(staging / "config.json", shared_config(metrics["confidence_threshold"]["threshold"], metrics["model"]))
    write_json(staging / "metrics.json", metrics)
    if options.web:
        with steps.step("web app"):
            subprocess.run(
                ["node", str(WEB_BUILDER), "--out", str(staging)], check=True, cwd=PROJECT_ROOT, stderr=sys.stderr
            )
    return metrics


def _exported_model(
    model: keras.Model, x_train: np.ndarray, y_train: np.ndarray, seed: int
) -> tuple[keras.Model, dict]:
    """The calibrated model with the outputs personal examples and segmentation need
    (model.with_reading_outputs): prototypes drawn from the training digits' embeddings, and the whole-digit
    head fitted on candidates cut from numbers written with training digits (wholeness.py)."""
    embed = keras.Model(model.inputs[0], embedding_features(model))
    embeddings = embed.predict(to_model_input(x_train), batch_size=512, verbose=0)
    prototypes = personal.class_prototypes(embeddings, y_train)
    # Numbers hold 3.5 digits on average (wholeness.LENGTHS): at most about a fifth of the training digits.
    count = min(WHOLENESS_NUMBERS, len(x_train) // 18)
    inputs, whole = wholeness.labelled_candidates(x_train, count, np.random.default_rng(seed))
    head, record = wholeness.fit_head(embed.predict(inputs[..., None], batch_size=512, verbose=0), whole, seed)
    return with_reading_outputs(model, prototypes, head), {"numbers": count, **record}


def _describe_web_model(web_model: dict) -> str:
    tried = ", ".join(
        f"{precision} {m['bytes'] / 1024:.0f} KB {m['test_accuracy']:.4f}"
        for precision, m in web_model["candidates"].items()
    )
    return (
        f"{web_model['precision']} chosen, {web_model['bytes'] / 1024:.0f} KB, test ECE {web_model['test_ece']:.4f} "
        f"(tried: {tried})"
    )


def _swap_into_place(staging: Path, out: Path) -> None:
    retired = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)
