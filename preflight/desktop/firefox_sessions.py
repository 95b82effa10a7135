"""Firefox's open tabs, read from its session files on disk. No Qt; never writes a URL anywhere.

Firefox keeps the live state of every window in `<profile>/sessionstore-backups/recovery.jsonlz4`
(rewritten every `browser.sessionstore.interval` ms, atomically) and, after a clean shutdown, in
`<profile>/sessionstore.jsonlz4`. Both are mozLz4: `b"mozLz40\\0"`, the uint32 LE size of the JSON,
then one raw LZ4 block. Newer builds can encrypt the file (`b"mozEnc0\\0"`); that is reported as
"cannot inspect", never as "no tabs".
"""

from __future__ import annotations

import configparser
import ipaddress
import json
import os
import re
import stat
import struct
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any

import lz4.block
import psutil

from preflight.desktop.base import (
    BrowserTabs,
    EncryptedSession,
    SessionFileError,
    Tab,
    one_line,
    read_capped,
)

MOZLZ4_MAGIC = b"mozLz40\0"
MOZENC_MAGIC = b"mozEnc0\0"
_HEADER_SIZE = len(MOZLZ4_MAGIC) + 4
# A real session is a few MB at most; anything claiming more is corrupt, and lz4 would allocate it.
MAX_SESSION_BYTES = 512 * 1024 * 1024
# LZ4 cannot expand a block by more than ~255×; a larger declared size means a corrupt header.
_LZ4_MAX_RATIO = 256
_MAX_PROFILES_INI_BYTES = 1024 * 1024

RECOVERY_FILE = PurePosixPath("sessionstore-backups", "recovery.jsonlz4")
CLEAN_SHUTDOWN_FILE = PurePosixPath("sessionstore.jsonlz4")

ENCRYPTED_REASON = "Firefox encrypts its session file; its tabs cannot be inspected"

_PROFILE_SECTION = re.compile(r"(?i)^profile\d+$")
_INSTALL_SECTION = re.compile(r"(?i)^install[0-9a-f]+$")
# Firefox's symlink lock: "<IPv4>:<pid>", with "+" before the pid when it also holds the fcntl lock
# on .parentlock (nsProfileLock::LockWithSymlink). Seen on Firefox ESR 153: "127.0.0.1:+13755".
_SYMLINK_LOCK = re.compile(r"^(?P<ip>[^:]*):(?P<plus>\+?)(?P<pid>[0-9]{1,10})$")


# --- mozLz4 ---------------------------------------------------------------------------------


def decode_mozlz4(data: bytes) -> bytes:
    """The JSON bytes inside a mozLz4 file.

    Raises:
        EncryptedSession: the file starts with Firefox's encryption header (`mozEnc0\\0`).
        SessionFileError: anything else that is not a whole, intact mozLz4 file (one line).
    """
    header = bytes(data[: len(MOZLZ4_MAGIC)])
    if header == MOZENC_MAGIC:
        raise EncryptedSession(ENCRYPTED_REASON)
    if not data:
        raise SessionFileError("the file is empty")
    if header != MOZLZ4_MAGIC:
        raise SessionFileError("the file is not in Firefox's mozLz4 format")
    if len(data) < _HEADER_SIZE:
        raise SessionFileError("the file is truncated (its header is incomplete)")
    (size,) = struct.unpack_from("<I", data, len(MOZLZ4_MAGIC))
    block = bytes(data[_HEADER_SIZE:])
    if size > MAX_SESSION_BYTES:
        raise SessionFileError(f"the file claims an absurd size ({size} bytes)")
    if size > _LZ4_MAX_RATIO * len(block) + 64:
        raise SessionFileError("the file is truncated (far less data than its header says)")
    try:
        decoded = lz4.block.decompress(block, uncompressed_size=size)
    except Exception:  # a C decoder: whatever it raises means a corrupt block
        raise SessionFileError("the file is corrupt (its LZ4 data does not decode)") from None
    if not isinstance(decoded, bytes | bytearray) or len(decoded) != size:
        raise SessionFileError("the file is corrupt (its size does not match its header)")
    return bytes(decoded)


