"""X11 window list through python-xlib and the window manager's EWMH properties. No Qt.

Reads `_NET_CLIENT_LIST` (published by the window manager), then each window's `_NET_WM_NAME`
(UTF-8; `WM_NAME` only as a fallback), `_NET_WM_PID` and `WM_CLASS`. Windows may close while we read
them: such a window is skipped, never an error.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from typing import Any

import psutil
from Xlib import X, Xatom, display, error

from preflight.desktop.base import DesktopUnavailable, WindowInfo, WindowListing

# Panels and the desktop itself are not application windows.
_NOT_APP_TYPES = ("_NET_WM_WINDOW_TYPE_DOCK", "_NET_WM_WINDOW_TYPE_DESKTOP")


def _check_session(env: Mapping[str, str], display_name: str | None) -> str:
    # Under Wayland, DISPLAY may still be set (XWayland) but would list only X11 apps.
    if env.get("XDG_SESSION_TYPE", "").lower() == "wayland" or env.get("WAYLAND_DISPLAY"):
        raise DesktopUnavailable(
            "This is a Wayland desktop, which does not let other programs list its windows, so "
            "open apps cannot be checked. Log in with an X11 (Xorg) session to check them."
        )
    name = display_name or env.get("DISPLAY", "")
    if not name:
        raise DesktopUnavailable(
            "No graphical desktop was found (DISPLAY is not set), so open windows cannot be "
            "checked. Run Preflight from the desktop session."
        )
    return name


def _property(d: display.Display, window: Any, name: str, kind: int) -> Any:
    prop = window.get_full_property(d.intern_atom(name), kind)
    return None if prop is None else prop.value


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("latin-1")
    return str(value)


def _owner(pid: int | None, same_host: bool) -> tuple[str, str]:
    """(process name, executable) for a local pid, or ("", "") when it cannot be told."""
    if pid is None or not same_host:
        return "", ""
    try:
        proc = psutil.Process(pid)
        name = proc.name()
    except (psutil.Error, OSError):
        return "", ""
    try:
        exe = proc.exe()
    except (psutil.Error, OSError):
        exe = ""
    return name, exe


def _describe(d: display.Display, wid: int, hostname: str) -> WindowInfo | None:
    """One client window, or None if it is not an app window or closed while we read it."""
    window = d.create_resource_object("window", wid)
    try:
        types = _property(d, window, "_NET_WM_WINDOW_TYPE", Xatom.ATOM) or ()
        if any(d.get_atom_name(t) in _NOT_APP_TYPES for t in types):
            return None
        title = _text(_property(d, window, "_NET_WM_NAME", d.intern_atom("UTF8_STRING")))
        if not title:
            title = _text(_property(d, window, "WM_NAME", X.AnyPropertyType))
        pids = _property(d, window, "_NET_WM_PID", Xatom.CARDINAL)
        machine = _text(_property(d, window, "WM_CLIENT_MACHINE", X.AnyPropertyType))
        wm_class: tuple[str, ...] = tuple(str(c) for c in window.get_wm_class() or ())
    except error.XError:
        # Closed mid-read (BadWindow), or properties set wrongly by the app (BadAtom...).
        return None
    pid = int(pids[0]) if pids is not None and len(pids) else None
    # _NET_WM_PID is set by the client; it names a process on *its* host, which may be remote.
    same_host = not machine or machine == hostname
    name, exe = _owner(pid, same_host)
    app = name or (wm_class[1] if len(wm_class) > 1 else "").lower()
    return WindowInfo(
        title=title,
        app=app,
        pid=pid,
        executable=exe,
        window_id=wid,
        wm_class=wm_class,
    )


def list_windows_x11(
    display_name: str | None = None, *, env: Mapping[str, str] | None = None
) -> WindowListing:
    """Every application window the X11 window manager manages, in stacking order.

    Raises:
        DesktopUnavailable: Wayland, no display, the display refuses us, or no EWMH window manager.
    """
    name = _check_session(os.environ if env is None else env, display_name)
    try:
        d = display.Display(name)
    except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
        raise DesktopUnavailable(
            f"Cannot connect to the desktop's display {name} ({exc.__class__.__name__}), so open "
            "windows cannot be checked."
        ) from None
    try:
        # Asynchronous errors from windows that vanished are expected; replies raise where read.
        d.set_error_handler(lambda *_: None)
        root = d.screen().root
        ids = _property(d, root, "_NET_CLIENT_LIST_STACKING", Xatom.WINDOW)
        if ids is None:
            ids = _property(d, root, "_NET_CLIENT_LIST", Xatom.WINDOW)
        if ids is None:
            raise DesktopUnavailable(
                "The window manager on this desktop does not publish its list of open windows "
                "(EWMH _NET_CLIENT_LIST), so open apps cannot be checked."
            )
        hostname = socket.gethostname()
        windows = [w for wid in ids if (w := _describe(d, int(wid), hostname)) is not None]
    except error.ConnectionClosedError:
        raise DesktopUnavailable("The desktop's display closed while windows were read.") from None
    finally:
        d.close()
    return WindowListing(windows=tuple(windows), platform="x11")
