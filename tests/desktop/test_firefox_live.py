"""A real Firefox (Debian's firefox-esr, headless) writes its session; the reader finds the tabs.

The profile sits where a user's would (HOME/.mozilla/firefox, listed in profiles.ini) and every
request goes to a dead proxy on 127.0.0.1:9, so nothing leaves the machine: each tab shows the
proxy error page, which keeps the URL that was asked for.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from preflight.desktop.base import BrowserTabs
from preflight.desktop.firefox_sessions import read_firefox_tabs

URLS = [
    "https://www.instagram.com/",
    "https://outlook.live.com/mail/0/inbox",
    "https://meet.google.com/abc-defg-hij",
    "https://www.bbc.co.uk/bitesize",
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0",
]

PREFS: dict[str, bool | int | str] = {
    # Write the session every second instead of every 15 s.
    "browser.sessionstore.interval": 1000,
    # Every request, localhost included, goes to a proxy that refuses connections (discard port).
    "network.proxy.type": 1,
    "network.proxy.http": "127.0.0.1",
    "network.proxy.http_port": 9,
    "network.proxy.ssl": "127.0.0.1",
    "network.proxy.ssl_port": 9,
    "network.proxy.no_proxies_on": "",
    "network.proxy.allow_hijacking_localhost": True,
    "network.proxy.socks_remote_dns": True,
    # No falling back to a direct connection when the proxy refuses (system requests would).
    "network.proxy.failover_direct": False,
    # Remote Settings ignores services.settings.server in release builds and still reached
    # firefox.settings.services.mozilla.com directly (seen with strace on ESR 153). Resolving
    # every host name to 127.0.0.1 keeps whatever bypasses the proxy on this machine: with this,
    # strace showed no DNS query and no connect() to anything but 127.0.0.1.
    "network.dns.forceResolve": "127.0.0.1",
    "network.trr.mode": 5,  # no DNS over HTTPS
    "network.dns.disableIPv6": True,
    "network.dns.disablePrefetch": True,
    "network.prefetch-next": False,
    "network.predictor.enabled": False,
    "network.http.speculative-parallel-limit": 0,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "media.peerconnection.enabled": False,
    "dom.push.connection.enabled": False,
    # No updates, telemetry, reporting, safe browsing, remote settings, first-run pages.
    "app.update.enabled": False,
    "app.update.auto": False,
    "app.normandy.enabled": False,
    "extensions.update.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.systemAddon.update.enabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.archive.enabled": False,
    "toolkit.telemetry.server": "",
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.policy.firstRunURL": "",
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.provider.google4.updateURL": "",
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.search.update": False,
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "geo.provider.network.url": "",
    "services.settings.server": "http://127.0.0.1:9/v1",
    "browser.ping-centre.telemetry": False,
    "browser.newtabpage.enabled": False,
    "browser.newtabpage.activity-stream.feeds.topsites": False,
    "browser.newtabpage.activity-stream.feeds.section.topstories": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.shell.checkDefaultBrowser": False,
    "browser.aboutwelcome.enabled": False,
    "startup.homepage_welcome_url": "",
    "trailhead.firstrun.didSeeAboutWelcome": True,
}

TIMEOUT_S = 40.0
LOCK = re.compile(r"^\d{1,3}(\.\d{1,3}){3}:\+(\d+)$")  # "IP:+PID", e.g. "127.0.0.1:+13755"


def _user_js(prefs: dict[str, bool | int | str]) -> str:
    def value(v: bool | int | str) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        return str(v) if isinstance(v, int) else f'"{v}"'

    return "".join(f'user_pref("{name}", {value(v)});\n' for name, v in prefs.items())


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


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Kill Firefox and every process it started (they share its process group)."""
    # Also when Firefox itself has exited: its content processes may still be in the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


@pytest.fixture
def firefox_home(tmp_path: Path) -> Iterator[tuple[Path, Path, subprocess.Popen[bytes]]]:
    """(HOME, profile dir, Firefox process): Firefox running headless on the five URLS."""
    binary = _firefox()
    home = tmp_path / "home"
    root = home / ".mozilla" / "firefox"
    profile = root / "test.default"
    profile.mkdir(parents=True)
    (root / "profiles.ini").write_text(
        "[Profile0]\nName=test\nIsRelative=1\nPath=test.default\nDefault=1\n\n"
        "[General]\nStartWithLastProfile=1\nVersion=2\n"
    )
    (profile / "user.js").write_text(_user_js(PREFS))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "MOZ_HEADLESS")
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        MOZ_CRASHREPORTER_DISABLE="1",
    )
    # Several URLs on one command line open as tabs of one window, in order.
    command = [binary, "--headless", "--no-remote", "--profile", str(profile), *URLS]
    log = (tmp_path / "firefox.log").open("wb")
    proc = subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield home, profile, proc
    finally:
        _stop(proc)
        log.close()


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
    _stop(proc)
    assert os.readlink(profile / "lock") == target
    after = _firefox_ok(home)
    assert after is not None and after.in_use is False
    assert [t.url for t in after.tabs] == URLS
