"""The benchmark's pieces that need no training: the real-world set and the report table."""

import platform
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from pipeline.bench.drawn import HANDS, NUMBERS_PER_PART, drawn_set
from pipeline.bench.results import _drawn_row, markdown_table
from pipeline.bench.runner import _kernels
from pipeline.bench.sets import labelled_number_set, realworld_set
from pipeline.data.render import STYLES
from pipeline.model.machine import ONEDNN_SWITCH, X86, cpu_model, prefer_onednn, vector_isa

RUN = {
    "arch": "default",
    "train_images": 54001,
    "batch_size": 128,
    "epochs_run": 12,
    "test_accuracy": 0.9936,
    "params": 105922,
    "training_time_s": 512.3,
    "training_kernels": "AVX2 (ONEDNN_MAX_CPU_ISA=AVX2 on an AVX-512 CPU), oneDNN on",  # the build's, not the bench's
    "isa": "AVX2",
    "onednn": True,
    "calibration": {
        "temperature": 0.7321,
        "test_ece_keras_before": 0.0871,
        "test_ece_keras": 0.0042,
        "test_ece_web_model": 0.0045,
        "confidence_threshold": 0.6,
    },
    "export_bytes": {"saved_model": 1026558, "tflite": 424692, "tfjs": 431385, "web_model": 110000},
    "web_model": {"precision": "uint8", "bytes": 110000, "tfjs_test_accuracy": 0.9933},
    "saved_model_images_per_s": 3665,
    "tflite_images_per_s": 3423,
    "realworld_accuracy_python": {"overall": 0.94},
    "numbers_exact_accuracy_python": {"overall": 0.955, "spaced 4": 0.975, "touching 4": 0.9},
    "new_writers_python": {
        "writers": {
            "slanted": {"wrong_digits": [1, 7], "before": 0.92, "after_1": 0.99, "after_3": 1.0},
            "round": {"wrong_digits": [], "before": 1.0, "after_1": 1.0, "after_3": 1.0},
        },
        "examples_loaded": 6,
        "mnist_test_accuracy": 0.9963,
        "mnist_test_accuracy_with_examples": 0.9958,
    },
}
BROWSER = {
    "model_load_ms": 212.4,
    "pointer_up_to_answer_ms": {"median": 9.8, "p95": 14.1, "samples": 45},
    "first_load_gzip_bytes": 290 * 1024,
    "realworld_accuracy": 0.9425,
    "six_digit_pointer_up_to_answer_ms": {"median": 21.5, "p95": 27.25, "samples": 4},
    "drawn_number_accuracy": 0.85,
    "numbers_exact_accuracy": {"overall": 0.95, "spaced 4": 0.975, "touching 4": 0.875},
    "stored_examples_pointer_up_to_answer_ms": {"examples": 200, "median": 10.4, "p95": 15.0, "samples": 45},
}


def test_realworld_set_is_seeded_and_covers_every_style(mnist):
    first = realworld_set(mnist.x_test, mnist.y_test, 12, seed=3)
    again = realworld_set(mnist.x_test, mnist.y_test, 12, seed=3)
    assert [style for style, _, _ in first] == [STYLES[i % len(STYLES)] for i in range(12)]
    assert all(np.array_equal(a[1], b[1]) and a[2] == b[2] for a, b in zip(first, again, strict=True))
    shapes = {rgba.shape[:2] for _, rgba, _ in first}
    assert len(shapes) > 6 and all(min(s) >= 64 and max(s) < 400 for s in shapes)
    for style, rgba, _ in first:
        assert rgba.dtype == np.uint8 and rgba.shape[2] == 4
        assert (rgba[..., 3].min() < 255) == (style == "transparent")


