"""The open-window list for this platform, behind one function. No Qt.

Each platform's adapter is imported only where it can work (python-xlib is a Linux dependency,
pyobjc a macOS one), so importing this module never fails.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from preflight.desktop.base import DesktopUnavailable, WindowListing


def list_windows(
    *, platform: str = sys.platform, env: Mapping[str, str] | None = None
) -> WindowListing:
    """Every top-level application window on this desktop.

    Raises:
        DesktopUnavailable: the list cannot be read here (Wayland, no display, no window manager,
            an unsupported platform); the message says why in plain words.
    """
    env = os.environ if env is None else env
    if platform == "win32":
        from preflight.desktop.windows_win32 import list_windows_win32

        return list_windows_win32()
    if platform == "darwin":
        from preflight.desktop.windows_macos import list_windows_macos

        return list_windows_macos()
    if platform.startswith(("linux", "freebsd", "openbsd")):
        try:
            from preflight.desktop.windows_x11 import list_windows_x11
        except ImportError:
            raise DesktopUnavailable(
                "The X11 library (python-xlib) is missing, so open windows cannot be checked; "
                "reinstall Preflight."
            ) from None
        return list_windows_x11(env=env)
    raise DesktopUnavailable(f"Preflight cannot list open windows on this system ({platform}).")
