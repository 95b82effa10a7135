"""Real browsers for tests and benchmarks: Debian's firefox-esr and chromium, headless, in a
temporary HOME, with every request sent to a dead proxy so no traffic leaves the machine.

The browsers write their session files where they would for a user, so the readers find them by
the same search as on a real desktop.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psutil

CHROMIUM = Path("/usr/bin/chromium")
FIREFOX = Path("/usr/bin/firefox-esr")


class BrowserTrouble(RuntimeError):
    """The browser would not start or died; the message holds the end of its log."""


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


def _user_js(prefs: dict[str, bool | int | str]) -> str:
    def value(v: bool | int | str) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        return str(v) if isinstance(v, int) else f'"{v}"'

    return "".join(f'user_pref("{name}", {value(v)});\n' for name, v in prefs.items())


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


def session_pids(leader: int) -> set[int]:
    """Every process in the session this test started Chromium in (crashpad leaves its group)."""
    pids: set[int] = set()
    for process in psutil.process_iter():
        with contextlib.suppress(OSError, psutil.Error):
            if process.pid != leader and os.getsid(process.pid) == leader:
                pids.add(process.pid)
    return pids


def kill_browser(
    leader: subprocess.Popen[bytes], extra: frozenset[int] | set[int] = frozenset()
) -> None:
    """Kill the browser's process group and every process of the session it started (crash
    reporters leave the group)."""
    pids = set(extra) | session_pids(leader.pid)
    if leader.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(leader.pid, signal.SIGKILL)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    leader.wait(timeout=10)


def _base_env(home: Path, tmp: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "TMPDIR": tmp,
        "LANG": "C.UTF-8",
        "MOZ_CRASHREPORTER_DISABLE": "1",
    }


@dataclass
class RunningFirefox:
    home: Path
    profile: Path
    proc: subprocess.Popen[bytes]
    log: Path


def firefox_profile(home: Path, name: str = "test.default") -> Path:
    """A Firefox profile where a user's would be (HOME/.mozilla/firefox, in profiles.ini)."""
    root = home / ".mozilla" / "firefox"
    profile = root / name
    profile.mkdir(parents=True, exist_ok=True)
    (root / "profiles.ini").write_text(
        f"[Profile0]\nName=test\nIsRelative=1\nPath={name}\nDefault=1\n\n"
        "[General]\nStartWithLastProfile=1\nVersion=2\n"
    )
    (profile / "user.js").write_text(_user_js(PREFS))
    return profile


@contextlib.contextmanager
def _headless(command: Sequence[str], home: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A browser process in its own session under `home`, output to `log`; killed on the way out."""
    # Chromium's SingletonSocket lives in TMPDIR; a long pytest tmp path is too long for a socket.
    short_tmp = tempfile.mkdtemp(prefix="pf-browser-")
    try:
        with log.open("wb") as out:
            proc = subprocess.Popen(
                command,
                env=_base_env(home, short_tmp),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            yield proc
        finally:
            kill_browser(proc)
    finally:
        shutil.rmtree(short_tmp, ignore_errors=True)


@contextlib.contextmanager
def running_firefox(home: Path, urls: Sequence[str], log: Path) -> Iterator[RunningFirefox]:
    """Firefox headless on `urls` (one window, tabs in order); killed on the way out."""
    if not FIREFOX.exists():
        raise BrowserTrouble(f"{FIREFOX} is missing (scripts/setup_system.sh installs firefox-esr)")
    profile = firefox_profile(home)
    command = [str(FIREFOX), "--headless", "--no-remote", "--profile", str(profile), *urls]
    with _headless(command, home, log) as proc:
        yield RunningFirefox(home, profile, proc, log)


@contextlib.contextmanager
def running_chromium(home: Path, first_url: str, log: Path) -> Iterator[RunningChromium]:
    """Chromium headless under `home` with `first_url` open (headless takes one URL; open more
    with `open_tab`); killed on the way out."""
    if not CHROMIUM.exists():
        raise BrowserTrouble(f"{CHROMIUM} is missing (scripts/setup_system.sh installs chromium)")
    user_data = home / ".config" / "chromium"
    user_data.parent.mkdir(parents=True, exist_ok=True)
    args = [str(CHROMIUM), *FLAGS]
    if os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    # Headless Chromium otherwise uses a throwaway profile; point it at the user's usual one.
    args += [f"--user-data-dir={user_data}", first_url]
    with _headless(args, home, log) as proc:
        running = RunningChromium(home=home, user_data=user_data, proc=proc, log=log)
        try:
            yield running
        finally:
            # Processes the test saw before it killed Chromium itself (crashpad leaves the group).
            kill_browser(proc, running.extra_pids)


def devtools_port(chromium: RunningChromium, deadline: float) -> int:
    port_file = chromium.user_data / "DevToolsActivePort"
    while time.monotonic() < deadline:
        if chromium.proc.poll() is not None:
            code = chromium.proc.returncode
            raise BrowserTrouble(f"Chromium exited with {code}: {log_tail(chromium.log)}")
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int(port_file.read_text().splitlines()[0])
        time.sleep(0.1)
    raise BrowserTrouble(f"Chromium never opened its DevTools port: {log_tail(chromium.log)}")


def devtools(port: int, path: str, method: str = "GET") -> Any:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy for loopback
    with opener.open(request, timeout=10) as response:
        assert response.status == 200
        body = response.read()
    try:
        return json.loads(body)
    except ValueError:
        return body.decode(errors="replace")


def open_tab(port: int, url: str) -> str:
    """Open `url` in a new tab; its DevTools target id."""
    # The whole URL is escaped so its "#fragment" and "%3a" reach Chromium unchanged.
    target = devtools(port, f"/json/new?{quote(url, safe='')}", method="PUT")
    return str(target["id"])


def log_tail(log: Path) -> str:
    try:
        return " | ".join(log.read_text(errors="replace").splitlines()[-5:])
    except OSError:
        return "(no log)"