def test_numbers_with_letters_are_seeded_spaced_and_labelled_by_their_digits(mnist, monkeypatch):
    from pipeline.bench import sets
    from pipeline.data.negatives import HELD_OUT

    drawn = []
    glyph = sets.glyph
    monkeypatch.setattr(sets, "glyph", lambda kind, name, rng: drawn.append(name) or glyph(kind, name, rng))
    first = labelled_number_set(mnist.x_test, mnist.y_test, 12, seed=3)
    again = labelled_number_set(mnist.x_test, mnist.y_test, 12, seed=3)
    assert all(np.array_equal(a.rgba, b.rgba) and a.label == b.label for a, b in zip(first, again, strict=True))
    assert [len(n.label) for n in first] == [1 + i % 4 for i in range(12)]
    assert all(n.label.isdigit() and not n.touching for n in first)
    # Only held-out letters, never trained on as not digits, stand beside the digits.
    assert drawn and set("".join(drawn)) <= set(HELD_OUT["letter"])


def test_markdown_table_reports_every_figure():
    report = {
        "date": "2026-11-25T05:00:00+00:00",
        "machine": "x86_64, 2 cores",
        "isa": "AVX2",
        "quick": False,
        "dataset": "mnist",
        "number_images": 400,
        "runs": {
            "seed, notebook protocol": {**RUN, "test_accuracy": 0.9855, "params": 225034},
            "default, full build": RUN,
        },
        "browser": {"wasm": BROWSER},
    }
    table = markdown_table(report)
    assert "| | seed, notebook protocol | default, full build |" in table
    assert "| test accuracy | 98.55% | 99.36% |" in table
    assert "| parameters | 225,034 | 105,922 |" in table
    assert "| training images / batch size / epochs run | 54,001 / 128 / 12 | 54,001 / 128 / 12 |" in table
    assert "uint8, 107 KB, 99.33% in TF.js" in table
    capped = "512 s (AVX2 (ONEDNN_MAX_CPU_ISA=AVX2 on an AVX-512 CPU), oneDNN on)"
    assert f"| training time | {capped} | {capped} |" in table
    assert "| Python images/s (SavedModel / TFLite) | 3,665 / 3,423 (AVX2) |" in table
    assert "| temperature T | 0.732 | 0.732 |" in table
    assert "| calibration error (ECE), Keras before / after / web model in TF.js | 8.71% / 0.42% / 0.45% |" in table
    assert "| 'not sure' below | 60.0% | 60.0% |" in table
    assert "CPU: AVX2" in table
    assert "| wasm | 212 ms | 9.8 / 14.1 ms | 21.5 / 27.2 ms | 290 KB | 94.2% | 85% |" in table
    assert "Written numbers (400 images, exact-number accuracy, full build):" in table
    assert "| touching 4 | 90.0% | 87.5% |" in table
    assert "| slanted | 1 7 | 92.0% | 99.0% | 100.0% |" in table
    assert "| round | none | 100.0% | 100.0% | 100.0% |" in table
    assert "with all 6 writers' examples loaded: 99.58% (without: 99.63%, a change of -0.05 points)" in table
    assert "with 200 stored examples (wasm): 10.4 ms median, 15.0 ms p95." in table
    assert table.startswith("Benchmarks of 2026-11-25 on x86_64, 2 cores (mnist).")


def test_training_time_is_labelled_with_the_builds_own_kernels():
    assert _kernels({"cpu": "AMD EPYC", "cores": 2, "isa": "AVX-512", "onednn": False}) == "AVX-512, oneDNN off"
    assert _kernels(None) == "build machine not recorded"  # a build from before metrics.json recorded it


AVX512_CPU = "processor\t: 0\nmodel name\t: AMD EPYC 9R14\nflags\t\t: fpu sse4_1 sse4_2 avx avx2 fma avx512f avx512bw\n"
AVX2_CPU = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu sse4_1 sse4_2 avx avx2 fma\n"


def test_vector_isa_is_the_widest_the_cpu_flags_name():
    assert vector_isa(AVX512_CPU, env={}) == "AVX-512"
    assert vector_isa(AVX2_CPU, env={}) == "AVX2"
    assert vector_isa("flags\t: fpu sse4_1 avx\n", env={}) == "AVX"
    # Whole flags only: a longer name that starts with "avx512" is not avx512f.
    assert vector_isa("flags\t: avx2 avx512_fake\n", env={}) == "AVX2"
    assert cpu_model(AVX2_CPU) == "AMD EPYC 7B13"


