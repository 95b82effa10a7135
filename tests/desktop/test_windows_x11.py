"""desktop.windows on a real X11 desktop: Xvfb + openbox, real windows made by the test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from Xlib import Xatom, display

from preflight.checks.desktop_rules import DesktopOptions
from preflight.checks.windows import evaluate_windows
from preflight.desktop.base import DesktopUnavailable
from preflight.desktop.windows import list_windows
from preflight.desktop.windows_x11 import _describe, list_windows_x11
from preflight.desktop_scan import DesktopPlace, DesktopScanOptions, run_desktop
from tests.desktop.xwindows import WindowSpec, XWindows, wait_for_titles

ROOT = Path(__file__).resolve().parents[2]

TITLES = [
    ("Zoom Meeting", ("zoom", "zoom")),  # what Zoom's meeting window looks like on Linux
    ("Café – Year 5 phonics plan 📚", ("libreoffice", "libreoffice-writer")),
    ("Élèves: progress — Google Chrome", ("google-chrome", "Google-chrome")),
]


@pytest.fixture
def opened(wm_display: str):
    with XWindows(wm_display) as windows:
        ids = [windows.open(WindowSpec(title, wm_class)) for title, wm_class in TITLES]
        wait_for_titles(wm_display, [t for t, _ in TITLES])
        yield windows, ids


def test_lists_real_windows_with_unicode_titles_pids_and_classes(wm_display: str, opened) -> None:
    _, ids = opened
    listing = list_windows(platform="linux", env={"DISPLAY": wm_display})
    assert listing.platform == "x11"
    ours = {w.window_id: w for w in listing.windows if w.window_id in ids}
    assert sorted(w.title for w in ours.values()) == sorted(t for t, _ in TITLES)
    me = psutil.Process()
    for window in ours.values():
        assert window.pid == os.getpid()
        assert window.app == me.name()
        assert window.executable == me.exe()
    by_title = {w.title: w for w in ours.values()}
    assert by_title["Zoom Meeting"].wm_class == ("zoom", "zoom")


def test_a_zoom_meeting_window_is_flagged_and_named(wm_display: str, opened) -> None:
    listing = list_windows_x11(env={"DISPLAY": wm_display})
    result = evaluate_windows(listing, [], DesktopOptions())
    assert result.status == "fail"
    zoom = [f for f in result.findings if f.details.get("app") == "Zoom"]
    assert len(zoom) == 1
    assert zoom[0].details["category"] == "video_call"
    assert zoom[0].message.startswith("Close Zoom")
    # Nothing else is flagged, and no title reaches the report.
    assert [f.details["app"] for f in result.findings] == ["Zoom"]
    assert not any(title in repr(result.to_dict()) for title, _ in TITLES)


def test_a_title_with_an_email_and_phone_number_is_reported_without_the_title(
    wm_display: str,
) -> None:
    title = "Inbox – jo.bloggs@example.org – call 07700 900123"
    with XWindows(wm_display) as windows:
        windows.open(WindowSpec(title, ("thunderbird", "thunderbird")))
        wait_for_titles(wm_display, [title])
        result = evaluate_windows(
            list_windows_x11(env={"DISPLAY": wm_display}), [], DesktopOptions()
        )
    flagged = [f for f in result.findings if f.details.get("category") == "personal_data"]
    assert len(flagged) == 1
    assert flagged[0].details["pii"] == ["email", "phone"]
    assert "example.org" not in repr(result.to_dict()) and "07700" not in repr(result.to_dict())


def test_a_window_that_closed_is_skipped_not_an_error(wm_display: str) -> None:
    with XWindows(wm_display) as windows:
        wid = windows.open(WindowSpec("short-lived"))
        windows.destroy(wid)
    d = display.Display(wm_display)
    try:
        assert _describe(d, wid, socket.gethostname()) is None
    finally:
        d.close()


def test_a_window_with_broken_properties_is_skipped_not_a_crash(wm_display: str) -> None:
    with XWindows(wm_display) as windows:
        wid = windows.open(WindowSpec("broken type"))
        # An app may set any number as its window type; 987654 names no atom (BadAtom on read).
        window = windows.d.create_resource_object("window", wid)
        window.change_property(
            windows.d.intern_atom("_NET_WM_WINDOW_TYPE"), Xatom.ATOM, 32, [987654]
        )
        windows.open(WindowSpec("fine"))
        wait_for_titles(wm_display, ["fine"])
        titles = {w.title for w in list_windows_x11(env={"DISPLAY": wm_display}).windows}
    assert "fine" in titles and "broken type" not in titles


def test_windows_closing_while_the_list_is_read_never_crash_it(wm_display: str) -> None:
    churn = subprocess.Popen(
        [sys.executable, "-m", "tests.desktop.xwindows", wm_display],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert churn.stdout is not None and churn.stdout.readline().strip() == "ready"
        seen_churn = 0
        for _ in range(150):
            listing = list_windows_x11(env={"DISPLAY": wm_display})
            seen_churn += sum(w.title.startswith("churn") for w in listing.windows)
        assert churn.poll() is None, "the churn process died; the race was not exercised"
        assert seen_churn > 0, "no churning window was ever listed; the race was not exercised"
    finally:
        churn.kill()
        churn.wait()


def test_without_a_window_manager_the_check_is_an_error_not_a_pass(bare_display: str) -> None:
    with pytest.raises(DesktopUnavailable, match="does not publish its list of open windows"):
        list_windows_x11(env={"DISPLAY": bare_display})
    report = run_desktop(
        DesktopScanOptions(checks=("desktop.windows",)),
        DesktopPlace(platform="linux", env={"DISPLAY": bare_display}),
    )
    result = report.check("desktop.windows")
    assert result.status == "error"
    assert "window manager" in result.summary


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        # A Wayland session: the list would miss native Wayland windows, so it is refused.
        (
            {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"},
            "Wayland",
        ),
        # XWayland: DISPLAY works but would list only X11 apps, so it is refused too.
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "Wayland"),
        # Pure Wayland with no XWayland display at all.
        ({"WAYLAND_DISPLAY": "wayland-0"}, "Wayland"),
        # No graphical session (an SSH login, a service).
        ({}, "DISPLAY is not set"),
        # A display that does not exist.
        ({"DISPLAY": ":250"}, "Cannot connect"),
    ],
)
def test_unreadable_desktops_are_reported_plainly(env: dict[str, str], reason: str) -> None:
    with pytest.raises(DesktopUnavailable, match=reason):
        list_windows(platform="linux", env=env)


def test_an_unknown_platform_is_unavailable() -> None:
    with pytest.raises(DesktopUnavailable, match="haiku"):
        list_windows(platform="haiku1", env={})
