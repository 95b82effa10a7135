"""A real Chromium (Debian's `chromium`, headless) writes its session; the reader finds the tabs.

The profile sits where a user's would (HOME/.config/chromium/Default). Every request goes to a dead
proxy on 127.0.0.1:9 and every host name resolves to nothing, so no traffic leaves the machine:
each tab shows the proxy error page, and the session keeps the URL that was asked for.

Headless Chromium refuses several URLs on its command line ("Multiple targets are not supported in
headless mode"), so it starts with the first one and the others are opened as new tabs through
its DevTools HTTP endpoint on 127.0.0.1 (`PUT /json/new?<url>`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil
import pytest

from preflight.desktop.base import BrowserTabs
from preflight.desktop.chromium_sessions import read_chromium_tabs

CHROMIUM = Path("/usr/bin/chromium")

if not CHROMIUM.exists() and os.environ.get("CI") != "true":
    pytest.skip(
        "/usr/bin/chromium is not installed (Debian package `chromium`; `make test` installs it)",
        allow_module_level=True,
    )

URLS = [
    "https://www.facebook.com/groups/parents",
    "https://mail.google.com/mail/u/0/#inbox",
    "https://zoom.us/j/93847561234",
    "https://www.bbc.co.uk/bitesize",
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0",
]

LATER_URL = "https://www.youtube.com/watch?v=abcdefghijk"

TIMEOUT_S = 30.0

FLAGS = [
    "--headless=new",
    "--no-first-run",
    "--no-default-browser-check",
    "--password-store=basic",
    "--disable-gpu",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--remote-debugging-port=0",  # 127.0.0.1 only; the port Chromium picks is in DevToolsActivePort
]


@dataclass
class RunningChromium:
    home: Path
    user_data: Path
    proc: subprocess.Popen[bytes]
    log: Path
    extra_pids: set[int] = field(default_factory=set)


def _session_pids(leader: int) -> set[int]:
    """Every process in the session this test started Chromium in (crashpad leaves its group)."""
    pids: set[int] = set()
    for process in psutil.process_iter():
        with contextlib.suppress(OSError, psutil.Error):
            if process.pid != leader and os.getsid(process.pid) == leader:
                pids.add(process.pid)
    return pids


def _stop(chromium: RunningChromium) -> None:
    proc = chromium.proc
    pids = chromium.extra_pids | _session_pids(proc.pid)
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    proc.wait(timeout=10)


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[RunningChromium]:
    """Chromium running headless under HOME=tmp_path/home, first URL open; killed afterwards."""
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing on CI (scripts/setup_system.sh installs it)")
    home = tmp_path / "home"
    user_data = home / ".config" / "chromium"
    (home / ".config").mkdir(parents=True)
    # Chromium's SingletonSocket lives in TMPDIR; pytest's tmp_path is too long for a unix socket.
    short_tmp = tempfile.mkdtemp(prefix="pf-chromium-")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TMPDIR": short_tmp,
        "LANG": "C.UTF-8",
    }
    args = [str(CHROMIUM), *FLAGS]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    # Headless Chromium otherwise uses a throwaway profile; point it at the user's usual one.
    args += [f"--user-data-dir={user_data}", URLS[0]]
    log = tmp_path / "chromium.log"
    try:
        with log.open("wb") as out:
            proc = subprocess.Popen(
                args,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
        running = RunningChromium(home=home, user_data=user_data, proc=proc, log=log)
        try:
            yield running
        finally:
            _stop(running)
    finally:
        shutil.rmtree(short_tmp, ignore_errors=True)


def _devtools_port(chromium: RunningChromium, deadline: float) -> int:
    port_file = chromium.user_data / "DevToolsActivePort"
    while time.monotonic() < deadline:
        if chromium.proc.poll() is not None:
            pytest.fail(f"Chromium exited with {chromium.proc.returncode}: {_tail(chromium.log)}")
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int(port_file.read_text().splitlines()[0])
        time.sleep(0.1)
    pytest.fail(f"Chromium never opened its DevTools port: {_tail(chromium.log)}")


def _devtools(port: int, path: str, method: str = "GET") -> Any:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for loopback
    with opener.open(request, timeout=10) as response:
        assert response.status == 200
        body = response.read()
    try:
        return json.loads(body)
    except ValueError:
        return body.decode(errors="replace")


def _open_tab(port: int, url: str) -> str:
    """Open `url` in a new tab; its DevTools target id."""
    # The whole URL is escaped so its "#fragment" and "%3a" reach Chromium unchanged.
    target = _devtools(port, f"/json/new?{quote(url, safe='')}", method="PUT")
    return str(target["id"])


def _target_id(port: int, url: str) -> str:
    return next(str(t["id"]) for t in _devtools(port, "/json/list") if t.get("url") == url)


def _wait_for_urls(
    chromium: RunningChromium, urls: list[str], deadline: float
) -> list[BrowserTabs]:
    """Poll the reader until Chromium's profile is "ok" with exactly `urls` open (or time is up)."""
    found: list[BrowserTabs] = []
    while time.monotonic() < deadline:
        assert chromium.proc.poll() is None, f"Chromium died: {_tail(chromium.log)}"
        found = _ours(read_chromium_tabs(chromium.home, platform="linux"), chromium.home)
        if (
            found
            and found[0].status == "ok"
            and sorted(t.url for t in found[0].tabs) == sorted(urls)
        ):
            break
        time.sleep(0.25)
    return found


