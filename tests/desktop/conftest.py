"""Fixtures for the desktop tests: real X11 screens under Xvfb."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop import gnome
from tests.desktop.xsession import x_session


@pytest.fixture(scope="session")
def wm_display() -> Iterator[str]:
    """A 1280×800 Xvfb screen with openbox managing it (so _NET_CLIENT_LIST exists)."""
    with x_session(window_manager=True) as display:
        yield display


@pytest.fixture(scope="session")
def bare_display() -> Iterator[str]:
    """An Xvfb screen with no window manager: no EWMH client list."""
    with x_session(window_manager=False) as display:
        yield display


@pytest.fixture
def gnome_env(tmp_path: Path) -> dict[str, str]:
    """An environment where real `gsettings` reads and writes a keyfile under tmp_path only.

    Skipped where gsettings or its schemas are missing, except on CI, where that is a failure.
    """
    problem = gnome.gnome_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem}; CI must run the real GNOME wallpaper tests")
        pytest.skip(problem)
    return gnome.gnome_env(tmp_path)
