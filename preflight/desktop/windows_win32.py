"""The open top-level windows on Windows, read with EnumWindows through ctypes. No Qt.

`list_windows_win32()` walks the windows through a small `Win32Api` interface, so the filtering
can be tested on any platform with recorded results; `CtypesWin32Api` is the real one and can only
be built on Windows (this module imports everywhere).

The filter keeps what a person would call an open application window: visible, not owned by
another window (dialogs, tool palettes), not cloaked (suspended Store apps, other virtual
desktops) and not part of the shell. Untitled windows are kept only for apps whose every window
matters (meeting and chat apps, browsers): a titled window is kept whoever owns it.

Store (UWP) apps all appear as ApplicationFrameHost.exe; their real program is found through the
frame's `Windows.UI.Core.CoreWindow` child, which belongs to the app's own process.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from pathlib import PureWindowsPath
from typing import Any, Protocol

import psutil

from preflight.desktop.base import DesktopUnavailable, WindowInfo, WindowListing

GW_OWNER = 4
DWMWA_CLOAKED = 14
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
ERROR_INVALID_WINDOW_HANDLE = 1400

# The desktop, the taskbar and the wallpaper layers: always there, never an application.
SHELL_CLASSES = frozenset({"Progman", "WorkerW", "Shell_TrayWnd", "Shell_SecondaryTrayWnd"})

FRAME_HOST_APP = "applicationframehost"
FRAME_CLASS = "ApplicationFrameWindow"
CORE_WINDOW_CLASS = "Windows.UI.Core.CoreWindow"

# Apps whose windows are kept even when untitled (a Zoom share toolbar has no title, but it means a
# meeting is on). Lowercased program names without ".exe".
KNOWN_APPS = frozenset(
    {
        "zoom",
        "teams",
        "ms-teams",
        "slack",
        "discord",
        "skype",
        "webex",
        "ciscocollabhost",
        "whatsapp",
        "chrome",
        "msedge",
        "firefox",
        "brave",
        "opera",
        "vivaldi",
    }
)


class Win32Api(Protocol):
    """The few user32/dwmapi/kernel32 calls the window list needs.

    A window can close at any moment: calls about a closed window raise OSError, or give what
    Windows gives for a missing window (False, 0, "" or []).
    """

    def enum_windows(self) -> list[int]:
        """Every top-level window handle, in z-order (EnumWindows)."""
        ...

    def is_visible(self, hwnd: int) -> bool:
        """IsWindowVisible (True for minimised windows too)."""
        ...

    def get_owner(self, hwnd: int) -> int:
        """GetWindow(hwnd, GW_OWNER): the owner window's handle, 0 when it has none."""
        ...

    def get_text(self, hwnd: int) -> str:
        """The window's title (GetWindowTextW), "" when it has none."""
        ...

    def get_class_name(self, hwnd: int) -> str:
        """The window class (GetClassNameW); every live window has one."""
        ...

    def is_cloaked(self, hwnd: int) -> bool:
        """DwmGetWindowAttribute(DWMWA_CLOAKED) is nonzero."""
        ...

    def get_pid(self, hwnd: int) -> int:
        """The owning process id (GetWindowThreadProcessId); 0 when the window is gone."""
        ...

    def child_windows(self, hwnd: int) -> list[int]:
        """The window's descendants (EnumChildWindows)."""
        ...

    def exe_path(self, pid: int) -> str:
        """The process's full program path (QueryFullProcessImageNameW). Raises OSError when the
        process cannot be opened (another user's or a protected process) or has exited."""
        ...

    def process_name(self, pid: int) -> str:
        """The process's program file name ("Taskmgr.exe"), which Windows gives even when
        `exe_path` is refused. Raises OSError when the process has exited."""
        ...


def _program_stem(path_or_name: str) -> str:
    """ "C:\\Program Files\\Zoom\\bin\\Zoom.exe" → "zoom"."""
    return PureWindowsPath(path_or_name).stem.lower() if path_or_name else ""


class _Processes:
    """Program path and name per process id, looked up once per listing."""

    def __init__(self, api: Win32Api) -> None:
        self._api = api
        self._seen: dict[int, tuple[str, str]] = {}

    def lookup(self, pid: int) -> tuple[str, str]:
        """(executable path or "", lowercased program stem or "")."""
        if pid not in self._seen:
            try:
                exe = self._api.exe_path(pid)
            except OSError:
                exe = ""
            name = exe
            if not name:
                try:
                    name = self._api.process_name(pid)
                except OSError:
                    name = ""
            self._seen[pid] = (exe, _program_stem(name))
        return self._seen[pid]


def _store_app_pid(api: Win32Api, frame: int, frame_pid: int) -> int | None:
    """The pid of the Store app inside an ApplicationFrameWindow, or None when it is not there
    (a minimised Store app's CoreWindow is detached from its frame)."""
    try:
        children = api.child_windows(frame)
    except OSError:
        return None
    for child in children:
        try:
            if api.get_class_name(child) != CORE_WINDOW_CLASS:
                continue
            pid = api.get_pid(child)
        except OSError:
            continue
        if pid and pid != frame_pid:
            return pid
    return None


