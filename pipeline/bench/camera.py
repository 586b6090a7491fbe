"""Clips for the page's fake camera: numbers written with MNIST test digits, filmed steady, panned into the guide
box, under changing light, on a tilted page, under a moving glare and going in and out of focus; and what the page
reads of them.

Chromium plays a Y4M file as its camera (`--use-fake-device-for-media-stream --use-file-for-fake-video-capture`),
from its first frame when the camera opens, looping. Each clip holds one number, `SECONDS` long at `FPS`.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from scipy import ndimage

from ..config import CAMERA
from ..data.numbers import compose
from ..data.render import paint
from ..read.camera import guide_box

FRAME = (480, 640)  # height, width: a webcam's VGA
FPS = 15
SECONDS = 4
CONDITIONS = ("steady", "pan", "light", "tilt", "glare", "blur")
PAN_SECONDS = 1.5  # the number slides in from the right over this long, then stays
LAUNCH_ARGS = ("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream")


@dataclass(frozen=True)
class Clip:
    label: str
    condition: str
    frames: list[np.ndarray]  # (H, W, 3) uint8
    enters_s: float  # when the whole number is first inside the guide box


def _number_strength(digits: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Ink of the digits side by side, scaled to fill about half the guide box's width (at most 80 pixels tall)."""
    strength, _ = compose(digits, False, rng)
    guide = guide_box(FRAME[1], FRAME[0], CAMERA)
    scale = min(80 / strength.shape[0], rng.uniform(0.45, 0.65) * guide.width / strength.shape[1])
    return np.clip(ndimage.zoom(strength, scale, order=1), 0, 1)


def _tilted(frame: np.ndarray, amount: float) -> np.ndarray:
    """The frame as a page tilted away from the camera: its top edge narrower by `amount` of the width."""
    height, width = frame.shape[:2]
    inset = amount * width / 2
    # PIL maps each output pixel back to the input: the output's corners come from the narrowed top.
    source = [(-inset, 0), (width + inset, 0), (width, height), (0, height)]
    target = [(0, 0), (width, 0), (width, height), (0, height)]
    matrix = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        matrix.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        matrix.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    coefficients = np.linalg.solve(np.array(matrix, dtype=np.float64), np.array(source, dtype=np.float64).ravel())
    image = Image.fromarray(frame).transform((width, height), Image.PERSPECTIVE, coefficients, Image.BILINEAR)
    return np.asarray(image)


def make_clip(digits: list[np.ndarray], label: str, condition: str, seed: int) -> Clip:
    """One clip of the number written with `digits` (MNIST images), in `condition`."""
    rng = np.random.default_rng(seed)
    strength = _number_strength(digits, rng)
    height, width = FRAME
    centre = ((height - strength.shape[0]) // 2, (width - strength.shape[1]) // 2)
    paint_seed = int(rng.integers(2**31))
    # A glare: a bright oval of `shine` grey levels drifting across the number, as a lamp's reflection does when the
    # phone moves.
    shine, radii, drift = rng.uniform(120, 220), rng.uniform([30, 60], [60, 120]), rng.uniform(-1, 1)
    rows, cols = np.mgrid[0:height, 0:width]
    count = FPS * SECONDS
    frames, enters = [], 0.0
    for k in range(count):
        t = k / FPS
        top, left = centre
        if condition == "pan":
            # From just past the frame's right edge to the middle, then still.
            travel = max(0.0, 1 - t / PAN_SECONDS)
            left = centre[1] + round(travel * (width - centre[1]))
        # Painted on a page twice the frame's width, of which the camera sees the left half.
        page = paint(strength, (height, 2 * width), (top, left), "photo", np.random.default_rng(paint_seed))
        rgb = page[:, :width, :3].astype(np.float64)
        if condition == "light":
            # A shadow sweeping across and the light dimming to half and back, twice a clip.
            light = 0.75 + 0.25 * math.cos(2 * math.pi * t * 2 / SECONDS)
            shadow = np.clip((np.arange(width) - (t / SECONDS) * width) / 60, 0, 1) * 0.3 + 0.7
            rgb = rgb * light * shadow[np.newaxis, :, np.newaxis]
        if condition == "glare":
            x = width / 2 + drift * strength.shape[1] * (t / SECONDS - 0.5)
            oval = np.exp(-(((rows - height / 2) / radii[0]) ** 2 + ((cols - x) / radii[1]) ** 2))
            rgb = rgb + shine * oval[..., np.newaxis]
        if condition == "blur":
            # Focus hunting: sharp, then blurred to a Gaussian of 3 pixels, then sharp again.
            sigma = 0.3 + 2.7 * (0.5 - 0.5 * math.cos(2 * math.pi * t / SECONDS))
            rgb = ndimage.gaussian_filter(rgb, (sigma, sigma, 0))
        frame = np.clip(rgb, 0, 255).astype(np.uint8)
        if condition == "tilt":
            frame = _tilted(frame, 0.25)
        frames.append(frame)
    if condition == "pan":
        guide = guide_box(width, height, CAMERA)
        inside = guide.left + guide.width - strength.shape[1]  # the leftmost column at which it is all inside
        enters = PAN_SECONDS * (1 - (inside - centre[1]) / (width - centre[1]))
    return Clip(label, condition, frames, max(0.0, enters))


def write_y4m(frames: list[np.ndarray], path: Path, fps: int = FPS) -> Path:
    """Frames (H, W, 3) uint8 RGB as a YUV 4:2:0 Y4M file (full-range BT.601, as JPEG), which Chromium plays."""
    height, width = frames[0].shape[:2]

    def half(plane: np.ndarray) -> np.ndarray:  # 4:2:0: each chroma sample is the mean of a 2x2 block
        return plane.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))

    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames:
            r, g, b = (frame[..., i].astype(np.float64) for i in range(3))
            y = 0.299 * r + 0.587 * g + 0.114 * b
            u = -0.168736 * r - 0.331264 * g + 0.5 * b + 128
            v = 0.5 * r - 0.418688 * g - 0.081312 * b + 128
            out.write(b"FRAME\n")
            for plane in (y, half(u), half(v)):
                out.write(np.clip(plane.round(), 0, 255).astype(np.uint8).tobytes())
    return path


