"""Chromium-family open tabs, read from SNSS session files. No Qt; never writes a URL anywhere.

Each profile keeps its open windows and tabs in `<profile>/Sessions/Session_<µs since 1601>` (before
Chrome 85: `<profile>/Current Session`). The file is "SNSS", an int32 LE version (1 or 3 are
cleartext), then records: uint16 LE size (id + payload), uint8 command id, payload. The browser
appends commands as things change and now and then rewrites the whole file, so the open tabs are
found by replaying the commands the way Chromium's `session_service_commands.cc` does.

Chromium is rolling out encrypted session files (version 5, in `<profile>/Sessions_Encrypted/`).
When those are the live ones, the profile is reported as "cannot inspect", never as "no tabs".
"""

from __future__ import annotations

import bisect
import json
import os
import re
import socket
import struct
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from preflight.desktop.base import (
    BROWSER_NAMES,
    BrowserTabs,
    EncryptedSession,
    SessionFileError,
    Tab,
    one_line,
    read_capped,
)

SNSS_MAGIC = b"SNSS"
_HEADER = struct.Struct("<4si")
_CLEARTEXT_VERSIONS = frozenset({1, 3})
# 2 and 4 were Chromium's first encrypted formats (never shipped); 5 is OSCrypt, live since ~148.
_ENCRYPTED_VERSIONS = frozenset({2, 4, 5})
# A raw OSCrypt blob (what a `Sessions_Encrypted` record holds) starts with one of these.
_OSCRYPT_PREFIXES = (b"v10", b"v11", b"v20")

ENCRYPTED_REASON = "Chromium encrypts its session file (format 5); its tabs cannot be inspected"

# A real session file is a few MB; refuse to read anything absurd into memory.
MAX_SESSION_BYTES = 256 * 1024 * 1024
_MAX_LOCAL_STATE_BYTES = 16 * 1024 * 1024

# Chromium writes `Sessions/` and `Sessions_Encrypted/` side by side while the encryption rollout
# is in its "write both" stages; the two files of one reset are created microseconds apart and are
# appended together. Only an encrypted file clearly newer than this is "the live one".
_ENCRYPTED_NEWER_BY_US = 60 * 1_000_000
# Seconds between 1601-01-01 (Chromium's base::Time epoch) and 1970-01-01.
_WINDOWS_EPOCH_OFFSET_S = 11_644_473_600

# Session command ids (components/sessions/core/session_service_commands.cc).
_SET_TAB_WINDOW = 0
_SET_WINDOW_BOUNDS2 = 10
_SET_TAB_INDEX_IN_WINDOW = 2
_PRUNED_FROM_BACK = 5
_UPDATE_TAB_NAVIGATION = 6
_SET_SELECTED_NAVIGATION_INDEX = 7
_SET_SELECTED_TAB_IN_INDEX = 8
_SET_WINDOW_TYPE = 9
_PRUNED_FROM_FRONT = 11
_SET_PINNED_STATE = 12
_SET_WINDOW_BOUNDS3 = 14
_SET_WINDOW_APP_NAME = 15
_TAB_CLOSED = 16
_WINDOW_CLOSED = 17
_SET_ACTIVE_WINDOW = 20
_SET_WINDOW_WORKSPACE2 = 23
_PRUNED = 24
_SET_WINDOW_USER_TITLE = 31
_SET_WINDOW_VISIBLE_ON_ALL_WORKSPACES = 32
_MARKER = 255

_ID_AND_INDEX = struct.Struct("<ii")
_ID_INDEX_COUNT = struct.Struct("<iii")
_INT32 = struct.Struct("<i")
_UINT32 = struct.Struct("<I")
_CLOSED_PAYLOAD_SIZE = 16  # int32 id, 4 bytes padding, int64 close time
_PINNED_PAYLOAD_SIZE = 8  # int32 tab id, bool, 3 bytes padding
# Commands that only say "this window exists" (Chromium's GetWindow creates it on demand).
_WINDOW_COMMANDS = frozenset(
    {
        _SET_WINDOW_BOUNDS2,
        _SET_WINDOW_BOUNDS3,
        _SET_WINDOW_APP_NAME,
        _SET_WINDOW_WORKSPACE2,
        _SET_WINDOW_USER_TITLE,
        _SET_WINDOW_VISIBLE_ON_ALL_WORKSPACES,
    }
)


