"""A real Chromium (Debian's `chromium`, headless) writes its session; the reader finds the tabs.

The profile sits where a user's would (HOME/.config/chromium/Default). Every request goes to a dead
proxy on 127.0.0.1:9 and every host name resolves to nothing, so no traffic leaves the machine:
each tab shows the proxy error page, and the session keeps the URL that was asked for.

Headless Chromium refuses several URLs on its command line ("Multiple targets are not supported in
headless mode"), so it starts with the first one and the others are opened as new tabs through
its DevTools HTTP endpoint on 127.0.0.1 (`PUT /json/new?<url>`).
"""

from __future__ import annotations

import os
import signal
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from preflight.desktop.base import BrowserTabs
from preflight.desktop.chromium_sessions import read_chromium_tabs
from tests.desktop.live_browsers import (
    CHROMIUM,
    RunningChromium,
    devtools,
    devtools_port,
    log_tail,
    open_tab,
    running_chromium,
    session_pids,
)

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


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[RunningChromium]:
    """Chromium running headless under HOME=tmp_path/home, first URL open; killed afterwards."""
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing on CI (scripts/setup_system.sh installs it)")
    with running_chromium(tmp_path / "home", URLS[0], tmp_path / "chromium.log") as running:
        yield running


def _target_id(port: int, url: str) -> str:
    return next(str(t["id"]) for t in devtools(port, "/json/list") if t.get("url") == url)


def _wait_for_urls(
    chromium: RunningChromium, urls: list[str], deadline: float
) -> list[BrowserTabs]:
    """Poll the reader until Chromium's profile is "ok" with exactly `urls` open (or time is up)."""
    found: list[BrowserTabs] = []
    while time.monotonic() < deadline:
        assert chromium.proc.poll() is None, f"Chromium died: {log_tail(chromium.log)}"
        found = _ours(read_chromium_tabs(chromium.home, platform="linux"), chromium.home)
        if (
            found
            and found[0].status == "ok"
            and sorted(t.url for t in found[0].tabs) == sorted(urls)
        ):
            break
        time.sleep(0.25)
    return found


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
    port = devtools_port(chromium, deadline)
    for url in URLS[1:]:
        open_tab(port, url)
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
    devtools(port, f"/json/close/{_target_id(port, URLS[0])}")
    open_tab(port, LATER_URL)
    now_open = [*URLS[1:], LATER_URL]
    changed_at = time.monotonic()
    (changed,) = _wait_for_urls(chromium, now_open, changed_at + TIMEOUT_S / 2)
    print(f"live Chromium: close + open seen after {time.monotonic() - changed_at:.1f} s")
    assert [t.url for t in changed.tabs] == now_open
    assert changed.source == result.source  # appended, not a new file

    # Killed, Chromium leaves its lock behind pointing at a dead process: not in use any more,
    # and the session file still holds the tabs (what a crash leaves).
    chromium.extra_pids |= session_pids(chromium.proc.pid)
    os.killpg(chromium.proc.pid, signal.SIGKILL)
    chromium.proc.wait(timeout=10)
    assert (chromium.user_data / "SingletonLock").is_symlink()
    (after,) = _ours(read_chromium_tabs(chromium.home, platform="linux"), chromium.home)
    assert after.in_use is False
    assert [t.url for t in after.tabs] == now_open