def _read_window(api: Win32Api, hwnd: int, processes: _Processes) -> WindowInfo | None:
    """The window as a WindowInfo, None when the filter drops it. Raises OSError when the window
    closed while being read."""
    if not api.is_visible(hwnd) or api.get_owner(hwnd):
        return None
    class_name = api.get_class_name(hwnd)
    if not class_name:
        return None  # gone: every live window has a class
    if class_name in SHELL_CLASSES or api.is_cloaked(hwnd):
        return None
    title = api.get_text(hwnd)
    pid = api.get_pid(hwnd)
    if not pid:
        return None  # gone (read last, so a window closing during the reads above is caught)
    exe, app = processes.lookup(pid)
    if class_name == FRAME_CLASS and app in (FRAME_HOST_APP, ""):
        store_pid = _store_app_pid(api, hwnd, pid)
        if store_pid is not None:
            pid = store_pid
            exe, app = processes.lookup(pid)
    if not title and app not in KNOWN_APPS:
        return None
    return WindowInfo(
        title=title,
        app=app or class_name.lower(),
        pid=pid,
        executable=exe,
        window_id=hwnd,
        wm_class=(class_name,),
    )


def list_windows_win32(api: Win32Api | None = None) -> WindowListing:
    """The open application windows on this Windows desktop, top of the z-order first.

    Raises:
        DesktopUnavailable: not on Windows, or Windows would not list the windows at all.
    """
    api = CtypesWin32Api() if api is None else api
    try:
        handles = api.enum_windows()
    except OSError as exc:
        raise DesktopUnavailable(
            f"Windows would not list the open windows ({exc.strerror or exc})."
        ) from exc
    processes = _Processes(api)
    windows: list[WindowInfo] = []
    for hwnd in handles:
        try:
            info = _read_window(api, hwnd, processes)
        except OSError:
            continue  # closed while we were reading it: it is no longer open
        if info is not None:
            windows.append(info)
    return WindowListing(windows=tuple(windows), platform="win32")


