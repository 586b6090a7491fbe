"""Personal examples in Python: the combination rule, the examples file, the exports' embedding, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import run_pipeline
from PIL import Image

from pipeline.bench.writers import WRITERS, writer_samples
from pipeline.config import CLASSES, PERSONAL
from pipeline.errors import InputError
from pipeline.read.personal import (
    PROTOTYPES_PER_CLASS,
    Example,
    class_prototypes,
    examples_document,
    load_examples,
    personalize,
    quantize_pixels,
    reembed,
)
from pipeline.read.preprocess import preprocess_rgba

SIZE = 8  # embedding size in the unit tests
NOT_DIGIT = len(CLASSES) - 1


def _example(label: int, embedding, fingerprint: str = "model-a") -> Example:
    return Example(label, np.zeros((28, 28), np.uint8), np.asarray(embedding, np.float32), fingerprint)


def _probabilities(top: int, p: float = 0.9) -> np.ndarray:
    """Probabilities of the eleven classes (NOT_DIGIT last)."""
    probabilities = np.full(len(CLASSES), (1 - p) / (len(CLASSES) - 1))
    probabilities[top] = p
    return probabilities


def _outputs(probabilities, embeddings, cosines) -> dict[str, np.ndarray]:
    """What the model gives for embeddings with these cosine similarities to its prototypes."""
    embeddings = np.atleast_2d(embeddings)
    probabilities = np.atleast_2d(probabilities)
    return {
        "probabilities": probabilities[:, :-1],
        "not_digit": probabilities[:, -1],
        "embedding": embeddings,
        "prototype_similarity": np.atleast_2d(cosines) * np.linalg.norm(embeddings, axis=1, keepdims=True),
    }


def test_no_examples_leave_the_networks_answer():
    probabilities = _probabilities(3)
    np.testing.assert_array_equal(personalize(_outputs(probabilities, np.ones(SIZE), [0.9] * 5), []), [probabilities])


def test_a_persons_letter_taught_as_not_a_digit_reads_so():
    style = np.eye(SIZE)[0] + 0.1
    near = style + 0.02 * np.eye(SIZE)[1]
    combined = personalize(_outputs(_probabilities(4, 0.95), near, [0.9, 0.85]), [_example(NOT_DIGIT, style)])
    assert combined[0].argmax() == NOT_DIGIT and combined[0].sum() == pytest.approx(1.0)


def test_an_example_decides_where_it_is_nearer_than_the_training_digits():
    style = np.eye(SIZE)[0] + 0.1
    examples = [_example(7, style)]
    near = style + 0.02 * np.eye(SIZE)[1]  # the same style, drawn again
    unlike = np.eye(SIZE)[5] + 0.1  # cosine about 0.25 with the example
    between = np.cos(0.32) * np.eye(SIZE)[0] + np.sin(0.32) * np.eye(SIZE)[1]  # cosine 0.95 with the example
    network = np.stack([_probabilities(1, 0.95)] * 3)
    to_prototypes = np.array(
        [
            [0.9, 0.85, 0.8],  # a style the training digits lack
            [0.99, 0.97, 0.9],  # an MNIST-like digit
            [0.99, 0.99, 0.99],  # an MNIST-like digit that also resembles the example
        ]
    )
    combined = personalize(_outputs(network, np.stack([near, unlike, between]), to_prototypes), examples)
    np.testing.assert_allclose(combined.sum(axis=1), 1.0)
    assert combined[0].argmax() == 7 and combined[0, 7] > 0.9
    assert np.abs(combined[1] - network[1]).max() < 1e-9
    # Nearer to the training digits than to the example: the example's share is small, the answer stands.
    assert combined[2].argmax() == 1 and combined[2, 7] < 0.1


def test_the_examples_weight_sets_how_far_they_pull():
    style = np.eye(SIZE)[0]
    query = np.cos(0.3) * np.eye(SIZE)[0] + np.sin(0.3) * np.eye(SIZE)[1]  # cosine 0.955 with the example
    outputs = _outputs(_probabilities(1, 0.95), query, [0.96, 0.95])
    weak = personalize(outputs, [_example(7, style)], {**PERSONAL, "weight": 0.1})
    strong = personalize(outputs, [_example(7, style)], {**PERSONAL, "weight": 10.0})
    assert weak[0].argmax() == 1 and strong[0].argmax() == 7


def test_prototypes_are_unit_centres_of_each_class():
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(10), 30)
    embeddings = np.abs(rng.normal(size=(300, SIZE))) + np.eye(SIZE)[labels % SIZE] * 3
    prototypes = class_prototypes(embeddings, labels)
    assert prototypes.shape == (10 * PROTOTYPES_PER_CLASS, SIZE)
    np.testing.assert_allclose(np.linalg.norm(prototypes, axis=1), 1.0)
    np.testing.assert_array_equal(prototypes, class_prototypes(embeddings, labels))  # seeded
    few = class_prototypes(embeddings[:33], labels[:33])  # 30 zeros and 3 ones
    assert few.shape == (PROTOTYPES_PER_CLASS + 3, SIZE)


def _write(tmp_path: Path, document) -> Path:
    path = tmp_path / "examples.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def _document(**changes) -> dict:
    document = examples_document([_example(4, np.arange(SIZE) / SIZE)])
    item = document["examples"][0]
    for key, value in changes.items():
        (item if key in item else document)[key] = value
    return document


def test_examples_file_round_trips(tmp_path):
    loaded = load_examples(_write(tmp_path, _document()), SIZE, "model-a")
    assert len(loaded) == 1 and loaded[0].label == 4 and loaded[0].pixels.shape == (28, 28)
    np.testing.assert_allclose(loaded[0].embedding, np.arange(SIZE) / SIZE)
    document = examples_document([_example(NOT_DIGIT, np.ones(SIZE)), _example(0, np.ones(SIZE))])
    assert document["version"] == 2 and [e["label"] for e in document["examples"]] == ["not a digit", "0"]
    assert [e.label for e in load_examples(_write(tmp_path, document), SIZE, "model-a")] == [NOT_DIGIT, 0]


def test_a_version_written_as_a_float_is_the_same_version(tmp_path):
    # JSON has one kind of number: the page reads 2.0 as 2, and so must Python.
    assert len(load_examples(_write(tmp_path, _document(version=2.0)), SIZE, "model-a")) == 1


def test_version_1_examples_files_still_import(tmp_path):
    document = _document(version=1)
    item = document["examples"][0]
    item["digit"] = 4
    del item["label"]
    assert [e.label for e in load_examples(_write(tmp_path, document), SIZE, "model-a")] == [4]
    item["digit"] = 10  # version 1 had no "not a digit"
    with pytest.raises(InputError, match="example 1: digit 10 is not one of 0-9"):
        load_examples(_write(tmp_path, document), SIZE, "model-a")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "not a JSON file"),
        ({"format": "something-else", "version": 1, "examples": []}, "not a digit-recognition examples file"),
        (_document(version=3), "format version 3 is not supported (expected 1 or 2)"),
        (_document(version=True), "format version True is not supported"),
        (_document(label="12"), "example 1: label '12' is not one of 0-9 or 'not a digit'"),
        (_document(label=4), "example 1: label 4 is not one of 0-9 or 'not a digit'"),
        (_document(pixels=[0] * 10), "example 1: pixels must be 784 whole numbers from 0 to 255"),
        (_document(pixels=[300] * 784), "example 1: pixels must be 784"),
        (_document(embedding=[0.5] * (SIZE + 1)), f"example 1: embedding has {SIZE + 1} values, expected {SIZE}"),
        (_document(embedding=["x"] * SIZE), "example 1: embedding must be a list of numbers"),
    ],
)
def test_bad_examples_files_are_refused_naming_the_file(tmp_path, document, message):
    path = _write(tmp_path, document)
    with pytest.raises(InputError) as caught:
        load_examples(path, SIZE, "model-a")
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_too_big_or_too_many_examples_are_refused(tmp_path, monkeypatch):
    monkeypatch.setitem(PERSONAL, "max_examples", 2)
    many = examples_document([_example(1, np.ones(SIZE))] * 3)
    with pytest.raises(InputError, match="3 examples, over the limit of 2"):
        load_examples(_write(tmp_path, many), SIZE, "model-a")
    monkeypatch.setitem(PERSONAL, "max_file_bytes", 100)
    with pytest.raises(InputError, match="over the 100-byte limit"):
        load_examples(_write(tmp_path, _document()), SIZE, "model-a")


def test_another_models_examples_are_embedded_again_from_their_pixels(tmp_path):
    # Another model's embedding may have any size: it is replaced, not checked.
    document = _document(embedding=[9.0] * 3, fingerprint="model-b")
    examples = load_examples(_write(tmp_path, document), SIZE, "model-a")
    seen = []

    def embed(inputs: np.ndarray) -> np.ndarray:
        seen.append(inputs)
        return np.ones((len(inputs), SIZE))

    updated = reembed(examples + [_example(2, np.zeros(SIZE))], "model-a", embed)
    assert len(seen) == 1 and seen[0].shape == (1, 28, 28)  # only the stale one
    assert updated[0].fingerprint == "model-a" and updated[0].embedding.tolist() == [1.0] * SIZE
    assert updated[1].embedding.tolist() == [0.0] * SIZE


def test_new_writers_are_deterministic_and_labelled():
    inputs, labels = writer_samples(WRITERS[0], per_digit=2)
    again, _ = writer_samples(WRITERS[0], per_digit=2)
    assert inputs.shape == (20, 28, 28) and labels.tolist() == [d for d in range(10) for _ in range(2)]
    np.testing.assert_array_equal(inputs, again)
    assert (inputs.max(axis=(1, 2)) > 0.9).all()  # every sample has ink
    other, _ = writer_samples(WRITERS[1], per_digit=2)
    assert np.abs(other - inputs).max() > 0.5


# --- the build's exports and the command line ----------------------------------------------------------------


def test_every_export_gives_the_embedding_and_the_build_records_the_fingerprint(quick_dist):
    import tensorflow as tf

    from pipeline.export.parity import tfjs_outputs
    from pipeline.read.predict import tflite_runner

    config = json.loads((quick_dist / "config.json").read_text())
    metrics = json.loads((quick_dist / "metrics.json").read_text())
    identity = config["model"]
    assert identity == metrics["model"] and len(identity["fingerprint"]) == 16
    batch = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
    loaded = tf.saved_model.load(str(quick_dist / "export/saved_model"))
    runs = {
        "saved_model": {k: v.numpy() for k, v in loaded.serve(tf.constant(batch)).items()},
        "tflite": tflite_runner(quick_dist / "export/tflite/model.tflite", batch.shape)(batch),
        "tfjs": tfjs_outputs(quick_dist / "export/tfjs_model", batch),
        "web": tfjs_outputs(quick_dist / "model", batch),
    }
    for name, outputs in runs.items():
        assert outputs["probabilities"].shape == (3, 10), name
        assert outputs["not_digit"].shape == (3,), name
        np.testing.assert_allclose(outputs["probabilities"].sum(axis=1) + outputs["not_digit"], 1.0, atol=0.02)
        assert outputs["embedding"].shape == (3, identity["embedding_size"]), name
        assert outputs["prototype_similarity"].shape == (3, identity["prototypes"]), name
        assert outputs["whole_digit"].shape == (3, 1), name
        for output, values in outputs.items():  # the web model's weights are quantized: close, not equal
            # whole_digit is log-odds, not a probability: quantization moves it by up to a tenth or so.
            tolerance = 0.2 if output == "whole_digit" else 0.05
            np.testing.assert_allclose(values, runs["saved_model"][output], rtol=0.05, atol=tolerance)
    # Dot products with unit prototypes: over the embedding's length, cosines.
    lengths = np.linalg.norm(runs["saved_model"]["embedding"], axis=1, keepdims=True)
    assert (np.abs(runs["saved_model"]["prototype_similarity"] / lengths) <= 1 + 1e-5).all()
    assert metrics["parity"]["tflite"] <= 1e-5 and metrics["parity"]["tfjs"] <= 1e-5


def mnist_digit_image(mnist, index: int) -> np.ndarray:
    """MNIST test digit `index` as dark ink on white RGBA, as a scan would be."""
    gray = 255 - mnist.x_test[index]
    return np.dstack([gray, gray, gray, np.full_like(gray, 255)])


def test_predict_with_examples_reads_the_persons_digit(quick_dist, mnist, tmp_path):
    from pipeline.read.predict import Predictor

    model = quick_dist / "export/tflite/model.tflite"
    predictor = Predictor(model)
    image = tmp_path / "digit.png"
    Image.fromarray(mnist_digit_image(mnist, 0)).save(image)
    pixels = quantize_pixels(preprocess_rgba(np.asarray(Image.open(image).convert("RGBA"))).pixels)
    network = predictor.classify(pixels[None] / 255)[0].argmax()
    taught = (int(network) + 1) % 10
    embedding = predictor.outputs(pixels[None] / 255)["embedding"][0]
    examples = tmp_path / "examples.json"
    example = Example(taught, pixels, embedding, predictor.fingerprint)
    examples.write_text(json.dumps(examples_document([example])))

    plain = run_pipeline("predict", str(image), "--model", str(model), "--json")
    personal = run_pipeline("predict", str(image), "--model", str(model), "--json", "--examples", str(examples))
    assert plain.returncode == 0 and personal.returncode == 0, personal.stderr
    assert json.loads(plain.stdout)["digit"] == network
    assert json.loads(personal.stdout)["digit"] == taught and personal.stderr == ""
    # Made by another build: embedded again from the pixels, with a note, and the answer is the same.
    stale = tmp_path / "stale.json"
    stale.write_text(json.dumps(examples_document([Example(taught, pixels, np.zeros(3, np.float32), "older-build")])))
    again = run_pipeline("predict", str(image), "--model", str(model), "--json", "--examples", str(stale))
    assert again.returncode == 0 and json.loads(again.stdout)["digit"] == taught
    assert "1 of 1 examples were made with another model; embedded again from their pixels" in again.stderr
    # Unrelated digits keep the network's answer.
    other = tmp_path / "other.png"
    for index in range(1, 40):
        if mnist.y_test[index] != mnist.y_test[0]:
            Image.fromarray(mnist_digit_image(mnist, index)).save(other)
            break
    before = json.loads(run_pipeline("predict", str(other), "--model", str(model), "--json").stdout)
    after = run_pipeline("predict", str(other), "--model", str(model), "--json", "--examples", str(examples))
    assert json.loads(after.stdout)["digit"] == before["digit"]


def test_predict_refuses_a_bad_examples_file(quick_dist, tmp_path, mnist):
    image = tmp_path / "digit.png"
    Image.fromarray(mnist_digit_image(mnist, 0)).save(image)
    bad = _write(tmp_path, _document(label="11"))
    done = run_pipeline(
        "predict", str(image), "--model", str(quick_dist / "export/tflite/model.tflite"), "--examples", str(bad)
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"error: {bad}: example 1: label '11' is not one of 0-9 or 'not a digit'"
    ]


def test_teaching_works_both_ways_in_a_reading(quick_dist, mnist):
    """A mark the reader set aside, taught as 7, reads 7; a digit taught as not a digit reads no number."""
    from pipeline.data.negatives import TRAINED, negative_set
    from pipeline.read.predict import Predictor

    predictor = Predictor(quick_dist / "export/tflite/model.tflite")

    def taught(rgba: np.ndarray, label: int) -> Example:
        pixels = quantize_pixels(preprocess_rgba(rgba).pixels)
        embedding = predictor.outputs(pixels[None] / 255)["embedding"][0]
        return Example(label, pixels, embedding, predictor.fingerprint)

    # A one-piece mark, so that the whole image is the one candidate the example was taken from.
    mark = next(
        m.rgba
        for m in negative_set(TRAINED, 48, seed=0)
        if (reading := predictor.read(m.rgba)).marks and not reading.digits and len(reading.marks) == 1
    )
    predictor.use_examples([taught(mark, 7)])
    assert predictor.read(mark).number == "7"
    digit = mnist_digit_image(mnist, 0)
    predictor.use_examples([])
    assert predictor.read(digit).number == str(mnist.y_test[0])
    predictor.use_examples([taught(digit, NOT_DIGIT)])
    reading = predictor.read(digit)
    assert reading.number == "" and len(reading.marks) == 1
