"""The Windows window list, replayed from recorded Win32 results (runs on any platform)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal

import pytest

from preflight.desktop.base import DesktopUnavailable, WindowInfo
from preflight.desktop.windows_win32 import CtypesWin32Api, list_windows_win32
from tests.conftest import ROOT

RECORDED = Path(__file__).parent / "recorded" / "win32_windows.json"
ERROR_INVALID_WINDOW_HANDLE = 1400

ZOOM = r"C:\Users\teacher\AppData\Roaming\Zoom\bin\Zoom.exe"
CHROME = r"C:\Program Files\Google\Chrome\Application\chrome.exe"
TEAMS = r"C:\Program Files\WindowsApps\MSTeams_25122.1415.3698.6812_x64__8wekyb3d8bbwe\ms-teams.exe"
CALCULATOR = r"C:\Program Files\WindowsApps\Microsoft.WindowsCalculator_11.2502.2.0_x64__8wekyb3d8bbwe\CalculatorApp.exe"
FRAME_HOST = r"C:\Windows\System32\ApplicationFrameHost.exe"
EXPLORER = r"C:\Windows\explorer.exe"

# (hwnd, title, app, pid, executable, class) of every window the recorded desktop should list, in order.
EXPECTED = [
    (0x000505C2, "Zoom Meeting", "zoom", 11840, ZOOM, "ZPContentViewWndClass"),
    (0x0003062A, "", "zoom", 11840, ZOOM, "ZPFloatVideoWndClass"),
    (0x00020A3E, "Zoom Workplace", "zoom", 11840, ZOOM, "ZPPTMainFrmWndClassEx"),
    (
        0x00040A12,
        "Fractions worksheet - Google Docs - Google Chrome",
        "chrome",
        5012,
        CHROME,
        "Chrome_WidgetWin_1",
    ),
    (0x00060D14, "Chat | Jordan Lee | Microsoft Teams", "ms-teams", 14388, TEAMS, "TeamsWebView"),
    (0x00090C8A, "Calculator", "calculatorapp", 13004, CALCULATOR, "ApplicationFrameWindow"),
    (
        0x000E0AB4,
        "Microsoft Store",
        "applicationframehost",
        10652,
        FRAME_HOST,
        "ApplicationFrameWindow",
    ),
    (0x000F0E02, "Downloads - File Explorer", "explorer", 7420, EXPLORER, "CabinetWClass"),
    (0x00110F20, "Task Manager", "taskmgr", 3388, "", "TaskManagerWindow"),
]

ZOOM_MEETING = 0x000505C2
CALCULATOR_FRAME = 0x00090C8A
CALCULATOR_CORE = 0x000C0CA0


def _hwnd(text: str) -> int:
    return int(text, 16)


def _row(window: WindowInfo) -> tuple[int, str, str, int | None, str, str]:
    (window_class,) = window.wm_class
    return (window.window_id, window.title, window.app, window.pid, window.executable, window_class)


class FakeWin32Api:
    """Replays win32_windows.json through the `Win32Api` calls.

    `vanish=(method, hwnd)` closes that window when `method` is called for it. From then on every
    call about it fails the way Windows fails for a closed window: with OSError (`mode="raise"`)
    or with Windows' empty answers, 0, "" and [] (`mode="empty"`). IsWindowVisible never fails;
    a closed window is simply not visible.
    """

    def __init__(
        self,
        data: dict[str, Any],
        vanish: tuple[str, int] | None = None,
        mode: Literal["raise", "empty"] = "raise",
    ) -> None:
        self.top = [_hwnd(record["hwnd"]) for record in data["windows"]]
        self.records: dict[int, dict[str, Any]] = {}
        for record in data["windows"]:
            self.records[_hwnd(record["hwnd"])] = record
            for child in record.get("children", []):
                self.records[_hwnd(child["hwnd"])] = child
        self.processes = {int(pid): record for pid, record in data["processes"].items()}
        self.vanish = vanish
        self.mode = mode
        self.gone: set[int] = set()
        self.calls: list[tuple[str, int]] = []

    def _record(self, method: str, hwnd: int) -> dict[str, Any] | None:
        """The window's record, None when it is gone and `mode` is "empty"."""
        self.calls.append((method, hwnd))
        if self.vanish == (method, hwnd):
            self.gone.add(hwnd)
        if hwnd in self.gone:
            if self.mode == "raise":
                raise OSError(ERROR_INVALID_WINDOW_HANDLE, "Invalid window handle")
            return None
        return self.records[hwnd]

    def enum_windows(self) -> list[int]:
        return list(self.top)

    def is_visible(self, hwnd: int) -> bool:
        self.calls.append(("is_visible", hwnd))
        if self.vanish == ("is_visible", hwnd):
            self.gone.add(hwnd)
        return hwnd not in self.gone and bool(self.records[hwnd].get("visible", True))

    def get_owner(self, hwnd: int) -> int:
        record = self._record("get_owner", hwnd)
        return 0 if record is None else _hwnd(record.get("owner", "0x0"))

    def get_text(self, hwnd: int) -> str:
        record = self._record("get_text", hwnd)
        return "" if record is None else str(record["title"])

    def get_class_name(self, hwnd: int) -> str:
        record = self._record("get_class_name", hwnd)
        return "" if record is None else str(record["class"])

    def is_cloaked(self, hwnd: int) -> bool:
        record = self._record("is_cloaked", hwnd)
        return False if record is None else bool(record.get("cloaked", False))

    def get_pid(self, hwnd: int) -> int:
        record = self._record("get_pid", hwnd)
        return 0 if record is None else int(record["pid"])

    def child_windows(self, hwnd: int) -> list[int]:
        record = self._record("child_windows", hwnd)
        children = [] if record is None else record.get("children", [])
        return [_hwnd(child["hwnd"]) for child in children]

    def exe_path(self, pid: int) -> str:
        self.calls.append(("exe_path", pid))
        if pid not in self.processes:
            raise OSError(87, "The parameter is incorrect")  # OpenProcess on an exited process
        exe = self.processes[pid]["exe"]
        if exe is None:
            raise PermissionError(5, "Access is denied")
        return str(exe)

    def process_name(self, pid: int) -> str:
        if pid not in self.processes:
            raise OSError(f"process {pid} not found")
        return str(self.processes[pid]["name"])


