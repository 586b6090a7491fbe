"""The results files, written from a full bench's report (`dist/bench.json`) and from nothing else.

- `docs/results.json`: the report itself, the one source of every figure below;
- `docs/results.md`: the headline table and every table of the bench, with the date, the machine and its
  instruction set;
- the README's headline table, between its results markers.

`invoke bench` writes all three after a full bench, and `python -m pipeline docs` from a report already made; a test
fails when the committed README or results page no longer match `docs/results.json`.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..settings import PROJECT_ROOT
from .camera import FPS, FRAME
from .screenshot import screenshots

RESULTS_JSON = PROJECT_ROOT / "docs" / "results.json"
RESULTS_PAGE = PROJECT_ROOT / "docs" / "results.md"
DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"
README = PROJECT_ROOT / "README.md"
BEGIN = "<!-- results: written by `invoke bench` from docs/results.json; edit nothing up to the end marker -->"
END = "<!-- end of results -->"
FULL_RUN = "default, full build"


def _pct(value: float, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%"


def _page_numbers(browser: dict) -> dict | None:
    return next((b["numbers_exact_accuracy"] for b in browser.values() if "numbers_exact_accuracy" in b), None)


def headline(report: dict) -> str:
    """The few figures a user asks about first, from the full build's run and the page on its first backend."""
    run, browser = report["runs"][FULL_RUN], report["browser"]
    backend, page = next(iter(browser.items()))
    python_numbers, page_numbers = run["numbers_exact_accuracy_python"], _page_numbers(browser) or {}
    writers = run["new_writers_python"]["writers"].values()
    numbers = report["number_images"]

    def both(key: str) -> str:
        return f"{_pct(python_numbers[key])} / {_pct(page_numbers[key])}" if key in page_numbers else "not measured"

    rows = [
        ("MNIST test digits (10,000)", _pct(run["test_accuracy"], 2)),
        (
            f"generated real-world digits ({report['realworld_images']}: scans, photos, chalk, transparent), "
            f"Python / page",
            f"{_pct(run['realworld_accuracy_python']['overall'])} / {_pct(page['realworld_accuracy'])}",
        ),
        *(
            (f"written numbers of 2 to 6 digits, {kind} ({numbers // 2:,}), read exactly, Python / page", both(kind))
            for kind in ("spaced", "touching")
        ),
        _drawn_row(page),
        ("new writers' held-out digits after one example per misread digit, worst writer",
         _pct(min(w["after_1"] for w in writers), 0)),
        (f"web model ({run['web_model']['precision']}) / first visit, gzip",
         f"{run['web_model']['bytes'] / 1024:.0f} KB / {page['first_load_gzip_bytes'] / 1024:.0f} KB"),
        (f"model load / pen-up to answer, one digit and 6 digits, median ({backend})",
         f"{page['model_load_ms']:.0f} ms / {page['pointer_up_to_answer_ms']['median']:.1f} and "
         f"{page['six_digit_pointer_up_to_answer_ms']['median']:.1f} ms"),
        *_engines_rows(report.get("engines")),
        *_camera_rows(report.get("camera")),
        (f"training, {run['epochs_run']} epochs", f"{run['training_time_s']:.0f} s ({run['training_kernels']})"),
    ]  # fmt: skip
    if "not_digit_flagged" in page:
        flagged = page["not_digit_flagged"]
        rows[5:5] = [
            (
                f"held-out letters, symbols, words and doodles flagged as not digits ({report['not_digit_images']}), "
                "Python / page; drawn on the pad",
                f"{_pct(run['not_digit_flagged_python']['overall'])} / {_pct(flagged['uploaded']['overall'])}; "
                f"{_pct(flagged['drawn'])}",
            ),
            (
                "real digits flagged: MNIST test / generated real-world, Python",
                f"{_pct(run['digits_flagged_python']['mnist_test'], 2)} / "
                f"{_pct(run['digits_flagged_python']['realworld'], 2)}",
            ),
            (
                f"numbers with held-out letters beside them ({report['labelled_number_images']}), read as the number "
                "alone, Python / page",
                f"{_pct(run['labelled_numbers_exact_accuracy_python']['overall'])} / "
                f"{_pct(page['labelled_numbers_exact_accuracy']['overall'])}",
            ),
        ]
    if "punctuated" in page:
        rows[5:5] = [
            (
                f"numbers with marks (. , - : /, {report['punctuated_number_images']}) whose digits read right, read "
                "exactly with their marks, worst kind, Python / page; drawn on the pad",
                f"{_pct(_worst(run['punctuated_python']))} / {_pct(_worst(page['punctuated']))}; "
                f"{_pct(page['drawn_punctuated_accuracy'], 0)}",
            ),
        ]
    lines = [
        f"Measured by `invoke bench` on {report['date'][:10]} on {report['machine']} (the instruction set and "
        "kernels last); every table: [docs/results.md](docs/results.md).",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in rows),
    ]
    return "\n".join(lines) + "\n"