class CtypesWin32Api:
    """The real `Win32Api`: user32, dwmapi and kernel32 through ctypes. Windows only.

    Raises DesktopUnavailable when built on another platform or when the system libraries cannot
    be loaded.
    """

    # ctypes' Windows-only names exist only on Windows, so what is loaded with them is typed Any.
    _user32: Any
    _kernel32: Any
    _dwmapi: Any
    _enum_proc: Any
    _dword: Any

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise DesktopUnavailable(
                "This computer is not running Windows, so the Windows window list cannot be read."
            )
        try:
            self._load()
        except (OSError, AttributeError) as exc:
            raise DesktopUnavailable(
                f"Windows' window functions could not be loaded ({exc}), so the open windows "
                "cannot be read."
            ) from exc

    def _load(self) -> None:
        if sys.platform != "win32":  # repeated so that type checkers read the rest as Windows code
            raise OSError("not Windows")
        from ctypes import wintypes

        user32 = ctypes.WinDLL("user32", use_last_error=True)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        hwnd, dword, boolean = wintypes.HWND, wintypes.DWORD, wintypes.BOOL
        enum_proc = ctypes.WINFUNCTYPE(boolean, hwnd, wintypes.LPARAM)

        user32.EnumWindows.argtypes = [enum_proc, wintypes.LPARAM]
        user32.EnumWindows.restype = boolean
        user32.EnumChildWindows.argtypes = [hwnd, enum_proc, wintypes.LPARAM]
        user32.EnumChildWindows.restype = boolean
        user32.IsWindow.argtypes = [hwnd]
        user32.IsWindow.restype = boolean
        user32.IsWindowVisible.argtypes = [hwnd]
        user32.IsWindowVisible.restype = boolean
        user32.GetWindow.argtypes = [hwnd, wintypes.UINT]
        user32.GetWindow.restype = hwnd
        user32.GetWindowTextW.argtypes = [hwnd, wintypes.LPWSTR, ctypes.c_int]
        user32.GetWindowTextW.restype = ctypes.c_int
        user32.GetClassNameW.argtypes = [hwnd, wintypes.LPWSTR, ctypes.c_int]
        user32.GetClassNameW.restype = ctypes.c_int
        user32.GetWindowThreadProcessId.argtypes = [hwnd, ctypes.POINTER(dword)]
        user32.GetWindowThreadProcessId.restype = dword
        kernel32.OpenProcess.argtypes = [dword, boolean, dword]
        kernel32.OpenProcess.restype = wintypes.HANDLE
        kernel32.QueryFullProcessImageNameW.argtypes = [
            wintypes.HANDLE,
            dword,
            wintypes.LPWSTR,
            ctypes.POINTER(dword),
        ]
        kernel32.QueryFullProcessImageNameW.restype = boolean
        kernel32.CloseHandle.argtypes = [wintypes.HANDLE]
        kernel32.CloseHandle.restype = boolean
        dwmapi: Any
        try:
            dwmapi = ctypes.WinDLL("dwmapi")
            dwmapi.DwmGetWindowAttribute.argtypes = [hwnd, dword, ctypes.c_void_p, dword]
            dwmapi.DwmGetWindowAttribute.restype = ctypes.c_long  # an HRESULT
        except OSError:
            dwmapi = None  # no desktop composition (Server Core): nothing is cloaked
        self._user32, self._kernel32, self._dwmapi = user32, kernel32, dwmapi
        self._enum_proc, self._dword = enum_proc, dword

    # --- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _last_error() -> int:
        if sys.platform == "win32":
            return ctypes.get_last_error()
        return 0

    def _window_gone(self, hwnd: int) -> bool:
        return not self._user32.IsWindow(hwnd)

    def _failed(self, what: str, hwnd: int | None = None) -> OSError:
        """The OSError for a failed call, from the thread's last Windows error."""
        code = self._last_error()
        if hwnd is not None and self._window_gone(hwnd):
            code = ERROR_INVALID_WINDOW_HANDLE
        return OSError(code, f"{what} failed (Windows error {code})")

    def _collect(self, enumerate_with: Callable[[Any], object]) -> list[int]:
        """The handles an EnumWindows-style function passes to its callback."""
        found: list[int] = []

        def add(handle: int | None, _lparam: int) -> bool:
            if handle:
                found.append(int(handle))
            return True  # go on

        callback = self._enum_proc(add)  # stays referenced until the enumeration returns
        enumerate_with(callback)
        return found

    # --- Win32Api ------------------------------------------------------------------------------

    def enum_windows(self) -> list[int]:
        def run(callback: Any) -> None:
            if not self._user32.EnumWindows(callback, 0):  # our callback never stops it early
                raise self._failed("EnumWindows")

        return self._collect(run)

    def is_visible(self, hwnd: int) -> bool:
        return bool(self._user32.IsWindowVisible(hwnd))

    def get_owner(self, hwnd: int) -> int:
        owner = self._user32.GetWindow(hwnd, GW_OWNER)
        if not owner and self._window_gone(hwnd):
            raise self._failed("GetWindow", hwnd)
        return int(owner or 0)

    def get_text(self, hwnd: int) -> str:
        # For another process's window GetWindowTextW reads the stored title without messaging
        # the window, so a hung app cannot hang us. 1024 characters is more than any title bar.
        buffer = ctypes.create_unicode_buffer(1024)
        if not self._user32.GetWindowTextW(hwnd, buffer, len(buffer)) and self._window_gone(hwnd):
            raise self._failed("GetWindowTextW", hwnd)
        return buffer.value

    def get_class_name(self, hwnd: int) -> str:
        buffer = ctypes.create_unicode_buffer(257)  # class names have at most 256 characters
        if not self._user32.GetClassNameW(hwnd, buffer, len(buffer)):
            raise self._failed("GetClassNameW", hwnd)
        return buffer.value

    def is_cloaked(self, hwnd: int) -> bool:
        if self._dwmapi is None:
            return False
        cloaked = self._dword(0)
        result = self._dwmapi.DwmGetWindowAttribute(
            hwnd, DWMWA_CLOAKED, ctypes.byref(cloaked), ctypes.sizeof(cloaked)
        )
        if result != 0:
            if self._window_gone(hwnd):
                raise self._failed("DwmGetWindowAttribute", hwnd)
            return False  # cannot tell: keep the window (better listed than missed)
        return bool(cloaked.value)

    def get_pid(self, hwnd: int) -> int:
        pid = self._dword(0)
        if not self._user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid)):
            raise self._failed("GetWindowThreadProcessId", hwnd)
        return int(pid.value)

    def child_windows(self, hwnd: int) -> list[int]:
        def run(callback: Any) -> None:
            self._user32.EnumChildWindows(hwnd, callback, 0)  # its return value means nothing

        return self._collect(run)

    def exe_path(self, pid: int) -> str:
        try:
            return self._query_image_name(pid)
        except OSError as refused:
            # psutil knows other routes for processes we may not open (e.g. another user's).
            try:
                return str(psutil.Process(pid).exe())
            except psutil.Error:
                raise refused from None

    def _query_image_name(self, pid: int) -> str:
        handle = self._kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:
            raise self._failed("OpenProcess")
        try:
            buffer = ctypes.create_unicode_buffer(32768)
            size = self._dword(len(buffer))
            if not self._kernel32.QueryFullProcessImageNameW(handle, 0, buffer, ctypes.byref(size)):
                raise self._failed("QueryFullProcessImageNameW")
            return buffer.value
        finally:
            self._kernel32.CloseHandle(handle)

    def process_name(self, pid: int) -> str:
        try:
            return str(psutil.Process(pid).name())
        except psutil.Error as exc:
            raise OSError(f"process {pid}: {exc}") from exc
