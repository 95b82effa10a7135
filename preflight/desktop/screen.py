"""Screen capture: each monitor's pixels, in memory only. No Qt; nothing is ever written to disk."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

import mss
import mss.exception
import numpy as np
import numpy.typing as npt

from preflight.desktop.base import DesktopUnavailable


@dataclass(frozen=True, eq=False)
class ScreenShot:
    """One monitor's picture (BGR) and where the monitor sits on the virtual desktop."""

    index: int
    pixels_bgr: npt.NDArray[np.uint8]
    origin_xy: tuple[int, int]

    @property
    def size_wh(self) -> tuple[int, int]:
        return int(self.pixels_bgr.shape[1]), int(self.pixels_bgr.shape[0])


def capture_screens(
    *, platform: str = sys.platform, env: Mapping[str, str] | None = None
) -> list[ScreenShot]:
    """Every monitor, captured now.

    Raises:
        DesktopUnavailable: no display, a Wayland session, or the capture was refused.
    """
    env = os.environ if env is None else env
    if platform.startswith("linux"):
        # XWayland's DISPLAY would show native Wayland windows as black: refuse, do not pass.
        if env.get("XDG_SESSION_TYPE", "").lower() == "wayland" or env.get("WAYLAND_DISPLAY"):
            raise DesktopUnavailable(
                "This is a Wayland desktop, which does not let programs read the screen, so "
                "on-screen text cannot be checked. Log in with an X11 (Xorg) session."
            )
        if not env.get("DISPLAY"):
            raise DesktopUnavailable(
                "No graphical desktop was found (DISPLAY is not set), so the screen cannot be "
                "checked. Run Preflight from the desktop session."
            )
    shots = []
    try:
        linux = platform.startswith("linux")
        with mss.MSS(display=env["DISPLAY"]) if linux else mss.MSS() as grabber:
            for index, monitor in enumerate(grabber.monitors[1:]):
                raw = grabber.grab(monitor)
                bgra = np.frombuffer(raw.bgra, dtype=np.uint8).reshape(raw.height, raw.width, 4)
                shots.append(
                    ScreenShot(
                        index=index,
                        pixels_bgr=np.ascontiguousarray(bgra[:, :, :3]),
                        origin_xy=(int(monitor["left"]), int(monitor["top"])),
                    )
                )
    except mss.exception.ScreenShotError as exc:
        raise DesktopUnavailable(
            f"The screen could not be captured ({str(exc).splitlines()[0][:120]}); on macOS, "
            "allow Screen Recording for Preflight in System Settings › Privacy & Security."
        ) from None
    if not shots:
        raise DesktopUnavailable("No monitor was found to capture.")
    return shots
