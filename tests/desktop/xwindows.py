"""Real X11 windows for tests, made with python-xlib: titles (UTF-8), PIDs, classes, pictures.

Run as a script (`python -m tests.desktop.xwindows DISPLAY churn`) it opens and closes windows as
fast as it can, so a test can list windows while some vanish mid-read.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image
from Xlib import X, Xatom, display


@dataclass(frozen=True)
class WindowSpec:
    title: str
    wm_class: tuple[str, str] = ("testapp", "TestApp")
    pid: int | None = None  # None: this process
    picture: Image.Image | None = None  # shown in the window, which takes its size
    position_xy: tuple[int, int] = (20, 20)


class XWindows:
    """Opens windows on a display; `close()` (or leaving the `with`) destroys them."""

    def __init__(self, display_name: str) -> None:
        self.d = display.Display(display_name)
        self.screen = self.d.screen()
        self.windows: list = []

    def open(self, spec: WindowSpec) -> int:
        d, screen = self.d, self.screen
        width, height = spec.picture.size if spec.picture is not None else (320, 200)
        window = screen.root.create_window(
            spec.position_xy[0],
            spec.position_xy[1],
            width,
            height,
            0,
            screen.root_depth,
            X.InputOutput,
            X.CopyFromParent,
            background_pixel=screen.white_pixel,
            event_mask=X.ExposureMask,
        )
        window.change_property(
            d.intern_atom("_NET_WM_NAME"), d.intern_atom("UTF8_STRING"), 8, spec.title.encode()
        )
        window.change_property(
            d.intern_atom("_NET_WM_PID"),
            Xatom.CARDINAL,
            32,
            [spec.pid if spec.pid is not None else os.getpid()],
        )
        window.set_wm_class(*spec.wm_class)
        window.map()
        d.sync()
        if spec.picture is not None:
            self._draw(window, spec.picture)
        self.windows.append(window)
        return int(window.id)

    def _draw(self, window, picture: Image.Image) -> None:  # type: ignore[no-untyped-def]
        time.sleep(0.3)  # let the window manager map it before drawing
        gc = window.create_gc()
        rgb = np.asarray(picture.convert("RGB"))
        # X wants BGRX rows on a 24-bit TrueColor visual.
        bgrx = np.zeros((*rgb.shape[:2], 4), np.uint8)
        bgrx[..., :3] = rgb[..., ::-1]
        height, width = rgb.shape[:2]
        rows_per_put = max(1, 60000 // (width * 4))  # keep each request under the size limit
        for top in range(0, height, rows_per_put):
            band = bgrx[top : top + rows_per_put]
            window.put_image(gc, 0, top, width, band.shape[0], X.ZPixmap, 24, 0, band.tobytes())
        self.d.sync()

    def destroy(self, wid: int) -> None:
        for window in list(self.windows):
            if window.id == wid:
                window.destroy()
                self.windows.remove(window)
        self.d.sync()

    def close(self) -> None:
        for window in self.windows:
            with contextlib.suppress(Exception):
                window.destroy()
        self.windows = []
        self.d.close()

    def __enter__(self) -> XWindows:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wait_for_titles(display_name: str, titles: Sequence[str], timeout_s: float = 10.0) -> None:
    """Wait until the window manager lists every title."""
    from preflight.desktop.windows_x11 import list_windows_x11

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        listed = {w.title for w in list_windows_x11(env={"DISPLAY": display_name}).windows}
        if set(titles) <= listed:
            return
        time.sleep(0.1)
    raise TimeoutError(f"windows {sorted(set(titles))} not listed after {timeout_s} s")


def _churn(display_name: str) -> None:
    with XWindows(display_name) as windows:
        print("ready", flush=True)
        n = 0
        while True:
            wid = windows.open(WindowSpec(f"churn {n}", ("churn", "Churn")))
            time.sleep(0.002)
            windows.destroy(wid)
            n += 1


if __name__ == "__main__":
    _churn(sys.argv[1])
