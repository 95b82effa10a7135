"""A real Firefox (Debian's firefox-esr, headless) writes its session; the reader finds the tabs.

The profile sits where a user's would (HOME/.mozilla/firefox, listed in profiles.ini) and every
request goes to a dead proxy on 127.0.0.1:9, so nothing leaves the machine: each tab shows the
proxy error page, which keeps the URL that was asked for.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from preflight.desktop.base import BrowserTabs
from preflight.desktop.firefox_sessions import read_firefox_tabs
from tests.desktop.live_browsers import kill_browser, running_firefox

URLS = [
    "https://www.instagram.com/",
    "https://outlook.live.com/mail/0/inbox",
    "https://meet.google.com/abc-defg-hij",
    "https://www.bbc.co.uk/bitesize",
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0",
]

TIMEOUT_S = 40.0
LOCK = re.compile(r"^\d{1,3}(\.\d{1,3}){3}:\+(\d+)$")  # "IP:+PID", e.g. "127.0.0.1:+13755"


def _firefox() -> str:
    found = shutil.which("firefox-esr") or (
        "/usr/bin/firefox-esr" if os.access("/usr/bin/firefox-esr", os.X_OK) else None
    )
    if found is None:
        message = "firefox-esr is not installed (`make test` installs it: scripts/setup_system.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def firefox_home(tmp_path: Path) -> Iterator[tuple[Path, Path, subprocess.Popen[bytes]]]:
    """(HOME, profile dir, Firefox process): Firefox running headless on the five URLS."""
    _firefox()
    with running_firefox(tmp_path / "home", URLS, tmp_path / "firefox.log") as firefox:
        yield firefox.home, firefox.profile, firefox.proc


def _firefox_ok(home: Path) -> BrowserTabs | None:
    for result in read_firefox_tabs(home, platform="linux", env={}):
        if result.browser == "firefox" and result.status == "ok":
            return result
    return None


def test_real_firefox_tabs_are_read(
    firefox_home: tuple[Path, Path, subprocess.Popen[bytes]],
) -> None:
    home, profile, proc = firefox_home
    start = time.monotonic()
    result = _firefox_ok(home)
    while (result is None or [t.url for t in result.tabs] != URLS) and (
        time.monotonic() - start < TIMEOUT_S
    ):
        if proc.poll() is not None:
            log = (home.parent / "firefox.log").read_text(errors="replace")[-2000:]
            pytest.fail(f"firefox-esr exited early with code {proc.returncode}:\n{log}")
        time.sleep(0.25)
        result = _firefox_ok(home)
    elapsed = time.monotonic() - start
    print(f"session with all {len(URLS)} tabs after {elapsed:.1f} s")  # shown with -s

    assert result is not None, f"no readable Firefox session after {TIMEOUT_S:.0f} s"
    # The proxy error page keeps the URL that was asked for, exactly (percent-escapes too).
    assert [t.url for t in result.tabs] == URLS
    assert result.profile == "test.default"
    assert result.source == profile / "sessionstore-backups" / "recovery.jsonlz4"
    assert {t.window_index for t in result.tabs} == {0}
    assert [t.tab_index for t in result.tabs] == list(range(len(URLS)))
    assert sum(t.active for t in result.tabs) == 1
    assert not any(t.pinned for t in result.tabs)

    # Running: the symlink lock names a live Firefox process, and the fcntl lock is held.
    target = os.readlink(profile / "lock")
    match = LOCK.match(target)
    assert match, f"unexpected lock format {target!r}"
    assert os.getpgid(int(match[2])) == proc.pid  # Firefox itself (or a child it started)
    assert result.in_use is True

    # Killed: the symlink stays behind, but the fcntl lock is gone, so no longer in use; the
    # tabs are still there for Firefox to offer to restore.
    kill_browser(proc)
    assert os.readlink(profile / "lock") == target
    after = _firefox_ok(home)
    assert after is not None and after.in_use is False
    assert [t.url for t in after.tabs] == URLS