def launch_args(clip: Path) -> tuple[str, ...]:
    """Chromium's flags for a fake camera playing `clip`, allowed without asking."""
    return (*LAUNCH_ARGS, f"--use-file-for-fake-video-capture={clip}")


def film(page, seconds: float) -> dict:
    """Starts the page's camera, lets it run `seconds`, and returns its stats (page/camera.js) with the camera
    still on: when it started, frames seen, read and skipped, each reading's latency and each answer held."""
    page.click('[data-testid="camera"]')
    while not page.evaluate("window.digits.cameraStats().started"):  # the page's CSP forbids wait_for_function
        page.wait_for_timeout(20)
    page.wait_for_timeout(seconds * 1000)
    return page.evaluate("window.digits.cameraStats()")


def bench_clips(images: np.ndarray, labels: np.ndarray, per_condition: dict[str, int], seed: int) -> list[Clip]:
    """`per_condition[c]` clips of each condition c, of numbers of 2 to 6 digits (6 for every third), from
    `images`."""
    rng = np.random.default_rng(seed)
    clips = []
    for condition, count in per_condition.items():
        for i in range(count):
            length = 6 if i % 3 == 0 else int(rng.integers(2, 6))
            chosen = rng.choice(len(images), size=length, replace=False)
            label = "".join(str(int(labels[j])) for j in chosen)
            clips.append(make_clip([images[j] for j in chosen], label, condition, int(rng.integers(2**31))))
    return clips


def measure_camera(dist: Path, clips: list[Clip]) -> dict:
    """Per condition, and for the 6-digit numbers alone, on wasm: the share of held answers that are exact, the
    share of clips with an exact one, the time from the number wholly inside the guide box to its first exact hold,
    frames read per second, each frame's latency to its answer, and the share of frames skipped while one was read."""
    from playwright.sync_api import sync_playwright

    from .browser import launch_chromium, serve
    from .page import timings

    found: dict[str, dict[str, list]] = {}
    with serve(dist) as url, sync_playwright() as playwright, tempfile.TemporaryDirectory() as scratch:
        for k, clip in enumerate(clips):
            path = write_y4m(clip.frames, Path(scratch) / f"clip-{k}.y4m")
            browser = launch_chromium(playwright, launch_args(path))
            page = browser.new_page()
            page.goto(f"{url}?backend=wasm")
            page.wait_for_selector("html[data-model=ready]")
            stats = film(page, SECONDS)
            browser.close()
            path.unlink()
            held = [h["text"] for h in stats["holds"]]
            print(f"  camera clip {k + 1}/{len(clips)}, {clip.condition} {clip.label}: held {held}", flush=True)
            for key in (clip.condition, "six digits") if len(clip.label) == 6 else (clip.condition,):
                into = found.setdefault(key, {name: [] for name in ("exact", "held", "to_hold", "fps", "ms", "skip")})
                into["exact"] += [text == clip.label for text in held]
                into["held"].append(clip.label in held)
                first = next((h["at"] for h in stats["holds"] if h["text"] == clip.label), None)
                if first is not None:
                    into["to_hold"].append(first - stats["started"] - 1000 * clip.enters_s)
                into["fps"].append(1000 * stats["read"] / (stats["now"] - stats["started"]))
                into["ms"] += stats["latencies"]
                into["skip"].append(stats["skipped"] / max(1, stats["frames"]))
    return {
        key: {
            "held_exact": float(np.mean(v["exact"])) if v["exact"] else 0.0,
            "clips_held": float(np.mean(v["held"])),
            "entering_to_hold_ms": timings(v["to_hold"]) if v["to_hold"] else None,
            "frames_per_s": float(np.median(v["fps"])),
            "frame_to_answer_ms": timings(v["ms"]),
            "skipped": float(np.mean(v["skip"])),
            "clips": len(v["held"]),
        }
        for key, v in found.items()
    }