# --- SNSS parsing ---------------------------------------------------------------------------


@dataclass
class _TabState:
    window_id: int = 0  # 0 = none (Chromium skips such tabs)
    visual_index: int = -1
    current: int = -1
    pinned: bool = False
    # Navigation indexes in ascending order, and each one's raw (UTF-8 url, UTF-16LE title): only
    # the current entries are ever decoded.
    indexes: list[int] = field(default_factory=list)
    entries: dict[int, tuple[bytes, bytes]] = field(default_factory=dict)

    def upsert(self, index: int, url: bytes, title: bytes) -> None:
        if index not in self.entries:
            bisect.insort(self.indexes, index)
        self.entries[index] = (url, title)

    def prune(self, start: int, count: int) -> None:
        """Remove `count` entries from `start` on and shift later ones down (command 24)."""
        if start <= self.current < start + count:
            self.current = start - 1
        elif self.current >= start + count:
            self.current -= count
        kept: list[int] = []
        entries: dict[int, tuple[bytes, bytes]] = {}
        for index in self.indexes:
            if start <= index < start + count:
                continue
            new = index - count if index >= start else index
            kept.append(new)
            entries[new] = self.entries[index]
        self.indexes = kept
        self.entries = entries

    def prune_from(self, start: int) -> None:
        """Drop every entry at `start` or later (command 5)."""
        cut = bisect.bisect_left(self.indexes, start)
        for index in self.indexes[cut:]:
            del self.entries[index]
        del self.indexes[cut:]

    def current_entry(self) -> tuple[str, str]:
        """(url, title) of nav[current], or the closest index above it, else the last one (as
        Chromium does)."""
        at = bisect.bisect_left(self.indexes, self.current)
        if at >= len(self.indexes):
            at = len(self.indexes) - 1
        url, title = self.entries[self.indexes[at]]
        return url.decode("utf-8", "replace"), title.decode("utf-16-le", "replace")


@dataclass
class _WindowState:
    selected: int = -1


