"""Fixtures for the desktop tests: real X11 screens under Xvfb."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

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
