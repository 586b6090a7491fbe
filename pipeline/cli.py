"""`python -m pipeline {build,train,predict,bench,docs,config}`: the command line tasks.py calls."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from .config import shared_config
from .errors import InputError
from .quiet import hide_native_stderr, import_tensorflow_quietly
from .settings import QUICK, BuildOptions, TrainSettings

DEFAULT_MODEL = Path("dist/export/tflite/model.tflite")


def _add_training_options(parser: argparse.ArgumentParser) -> None:
    defaults, train_defaults = BuildOptions(), TrainSettings()
    parser.add_argument(
        "--dataset",
        help="mnist, emnist-digits, emnist-mnist, or a path "
        "(default: EMNIST digits if its CSVs are in datasets/, else MNIST)",
    )
    parser.add_argument(
        "--arch",
        default=train_defaults.arch,
        help="model architecture: default, compact, or seed (the original notebook's)",
    )
    parser.add_argument("--epochs", type=int, default=train_defaults.epochs)
    parser.add_argument(
        "--per-class", type=int, default=defaults.per_class, help="keep at most N training images per class"
    )
    parser.add_argument(
        "--batch-size", type=int, help="default: 128, smaller for small training sets (see settings.batch_size_for)"
    )
    parser.add_argument("--learning-rate", type=float, help="Adam's (peak) learning rate (default: the architecture's)")
    parser.add_argument(
        "--patience", type=int, default=train_defaults.patience, help="EarlyStopping patience in epochs"
    )
    parser.add_argument("--val-fraction", type=float, default=defaults.val_fraction)
    parser.add_argument("--seed", type=int, default=train_defaults.seed)
    parser.add_argument("--quick", action="store_true", help="smoke-test profile: 300 images per class, 4 epochs")
    parser.add_argument("--out", type=Path, default=Path("dist"), help="output directory (default: dist)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="train, evaluate, export, verify and assemble the web app")
    _add_training_options(build)
    train = commands.add_parser("train", help="like build, without the web app")
    _add_training_options(train)
    predict = commands.add_parser("predict", help="predict the digit in image files")
    predict.add_argument("images", nargs="+", type=Path)
    predict.add_argument("--json", action="store_true", help="one JSON object per line")
    predict.add_argument("--model", type=Path, default=DEFAULT_MODEL, help=f"TFLite model (default: {DEFAULT_MODEL})")
    predict.add_argument(
        "--examples", type=Path, help="personal examples exported from the page (a JSON file): answers take them in"
    )
    bench = commands.add_parser("bench", help="the notebook's model vs ours, plus browser figures: dist/bench.json")
    bench.add_argument("--quick", action="store_true", help="small data and few epochs, to check the benchmark runs")
    bench.add_argument("--out", type=Path, default=Path("dist"), help="output directory (default: dist)")
    bench.add_argument(
        "--built", action="store_true", help="measure the full build already in --out instead of training anew"
    )
    docs = commands.add_parser(
        "docs", help="docs/results.md, the README's results table and its pictures, from a full bench in --out"
    )
    docs.add_argument("--out", type=Path, default=Path("dist"), help="the built site with bench.json (default: dist)")
    commands.add_parser("config", help="print the configuration shared with the web app")
    return parser


def _build(args: argparse.Namespace, web: bool) -> int:
    import_tensorflow_quietly()
    from .build import run_build

    if args.quick:
        args.per_class = args.per_class or QUICK["per_class"]
        args.epochs = QUICK["epochs"]
    settings = TrainSettings(
        arch=args.arch,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        patience=args.patience,
        seed=args.seed,
    )
    options = BuildOptions(
        dataset=args.dataset,
        per_class=args.per_class,
        val_fraction=args.val_fraction,
        out=args.out,
        web=web,
        train=settings,
    )
    run_build(options)
    return 0


def _bench(args: argparse.Namespace) -> int:
    import_tensorflow_quietly()
    from .bench.runner import run_bench

    run_bench(args.out, quick=args.quick, built=args.built)
    return 0


def _docs(args: argparse.Namespace) -> int:
    from .bench.results import publish

    report_file = args.out / "bench.json"
    try:
        report = json.loads(report_file.read_text())
    except (OSError, ValueError) as err:
        raise InputError(report_file, f"no bench report to write results from ({err}); run `invoke bench`") from err
    read = publish(report, args.out)
    print(f"wrote docs/results.md, docs/results.json, README.md's results table; pictures read {read}")
    return 0


def _predict(args: argparse.Namespace) -> int:
    from .read.personal import load_examples
    from .read.predict import Predictor

    predictor = Predictor(args.model)
    if args.examples:
        examples = load_examples(args.examples, predictor.embedding_size, predictor.fingerprint)
        stale = predictor.use_examples(examples)
        if stale:
            print(
                f"{args.examples}: {stale} of {len(examples)} examples were made with another model; "
                "embedded again from their pixels",
                file=sys.stderr,
                flush=True,
            )
    failures = 0
    for path in args.images:
        try:
            prediction = predictor.predict_file(path)
        except InputError as err:
            # Report and go on: one bad file must not lose the rest of the batch.
            print(f"error: {err}", file=sys.stderr, flush=True)
            failures += 1
            continue
        print(prediction.as_json() if args.json else prediction.as_text(), flush=True)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    hide_native_stderr()
    try:
        if args.command in ("build", "train"):
            return _build(args, web=args.command == "build")
        if args.command == "predict":
            return _predict(args)
        if args.command == "bench":
            return _bench(args)
        if args.command == "docs":
            return _docs(args)
        print(json.dumps(shared_config(), indent=2))
        return 0
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
    except subprocess.CalledProcessError as err:
        print(f"error: {Path(err.cmd[1]).name} failed with exit code {err.returncode}", file=sys.stderr)
    except (RuntimeError, ValueError) as err:
        print(f"error: {str(err).splitlines()[0] if str(err) else type(err).__name__}", file=sys.stderr)
    return 1