class _Replay:
    """The state `CreateTabsAndWindows` builds, one command at a time."""

    def __init__(self) -> None:
        self.tabs: dict[int, _TabState] = {}
        # Open windows in order of first appearance; a closed one is forgotten until Chromium
        # would bring it back (a new SetWindowType for the same id).
        self.windows: dict[int, _WindowState] = {}
        self.closed_windows: set[int] = set()

    def tab(self, tab_id: int) -> _TabState:
        state = self.tabs.get(tab_id)
        if state is None:
            state = self.tabs[tab_id] = _TabState()
        return state

    def window(self, window_id: int, *, reopen: bool = False) -> _WindowState | None:
        state = self.windows.get(window_id)
        if state is not None:
            return state
        if window_id == 0 or (window_id in self.closed_windows and not reopen):
            return None
        self.closed_windows.discard(window_id)
        state = self.windows[window_id] = _WindowState()
        return state

    def apply(self, command: int, payload: bytes) -> None:
        """Apply one command; a payload of the wrong shape is skipped (struct.error)."""
        size = len(payload)
        if command == _UPDATE_TAB_NAVIGATION:
            navigation = _read_navigation(payload)
            if navigation is not None:
                tab_id, index, url, title = navigation
                self.tab(tab_id).upsert(index, url, title)
        elif command == _SET_TAB_WINDOW and size >= 8:
            window_id, tab_id = _ID_AND_INDEX.unpack_from(payload)
            self.tab(tab_id).window_id = window_id
            # Lenient where Chromium is strict: a window only named by its tabs still counts
            # (Chromium also wants a SetWindowType), so an odd file never hides a tab.
            self.window(window_id)
        elif command == _SET_TAB_INDEX_IN_WINDOW and size >= 8:
            tab_id, index = _ID_AND_INDEX.unpack_from(payload)
            self.tab(tab_id).visual_index = index
        elif command == _SET_SELECTED_NAVIGATION_INDEX and size >= 8:
            tab_id, index = _ID_AND_INDEX.unpack_from(payload)
            self.tab(tab_id).current = index
        elif command == _SET_SELECTED_TAB_IN_INDEX and size >= 8:
            window_id, index = _ID_AND_INDEX.unpack_from(payload)
            window = self.window(window_id)
            if window is not None:
                window.selected = index
        elif command == _SET_WINDOW_TYPE and size >= 8:
            (window_id,) = _INT32.unpack_from(payload)
            self.window(window_id, reopen=True)
        elif command == _SET_PINNED_STATE and size >= 5:
            (tab_id,) = _INT32.unpack_from(payload)
            self.tab(tab_id).pinned = payload[4] != 0
        # Commands that remove things must have exactly Chromium's payload size, so that a garbage
        # record cannot hide an open tab.
        elif command == _TAB_CLOSED and size == _CLOSED_PAYLOAD_SIZE:
            (tab_id,) = _INT32.unpack_from(payload)
            self.tabs.pop(tab_id, None)
        elif command == _WINDOW_CLOSED and size == _CLOSED_PAYLOAD_SIZE:
            (window_id,) = _INT32.unpack_from(payload)
            if self.windows.pop(window_id, None) is not None:
                self.closed_windows.add(window_id)
        elif command == _PRUNED and size == _ID_INDEX_COUNT.size:
            tab_id, start, count = _ID_INDEX_COUNT.unpack_from(payload)
            if start >= 0 and count > 0:
                self.tab(tab_id).prune(start, count)
        elif command == _PRUNED_FROM_BACK and size == _ID_AND_INDEX.size:
            tab_id, keep = _ID_AND_INDEX.unpack_from(payload)
            self.tab(tab_id).prune_from(keep)
        elif command == _PRUNED_FROM_FRONT and size == _ID_AND_INDEX.size:
            tab_id, count = _ID_AND_INDEX.unpack_from(payload)
            if count > 0:
                self.tab(tab_id).prune(0, count)
        elif command in _WINDOW_COMMANDS and size >= 4:
            (window_id,) = _INT32.unpack_from(payload)
            self.window(window_id)
        # 20 (SetActiveWindow), 255 (the end-of-snapshot marker) and everything else (bounds,
        # groups, user agents, workspaces...) say nothing about which tabs are open.

    def result(self, *, browser: str, profile: str) -> tuple[Tab, ...]:
        by_window: dict[int, list[tuple[int, int, _TabState]]] = {w: [] for w in self.windows}
        for tab_id, tab in self.tabs.items():
            if tab.indexes and tab.window_id in by_window:
                by_window[tab.window_id].append((tab.visual_index, tab_id, tab))
        out: list[Tab] = []
        window_index = 0
        for window_id, members in by_window.items():
            if not members:
                continue
            members.sort(key=lambda m: (m[0], m[1]))
            selected = self.windows[window_id].selected
            # As UpdateSelectedTabIndex: the tab at the selected visual index, else the first.
            active = next((i for i, m in enumerate(members) if m[0] == selected), 0)
            for tab_index, (_, _, tab) in enumerate(members):
                url, title = tab.current_entry()
                out.append(
                    Tab(
                        browser=browser,
                        profile=profile,
                        url=url,
                        title=title,
                        window_index=window_index,
                        tab_index=tab_index,
                        active=tab_index == active,
                        pinned=tab.pinned,
                    )
                )
            window_index += 1
        return tuple(out)


_NAVIGATION_HEAD = struct.Struct("<Iiii")  # pickle size, tab id, index, url byte length


def _read_navigation(payload: bytes) -> tuple[int, int, bytes, bytes] | None:
    """(tab id, navigation index, raw url, raw title) from an UpdateTabNavigation pickle, or None.

    The pickle is a uint32 payload size, then int32 tab id, int32 index, string url (int32 byte
    length, UTF-8, padded to 4), string16 title (int32 UTF-16 code-unit count, UTF-16LE, padded to
    4), then fields we do not need. A title that cannot be read leaves the URL standing (fail
    closed: a tab we can see is never dropped for a broken title).
    """
    if len(payload) < _NAVIGATION_HEAD.size:
        return None
    declared, tab_id, index, url_length = _NAVIGATION_HEAD.unpack_from(payload)
    end = min(len(payload), 4 + declared)
    pos = _NAVIGATION_HEAD.size
    if url_length < 0 or pos + url_length > end:
        return None
    url = payload[pos : pos + url_length]
    pos += (url_length + 3) & ~3
    title = b""
    if pos + 4 <= end:
        (units,) = _INT32.unpack_from(payload, pos)
        pos += 4
        if units >= 0 and pos + 2 * units <= end:
            title = payload[pos : pos + 2 * units]
    return tab_id, index, url, title


