"""The one exception type users see: its message is a single line naming the file."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad data or a bad image. str(err) is `FILE[:LINE]: what is wrong`."""

    def __init__(self, path: str | Path, problem: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.line = line
