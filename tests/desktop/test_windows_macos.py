"""The macOS window list, replayed from recorded Quartz results (runs on any platform)."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from preflight.desktop.base import DesktopUnavailable, WindowInfo
from preflight.desktop.windows_macos import (
    NO_SCREEN_RECORDING,
    PyObjCQuartzApi,
    list_windows_macos,
)
from tests.conftest import ROOT

RECORDED = Path(__file__).parent / "recorded"

ZOOM = "/Applications/zoom.us.app/Contents/MacOS/zoom.us"
CHROME = "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
FINDER = "/System/Library/CoreServices/Finder.app/Contents/MacOS/Finder"
PREFLIGHT = "/Applications/Session Preflight.app/Contents/MacOS/Session Preflight"

# (kCGWindowNumber, title, app, pid, executable) of every window listed, front to back.
EXPECTED = [
    (1088, "Zoom Meeting", "zoom.us", 1843, ZOOM),
    (1012, "Zoom Workplace", "zoom.us", 1843, ZOOM),
    (1204, "Session Preflight", "Session Preflight", 2210, PREFLIGHT),
    (977, "Fractions quiz", "Google Chrome", 688, CHROME),
    (
        1150,
        "",
        "Google Chrome",
        688,
        CHROME,
    ),  # Picture in Picture: no kCGWindowName even when allowed
    (806, "Downloads", "Finder", 421, FINDER),
]
# Without Screen Recording only our own window keeps its title.
EXPECTED_NO_SCREEN_RECORDING = [
    (number, title if app == "Session Preflight" else "", app, pid, exe)
    for number, title, app, pid, exe in EXPECTED
]


def _row(window: WindowInfo) -> tuple[int, str, str, int | None, str]:
    assert window.wm_class == (window.app,)
    return (window.window_id, window.title, window.app, window.pid, window.executable)


def _load(name: str) -> dict[str, Any]:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


class FakeQuartz:
    """Replays a recorded CGWindowListCopyWindowInfo result through the `QuartzApi` calls."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.looked_up: list[int] = []

    def window_list(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self.data["windows"])

    def screen_capture_allowed(self) -> bool:
        return bool(self.data["screen_capture_allowed"])

    def executable(self, pid: int) -> str:
        self.looked_up.append(pid)
        try:
            return str(self.data["executables"][str(pid)])
        except KeyError:
            raise OSError(f"process {pid}: no such process") from None


@pytest.fixture
def allowed() -> dict[str, Any]:
    return _load("macos_windows.json")


@pytest.fixture
def denied() -> dict[str, Any]:
    return _load("macos_windows_no_screen_recording.json")


def test_the_recorded_desktop_lists_exactly_the_app_windows(allowed: dict[str, Any]) -> None:
    listing = list_windows_macos(FakeQuartz(allowed))

    assert listing.platform == "macos"
    assert [_row(w) for w in listing.windows] == EXPECTED
    assert listing.limitations == ()  # an untitled window alone is no missing permission


