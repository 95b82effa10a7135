"""Values the desktop adapters return: windows, browser tabs, per-browser read status. No Qt.

Titles and URLs live only in these in-memory values; checks reduce them to an app or host name and
a category before anything is reported or recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from preflight.errors import PreflightError

TabsStatus = Literal["ok", "cannot_inspect", "error"]

# What an app or website on the desktop is, for the policy (see assets/desktop/catalogue.toml).
DesktopCategory = Literal[
    "video_call",
    "recording",
    "remote_control",
    "social_media",
    "messaging",
    "personal_webmail",
    "banking_shopping",
    "gambling_adult",
]


class DesktopUnavailable(PreflightError):
    """This desktop cannot be read (no display, Wayland, a permission missing). The message is a
    plain reason a teacher can act on; checks turn it into `error`, never a pass."""


# Display names of the browsers whose tabs are read, by their ids in `Tab.browser`.
BROWSER_NAMES = {
    "firefox": "Firefox",
    "chrome": "Chrome",
    "chromium": "Chromium",
    "edge": "Edge",
    "brave": "Brave",
}


class SessionFileError(ValueError):
    """A browser session file is truncated, garbage or in a format we do not know. One line."""


class EncryptedSession(SessionFileError):
    """The browser encrypts its session file; the tabs cannot be inspected (not "no tabs")."""


@dataclass(frozen=True)
class WindowInfo:
    """One top-level window on the desktop.

    Attributes:
        title: the window title (may be empty); never stored or reported as is.
        app: a short application name ("zoom", "firefox-esr"), from the process or window class.
        pid: the owning process id, or None when the window does not say.
        executable: the full path of the owning program, or "" when unknown.
        window_id: the platform's handle (X11 window id, HWND, CGWindowNumber).
        wm_class: X11 (instance, class), or the macOS owner name / Windows class name where known.
    """

    title: str
    app: str
    pid: int | None = None
    executable: str = ""
    window_id: int = 0
    wm_class: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tab:
    """One open browser tab: its current URL and, where the file has it, its title.

    `window_index` and `tab_index` are 0-based positions in the browser's window and tab order.
    """

    browser: str
    profile: str
    url: str
    title: str = ""
    window_index: int = 0
    tab_index: int = 0
    active: bool = False
    pinned: bool = False


@dataclass(frozen=True)
class BrowserTabs:
    """What one browser profile's session file told us.

    Attributes:
        browser: "firefox", "chrome", "chromium", "edge" or "brave".
        profile: the profile's folder name ("Default", "abcd.default-release").
        status: "ok" (tabs read), "cannot_inspect" (encrypted), "error" (unreadable file).
        tabs: the open tabs, in window then tab order; empty unless status is "ok".
        reason: for "cannot_inspect"/"error", one plain line saying why.
        in_use: True when the profile is open in a running browser, False when we know it is not,
            None when we cannot tell (then its tabs are treated as open: fail closed).
        source: the session file read, for diagnostics (never put into a report).
    """

    browser: str
    profile: str
    status: TabsStatus
    tabs: tuple[Tab, ...] = ()
    reason: str = ""
    in_use: bool | None = None
    source: Path | None = None

    def __post_init__(self) -> None:
        if self.status not in ("ok", "cannot_inspect", "error"):
            raise ValueError(f"status must be ok, cannot_inspect or error, got {self.status!r}")
        if self.status != "ok" and not self.reason:
            raise ValueError(f"a {self.status} result needs a reason")
        object.__setattr__(self, "tabs", tuple(self.tabs))


@dataclass(frozen=True)
class WindowListing:
    """The desktop's top-level windows, and what this platform would not let us see.

    Attributes:
        windows: every top-level application window, in stacking or enumeration order.
        platform: "x11", "win32" or "macos".
        limitations: plain sentences about what could not be read (e.g. macOS without the Screen
            Recording permission gives app names but no titles). Empty when the list is complete.
    """

    windows: tuple[WindowInfo, ...]
    platform: str
    limitations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "windows", tuple(self.windows))
        object.__setattr__(self, "limitations", tuple(self.limitations))


WallpaperKind = Literal["image", "solid", "slideshow"]


@dataclass(frozen=True)
class Wallpaper:
    """One desktop background setting.

    Attributes:
        source: where it was found: "gnome", "gnome-dark", "kde", "xfce", "mate", "cinnamon",
            "windows", "macos".
        kind: "image" (images holds the picture(s)), "solid" (a plain colour, nothing to inspect)
            or "slideshow" (images holds every picture it rotates through that could be found).
        images: the image files to inspect, existing on disk.
        reason: when kind is "image"/"slideshow" but images is empty, why (file missing...).
    """

    source: str
    kind: WallpaperKind
    images: tuple[Path, ...] = ()
    reason: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("image", "solid", "slideshow"):
            raise ValueError(f"kind must be image, solid or slideshow, got {self.kind!r}")
        object.__setattr__(self, "images", tuple(Path(p) for p in self.images))


def one_line(exc: BaseException, limit: int = 160) -> str:
    """An exception as a short line for a reason: an OS error by its strerror, else the first line
    of its message (later lines of parser errors can quote the file)."""
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    else:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        text = lines[0] if lines else ""
    text = " ".join(text.split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def read_capped(path: Path, max_bytes: int) -> bytes:
    """A file's bytes, refusing one larger than `max_bytes` without reading it all.

    Raises:
        SessionFileError: the file is too large.
        OSError: it cannot be read (callers decide: a file replaced mid-read may be retried).
    """
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SessionFileError(f"the file is larger than {max_bytes >> 20} MB")
    return data