def check_header(data: bytes) -> int:
    """The SNSS version of a cleartext session file.

    Raises:
        EncryptedSession: an encrypted format (5, or the unshipped 2 and 4), or an OSCrypt blob.
        SessionFileError: empty, too short, not SNSS, or a version we do not know (one line).
    """
    if not data:
        raise SessionFileError("the session file is empty")
    if bytes(data[:3]) in _OSCRYPT_PREFIXES:
        raise EncryptedSession(ENCRYPTED_REASON)
    if bytes(data[:4]) != SNSS_MAGIC:
        raise SessionFileError("the file is not a Chromium session file (no SNSS header)")
    if len(data) < _HEADER.size:
        raise SessionFileError("the session file is truncated (its header is incomplete)")
    _, version = _HEADER.unpack_from(data)
    if version in _ENCRYPTED_VERSIONS:
        raise EncryptedSession(ENCRYPTED_REASON)
    if version not in _CLEARTEXT_VERSIONS:
        raise SessionFileError(f"the session file has an unknown format version ({version})")
    return int(version)


def parse_snss(
    data: bytes, *, browser: str = "chromium", profile: str = "Default"
) -> tuple[Tab, ...]:
    """The open tabs recorded in a Chromium `Session_*` (or `Current Session`) file.

    Tabs come in window order (windows by first appearance), then by their index in the window;
    `url` is each tab's current navigation. Titles are often empty in live files.

    Raises:
        EncryptedSession: the file is encrypted (format 5); its tabs cannot be inspected.
        SessionFileError: the file is empty, not SNSS, of an unknown version, or has no whole
            record (one line). Corrupt records are skipped; a cut-off last record is ignored.
    """
    data = bytes(data)
    check_header(data)
    replay = _Replay()
    complete = 0
    pos = _HEADER.size
    end = len(data)
    # Records: uint16 LE size (id + payload), uint8 command id, payload. Inlined: a 5 MB file has
    # tens of thousands of them.
    while pos + 2 <= end:
        size = data[pos] | (data[pos + 1] << 8)
        if size == 0 or pos + 2 + size > end:
            # Chromium treats an empty record as corruption and stops there; a record running
            # past the end is one being appended right now.
            break
        command = data[pos + 2]
        payload = data[pos + 3 : pos + 2 + size]
        pos += 2 + size
        complete += 1
        try:
            if command == _UPDATE_TAB_NAVIGATION:  # most records: the fast path
                navigation = _read_navigation(payload)
                if navigation is not None:
                    tab_id, index, url, title = navigation
                    replay.tab(tab_id).upsert(index, url, title)
            else:
                replay.apply(command, payload)
        except (struct.error, ValueError, IndexError):  # a payload of the wrong shape: skip it
            continue
    if complete == 0:
        raise SessionFileError("the session file holds no complete record (empty or cut short)")
    return replay.result(browser=browser, profile=profile)


# --- finding profiles -----------------------------------------------------------------------

_PROFILE_DIR = re.compile(r"^Profile [0-9]+$")
_SESSION_FILE = re.compile(r"^Session_([0-9]{1,20})$")


def _linux_dirs(home: Path, env: Mapping[str, str]) -> list[tuple[str, Path]]:
    roots: list[Path] = []
    xdg = env.get("XDG_CONFIG_HOME", "")
    if xdg and Path(xdg).is_absolute():
        roots.append(Path(xdg))
    roots.append(home / ".config")
    found: list[tuple[str, Path]] = []
    for root in roots:
        found += [
            ("chrome", root / "google-chrome"),
            ("chrome", root / "google-chrome-beta"),
            ("chrome", root / "google-chrome-unstable"),
            ("chromium", root / "chromium"),
            ("edge", root / "microsoft-edge"),
            ("edge", root / "microsoft-edge-beta"),
            ("edge", root / "microsoft-edge-dev"),
            ("brave", root / "BraveSoftware" / "Brave-Browser"),
        ]
    flatpak = home / ".var" / "app"
    found += [
        ("chromium", home / "snap" / "chromium" / "common" / "chromium"),
        ("chrome", flatpak / "com.google.Chrome" / "config" / "google-chrome"),
        ("chromium", flatpak / "org.chromium.Chromium" / "config" / "chromium"),
        ("edge", flatpak / "com.microsoft.Edge" / "config" / "microsoft-edge"),
        ("brave", flatpak / "com.brave.Browser" / "config" / "BraveSoftware" / "Brave-Browser"),
    ]
    return found


