"""A real X11 desktop for tests: Xvfb, optionally with openbox (an EWMH window manager)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path


def _free_display() -> int:
    for number in range(90, 200):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number between :90 and :199")


def _wait(predicate, timeout_s: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out after {timeout_s} s waiting for {what}")


def _has_wm(display: str) -> bool:
    out = subprocess.run(
        ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        check=False,
    )
    return "window id" in out.stdout


@contextlib.contextmanager
def x_session(*, window_manager: bool, size: str = "1280x800x24") -> Iterator[str]:
    """Start Xvfb (and openbox when asked) on a free display; yield its DISPLAY string."""
    for tool in ("Xvfb", "xprop") + (("openbox",) if window_manager else ()):
        if shutil.which(tool) is None:
            raise RuntimeError(
                f"{tool} is not installed; `make test` installs it (scripts/setup_system.sh)"
            )
    number = _free_display()
    display = f":{number}"
    xvfb = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", size, "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wm = None
    try:
        _wait(lambda: Path(f"/tmp/.X11-unix/X{number}").exists(), 10, f"Xvfb on {display}")
        if window_manager:
            wm = subprocess.Popen(
                ["openbox", "--sm-disable"],
                env={**os.environ, "DISPLAY": display},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            _wait(lambda: _has_wm(display), 10, f"openbox on {display}")
        yield display
    finally:
        for proc in (wm, xvfb):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
