"""Keep TensorFlow's native logging (CUDA probing, absl and tf.data warnings) out of user output."""

from __future__ import annotations

import os
import sys


def hide_native_stderr() -> None:
    """From now on, what C++ code writes to file descriptor 2 goes to /dev/null.

    TF's and LiteRT's native logs bypass Python and some come from background
    threads at any time, so no narrower window catches them all. Python's
    sys.stderr moves to a copy of the original descriptor: warnings, errors and
    child processes given `stderr=sys.stderr` still reach the terminal.
    """
    visible = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr.flush()
    sys.stderr = os.fdopen(visible, "w", buffering=1)


def import_tensorflow_quietly() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow

    tensorflow.get_logger().setLevel("ERROR")
