"""A real X11 desktop for tests: Xvfb, optionally with openbox (an EWMH window manager)."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

_START_TIMEOUT_S = 30.0
# Xvfb's -displayfd pipes (read ends), by server pid, closed when the server is stopped.
_keep_open: dict[int, int] = {}


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


def _tail(path: Path) -> str:
    text = path.read_text(errors="replace").strip() if path.exists() else ""
    return " | ".join(text.splitlines()[-5:]) or "(nothing printed)"


def _start_xvfb(size: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start Xvfb on a display number it picks itself (-displayfd).

    Xvfb tries numbers until it can listen on both the socket file and the abstract socket, and
    writes the number only once it accepts connections; so a server that another job (sharing the
    abstract socket namespace but not /tmp) already runs on a number is skipped instead of being
    connected to by mistake. Xvfb may write the number more than once (and again on a reset,
    which -noreset avoids); a write into a closed pipe is fatal to it ("Cannot write display
    number"), so the read end stays open until the server is stopped.
    """
    read_fd, write_fd = os.pipe()
    command = ["Xvfb", "-displayfd", str(write_fd), "-noreset", "-nolisten", "tcp"]
    with log.open("wb") as err:
        xvfb = subprocess.Popen(
            [*command, "-screen", "0", size],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    os.close(write_fd)
    ready, _, _ = select.select([read_fd], [], [], _START_TIMEOUT_S)
    number = os.read(read_fd, 32).decode().split()[0] if ready else ""
    _keep_open[xvfb.pid] = read_fd
    if not number.isdigit():
        _stop(xvfb)
        raise RuntimeError(f"Xvfb did not start (exit {xvfb.returncode}): {_tail(log)}")
    return xvfb, f":{number}"


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    fd = _keep_open.pop(proc.pid, None)
    if fd is not None:
        os.close(fd)


@contextlib.contextmanager
def x_session(*, window_manager: bool, size: str = "1280x800x24") -> Iterator[str]:
    """Start Xvfb (and openbox when asked) on a free display; yield its DISPLAY string."""
    for tool in ("Xvfb", "xprop") + (("openbox",) if window_manager else ()):
        if shutil.which(tool) is None:
            raise RuntimeError(
                f"{tool} is not installed; `make test` installs it (scripts/setup_system.sh)"
            )
    with tempfile.TemporaryDirectory(prefix="preflight-x-") as logs:
        xvfb, display = _start_xvfb(size, Path(logs) / "xvfb.log")
        wm = None
        try:
            if window_manager:
                wm_log = Path(logs) / "openbox.log"
                with wm_log.open("wb") as err:
                    wm = subprocess.Popen(
                        ["openbox", "--sm-disable"],
                        env={**os.environ, "DISPLAY": display},
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=err,
                    )
                try:
                    _wait(
                        lambda: wm.poll() is not None or _has_wm(display),
                        _START_TIMEOUT_S,
                        f"openbox on {display}",
                    )
                except RuntimeError as exc:
                    raise RuntimeError(f"{exc}; openbox printed: {_tail(wm_log)}") from None
                if wm.poll() is not None:
                    raise RuntimeError(
                        f"openbox exited ({wm.returncode}) on {display}: {_tail(wm_log)}"
                    )
            yield display
        finally:
            _stop(wm)
            _stop(xvfb)
