"""Reading image files: every format a user may drop, and every way a file can be bad."""

import io

import numpy as np
import pytest
from PIL import Image

from pipeline.config import PREPROCESS
from pipeline.errors import InputError
from pipeline.read.images import load_rgba


def save(image: Image.Image, path, **options):
    image.save(path, **options)
    return path


@pytest.mark.parametrize(
    ("suffix", "mode"), [("png", "L"), ("png", "LA"), ("jpg", "RGB"), ("webp", "RGB"), ("bmp", "RGB"), ("png", "P")]
)
def test_formats_and_modes_become_rgba(tmp_path, suffix, mode):
    path = save(Image.new(mode, (30, 20), 0), tmp_path / f"x.{suffix}")
    rgba = load_rgba(path)
    assert rgba.shape == (20, 30, 4) and rgba.dtype == np.uint8


def test_gif_uses_the_first_frame(tmp_path):
    frames = [Image.new("L", (10, 10), value) for value in (255, 0)]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    assert load_rgba(path)[..., 0].min() == 255


def test_exif_orientation_is_applied(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    path = save(Image.new("RGB", (40, 10)), tmp_path / "phone.jpg", exif=exif)
    assert load_rgba(path).shape[:2] == (40, 10)


def test_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("hello")
    with pytest.raises(InputError, match=r"notes.png: not a readable image"):
        load_rgba(path)


def test_truncated_image(tmp_path):
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (200, 200), dtype=np.uint8)).save(buffer, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(InputError, match=r"cut.png: truncated or corrupt image"):
        load_rgba(path)


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    side = int(PREPROCESS["max_pixels"] ** 0.5) + 100
    path = save(Image.new("1", (side, side)), tmp_path / "bomb.png")  # a few KB on disk
    assert path.stat().st_size < 100_000
    with pytest.raises(InputError, match=r"bomb.png: image too large"):
        load_rgba(path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"nope.png: file not found"):
        load_rgba(tmp_path / "nope.png")