def user_data_dirs(home: Path, *, platform: str, env: Mapping[str, str]) -> list[tuple[str, Path]]:
    """(browser, user-data dir) for every Chromium-family install location on this platform that
    exists, each directory once."""
    if platform == "win32":
        local = env.get("LOCALAPPDATA", "")
        base = Path(local) if local else home / "AppData" / "Local"
        candidates = [
            ("chrome", base / "Google" / "Chrome" / "User Data"),
            ("chrome", base / "Google" / "Chrome Beta" / "User Data"),
            ("chromium", base / "Chromium" / "User Data"),
            ("edge", base / "Microsoft" / "Edge" / "User Data"),
            ("edge", base / "Microsoft" / "Edge Beta" / "User Data"),
            ("brave", base / "BraveSoftware" / "Brave-Browser" / "User Data"),
        ]
    elif platform == "darwin":
        support = home / "Library" / "Application Support"
        candidates = [
            ("chrome", support / "Google" / "Chrome"),
            ("chrome", support / "Google" / "Chrome Beta"),
            ("chromium", support / "Chromium"),
            ("edge", support / "Microsoft Edge"),
            ("edge", support / "Microsoft Edge Beta"),
            ("brave", support / "BraveSoftware" / "Brave-Browser"),
        ]
    else:
        candidates = _linux_dirs(home, env)
    seen: set[str] = set()
    found: list[tuple[str, Path]] = []
    for browser, path in candidates:
        try:
            if not path.is_dir():
                continue
            key = os.path.realpath(path)
        except OSError:
            continue
        if key not in seen:
            seen.add(key)
            found.append((browser, path))
    return found


def _safe_profile_name(name: object) -> bool:
    return (
        isinstance(name, str)
        and name not in ("", ".", "..")
        and "/" not in name
        and "\\" not in name
        and "\0" not in name
    )