def _worst(punctuated: dict) -> float:
    """The lowest share read exactly, marks included, over the kinds of punctuated numbers."""
    return min(v for k, v in punctuated["exact_of_digits_right"].items() if k != "overall")


def _punctuated_table(report: dict, full: dict, browser: dict) -> list[str]:
    python = full.get("punctuated_python")
    page = next((b for b in browser.values() if "punctuated" in b), None)
    if not python or not page:
        return []
    lines = [
        "",
        f"Numbers with marks ({report['punctuated_number_images']} images of five kinds): the share whose digits all "
        "read right, and of those the share read exactly, marks included:",
        "",
        "| kind | digits right, Python / page | exact of those, Python / page |",
        "|---|---|---|",
    ]
    for kind in python["digits_right"]:
        exact, page_exact = python["exact_of_digits_right"], page["punctuated"]["exact_of_digits_right"]
        shown = [_pct(exact[kind]) if kind in exact else "-", _pct(page_exact[kind]) if kind in page_exact else "-"]
        lines.append(
            f"| {kind} | {_pct(python['digits_right'][kind])} / {_pct(page['punctuated']['digits_right'][kind])} "
            f"| {shown[0]} / {shown[1]} |"
        )
    timing = page["punctuated_pointer_up_to_answer_ms"]
    lines += [
        "",
        "Written numbers without marks whose reading gained one: "
        f"Python {_pct(full['numbers_gaining_marks_python'], 2)}, page {_pct(page['numbers_gaining_marks'], 2)}. "
        "Numbers of six characters with marks drawn on the pad "
        f"({timing['samples']}): {_pct(page['drawn_punctuated_accuracy'], 0)} read exactly; pointer-up to answer "
        f"{timing['median']:.1f} ms median, {timing['p95']:.1f} ms p95.",
    ]
    return lines


def results_page(report: dict) -> str:
    return (
        "# Results\n\n"
        "Written by `invoke bench` from [results.json](results.json), its report: edit neither by hand. "
        "How the sets are made: [reading.md](reading.md) and [personal.md](personal.md); the history of what was "
        "tried: [experiments.md](experiments.md).\n\n"
        f"- date: {report['date']}\n- machine: {report['machine']}\n- instruction set: {report['isa']}\n\n"
        "## Headline\n\n"
        + headline(report).replace("](docs/results.md)", "](#every-table)")
        + "\n## Every table\n\n"
        + markdown_table(report)
    )


