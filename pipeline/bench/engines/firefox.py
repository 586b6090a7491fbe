"""Firefox as a Driver: the system's Firefox ESR, driven by puppeteer-core over WebDriver BiDi in a Node process
(firefox.mjs) that takes one JSON request a line."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..browser import first_executable
from .driver import VIEWPORT, EngineError, log_tail

SCRIPT = Path(__file__).with_name("firefox.mjs")
SYSTEM_FIREFOX = Path("/usr/bin/firefox-esr")
LAUNCH_TIMEOUT_S = 60
CALL_TIMEOUT_S = 90


def find_firefox() -> Path:
    """FIREFOX_PATH, else Debian's Firefox ESR, else a `firefox` on the PATH; raises rather than skip a test."""
    found = first_executable([os.environ.get("FIREFOX_PATH"), SYSTEM_FIREFOX, shutil.which("firefox")])
    if found:
        return Path(found)
    raise EngineError("No Firefox found: set FIREFOX_PATH or install it (apt-get install firefox-esr).")


class Firefox:
    engine = "firefox"

    def __init__(self, executable: Path | None = None) -> None:
        # Node's and Firefox's stderr, shown when something fails; open as long as the driver is.
        self._log = tempfile.TemporaryFile("w+")  # noqa: SIM115
        width, height = VIEWPORT
        launch = {"executablePath": str(executable or find_firefox()), "width": width, "height": height}
        self._process = subprocess.Popen(
            ["node", str(SCRIPT), json.dumps(launch)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            start_new_session=True,  # a group of its own, so a hung Firefox goes with its Node on close
        )
        # A thread reads the replies so that a hung browser times a request out instead of hanging the caller.
        self._replies: queue.Queue[dict | None] = queue.Queue()
        threading.Thread(target=self._read_replies, daemon=True).start()
        self._next_id = 0
        try:
            self.version = "Firefox " + self._reply("launch", LAUNCH_TIMEOUT_S)["version"].split("/")[-1]
        except Exception:
            self.close()
            raise

    def _read_replies(self) -> None:
        for line in self._process.stdout:
            if line.startswith("{"):
                self._replies.put(json.loads(line))
        self._replies.put(None)

    def _reply(self, what: str, timeout_s: float) -> dict:
        try:
            reply = self._replies.get(timeout=timeout_s)
        except queue.Empty:
            raise EngineError(f"firefox: no answer to {what} in {timeout_s} s{log_tail(self._log)}") from None
        if reply is None:
            raise EngineError(f"firefox: the driver exited during {what}{log_tail(self._log)}")
        return reply

    def _call(self, op: str, timeout_s: float = CALL_TIMEOUT_S, **args: Any) -> Any:
        self._next_id += 1
        self._process.stdin.write(json.dumps({"id": self._next_id, "op": op, **args}) + "\n")
        self._process.stdin.flush()
        reply = self._reply(op, timeout_s)
        while reply.get("id") != self._next_id:  # the late answer to a request that timed out
            reply = self._reply(op, timeout_s)
        if "error" in reply:
            raise EngineError(f"firefox {op}: {reply['error']}")
        return reply["value"]

    def goto(self, url: str) -> None:
        self._call("goto", url=url)

    def reload(self) -> None:
        self._call("reload")

    def evaluate(self, expression: str) -> Any:
        return self._call("evaluate", expression=expression)

    def draw(self, paths: list[list[tuple[int, int]]]) -> None:
        self._call("draw", paths=paths)

    def click(self, selector: str) -> None:
        self._call("click", selector=selector)

    def select(self, selector: str, value: str) -> None:
        self._call("select", selector=selector, value=value)

    def upload(self, selector: str, path: Path) -> None:
        self._call("upload", selector=selector, path=str(path))

    def errors(self) -> list[str]:
        return self._call("errors")

    def close(self) -> None:
        if self._process.poll() is None:
            try:
                self._process.stdin.close()  # firefox.mjs closes the browser when its input ends
                self._process.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
        self._log.close()
