"""Every browser's open tabs, and which browsers are running. No Qt.

Combines the Firefox and Chromium-family readers; a browser whose file cannot be read comes back as
a `BrowserTabs` with status "error" or "cannot_inspect", never as "no tabs".
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from preflight.desktop.base import BROWSER_NAMES, BrowserTabs
from preflight.desktop.chromium_sessions import read_chromium_tabs
from preflight.desktop.firefox_sessions import read_firefox_tabs
from preflight.desktop.processes import ProcessInfo, program_names

# Process names (lower case, ".exe" dropped) of browsers whose tabs we read...
_SUPPORTED = {
    "firefox": "firefox",
    "firefox-esr": "firefox",
    "firefox-bin": "firefox",
    "chrome": "chrome",
    "google-chrome": "chrome",
    "google-chrome-stable": "chrome",
    "google-chrome-beta": "chrome",
    "google-chrome-unstable": "chrome",
    "google chrome": "chrome",
    "google chrome beta": "chrome",
    "google chrome canary": "chrome",
    "chromium": "chromium",
    "chromium-browser": "chromium",
    "msedge": "edge",
    "microsoft-edge": "edge",
    "microsoft-edge-stable": "edge",
    "microsoft-edge-beta": "edge",
    "microsoft-edge-dev": "edge",
    "microsoft edge": "edge",
    "microsoft edge beta": "edge",
    "microsoft edge dev": "edge",
    "brave": "brave",
    "brave-browser": "brave",
    "brave browser": "brave",
}
# ...and of browsers whose tabs we cannot read.
_UNSUPPORTED = {
    "opera": "Opera",
    "opera_gx": "Opera GX",
    "vivaldi": "Vivaldi",
    "vivaldi-bin": "Vivaldi",
    "safari": "Safari",
    "librewolf": "LibreWolf",
    "waterfox": "Waterfox",
    "yandex": "Yandex Browser",
    "seamonkey": "SeaMonkey",
    "epiphany": "GNOME Web",
    "falkon": "Falkon",
    "midori": "Midori",
    "qutebrowser": "qutebrowser",
    "tor": "Tor Browser",
    "firefox.real": "Tor Browser",
    "arc": "Arc",
    "zen": "Zen",
    "zen-bin": "Zen",
    "floorp": "Floorp",
    "thorium": "Thorium",
    "thorium-browser": "Thorium",
    "palemoon": "Pale Moon",
    "orion": "Orion",
    "duckduckgo": "DuckDuckGo",
    "mullvadbrowser": "Mullvad Browser",
    "mullvad browser": "Mullvad Browser",
    "sidekick": "Sidekick",
    "whale": "Naver Whale",
    "naver-whale": "Naver Whale",
}


def display_name(browser: str) -> str:
    return BROWSER_NAMES.get(browser, browser.capitalize())


def _key(process: ProcessInfo) -> list[str]:
    names = program_names(process.name, process.executable)
    return [name.lower().removesuffix(".exe") for name in names]


def running_browsers(processes: Iterable[ProcessInfo]) -> tuple[set[str], set[str]]:
    """(supported browser ids running, display names of unsupported browsers running)."""
    supported: set[str] = set()
    unsupported: set[str] = set()
    for process in processes:
        for key in _key(process):
            if key in _SUPPORTED:
                browser = _SUPPORTED[key]
                # Chromium runs as "chrome" in Ubuntu's snap and on Windows; its path says which.
                if browser == "chrome" and "chromium" in process.executable.lower():
                    browser = "chromium"
                supported.add(browser)
                break
            if key in _UNSUPPORTED:
                unsupported.add(_UNSUPPORTED[key])
                break
    return supported, unsupported


def read_all_tabs(
    home: Path | None = None, *, platform: str = sys.platform, env: Mapping[str, str] | None = None
) -> list[BrowserTabs]:
    """Every Firefox and Chromium-family profile's session, read now."""
    return [
        *read_firefox_tabs(home, platform=platform, env=env),
        *read_chromium_tabs(home, platform=platform, env=env),
    ]