def test_vector_isa_honours_onednn_cap():
    capped = vector_isa(AVX512_CPU, env={"ONEDNN_MAX_CPU_ISA": "AVX2"})
    assert capped == "AVX2 (ONEDNN_MAX_CPU_ISA=AVX2 on an AVX-512 CPU)"
    assert vector_isa(AVX512_CPU, env={"ONEDNN_MAX_CPU_ISA": "avx512_core_amx"}) == "AVX-512"
    assert vector_isa(AVX512_CPU, env={"ONEDNN_MAX_CPU_ISA": "ALL"}) == "AVX-512"
    assert vector_isa(AVX512_CPU, env={"ONEDNN_MAX_CPU_ISA": "AVX2_VNNI"}).startswith("AVX2 (")
    # A cap above what the CPU has changes nothing.
    assert vector_isa(AVX2_CPU, env={"ONEDNN_MAX_CPU_ISA": "AVX512_CORE"}) == "AVX2"


def test_vector_isa_reads_this_machines_cpuinfo(monkeypatch):
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    assert vector_isa() == vector_isa(Path("/proc/cpuinfo").read_text(), env={})
    monkeypatch.setenv("ONEDNN_MAX_CPU_ISA", "SSE41")
    assert vector_isa().startswith("SSE4.1 (ONEDNN_MAX_CPU_ISA=SSE41 on an ")


def test_onednn_is_asked_for_on_x86_unless_the_user_chose(monkeypatch):
    monkeypatch.delitem(sys.modules, "tensorflow", raising=False)
    env: dict[str, str] = {}
    prefer_onednn(env, machine="x86_64")
    assert env == {ONEDNN_SWITCH: "1"}
    chosen = {ONEDNN_SWITCH: "0"}
    prefer_onednn(chosen, machine="x86_64")
    assert chosen == {ONEDNN_SWITCH: "0"}
    elsewhere: dict[str, str] = {}
    prefer_onednn(elsewhere, machine="aarch64")
    assert elsewhere == {}


def test_asking_for_onednn_after_tensorflow_loaded_says_it_is_too_late(monkeypatch):
    monkeypatch.setitem(sys.modules, "tensorflow", object())
    with pytest.warns(UserWarning, match="TensorFlow was imported before pipeline"):
        prefer_onednn({}, machine="x86_64")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        prefer_onednn({ONEDNN_SWITCH: "0"}, machine="x86_64")  # the user chose: nothing to warn about


@pytest.mark.skipif(platform.machine().lower() not in X86, reason="oneDNN is asked for on x86 only")
def test_importing_the_pipeline_turns_onednn_on(monkeypatch):
    # A fresh interpreter, as `python -m pipeline` starts: TF reads the switch once, as it loads.
    monkeypatch.delenv(ONEDNN_SWITCH, raising=False)
    probe = "import pipeline.model.machine as m; print(m.onednn_on())"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "True"


def test_number_set_is_seeded_and_covers_lengths_layouts_and_styles(mnist):
    from pipeline.bench.sets import exact_accuracy, number_set
    from pipeline.data.numbers import LENGTHS

    first = number_set(mnist.x_test, mnist.y_test, 40, seed=3)
    again = number_set(mnist.x_test, mnist.y_test, 40, seed=3)
    assert all(np.array_equal(a.rgba, b.rgba) and a.label == b.label for a, b in zip(first, again, strict=True))
    assert {len(n.label) for n in first} == set(LENGTHS)
    assert {n.touching for n in first} == {True, False} and {n.style for n in first} == set(STYLES)
    for number in first:
        assert number.rgba.dtype == np.uint8 and number.rgba.shape[2] == 4
    scores = exact_accuracy(first[:2], [first[0].label, "0"])
    assert scores["overall"] == 0.5


