"""Accuracy, loss, per-class precision/recall, confusion matrix, and the plots of them."""

from __future__ import annotations

from pathlib import Path

import keras
import matplotlib

matplotlib.use("Agg")  # no display on build machines
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..config import CLASSES  # noqa: E402
from .training import to_model_input  # noqa: E402


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Rows are true classes, columns predicted ones (config.CLASSES: the digits, then "not a digit")."""
    n = len(CLASSES)
    return np.bincount(labels.astype(int) * n + predicted.astype(int), minlength=n * n).reshape(n, n)


def per_class_scores(matrix: np.ndarray) -> dict[str, dict[str, float]]:
    hits = np.diag(matrix).astype(float)
    predicted, actual = matrix.sum(axis=0), matrix.sum(axis=1)
    precision = np.divide(hits, predicted, out=np.zeros_like(hits), where=predicted > 0)
    recall = np.divide(hits, actual, out=np.zeros_like(hits), where=actual > 0)
    return {
        label: {"precision": float(p), "recall": float(r), "support": int(s)}
        for label, p, r, s in zip(CLASSES, precision, recall, actual, strict=True)
    }


def predict_probabilities(model: keras.Model, images: np.ndarray) -> np.ndarray:
    return model.predict(to_model_input(images), batch_size=512, verbose=0)


def score(probabilities: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """Accuracy and categorical cross-entropy (as Keras computes it) from predicted probabilities."""
    picked = np.clip(probabilities[np.arange(len(labels)), labels.astype(int)], 1e-7, 1.0)
    return {
        "loss": float(-np.log(picked).mean()),
        "accuracy": float((probabilities.argmax(axis=1) == labels).mean()),
        "count": int(len(labels)),
    }


def roc(positives: np.ndarray, negatives: np.ndarray) -> dict[str, list[float] | float]:
    """The ROC of a score meant to be high on `positives`: the true and false positive rates at every threshold,
    from the highest down, and the area under the curve (ties count a half)."""
    scores = np.concatenate([positives, negatives])
    truth = np.concatenate([np.ones(len(positives)), np.zeros(len(negatives))])
    order = np.argsort(-scores, kind="stable")
    scores, truth = scores[order], truth[order]
    ends = np.append(np.flatnonzero(np.diff(scores)), len(scores) - 1)  # the last of each run of equal scores
    true_rate = np.concatenate([[0.0], np.cumsum(truth)[ends] / len(positives)])
    false_rate = np.concatenate([[0.0], np.cumsum(1 - truth)[ends] / len(negatives)])
    area = float(np.sum(np.diff(false_rate) * (true_rate[1:] + true_rate[:-1]) / 2))
    return {"true_positive_rate": true_rate.tolist(), "false_positive_rate": false_rate.tolist(), "auc": area}


def _unit_square(diagonal: str):
    """A figure for curves in the unit square, with the diagonal drawn and labelled `diagonal`."""
    fig, ax = plt.subplots(figsize=(5.5, 5), constrained_layout=True)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label=diagonal)
    return fig, ax


def _save_unit_square(fig, ax, path: Path, title: str, xlabel: str, ylabel: str, legend: str) -> None:
    ax.set(xlim=(0, 1), ylim=(0, 1.02), xlabel=xlabel, ylabel=ylabel, title=title)
    ax.grid(alpha=0.3)
    ax.legend(loc=legend, fontsize=8)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_roc(curves: dict[str, dict], path: Path) -> None:
    """ROC curves (evaluate.roc), one per set of positives, with their AUC in the legend."""
    fig, ax = _unit_square("chance")
    for name, curve in curves.items():
        ax.plot(curve["false_positive_rate"], curve["true_positive_rate"], label=f"{name} (AUC {curve['auc']:.3f})")
    title = "ROC of P(not a digit): held-out marks against MNIST test digits"
    _save_unit_square(fig, ax, path, title, "test digits called not a digit", "marks called not a digit", "lower right")


def plot_curves(history: dict[str, list[float]], path: Path) -> None:
    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, (acc_ax, loss_ax) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    # The loss as trained: with label smoothing even a perfect network's loss stays well above zero.
    for ax, key, title in ((acc_ax, "accuracy", "Accuracy"), (loss_ax, "loss", "Training loss")):
        ax.plot(epochs, history[key], marker="o", label="train")
        ax.plot(epochs, history[f"val_{key}"], marker="o", label="validation")
        ax.set(title=title, xlabel="epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_confusion(matrix: np.ndarray, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6, 5.5), constrained_layout=True)
    image = ax.imshow(matrix, cmap="Blues")
    ticks = [*CLASSES[:-1], "not"]  # "not a digit" in full would crowd the axis
    ax.set(xticks=range(len(ticks)), yticks=range(len(ticks)), xticklabels=ticks, yticklabels=ticks)
    ax.set(xlabel="predicted", ylabel="true", title="Confusion matrix (test set)")
    threshold = matrix.max() / 2
    for (row, col), count in np.ndenumerate(matrix):
        ax.text(
            col, row, str(count), ha="center", va="center", fontsize=8, color="white" if count > threshold else "black"
        )
    fig.colorbar(image, ax=ax, shrink=0.8)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_reliability(curves: dict[str, list[dict]], path: Path) -> None:
    """Accuracy against mean confidence per bin (calibration.reliability), one line per model, and the diagonal."""
    fig, ax = _unit_square("perfectly calibrated")
    for name, bins in curves.items():
        filled = [b for b in bins if b["count"]]
        # Marker area by share of answers: the top bin holds nearly all of them and the rest a handful each.
        total = sum(b["count"] for b in filled)
        (line,) = ax.plot([b["confidence"] for b in filled], [b["accuracy"] for b in filled], linewidth=1, label=name)
        ax.scatter(
            [b["confidence"] for b in filled],
            [b["accuracy"] for b in filled],
            s=[max(6.0, 400 * b["count"] / total) for b in filled],
            color=line.get_color(),
            alpha=0.6,
        )
    title = "Reliability on the test set (15 equal-width bins)"
    _save_unit_square(fig, ax, path, title, "mean top probability in bin", "accuracy in bin", "upper left")