def with_headline(readme: str, report: dict) -> str:
    """The README with its headline table replaced by the report's."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{README.name} has no results markers ({BEGIN} ... {END})")
    return readme[: start + len(BEGIN)] + "\n" + headline(report) + readme[end:]


def write_results(report: dict, readme: Path = README, page: Path = RESULTS_PAGE, source: Path = RESULTS_JSON) -> None:
    """Write the results files and the README's table from a full bench's report; a quick one is no result."""
    if report["quick"]:
        raise ValueError("a quick bench measures that the bench runs, not results: run `invoke bench` in full")
    texts = {
        readme: with_headline(readme.read_text(), report),
        page: results_page(report),
        source: json.dumps(report, indent=2) + "\n",
    }
    for path, text in texts.items():
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(text)
        temporary.replace(path)


def publish(report: dict, dist: Path) -> dict[str, str]:
    """The results files from `report`, then the README's pictures from the site in `dist`; returns what the page
    read in each picture."""
    write_results(report)
    return screenshots(dist, DOCS_IMAGES)


def _new_writers_table(measured: dict | None, browser: dict) -> list[str]:
    if not measured:
        return []
    lines = [
        "",
        "New writers (writers.py): held-out accuracy before teaching, after one example of each digit "
        "misread, after three:",
        "",
        "| writer | misread digits | before | after 1 | after 3 |",
        "|---|---|---|---|---|",
    ]
    for name, w in measured["writers"].items():
        digits = " ".join(str(d) for d in w["wrong_digits"]) or "none"
        lines.append(
            f"| {name} | {digits} | {w['before'] * 100:.1f}% | {w['after_1'] * 100:.1f}% | {w['after_3'] * 100:.1f}% |"
        )
    before, after = measured["mnist_test_accuracy"], measured["mnist_test_accuracy_with_examples"]
    lines += [
        "",
        f"MNIST test accuracy with all {measured['examples_loaded']} writers' examples loaded: "
        f"{after * 100:.2f}% (without: {before * 100:.2f}%, a change of {(after - before) * 100:+.2f} points).",
    ]
    for backend, b in browser.items():
        if "stored_examples_pointer_up_to_answer_ms" in b:
            t = b["stored_examples_pointer_up_to_answer_ms"]
            lines.append(
                f"Pointer-up to answer with {t['examples']} stored examples ({backend}): "
                f"{t['median']:.1f} ms median, {t['p95']:.1f} ms p95."
            )
    return lines  # fmt: skip


def _not_digit_table(full: dict, browser: dict) -> list[str]:
    flagged = full.get("not_digit_flagged_python")
    if not flagged:
        return []
    page = next((b["not_digit_flagged"] for b in browser.values() if "not_digit_flagged" in b), None)
    lines = [
        "",
        "Marks that are not digits (held-out letters, symbols, words and doodles, data/negatives.py), flagged: the "
        "reader claims no digit, or only digits below the 'not sure' threshold (full build):",
        "",
        "| kind | Python | page (wasm) |" if page else "| kind | Python |",
        "|---|---|---|" if page else "|---|---|",
    ]
    for kind, share in flagged.items():
        lines.append(
            f"| {kind} | {_pct(share)} | {_pct(page['uploaded'][kind])} |" if page else f"| {kind} | {_pct(share)} |"
        )
    if page:
        lines.append(f"| drawn on the pad ({page['drawn_count']}) | | {_pct(page['drawn'])} |")
    digits = full.get("digits_flagged_python")
    if digits:
        lines += [
            "",
            f"Real digits flagged, Python: MNIST test {_pct(digits['mnist_test'], 2)} (answered 'not a digit': "
            f"{_pct(digits['mnist_test_answered_not_digit'], 2)}), generated real-world "
            f"{_pct(digits['realworld'], 2)}, new writers before teaching {_pct(digits['new_writers'], 2)}."
            + "".join(
                f" Digits of the numbers drawn with the mouse flagged ({backend}): {_pct(b['drawn_digits_flagged'])}."
                for backend, b in browser.items()
                if "drawn_digits_flagged" in b
            ),
        ]
    if "not_digit_auc" in full:
        aucs = ", ".join(f"{name} {auc:.3f}" for name, auc in full["not_digit_auc"].items())
        lines.append(f"AUC of P(not a digit), held-out marks against MNIST test digits (the build's ROC): {aucs}.")
    labelled = full.get("labelled_numbers_exact_accuracy_python")
    page_labelled = next(
        (b["labelled_numbers_exact_accuracy"] for b in browser.values() if "labelled_numbers_exact_accuracy" in b), {}
    )
    if labelled:
        lines += ["", "Numbers with held-out letters beside them, read as the number alone:", ""]
        lines += ["| numbers | Python | page (wasm) |", "|---|---|---|"]
        # All are spaced: by length, and overall.
        lines += [
            f"| {key} | {_pct(labelled[key])} | {_pct(page_labelled[key]) if key in page_labelled else '-'} |"
            for key in labelled
            if key == "overall" or key.startswith("length")
        ]
    return lines


def _drawn_row(page: dict) -> tuple[str, str]:
    """Numbers drawn on the pad by hands nothing was tuned on, and lone digits by the same hands (drawn.py)."""
    if "drawn_numbers" not in page:
        return "numbers drawn with the mouse, read exactly", _pct(page["drawn_number_accuracy"], 0)
    numbers, lone = page["drawn_numbers"], page["drawn_lone_digits"]
    return (
        f"numbers of 2 to 6 digits drawn with the mouse by held-out hands ({numbers['count'] // len(_parts(numbers))}),"
        " read exactly / lone digits drawn by them",
        f"{_pct(numbers['held-out'])} / {_pct(lone['held-out'])}",
    )


def _engines_rows(engines: dict | None) -> list[tuple[str, str]]:
    """Pen-up to answer in the other engines (engines/), on wasm as in Chromium."""
    if not engines:
        return []
    label = " / ".join(engines[e]["engine_version"] for e in engines)
    value = " / ".join(f"{engines[e]['pointer_up_to_answer_ms']['median']:.1f} ms" for e in engines)
    return [(f"pen-up to answer, one digit, median, {label} (wasm)", value)]


def _drawn_lines(browser: dict) -> list[str]:
    """The drawn numbers and lone digits by part, on the first backend."""
    backend, page = next(iter(browser.items()))
    if "drawn_numbers" not in page:
        return []
    numbers, lone = page["drawn_numbers"], page["drawn_lone_digits"]

    def by_part(shares: dict) -> str:
        return ", ".join(f"{part} {_pct(shares[part])}" for part in _parts(shares))

    return [
        "",
        f"Drawn on the pad with the mouse ({backend}; bench/drawn.py: 2 to 6 digits, small and large, upright and "
        "slanted, wide and narrow; the `tune` parts' hands were measured while the pad's choices were made, the "
        f"`held-out` hands never were): numbers ({numbers['count']}) read exactly, {by_part(numbers)}; lone digits "
        f"({lone['count']}) by the same hands, {by_part(lone)}.",
    ]


def _parts(shares: dict) -> list[str]:
    """The parts of drawn.py's sets in a report's shares, in drawn.py's order."""
    return [part for part in shares if part not in ("overall", "count")]