def test_markdown_table_reports_numbers_with_marks():
    punctuated = {
        "digits_right": {"overall": 0.9, "decimal": 0.95, "date": 0.85},
        "exact_of_digits_right": {"overall": 0.97, "decimal": 0.989, "date": 0.953},
    }
    report = {
        "date": "2026-12-07T05:00:00+00:00",
        "machine": "x86_64, 2 cores",
        "isa": "AVX2",
        "quick": False,
        "dataset": "mnist",
        "number_images": 400,
        "punctuated_number_images": 500,
        "runs": {
            "default, full build": {**RUN, "punctuated_python": punctuated, "numbers_gaining_marks_python": 0.004}
        },
        "browser": {
            "wasm": {
                **BROWSER,
                "punctuated": {**punctuated, "exact_of_digits_right": {"overall": 0.96, "decimal": 0.97}},
                "numbers_gaining_marks": 0.0045,
                "drawn_punctuated_accuracy": 0.9,
                "punctuated_pointer_up_to_answer_ms": {"median": 18.25, "p95": 24.0, "samples": 30},
            }
        },
    }
    table = markdown_table(report)
    assert "Numbers with marks (500 images of five kinds)" in table
    assert "| decimal | 95.0% / 95.0% | 98.9% / 97.0% |" in table
    assert "| date | 85.0% / 85.0% | 95.3% / - |" in table  # no date read with its digits right on the page
    assert "gained one: Python 0.40%, page 0.45%." in table
    assert "drawn on the pad (30): 90% read exactly; pointer-up to answer 18.2 ms median, 24.0 ms p95." in table


def test_drawn_set_is_seeded_in_parts_of_other_hands_and_fits_the_pad():
    numbers = drawn_set(3.0)
    assert [(d.text, d.strokes) for d in numbers] == [(d.text, d.strokes) for d in drawn_set(3.0)]
    parts = {part: [d for d in numbers if d.part == part] for part in HANDS}
    assert all(len(p) == NUMBERS_PER_PART for p in parts.values())
    hands = {part: {d.writer for d in p} for part, p in parts.items()}
    assert all(hands[part] == {h.name for h in HANDS[part]} for part in HANDS)
    assert sum(len(h) for h in hands.values()) == len(set.union(*hands.values())), "no hand in two parts"
    assert {len(d.text) for d in numbers} == {2, 3, 4, 5, 6}
    points = np.array([p for d in numbers for s in d.strokes for p in s])
    assert points.min() > -0.02 and points.max() < 1.02, "on the pad, bar a hand's wobble at its edge"
    heights = [np.ptp([y for s in d.strokes for _, y in s]) for d in numbers]
    assert min(heights) < 0.3 and max(heights) > 0.6, "small and large"
    lone = drawn_set(3.0, (1, 1), 5)
    assert len(lone) == 5 * len(HANDS) and all(len(d.text) == 1 for d in lone)


def test_markdown_table_reports_drawn_numbers_by_part_and_other_engines():
    drawn = {
        "drawn_numbers": {"overall": 0.98, "tune": 1.0, "tune 2": 0.97, "held-out": 0.97, "count": 300},
        "drawn_lone_digits": {"overall": 1.0, "tune": 1.0, "tune 2": 1.0, "held-out": 1.0, "count": 120},
    }
    engine = {"backend_in_use": "wasm", "model_load_ms": 158.2, "engine_version": "Firefox 153.8.0"}
    report = {
        "date": "2026-12-07T05:00:00+00:00",
        "machine": "x86_64, 2 cores",
        "isa": "AVX-512",
        "quick": False,
        "dataset": "mnist",
        "number_images": 400,
        "runs": {"default, full build": RUN},
        "browser": {"wasm": {**BROWSER, **drawn}},
        "engines": {"firefox": {**engine, "pointer_up_to_answer_ms": {"median": 19.5, "p95": 27.2, "samples": 20}}},
    }
    table = markdown_table(report)
    assert "numbers (300) read exactly, tune 100.0%, tune 2 97.0%, held-out 97.0%; lone digits (120)" in table
    label, value = _drawn_row(drawn)
    assert label.startswith("numbers of 2 to 6 digits drawn with the mouse by held-out hands (100)") and value == (
        "97.0% / 100.0%"
    )
    assert "| Firefox 153.8.0 | wasm | 158 ms | 19.5 / 27.2 ms (20 drawings) |" in table