@pytest.fixture
def recorded() -> dict[str, Any]:
    return json.loads(RECORDED.read_text(encoding="utf-8"))


def test_the_recorded_desktop_lists_exactly_the_app_windows(recorded: dict[str, Any]) -> None:
    listing = list_windows_win32(FakeWin32Api(recorded))

    assert listing.platform == "win32"
    assert listing.limitations == ()
    assert [_row(w) for w in listing.windows] == EXPECTED


@pytest.mark.parametrize("expected", EXPECTED, ids=[f"{e[2]}-{e[0]:#x}" for e in EXPECTED])
def test_each_app_window_is_listed_with_its_title_app_pid_and_program(
    recorded: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    windows = {w.window_id: w for w in list_windows_win32(FakeWin32Api(recorded)).windows}

    assert _row(windows[expected[0]]) == expected


@pytest.mark.parametrize(
    "hwnd",
    [
        pytest.param(0x000203F4, id="untitled taskbar tooltip"),
        pytest.param(0x00010118, id="cloaked Start menu"),
        pytest.param(0x000304B8, id="Save As dialog owned by Chrome"),
        pytest.param(0x000705D0, id="hidden Chrome helper"),
        pytest.param(0x000D0B16, id="cloaked Settings (Store app)"),
        pytest.param(0x00010E3C, id="cloaked Windows Input Experience"),
        pytest.param(0x000200C4, id="hidden IME window"),
        pytest.param(0x00010096, id="Shell_TrayWnd taskbar"),
        pytest.param(0x000100A2, id="WorkerW wallpaper layer"),
        pytest.param(0x00010132, id="Progman desktop"),
    ],
)
def test_hidden_owned_cloaked_and_shell_windows_are_left_out(
    recorded: dict[str, Any], hwnd: int
) -> None:
    listing = list_windows_win32(FakeWin32Api(recorded))

    assert hwnd not in {w.window_id for w in listing.windows}
    assert "systemsettings" not in {w.app for w in listing.windows}


def test_a_store_app_reports_its_own_program_not_the_frame_host(recorded: dict[str, Any]) -> None:
    windows = {w.window_id: w for w in list_windows_win32(FakeWin32Api(recorded)).windows}

    calculator = windows[CALCULATOR_FRAME]
    assert (calculator.app, calculator.pid, calculator.executable) == (
        "calculatorapp",
        13004,
        CALCULATOR,
    )
    assert calculator.title == "Calculator"


def test_a_minimised_store_app_without_its_core_window_still_counts(
    recorded: dict[str, Any],
) -> None:
    # A minimised Store app's CoreWindow leaves the frame: the frame host is all we can name.
    store = {w.window_id: w for w in list_windows_win32(FakeWin32Api(recorded)).windows}[0x000E0AB4]

    assert (store.title, store.app, store.pid) == ("Microsoft Store", "applicationframehost", 10652)


@pytest.mark.parametrize("mode", ["raise", "empty"])
def test_a_store_app_whose_core_window_closes_midway_falls_back_to_the_frame(
    recorded: dict[str, Any], mode: Literal["raise", "empty"]
) -> None:
    api = FakeWin32Api(recorded, vanish=("get_class_name", CALCULATOR_CORE), mode=mode)

    calculator = {w.window_id: w for w in list_windows_win32(api).windows}[CALCULATOR_FRAME]

    assert (calculator.app, calculator.pid, calculator.executable) == (
        "applicationframehost",
        10652,
        FRAME_HOST,
    )


@pytest.mark.parametrize("mode", ["raise", "empty"])
@pytest.mark.parametrize(
    "method", ["is_visible", "get_owner", "get_class_name", "is_cloaked", "get_text", "get_pid"]
)
def test_a_window_closing_while_it_is_read_is_skipped(
    recorded: dict[str, Any], method: str, mode: Literal["raise", "empty"]
) -> None:
    api = FakeWin32Api(recorded, vanish=(method, ZOOM_MEETING), mode=mode)

    listing = list_windows_win32(api)

    assert (method, ZOOM_MEETING) in api.calls  # the window really closed midway
    assert [_row(w) for w in listing.windows] == [e for e in EXPECTED if e[0] != ZOOM_MEETING]


def test_a_program_that_cannot_be_opened_is_named_from_the_process_list(
    recorded: dict[str, Any],
) -> None:
    # Task Manager runs elevated: OpenProcess is refused, but the process list still names it.
    task_manager = {w.window_id: w for w in list_windows_win32(FakeWin32Api(recorded)).windows}[
        0x00110F20
    ]

    assert (task_manager.app, task_manager.executable, task_manager.pid) == ("taskmgr", "", 3388)


def test_a_process_that_cannot_be_looked_up_at_all_is_named_from_its_window_class(
    recorded: dict[str, Any],
) -> None:
    del recorded["processes"][
        "7420"
    ]  # explorer exited between GetWindowThreadProcessId and OpenProcess

    explorer = {w.window_id: w for w in list_windows_win32(FakeWin32Api(recorded)).windows}[
        0x000F0E02
    ]

    assert (explorer.title, explorer.app, explorer.executable, explorer.pid) == (
        "Downloads - File Explorer",
        "cabinetwclass",
        "",
        7420,
    )


def test_each_process_is_looked_up_once(recorded: dict[str, Any]) -> None:
    api = FakeWin32Api(recorded)

    list_windows_win32(api)

    looked_up = [pid for method, pid in api.calls if method == "exe_path"]
    assert sorted(looked_up) == sorted(set(looked_up))
    assert 11840 in looked_up


def test_an_empty_desktop_lists_nothing() -> None:
    listing = list_windows_win32(FakeWin32Api({"windows": [], "processes": {}}))

    assert listing.windows == ()
    assert listing.platform == "win32"


def test_a_refused_enumeration_is_desktop_unavailable(recorded: dict[str, Any]) -> None:
    class Refusing(FakeWin32Api):
        def enum_windows(self) -> list[int]:
            raise OSError(5, "Access is denied")

    with pytest.raises(DesktopUnavailable, match="Windows would not list the open windows"):
        list_windows_win32(Refusing(recorded))


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows the real API is built")
def test_the_real_api_off_windows_is_unavailable_with_a_plain_reason() -> None:
    with pytest.raises(DesktopUnavailable) as caught:
        CtypesWin32Api()
    message = str(caught.value)
    assert (
        message
        == "This computer is not running Windows, so the Windows window list cannot be read."
    )

    with pytest.raises(DesktopUnavailable, match="not running Windows"):
        list_windows_win32()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a ctypes without the Windows DLL loader")
def test_missing_windows_libraries_are_unavailable_not_a_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")

    with pytest.raises(DesktopUnavailable, match="could not be loaded"):
        CtypesWin32Api()


def test_the_module_imports_on_any_platform_without_touching_windows_libraries() -> None:
    code = (
        "import ctypes, sys\n"
        "import preflight.desktop.windows_win32 as w\n"
        "assert callable(w.list_windows_win32)\n"
        "assert 'ctypes.wintypes' not in sys.modules, 'wintypes imported at module level'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