# --- session JSON ---------------------------------------------------------------------------


def parse_session(data: bytes, *, profile: str) -> tuple[Tab, ...]:
    """The open tabs in a mozLz4 session file, in window then tab order.

    Only `windows[]` is read (never `_closedWindows` or `_closedTabs`). A tab's current page is
    `entries[index - 1]` (index is 1-based, clamped like Firefox does; missing means the last
    entry); a tab without entries is skipped. `window_index`/`tab_index` are the 0-based positions
    in the file, so a skipped tab leaves a gap. Hidden tabs are open tabs. Missing keys and wrong
    types inside a window or tab are treated as absent.

    Raises:
        EncryptedSession: the file is encrypted.
        SessionFileError: the file is not intact mozLz4, not JSON, or has no `windows` list.
    """
    text = decode_mozlz4(data)
    try:
        session = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise SessionFileError(f"the file is not valid JSON ({one_line(exc)})") from None
    if not isinstance(session, dict):
        raise SessionFileError("the file's JSON is not an object")
    windows = session.get("windows")
    if not isinstance(windows, list):
        raise SessionFileError("the file has no list of windows")

    tabs: list[Tab] = []
    for window_index, window in enumerate(windows):
        if not isinstance(window, dict):
            continue
        window_tabs = _as_list(window.get("tabs"))
        selected = _position(window.get("selected"), default=1, count=len(window_tabs))
        for tab_index, tab in enumerate(window_tabs):
            if not isinstance(tab, dict):
                continue
            entries = _as_list(tab.get("entries"))
            if not entries:
                continue
            index = _position(tab.get("index"), default=len(entries), count=len(entries))
            current = entries[index - 1]
            entry: dict[str, Any] = current if isinstance(current, dict) else {}
            tabs.append(
                Tab(
                    browser="firefox",
                    profile=profile,
                    url=_as_str(entry.get("url")),
                    title=_as_str(entry.get("title")),
                    window_index=window_index,
                    tab_index=tab_index,
                    active=tab_index + 1 == selected,
                    pinned=tab.get("pinned") is True,
                )
            )
    return tuple(tabs)


def _as_list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _as_str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _position(value: object, *, default: int, count: int) -> int:
    """A 1-based position clamped to 1..count, as SessionStore does; `default` if not a number."""
    number = default
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    return max(1, min(number, count))


# --- profiles -------------------------------------------------------------------------------


def read_firefox_tabs(
    home: Path | None = None,
    *,
    platform: str = sys.platform,
    env: Mapping[str, str] | None = None,
) -> list[BrowserTabs]:
    """One result per Firefox profile (listed in any profiles.ini) that has a session file.

    Every profile is read, not only the default. A broken profiles.ini gives one "error" result
    with an empty profile name for that Firefox folder; a profile without a session file (never
    run, or private browsing only) gives nothing.
    """
    home = Path.home() if home is None else Path(home)
    env = os.environ if env is None else env
    results: list[BrowserTabs] = []
    seen: set[str] = set()
    for root in firefox_roots(home, platform=platform, env=env):
        ini = root / "profiles.ini"
        if not _is_file(ini):
            continue
        try:
            profiles = _profiles_in_ini(ini, root, platform=platform)
        except SessionFileError as exc:
            results.append(
                BrowserTabs(
                    browser="firefox",
                    profile="",
                    status="error",
                    reason=f"Firefox's list of profiles (profiles.ini) could not be read: {exc}",
                    source=ini,
                )
            )
            continue
        for profile_dir in profiles:
            key = _identity(profile_dir)
            if key in seen:
                continue
            seen.add(key)
            result = _read_profile(profile_dir, platform=platform)
            if result is not None:
                results.append(result)
    return results


