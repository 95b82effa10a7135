"""The open windows on macOS, read with Quartz's CGWindowListCopyWindowInfo. No Qt.

`list_windows_macos()` reads the window server's list through a small `QuartzApi` interface, so
the filtering can be tested on any platform with recorded results; `PyObjCQuartzApi` is the real
one and can only be built on a Mac (pyobjc's Quartz is imported only there, only when built).

Since macOS 10.15 window titles of other apps are withheld unless Preflight has the Screen
Recording permission; app names and process ids are always given. The listing then says so in
`limitations`, so that a check never reads "no title" as "nothing to see".
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol

import psutil

from preflight.desktop.base import DesktopUnavailable, WindowInfo, WindowListing

OWNER_NAME = "kCGWindowOwnerName"
OWNER_PID = "kCGWindowOwnerPID"
NAME = "kCGWindowName"
LAYER = "kCGWindowLayer"
NUMBER = "kCGWindowNumber"
BOUNDS = "kCGWindowBounds"

NO_SCREEN_RECORDING = (
    "macOS has not given Preflight the Screen Recording permission, so window titles cannot be "
    "read (apps still can). Allow it in System Settings › Privacy & Security › Screen Recording, "
    "then reopen Preflight."
)


class QuartzApi(Protocol):
    """The Quartz calls the window list needs, with results as plain Python values."""

    def window_list(self) -> list[dict[str, Any]]:
        """CGWindowListCopyWindowInfo(kCGWindowListOptionOnScreenOnly |
        kCGWindowListExcludeDesktopElements, kCGNullWindowID), front to back, each window a dict
        keyed by the kCGWindow* names ("kCGWindowBounds" is a dict of X, Y, Width, Height)."""
        ...

    def screen_capture_allowed(self) -> bool:
        """CGPreflightScreenCaptureAccess(): whether other apps' window titles can be read."""
        ...

    def executable(self, pid: int) -> str:
        """The process's program path. Raises OSError when it cannot be found."""
        ...


def _as_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _zero_size(bounds: object) -> bool:
    """True when the bounds say the window has no area. Missing or odd bounds are not zero-size
    (the window is kept: better listed than missed)."""
    if not isinstance(bounds, Mapping):
        return False
    width, height = bounds.get("Width"), bounds.get("Height")
    if not isinstance(width, int | float) or not isinstance(height, int | float):
        return False
    return width <= 0 or height <= 0


def _read_window(item: Mapping[str, Any]) -> WindowInfo | None:
    """The window as a WindowInfo (executable not yet filled in), None when the filter drops it."""
    # Only layer 0 holds ordinary app windows; the menu bar, Dock, status items and overlays sit
    # above it. A window that does not say its layer is kept.
    if item.get(LAYER, 0) != 0:
        return None
    owner = item.get(OWNER_NAME)
    if not isinstance(owner, str) or not owner.strip() or _zero_size(item.get(BOUNDS)):
        return None
    title = item.get(NAME)
    return WindowInfo(
        title=title if isinstance(title, str) else "",
        app=owner,
        pid=_as_int(item.get(OWNER_PID)),
        window_id=_as_int(item.get(NUMBER)) or 0,
        wm_class=(owner,),
    )


def list_windows_macos(quartz: QuartzApi | None = None) -> WindowListing:
    """The open app windows on this Mac's current Space(s), frontmost first.

    Raises:
        DesktopUnavailable: not on a Mac, pyobjc's Quartz is missing, or there is no window server.
    """
    quartz = PyObjCQuartzApi() if quartz is None else quartz
    try:
        allowed = quartz.screen_capture_allowed()
    except OSError:
        allowed = False
    windows: list[WindowInfo] = []
    executables: dict[int, str] = {}
    for item in quartz.window_list():
        info = _read_window(item)
        if info is None:
            continue
        if info.pid is not None:
            if info.pid not in executables:
                try:
                    executables[info.pid] = quartz.executable(info.pid)
                except OSError:
                    executables[info.pid] = ""
            info = replace(info, executable=executables[info.pid])
        windows.append(info)
    limitations: tuple[str, ...] = ()
    # Say so only when a title is actually missing: the permission check is known to give false
    # negatives (macOS 15), and then every title still comes through.
    if not allowed and any(not window.title for window in windows):
        limitations = (NO_SCREEN_RECORDING,)
    return WindowListing(windows=tuple(windows), platform="macos", limitations=limitations)


def _plain(value: Any) -> Any:
    """pyobjc's NSDictionary/NSString/NSNumber values as dict/str/int/float/bool."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Mapping) or hasattr(value, "keys"):
        return {str(key): _plain(value[key]) for key in value.keys()}  # noqa: SIM118 (NSDictionary)
    return value


class PyObjCQuartzApi:
    """The real `QuartzApi`, through pyobjc-framework-Quartz. macOS only."""

    def __init__(self) -> None:
        if sys.platform != "darwin":
            raise DesktopUnavailable(
                "This computer is not a Mac, so the macOS window list cannot be read."
            )
        try:
            import Quartz
        except ImportError as exc:
            raise DesktopUnavailable(
                "The macOS window list needs pyobjc-framework-Quartz, which is not installed; "
                "reinstall Preflight."
            ) from exc
        self._quartz: Any = Quartz

    def window_list(self) -> list[dict[str, Any]]:
        quartz = self._quartz
        options = (
            quartz.kCGWindowListOptionOnScreenOnly | quartz.kCGWindowListExcludeDesktopElements
        )
        raw = quartz.CGWindowListCopyWindowInfo(options, quartz.kCGNullWindowID)
        if raw is None:
            raise DesktopUnavailable(
                "macOS did not give the window list: Preflight is not running in a logged-in "
                "desktop session."
            )
        return [_plain(item) for item in raw]

    def screen_capture_allowed(self) -> bool:
        preflight = getattr(self._quartz, "CGPreflightScreenCaptureAccess", None)
        if preflight is None:
            return True  # before macOS 10.15 titles need no permission
        return bool(preflight())

    def executable(self, pid: int) -> str:
        try:
            return str(psutil.Process(pid).exe())
        except psutil.Error as exc:
            raise OSError(f"process {pid}: {exc}") from exc