def _local_state_profiles(user_data: Path) -> list[str]:
    """Profile folder names listed in `Local State` → profile.info_cache; [] if unreadable."""
    try:
        path = user_data / "Local State"
        if path.stat().st_size > _MAX_LOCAL_STATE_BYTES:
            return []
        state = json.loads(path.read_text(encoding="utf-8", errors="replace"))
        cache = state["profile"]["info_cache"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return []
    if not isinstance(cache, dict):
        return []
    return [name for name in cache if _safe_profile_name(name)]


def profile_dirs(user_data: Path) -> list[Path]:
    """Profile folders: Default, "Profile N" (by number), then others `Local State` lists."""
    names: set[str] = set()
    try:
        for child in user_data.iterdir():
            if child.name == "Default" or _PROFILE_DIR.match(child.name):
                names.add(child.name)
    except OSError:
        pass
    names.update(_local_state_profiles(user_data))

    def order(name: str) -> tuple[int, int, str]:
        if name == "Default":
            return (0, 0, name)
        if _PROFILE_DIR.match(name):
            return (1, int(name.split()[1]), name)
        return (2, 0, name)

    dirs: list[Path] = []
    for name in sorted(names, key=order):
        path = user_data / name
        try:
            if path.is_dir():
                dirs.append(path)
        except OSError:
            continue
    return dirs


@dataclass(frozen=True)
class _SessionFile:
    path: Path
    stamp: int  # µs since 1601: from the name, else from the modification time
    mtime: float


def _chromium_time(seconds: float) -> int:
    return int((seconds + _WINDOWS_EPOCH_OFFSET_S) * 1_000_000)


def _newest_session(folder: Path) -> _SessionFile | None:
    """The newest `Session_*` file in `folder`, by the timestamp in its name (else mtime)."""
    newest: _SessionFile | None = None
    try:
        children = list(folder.iterdir())
    except OSError:
        return None
    for child in children:
        if not child.name.startswith("Session_"):
            continue
        try:
            if not child.is_file():
                continue
            mtime = child.stat().st_mtime
        except OSError:
            continue
        match = _SESSION_FILE.match(child.name)
        stamp = int(match.group(1)) if match else _chromium_time(mtime)
        candidate = _SessionFile(child, stamp, mtime)
        if newest is None or (candidate.stamp, candidate.mtime) > (newest.stamp, newest.mtime):
            newest = candidate
    return newest


def _legacy_session(profile: Path) -> _SessionFile | None:
    path = profile / "Current Session"
    try:
        if not path.is_file():
            return None
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _SessionFile(path, _chromium_time(mtime), mtime)


def _encrypted_is_live(clear: _SessionFile, encrypted: _SessionFile) -> bool:
    """True when the encrypted file is clearly the newer one (not just its write-both twin)."""
    newer_by_stamp = encrypted.stamp > clear.stamp + _ENCRYPTED_NEWER_BY_US
    newer_by_mtime = encrypted.mtime > clear.mtime + _ENCRYPTED_NEWER_BY_US / 1_000_000
    return newer_by_stamp or newer_by_mtime


def _read_profile(browser: str, profile: Path, in_use: bool | None) -> BrowserTabs | None:
    for attempt in range(2):
        clear = _newest_session(profile / "Sessions") or _legacy_session(profile)
        encrypted = _newest_session(profile / "Sessions_Encrypted")
        if clear is None and encrypted is None:
            return None
        if encrypted is not None and (clear is None or _encrypted_is_live(clear, encrypted)):
            return _encrypted(browser, profile, in_use, encrypted.path)
        if clear is None:  # pragma: no cover - ruled out just above
            return None
        try:
            data = read_capped(clear.path, MAX_SESSION_BYTES)
            tabs = parse_snss(data, browser=browser, profile=profile.name)
        except FileNotFoundError:
            if attempt == 0:
                continue  # the browser replaced the file while we listed it: look again
            return _error(browser, profile, in_use, clear.path, "the file disappeared")
        except EncryptedSession:
            return _encrypted(browser, profile, in_use, clear.path)
        except (OSError, SessionFileError) as exc:
            return _error(browser, profile, in_use, clear.path, one_line(exc))
        return BrowserTabs(
            browser=browser,
            profile=profile.name,
            status="ok",
            tabs=tabs,
            in_use=in_use,
            source=clear.path,
        )
    return None  # pragma: no cover - the loop always returns


def _encrypted(browser: str, profile: Path, in_use: bool | None, source: Path) -> BrowserTabs:
    name = BROWSER_NAMES.get(browser, browser)
    return BrowserTabs(
        browser=browser,
        profile=profile.name,
        status="cannot_inspect",
        reason=f"{name} encrypts this profile's open tabs on disk, so they cannot be inspected",
        in_use=in_use,
        source=source,
    )


def _error(browser: str, profile: Path, in_use: bool | None, source: Path, why: str) -> BrowserTabs:
    name = BROWSER_NAMES.get(browser, browser)
    return BrowserTabs(
        browser=browser,
        profile=profile.name,
        status="error",
        reason=f"{name}'s session file could not be read: {why}",
        in_use=in_use,
        source=source,
    )


def user_data_in_use(user_data: Path, *, platform: str = sys.platform) -> bool | None:
    """Whether a running browser holds this user-data dir.

    On Linux and macOS Chromium's `SingletonLock` is a symlink to "<hostname>-<pid>": True when that
    process is alive on this host, False when there is no lock or its process is gone, None when
    it cannot be told (another host, an unreadable lock, Windows).
    """
    if platform == "win32":
        return None
    lock = user_data / "SingletonLock"
    try:
        if not os.path.lexists(lock):
            return False
        target = os.readlink(lock)
    except OSError:
        return None
    host, _, pid_text = target.rpartition("-")
    if not host or not pid_text.isdigit() or len(pid_text) > 10:
        return None
    if host != socket.gethostname():
        return None
    try:
        return bool(psutil.pid_exists(int(pid_text)))
    except (OSError, ValueError, psutil.Error):
        return None


def read_chromium_tabs(
    home: Path | None = None, *, platform: str = sys.platform, env: Mapping[str, str] | None = None
) -> list[BrowserTabs]:
    """Every Chrome, Chromium, Edge and Brave profile's open tabs, read from disk now.

    A profile that has never saved a session is left out. One whose live session is encrypted
    comes back "cannot_inspect", one whose file is unreadable "error"; the others "ok".
    """
    home = Path.home() if home is None else home
    env = os.environ if env is None else env
    results: list[BrowserTabs] = []
    for browser, user_data in user_data_dirs(home, platform=platform, env=env):
        in_use = user_data_in_use(user_data, platform=platform)
        for profile in profile_dirs(user_data):
            result = _read_profile(browser, profile, in_use)
            if result is not None:
                results.append(result)
    return results