def _engines_lines(engines: dict | None) -> list[str]:
    if not engines:
        return []
    lines = ["", "Other engines (the system's browsers, wasm, a fresh profile each):", ""]
    lines += ["| engine | backend in use | model load | pointer-up to answer, median / p95 |", "|---|---|---|---|"]
    for e in engines.values():
        timing = e["pointer_up_to_answer_ms"]
        lines.append(
            f"| {e['engine_version']} | {e['backend_in_use']} | {e['model_load_ms']:.0f} ms "
            f"| {timing['median']:.1f} / {timing['p95']:.1f} ms ({timing['samples']} drawings) |"
        )
    return lines


def _camera_rows(camera: dict | None) -> list[tuple[str, str]]:
    """The live camera on a 6-digit number, and its held answers on the steady and panned clips."""
    if not camera:
        return []
    six, steady, pan = camera["six digits"], camera["steady"], camera["pan"]
    return [
        (
            f"camera (fake-camera clips, wasm): frames read per second and frame to answer, median, 6 digits; held "
            f"answers exact, steady / panned ({steady['clips']} / {pan['clips']} clips)",
            f"{six['frames_per_s']:.1f} and {six['frame_to_answer_ms']['median']:.0f} ms; "
            f"{_pct(steady['held_exact'])} / {_pct(pan['held_exact'])}",
        )
    ]