def firefox_roots(home: Path, *, platform: str, env: Mapping[str, str]) -> list[Path]:
    """The folders that may hold a profiles.ini on this platform (existing or not), deduplicated."""
    if platform == "win32":
        appdata = env.get("APPDATA") or str(home / "AppData" / "Roaming")
        roots = [Path(appdata) / "Mozilla" / "Firefox"]
    elif platform == "darwin":
        roots = [home / "Library" / "Application Support" / "Firefox"]
    else:
        xdg = env.get("XDG_CONFIG_HOME", "")
        config = Path(xdg) if xdg and os.path.isabs(xdg) else home / ".config"
        flatpak = home / ".var" / "app" / "org.mozilla.firefox"
        roots = [
            home / ".mozilla" / "firefox",
            home / "snap" / "firefox" / "common" / ".mozilla" / "firefox",
            flatpak / ".mozilla" / "firefox",
            # Firefox 147+ follows the XDG base directories (path reported, not yet verified).
            config / "mozilla" / "firefox",
            flatpak / "config" / "mozilla" / "firefox",
        ]
    unique: list[Path] = []
    for root in roots:
        if root not in unique:
            unique.append(root)
    return unique


def _profiles_in_ini(ini: Path, root: Path, *, platform: str) -> list[Path]:
    """Every profile folder profiles.ini names ([ProfileN] Path=, [Install…] Default=)."""
    try:
        raw = read_capped(ini, _MAX_PROFILES_INI_BYTES)
    except OSError as exc:
        raise SessionFileError(one_line(exc)) from None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(raw.decode("utf-8-sig", errors="surrogateescape"))
    except configparser.Error as exc:
        raise SessionFileError(_ini_problem(exc)) from None

    profiles: list[Path] = []
    for section in parser.sections():
        if _PROFILE_SECTION.match(section):
            value = parser.get(section, "path", fallback="").strip()
            relative = parser.get(section, "isrelative", fallback="").strip() == "1"
        elif _INSTALL_SECTION.match(section):
            # Per-install default (Firefox 67+): normally also a [ProfileN]; kept in case not.
            value = parser.get(section, "default", fallback="").strip()
            relative = False
        else:
            continue
        if value:
            path = _profile_path(root, value, relative=relative, platform=platform)
            if path not in profiles:
                profiles.append(path)
    return profiles


def _profile_path(root: Path, value: str, *, relative: bool, platform: str) -> Path:
    """Path= resolved like Firefox: relative to the root when IsRelative=1 or not absolute."""
    pure: PurePath = PureWindowsPath(value) if platform == "win32" else PurePosixPath(value)
    if pure.is_absolute() and not relative:
        return Path(value)
    parts = [part for part in pure.parts if part not in (pure.anchor, "")]
    return root.joinpath(*parts)


def _ini_problem(exc: configparser.Error) -> str:
    if isinstance(exc, configparser.MissingSectionHeaderError):
        return f"line {exc.lineno} comes before any [section] header"
    if isinstance(exc, configparser.ParsingError) and exc.errors:
        return f"line {exc.errors[0][0]} is not a name=value line"
    return one_line(exc)


def _read_profile(profile_dir: Path, *, platform: str) -> BrowserTabs | None:
    session_file = _session_file(profile_dir)
    if session_file is None:
        return None
    name = profile_dir.name
    in_use = profile_in_use(profile_dir, platform=platform)
    try:
        tabs = parse_session(read_capped(session_file, MAX_SESSION_BYTES), profile=name)
    except EncryptedSession:
        return BrowserTabs(
            browser="firefox",
            profile=name,
            status="cannot_inspect",
            reason=f"{ENCRYPTED_REASON} (profile {name})",
            in_use=in_use,
            source=session_file,
        )
    except (OSError, SessionFileError) as exc:
        return BrowserTabs(
            browser="firefox",
            profile=name,
            status="error",
            reason=f"Firefox's session file for profile {name} could not be read: {one_line(exc)}",
            in_use=in_use,
            source=session_file,
        )
    return BrowserTabs(
        browser="firefox",
        profile=name,
        status="ok",
        tabs=tabs,
        in_use=in_use,
        source=session_file,
    )