@pytest.mark.parametrize("expected", EXPECTED, ids=[f"{e[2]}-{e[0]}" for e in EXPECTED])
def test_each_app_window_is_listed_with_its_title_app_pid_and_program(
    allowed: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    windows = {w.window_id: w for w in list_windows_macos(FakeQuartz(allowed)).windows}

    assert _row(windows[expected[0]]) == expected


@pytest.mark.parametrize(
    "number",
    [
        pytest.param(31, id="Window Server status indicator (layer 25)"),
        pytest.param(48, id="Control Center menu bar item (layer 25)"),
        pytest.param(24, id="menu bar (layer 24)"),
        pytest.param(40, id="Dock (layer 20)"),
        pytest.param(1093, id="zoom.us floating video (layer 3)"),
        pytest.param(1101, id="zoom.us zero-size window"),
        pytest.param(1222, id="window without an owner name"),
    ],
)
def test_menu_bar_dock_overlay_zero_size_and_ownerless_windows_are_left_out(
    allowed: dict[str, Any], number: int
) -> None:
    listing = list_windows_macos(FakeQuartz(allowed))

    assert number not in {w.window_id for w in listing.windows}
    assert {"Dock", "Window Server", "Control Center"}.isdisjoint(w.app for w in listing.windows)


def test_without_screen_recording_titles_are_empty_and_the_listing_says_why(
    denied: dict[str, Any],
) -> None:
    listing = list_windows_macos(FakeQuartz(denied))

    assert [_row(w) for w in listing.windows] == EXPECTED_NO_SCREEN_RECORDING
    assert listing.limitations == (NO_SCREEN_RECORDING,)
    (sentence,) = listing.limitations
    assert "Screen Recording" in sentence and "System Settings" in sentence
    assert "\n" not in sentence


def test_a_false_denial_with_every_title_present_adds_no_limitation(
    allowed: dict[str, Any],
) -> None:
    # CGPreflightScreenCaptureAccess can say no on macOS 15 when titles come through anyway.
    allowed["screen_capture_allowed"] = False
    allowed["windows"] = [w for w in allowed["windows"] if w["kCGWindowNumber"] != 1150]

    listing = list_windows_macos(FakeQuartz(allowed))

    assert listing.limitations == ()
    assert [w.title for w in listing.windows][:2] == ["Zoom Meeting", "Zoom Workplace"]


def test_a_program_that_cannot_be_looked_up_leaves_the_executable_empty(
    allowed: dict[str, Any],
) -> None:
    del allowed["executables"]["421"]

    finder = {w.window_id: w for w in list_windows_macos(FakeQuartz(allowed)).windows}[806]

    assert (finder.app, finder.pid, finder.executable) == ("Finder", 421, "")


def test_programs_are_looked_up_once_and_only_for_listed_windows(allowed: dict[str, Any]) -> None:
    quartz = FakeQuartz(allowed)

    list_windows_macos(quartz)

    assert sorted(quartz.looked_up) == [421, 688, 1843, 2210]


def test_a_missing_layer_keeps_the_window_and_bad_values_do_not_crash(
    allowed: dict[str, Any],
) -> None:
    zoom = allowed["windows"][6]
    assert zoom["kCGWindowNumber"] == 1088
    del zoom["kCGWindowLayer"], zoom["kCGWindowBounds"]
    zoom["kCGWindowOwnerPID"] = "not a pid"

    windows = {w.window_id: w for w in list_windows_macos(FakeQuartz(allowed)).windows}

    assert (windows[1088].title, windows[1088].app, windows[1088].pid) == (
        "Zoom Meeting",
        "zoom.us",
        None,
    )


def test_an_empty_desktop_lists_nothing_and_needs_no_permission() -> None:
    listing = list_windows_macos(
        FakeQuartz({"windows": [], "screen_capture_allowed": False, "executables": {}})
    )

    assert (listing.windows, listing.limitations) == ((), ())


@pytest.mark.skipif(sys.platform == "darwin", reason="on a Mac the real API is built")
def test_the_real_api_off_a_mac_is_unavailable_with_a_plain_reason() -> None:
    with pytest.raises(DesktopUnavailable) as caught:
        PyObjCQuartzApi()
    assert (
        str(caught.value) == "This computer is not a Mac, so the macOS window list cannot be read."
    )

    with pytest.raises(DesktopUnavailable, match="not a Mac"):
        list_windows_macos()


def test_a_mac_without_pyobjc_quartz_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setitem(sys.modules, "Quartz", None)  # makes `import Quartz` fail

    with pytest.raises(DesktopUnavailable, match="needs pyobjc-framework-Quartz"):
        PyObjCQuartzApi()


class _NSDictionary:
    """Stands in for pyobjc's NSDictionary: a mapping that is not a dict."""

    def __init__(self, items: dict[str, Any]) -> None:
        self._items = items

    def keys(self) -> Iterator[str]:
        return iter(self._items)

    def __getitem__(self, key: str) -> Any:
        return self._items[key]


class _NSString(str):
    """Stands in for pyobjc's NSString bridge (objc.pyobjc_unicode, a str subclass)."""


def _fake_quartz_module(
    windows: list[dict[str, Any]] | None, allowed: bool | None
) -> types.ModuleType:
    module = types.ModuleType("Quartz")
    module.kCGWindowListOptionOnScreenOnly = 1 << 0  # type: ignore[attr-defined]
    module.kCGWindowListExcludeDesktopElements = 1 << 4  # type: ignore[attr-defined]
    module.kCGNullWindowID = 0  # type: ignore[attr-defined]
    calls: list[tuple[int, int]] = []

    def copy_window_info(options: int, relative_to: int) -> Any:
        calls.append((options, relative_to))
        if windows is None:
            return None
        return tuple(
            _NSDictionary(
                {
                    _NSString(key): _NSDictionary(value) if isinstance(value, dict) else value
                    for key, value in window.items()
                }
            )
            for window in windows
        )

    module.CGWindowListCopyWindowInfo = copy_window_info  # type: ignore[attr-defined]
    module.calls = calls  # type: ignore[attr-defined]
    if allowed is not None:
        module.CGPreflightScreenCaptureAccess = lambda: allowed  # type: ignore[attr-defined]
    return module


def test_the_real_api_reads_quartz_results_as_plain_values(
    monkeypatch: pytest.MonkeyPatch, denied: dict[str, Any]
) -> None:
    quartz = _fake_quartz_module(denied["windows"], allowed=False)
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setitem(sys.modules, "Quartz", quartz)

    api = PyObjCQuartzApi()
    raw = api.window_list()

    assert quartz.calls == [(1 | 16, 0)]  # type: ignore[attr-defined]
    assert raw == denied["windows"]
    assert all(type(w) is dict and type(w["kCGWindowBounds"]) is dict for w in raw)
    assert all(type(key) is str for w in raw for key in w)
    assert api.screen_capture_allowed() is False
    assert os.path.isabs(api.executable(os.getpid()))
    with pytest.raises(OSError, match="process"):
        api.executable(2**22 + 12345)  # above Linux's pid_max: no such process


def test_the_real_api_before_catalina_needs_no_permission_and_no_window_server_is_unavailable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setitem(sys.modules, "Quartz", _fake_quartz_module(None, allowed=None))

    api = PyObjCQuartzApi()

    assert api.screen_capture_allowed() is True
    with pytest.raises(DesktopUnavailable, match="logged-in desktop session"):
        api.window_list()


def test_the_module_imports_on_any_platform_without_loading_quartz() -> None:
    code = (
        "import sys\n"
        "import preflight.desktop.windows_macos as m\n"
        "assert callable(m.list_windows_macos)\n"
        "assert 'Quartz' not in sys.modules and 'objc' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