def _camera_lines(camera: dict | None) -> list[str]:
    if not camera:
        return []
    lines = [
        "",
        "Live camera (bench/camera.py: headless Chromium's fake camera playing clips of numbers of 2 to 6 MNIST test "
        f"digits, {FRAME[1]}x{FRAME[0]} at {FPS} frames per second, wasm): answers held, the time from the number "
        "wholly inside the guide box to its first exact hold, and frames read:",
        "",
        "| clips | held answers exact | clips with an exact answer held | entering to held, median / p95 "
        "| frames read per second | frame to answer, median / p95 | frames skipped |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, c in camera.items():
        hold, answer = c["entering_to_hold_ms"], c["frame_to_answer_ms"]
        held = f"{hold['median']:.0f} / {hold['p95']:.0f} ms" if hold else "-"
        lines.append(
            f"| {name} ({c['clips']}) | {_pct(c['held_exact'])} | {_pct(c['clips_held'])} | {held} "
            f"| {c['frames_per_s']:.1f} "
            f"| {answer['median']:.0f} / {answer['p95']:.0f} ms | {_pct(c['skipped'])} |"
        )
    return lines


def markdown_table(report: dict) -> str:
    runs, browser = report["runs"], report["browser"]
    lines = [
        f"Benchmarks of {report['date'][:10]} on {report['machine']} ({report['dataset']}"
        f"{', quick profile' if report['quick'] else ''}).",
        "",
        "| | " + " | ".join(runs) + " |",
        "|---|" + "---|" * len(runs),
    ]
    rows = [
        ("test accuracy", lambda r: f"{r['test_accuracy'] * 100:.2f}%"),
        ("parameters", lambda r: f"{r['params']:,}"),
        ("training images / batch size / epochs run",
         lambda r: f"{r['train_images']:,} / {r['batch_size']} / {r['epochs_run']}"),
        ("training time", lambda r: f"{r['training_time_s']:.0f} s ({r['training_kernels']})"),
        ("SavedModel / TFLite / TF.js float32", lambda r: " / ".join(
            f"{r['export_bytes'][k] / 1024:.0f} KB" for k in ("saved_model", "tflite", "tfjs"))),
        ("web model", lambda r: f"{r['web_model']['precision']}, {r['web_model']['bytes'] / 1024:.0f} KB, "
                                f"{r['web_model']['tfjs_test_accuracy'] * 100:.2f}% in TF.js"),
        ("Python images/s (SavedModel / TFLite)",
         lambda r: f"{r['saved_model_images_per_s']:,} / {r['tflite_images_per_s']:,} ({r['isa']})"),
        ("temperature T", lambda r: f"{r['calibration']['temperature']:.3f}"),
        ("calibration error (ECE), Keras before / after / web model in TF.js",
         lambda r: " / ".join(f"{r['calibration'][k] * 100:.2f}%"
                              for k in ("test_ece_keras_before", "test_ece_keras", "test_ece_web_model"))),
        ("'not sure' below", lambda r: f"{r['calibration']['confidence_threshold'] * 100:.1f}%"),
        ("real-world images, Python", lambda r: f"{r['realworld_accuracy_python']['overall'] * 100:.1f}%"),
    ]  # fmt: skip
    lines += [f"| {name} | " + " | ".join(cell(r) for r in runs.values()) + " |" for name, cell in rows]
    lines += ["", f"Browser (headless Chromium, the default full build in dist/; CPU: {report['isa']}):", ""]
    lines += [
        "| backend | model load | pointer-up to answer, median / p95 | the same, 6-digit numbers "
        "| first load (gzip, plots apart) | real-world accuracy | drawn numbers |",
        "|---|---|---|---|---|---|---|",
    ]
    for backend, b in browser.items():
        timing, six = b["pointer_up_to_answer_ms"], b["six_digit_pointer_up_to_answer_ms"]
        lines.append(
            f"| {backend} | {b['model_load_ms']:.0f} ms | {timing['median']:.1f} / {timing['p95']:.1f} ms "
            f"| {six['median']:.1f} / {six['p95']:.1f} ms "
            f"| {b['first_load_gzip_bytes'] / 1024:.0f} KB | {b['realworld_accuracy'] * 100:.1f}% "
            f"| {b['drawn_number_accuracy'] * 100:.0f}% |"
        )
    lines += _drawn_lines(browser)
    lines += _engines_lines(report.get("engines"))
    lines += _camera_lines(report.get("camera"))
    full = runs.get(FULL_RUN, {})
    lines += _new_writers_table(full.get("new_writers_python"), browser)
    lines += _not_digit_table(full, browser)
    lines += _punctuated_table(report, full, browser)
    python, in_browser = full.get("numbers_exact_accuracy_python"), _page_numbers(browser)
    if python and in_browser:
        lines += ["", f"Written numbers ({report['number_images']} images, exact-number accuracy, full build):", ""]
        lines += ["| numbers | Python | browser (wasm) |", "|---|---|---|"]
        lines += [f"| {key} | {python[key] * 100:.1f}% | {in_browser[key] * 100:.1f}% |" for key in python]
    return "\n".join(lines) + "\n"