def _session_file(profile_dir: Path) -> Path | None:
    """recovery.jsonlz4 (the live state), or sessionstore.jsonlz4 when it is absent or newer.

    After a clean shutdown Firefox writes sessionstore.jsonlz4 and may leave the last
    recovery.jsonlz4 behind, a little older; while running it moves sessionstore.jsonlz4 away on
    its first write. So the newer of the two is what the browser shows or will restore.
    """
    found: list[tuple[float, int, Path]] = []
    for preference, relative in enumerate((RECOVERY_FILE, CLEAN_SHUTDOWN_FILE)):
        path = profile_dir.joinpath(*relative.parts)
        try:
            info = path.stat()
        except (OSError, ValueError):
            continue
        if stat.S_ISREG(info.st_mode):
            found.append((info.st_mtime, -preference, path))
    return max(found)[2] if found else None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _identity(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError, ValueError):
        return str(path.absolute())


# --- is the profile open? -------------------------------------------------------------------


@dataclass(frozen=True)
class _SymlinkLock:
    ip: str
    plus: bool
    pid: int


def profile_in_use(profile_dir: Path, *, platform: str = sys.platform) -> bool | None:
    """Whether a running Firefox has this profile open; None when that cannot be told.

    Linux and macOS: Firefox holds an fcntl write lock on `.parentlock` while it runs (released by
    the kernel if it dies) and, on Linux, also makes `lock` a symlink to "IP:+PID" (removed on exit,
    left behind after a kill). The fcntl lock decides when it can be queried; otherwise the
    symlink's PID: alive means in use (on another host's IP, cannot tell). Windows: `parent.lock`
    is kept after exit and only an exclusive open would tell, which we do not try: None.
    """
    if platform == "win32":
        return None
    held = _fcntl_lock_held(profile_dir / ".parentlock")
    if held:
        return True
    lock = _symlink_lock(profile_dir)
    if lock is None:
        return False
    if isinstance(lock, str):
        return None
    if held is False and lock.plus:
        # The symlink was made by a Firefox that also took the fcntl lock, which is free now:
        # that Firefox is gone (Firefox itself treats such a symlink as stale).
        return False
    alive = _pid_alive(lock.pid)
    if alive is None:
        return None
    if alive:
        return True
    return False if _is_local_address(lock.ip) else None


def _fcntl_lock_held(path: Path) -> bool | None:
    """True/False when F_GETLK tells whether another process write-locks `path`; else None."""
    if sys.platform == "win32":
        return None
    if sys.platform == "darwin":
        layout, type_offset = "@qqihh", struct.calcsize("@qqi")
    elif sys.platform.startswith("linux"):
        layout, type_offset = "@hhqqi4x", 0
    else:
        return None
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except (OSError, ValueError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        # "Could I write-lock the whole file?": the answer's l_type is F_UNLCK when nobody holds it.
        if sys.platform == "darwin":
            request = struct.pack(layout, 0, 0, 0, fcntl.F_WRLCK, os.SEEK_SET)
        else:
            request = struct.pack(layout, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, request)
        (lock_type,) = struct.unpack_from("@h", answer, type_offset)
        return bool(lock_type != fcntl.F_UNLCK)
    except (OSError, ValueError, struct.error):
        return None
    finally:
        os.close(fd)


def _symlink_lock(profile_dir: Path) -> _SymlinkLock | str | None:
    """The symlink lock (`lock` on Linux; `.parentlock` where fcntl is unsupported): parsed, its
    unparseable target as a str, or None when there is none."""
    for name in ("lock", ".parentlock"):
        try:
            target = os.readlink(profile_dir / name)
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            # Not a symlink (.parentlock is normally a regular file) or unreadable.
            if name == "lock" and os.path.lexists(profile_dir / name):
                return "unreadable"
            continue
        match = _SYMLINK_LOCK.match(target)
        if match is None:
            return target or "empty"
        return _SymlinkLock(match["ip"], bool(match["plus"]), int(match["pid"]))
    return None


def _pid_alive(pid: int) -> bool | None:
    if pid <= 0 or pid >= 2**31:
        return None
    try:
        return bool(psutil.pid_exists(pid))
    except (OSError, OverflowError, ValueError):
        return None


def _is_local_address(ip: str) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if address.is_loopback:
        return True
    try:
        interfaces = psutil.net_if_addrs()
    except (OSError, RuntimeError):
        return False
    return any(a.address == ip for nics in interfaces.values() for a in nics)
