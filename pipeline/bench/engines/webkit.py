"""WebKit as a Driver: Debian's WebKitGTK MiniBrowser through its WebDriver (WebKitWebDriver), with Selenium, on a
virtual X display (xvfb-run), since MiniBrowser has no headless mode."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import warnings
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.actions import interaction
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.actions.pointer_input import PointerInput
from selenium.webdriver.common.by import By
from selenium.webdriver.support.select import Select
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

from ..browser import first_executable
from .driver import VIEWPORT, EngineError, log_tail

WEBKIT_DRIVER = Path("/usr/bin/WebKitWebDriver")
MINIBROWSER = Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
XVFB_RUN = Path("/usr/bin/xvfb-run")

# Without a GPU (a virtual display, software GL), WebKitGTK's DMA-BUF renderer made each frame slow here: it added
# 60-90 ms to pen-up-to-answer (3-5 ms without), a cost of this machine rather than of the app. With this variable
# (trac.webkit.org/wiki/EnvironmentVariables) the web process hands its frames over in shared memory instead.
RENDERING_ENV = {"WEBKIT_DISABLE_DMABUF_RENDERER": "1"}

# WebKitWebDriver has no console log to read (Debian builds it without WebDriver BiDi, and under automation the
# console is not written to stdout even when asked), so the page collects its own from when the hook is installed,
# which is once it has loaded.
_ERROR_HOOK_JS = """(() => {
  if (window.__engineErrors) return;
  const errors = (window.__engineErrors = []);
  const original = console.error;
  console.error = (...args) => { errors.push(args.map(String).join(' ')); original.apply(console, args); };
  addEventListener('error', (event) => errors.push(`uncaught: ${event.message}`));
  addEventListener('unhandledrejection',
    (event) => errors.push(`unhandled rejection: ${event.reason?.message ?? event.reason}`));
})()"""
# execute_async_script's body: the expression's value (a promise awaited) or its error, as a plain object.
_EVALUATE_JS = """const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (%s)).then(
  (value) => done({ value: value === undefined ? null : value }),
  (error) => done({ error: String((error && error.stack) || error) }));"""


def _executable(path: Path, package: str) -> Path:
    if not first_executable([path]):
        raise EngineError(f"{path} not found: install it (apt-get install {package}).")
    return path


class _VirtualDisplay:
    """An X server of its own for the browser, for as long as this object lives; `env` points a process at it."""

    def __init__(self) -> None:
        # xvfb-run picks a free display (-a) and its auth file; the shell tells us both, then waits on its stdin.
        self._process = subprocess.Popen(
            [str(_executable(XVFB_RUN, "xvfb xauth")), "-a", "-s", "-screen 0 1920x1080x24", "sh", "-c"]
            + ['echo "$DISPLAY $XAUTHORITY"; exec cat'],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        line = self._process.stdout.readline().split()
        if len(line) != 2:
            self.close()
            raise EngineError("xvfb-run could not start a virtual display")
        self.env = {**os.environ, "DISPLAY": line[0], "XAUTHORITY": line[1]}

    def close(self) -> None:
        if self._process.poll() is None:
            try:
                self._process.stdin.close()  # cat ends, and xvfb-run stops its X server
                self._process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self._process.pid, signal.SIGTERM)
                self._process.wait()


class WebKit:
    engine = "webkit"

    def __init__(self) -> None:
        self._errors: list[str] = []  # collected from pages since left
        self._display = _VirtualDisplay()
        self._log = tempfile.NamedTemporaryFile("w+", suffix=".log")  # noqa: SIM115 (lives as long as the driver)
        options = Options()
        options.binary_location = str(_executable(MINIBROWSER, "webkit2gtk-driver"))
        options.add_argument("--automation")
        # The driver's path given, Selenium Manager is not run: it would try to download a driver.
        service = Service(
            executable_path=str(_executable(WEBKIT_DRIVER, "webkit2gtk-driver")),
            log_output=self._log.name,
            env={**self._display.env, **RENDERING_ENV},
        )
        try:
            with warnings.catch_warnings():
                # Selenium's own WebKitGTK class still passes the deprecated remote_server_addr; nothing to change here.
                warnings.filterwarnings("ignore", "setting remote_server_addr", DeprecationWarning)
                self._driver = webdriver.WebKitGTK(options=options, service=service)
            self._driver.set_window_size(*VIEWPORT)
        except Exception as error:
            self._display.close()
            message = f"WebKitWebDriver did not start MiniBrowser: {error}{log_tail(self._log)}"
            self._log.close()
            raise EngineError(message) from error
        capabilities = self._driver.capabilities
        self.version = f"WebKitGTK {capabilities.get('browserVersion', '?')} ({capabilities.get('browserName')})"

    def _element(self, selector: str):
        return self._driver.find_element(By.CSS_SELECTOR, selector)

    def _keep_errors(self) -> None:
        """Move the page's errors here before it is left, as its hook goes with it."""
        with contextlib.suppress(EngineError, WebDriverException):  # no page of ours yet
            self._errors += self.evaluate("window.__engineErrors ? window.__engineErrors.splice(0) : []")

    def goto(self, url: str) -> None:
        self._keep_errors()
        self._driver.get(url)
        self._driver.execute_script(_ERROR_HOOK_JS)

    def reload(self) -> None:
        self._keep_errors()
        self._driver.refresh()
        self._driver.execute_script(_ERROR_HOOK_JS)

    def evaluate(self, expression: str) -> Any:
        reply = self._driver.execute_async_script(_EVALUATE_JS % expression)
        if "error" in reply:
            raise EngineError(f"webkit evaluate: {reply['error']}")
        return reply["value"]

    def draw(self, paths: list[list[tuple[int, int]]]) -> None:
        # Moves take no time (Selenium's default is 250 ms each), as with the other drivers.
        actions = ActionBuilder(self._driver, mouse=PointerInput(interaction.POINTER_MOUSE, "mouse"), duration=0)
        for (x, y), *rest in paths:
            actions.pointer_action.move_to_location(x, y)
            actions.pointer_action.pointer_down()
            for px, py in rest:
                actions.pointer_action.move_to_location(px, py)
            actions.pointer_action.pointer_up()
        actions.perform()

    def click(self, selector: str) -> None:
        self._element(selector).click()

    def select(self, selector: str, value: str) -> None:
        Select(self._element(selector)).select_by_value(value)

    def upload(self, selector: str, path: Path) -> None:
        self._element(selector).send_keys(str(path))

    def errors(self) -> list[str]:
        self._keep_errors()
        errors, self._errors = self._errors, []
        return errors

    def close(self) -> None:
        try:
            self._driver.quit()
        finally:
            self._display.close()
            self._log.close()