def _tail(log: Path) -> str:
    try:
        return " | ".join(log.read_text(errors="replace").splitlines()[-5:])
    except OSError:
        return "(no log)"


def _ours(results: list[BrowserTabs], home: Path) -> list[BrowserTabs]:
    return [
        r
        for r in results
        if r.browser == "chromium" and r.source is not None and r.source.is_relative_to(home)
    ]


def _versions(folder: Path) -> dict[str, int]:
    versions: dict[str, int] = {}
    for path in sorted(folder.glob("Session_*")):
        head = path.read_bytes()[:8]
        versions[path.name] = struct.unpack("<i", head[4:])[0] if len(head) == 8 else -1
    return versions


def test_live_chromium_tabs_are_read(chromium: RunningChromium) -> None:
    started = time.monotonic()
    deadline = started + TIMEOUT_S
    port = _devtools_port(chromium, deadline)
    for url in URLS[1:]:
        _open_tab(port, url)
    found = _wait_for_urls(chromium, URLS, deadline)
    waited = time.monotonic() - started

    profile = chromium.user_data / "Default"
    observed = {
        "seconds": round(waited, 1),
        "Sessions": _versions(profile / "Sessions"),
        "Sessions_Encrypted": _versions(profile / "Sessions_Encrypted"),
        "titles": [t.title for r in found for t in r.tabs],
    }
    print(f"live Chromium: {observed}")  # shown with -s / on failure

    assert len(found) == 1, f"expected one Chromium profile, got {found} ({observed})"
    (result,) = found
    assert (result.browser, result.profile, result.status) == ("chromium", "Default", "ok"), result
    # The dead proxy's error page keeps the URL that was asked for, fragment and %-escapes intact.
    assert sorted(t.url for t in result.tabs) == sorted(URLS), observed
    assert [t.url for t in result.tabs] == URLS  # opened in this order, all in one window
    assert {t.window_index for t in result.tabs} == {0}
    assert [t.tab_index for t in result.tabs] == list(range(len(URLS)))
    assert sum(t.active for t in result.tabs) == 1
    assert result.source is not None and result.source.parent == profile / "Sessions"
    assert result.in_use is True  # SingletonLock -> "<this host>-<Chromium's pid>", alive

    # Later changes are appended to the same file: close the first tab (TabClosed) and open one
    # more; the reader follows both.
    _devtools(port, f"/json/close/{_target_id(port, URLS[0])}")
    _open_tab(port, LATER_URL)
    now_open = [*URLS[1:], LATER_URL]
    changed_at = time.monotonic()
    (changed,) = _wait_for_urls(chromium, now_open, changed_at + TIMEOUT_S / 2)
    print(f"live Chromium: close + open seen after {time.monotonic() - changed_at:.1f} s")
    assert [t.url for t in changed.tabs] == now_open
    assert changed.source == result.source  # appended, not a new file

    # Killed, Chromium leaves its lock behind pointing at a dead process: not in use any more,
    # and the session file still holds the tabs (what a crash leaves).
    chromium.extra_pids |= _session_pids(chromium.proc.pid)
    os.killpg(chromium.proc.pid, signal.SIGKILL)
    chromium.proc.wait(timeout=10)
    assert (chromium.user_data / "SingletonLock").is_symlink()
    (after,) = _ours(read_chromium_tabs(chromium.home, platform="linux"), chromium.home)
    assert after.in_use is False
    assert [t.url for t in after.tabs] == now_open
