"""The staff preflight, driven as a teacher would: real scenes, real detectors, a real journal."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from preflight.frames import Frame, FrameSource
from preflight.frames.sources import CameraLostError, open_source
from preflight.journal.store import Journal
from preflight.journal.verify import verify_journal
from tests.conftest import ROOT
from tests.ui.conftest import TEAMS_LINK
from ui.kiosk_window import KioskWindow, OverrideDialog

SCAN_TIMEOUT_MS = 90_000


def _journal() -> Path:
    return Path(os.environ["PREFLIGHT_DATA_DIR"]) / "journal.sqlite3"


def _records() -> list[dict]:
    if not _journal().exists():
        return []
    with Journal.open(f"sqlite:///{_journal()}", read_only=True) as journal:
        assert verify_journal(journal).intact
        with journal.snapshot() as conn:
            return [r.sealed.payload for r in journal.all_records(conn)]


class UrlCatcher(QObject):
    """Stands where the desktop's URL handler would: records what Teams link was opened."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def url_catcher() -> Iterator[UrlCatcher]:
    catcher = UrlCatcher()
    for scheme in ("https", "msteams"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    yield catcher
    for scheme in ("https", "msteams"):
        QDesktopServices.unsetUrlHandler(scheme)


def _to_scan(qtbot: QtBot, window: KioskWindow, link: str = TEAMS_LINK) -> None:
    qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
    assert window.index == 1
    window.session.pupils.setText("Sam Patel")
    window.session.link.setText(link)
    qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)


def _scanned(qtbot: QtBot, window: KioskWindow) -> None:
    qtbot.waitUntil(lambda: not window._scanning, timeout=SCAN_TIMEOUT_MS)


def test_a_clean_room_goes_through_to_a_sealed_record_and_teams(
    qtbot: QtBot,
    open_kiosk: Callable[..., KioskWindow],
    clean_room: Path,
    url_catcher: UrlCatcher,
) -> None:
    window = open_kiosk(clean_room)
    assert window.who.name.text() == "Grace Hopper"  # from the config
    _to_scan(qtbot, window)
    assert window.index == 2
    _scanned(qtbot, window)
    assert {row.status for row in window.scan.rows.values()} == {"pass"}, window.scan.gate.text()
    assert window.next.isEnabled()
    assert window.scan.camera.overlays and window.scan.camera.overlays[0].label == "Person"
    qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
    assert window.index == 3
    # Each confirmation must be ticked.
    boxes = list(window.attest.items.values())
    assert len(boxes) == len(window.draft.items) >= 5 and not window.next.isEnabled()
    for box in boxes[:-1]:
        box.setChecked(True)
    assert not window.next.isEnabled()
    boxes[-1].setChecked(True)
    qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
    assert window.index == 4
    # The typed name is the signature: it must be the name given at the start.
    qtbot.keyClicks(window.sign.name, "Someone Else")
    assert not window.sign.sign.isEnabled()
    window.sign.name.clear()
    qtbot.keyClicks(window.sign.name, "grace  hopper")
    assert window.sign.sign.isEnabled()
    assert _records() == []  # nothing is written before signing
    with qtbot.waitSignal(window.record_sealed, timeout=30_000):
        qtbot.mouseClick(window.sign.sign, Qt.MouseButton.LeftButton)
        # While the record is committed nothing can change it or sign it twice.
        assert not window.back.isEnabled() and not window.sign.sign.isEnabled()
        assert window.sign.name.isReadOnly()
    assert window.index == 5
    (record,) = _records()
    assert record["camera_source"] == "folder"  # pictures from a folder, and the record says so
    assert record["checks_not_run"] == [
        "desktop.windows",
        "desktop.tabs",
        "desktop.wallpaper",
        "desktop.screen",
        "session.schedule",
        "session.invite",
    ]
    assert record["origin"] == "kiosk" and record["cleared"] is True and record["verdict"] == "pass"
    assert record["session"]["teams_link"] == TEAMS_LINK and record["session"]["pupils"] == [
        "Sam Patel"
    ]
    assert len(record["attestations"]) == len(boxes)
    with qtbot.waitSignal(window.launched, timeout=30_000):
        qtbot.mouseClick(window.launch.launch, Qt.MouseButton.LeftButton)
    assert [QUrl(u) for u in url_catcher.opened] == [
        QUrl(TEAMS_LINK)
    ]  # same link, as Qt encodes it
    qtbot.waitUntil(lambda: len(_records()) == 2, timeout=10_000)
    launch = _records()[1]
    assert launch["kind"] == "launch" and launch["how"] == "https"
    assert "You're ready" in window.launch.status.text()
    # Anyone can check the kiosk's record with the command line.
    verify = subprocess.run(
        [sys.executable, "-m", "preflight", "log", "verify"],
        capture_output=True, text=True, cwd=ROOT, env=os.environ.copy(), check=False,
    )  # fmt: skip
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_each_warning_must_be_ticked_off_and_the_ticks_are_recorded(
    qtbot: QtBot,
    open_kiosk: Callable[..., KioskWindow],
    poster_room: Path,
) -> None:
    window = open_kiosk(poster_room)
    _to_scan(qtbot, window)
    _scanned(qtbot, window)
    documents = window.scan.rows["camera.documents"]
    assert documents.status == "warn", window.scan.gate.text()
    ticks = documents.findChildren(QCheckBox)
    assert ticks and not window.next.isEnabled() and "Tick each warning" in window.scan.gate.text()
    for tick in ticks[:-1]:
        tick.setChecked(True)
    assert not window.next.isEnabled()
    ticks[-1].setChecked(True)
    assert window.next.isEnabled()
    _confirm_and_sign(qtbot, window)
    (record,) = _records()
    assert record["acknowledged_warnings"] == ["camera.documents"] and record["verdict"] == "warn"
    assert record["cleared"] is True


def test_an_override_needs_a_reason_and_an_approver_and_is_recorded(
    qtbot: QtBot,
    open_kiosk: Callable[..., KioskWindow],
) -> None:
    demo = str(ROOT / "assets" / "demo" / "room.mp4")
    window = open_kiosk(demo, overrides=True)
    _to_scan(qtbot, window)
    _scanned(qtbot, window)
    for check in ("camera.photos", "camera.documents"):
        assert window.scan.rows[check].status == "fail"

        def fill_dialog(check: str = check) -> None:
            dialog = next(
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, OverrideDialog) and w.isVisible()
            )
            ok = dialog._buttons.button(QDialogButtonBox.StandardButton.Ok)
            assert not ok.isEnabled()  # neither a reason nor an approver yet
            dialog._reason.setPlainText(f"Agreed with the head for {check}")
            assert not ok.isEnabled()
            dialog._approver.setText("Ms Head")
            ok.click()

        QTimer.singleShot(300, fill_dialog)
        button = next(
            b for b in window.scan.rows[check].findChildren(QPushButton) if "Override" in b.text()
        )
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.next.isEnabled, timeout=5_000)
    _confirm_and_sign(qtbot, window)
    (record,) = _records()
    assert record["verdict"] == "fail" and record["cleared"] is True
    assert {(o["check"], o["approved_by"]) for o in record["overrides"]} == {
        ("camera.photos", "Ms Head"),
        ("camera.documents", "Ms Head"),
    }
    assert all(o["reason"].startswith("Agreed with the head") for o in record["overrides"])


def _confirm_and_sign(qtbot: QtBot, window: KioskWindow) -> None:
    qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
    for box in window.attest.items.values():
        box.setChecked(True)
    qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.sign.name, "Grace Hopper")
    with qtbot.waitSignal(window.record_sealed, timeout=30_000):
        qtbot.keyClick(window.sign.name, Qt.Key.Key_Return)


def test_a_personal_email_and_a_link_that_is_not_teams_are_refused_with_the_reason(
    qtbot: QtBot,
    open_kiosk: Callable[..., KioskWindow],
    clean_room: Path,
) -> None:
    window = open_kiosk(clean_room)
    window.who.email.setText("grace.hopper@gmail.com")
    qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
    assert window.index == 0
    assert "personal mailbox" in window.who.problem.text() and window.who.problem.isVisible()
    window.who.email.setText("grace.hopper@oakfield.sch.uk")
    _to_scan(qtbot, window, link="https://zoom.us/j/123456789")
    assert window.index == 1
    assert "Teams only" in window.session.problem.text()
    assert not window._scanning  # nothing started


def test_a_room_with_a_letter_blocks_the_way_and_offers_no_override_unless_allowed(
    qtbot: QtBot,
    open_kiosk: Callable[..., KioskWindow],
) -> None:
    demo = str(ROOT / "assets" / "demo" / "room.mp4")
    for allowed in (False, True):
        window = open_kiosk(demo, overrides=allowed)
        _to_scan(qtbot, window)
        _scanned(qtbot, window)
        documents = window.scan.rows["camera.documents"]
        assert documents.status == "fail"
        assert not window.next.isEnabled() and "Blocked" in window.scan.gate.text()
        buttons = [b.text() for b in documents.findChildren(QAbstractButton)]
        assert any("Override" in b for b in buttons) is allowed
        labels = {o.label for o in window.scan.camera.overlays}
        assert "Readable document" in labels
        if allowed:
            assert window.draft is not None
            window.draft.override(
                "camera.documents", "Parent letter needed for the session", "Head"
            )
            window.draft.override("camera.photos", "Photo is the pupil's own art project", "Head")
            window._update_gate()
            assert window.next.isEnabled()
            # Scan again: the overrides were for the old results; blocked again.
            qtbot.mouseClick(window.scan.again, Qt.MouseButton.LeftButton)
            _scanned(qtbot, window)
            assert not window.next.isEnabled()
        window.close()
    assert _records() == []


def test_no_camera_explains_what_to_do_and_offers_the_demo_scene(
    qtbot: QtBot,
    open_kiosk: Callable[..., KioskWindow],
) -> None:
    window = open_kiosk("camera:9")
    _to_scan(qtbot, window)
    _scanned(qtbot, window)
    assert window.scan.trouble.isVisible()
    assert "no camera at index 9" in window.scan.trouble_text.text()
    assert {window.scan.rows[c].status for c in window.scan.rows} == {"error"}
    assert not window.next.isEnabled() and "Could not run" in window.scan.gate.text()
    qtbot.mouseClick(window.scan.demo, Qt.MouseButton.LeftButton)
    _scanned(qtbot, window)
    assert not window.scan.trouble.isVisible()
    assert window.scan.rows["camera.people"].status == "pass"  # the demo scene ran


class UnpluggedCamera(FrameSource):
    """A real scene's frames from a camera that is pulled out after a few frames."""

    kind = "camera"
    name = "camera:0"

    def __init__(self, folder: str, after: int) -> None:
        self._inner = open_source(folder, fps=15, seconds=None)
        self._after = after

    def frames(self) -> Iterator[Frame]:
        for frame in self._inner.frames():
            if frame.index == self._after:
                raise CameraLostError(
                    f"the camera stopped sending pictures after {frame.index} frames"
                )
            yield frame

    def close(self) -> None:
        self._inner.close()


def test_a_camera_unplugged_mid_scan_blocks_launch_and_says_why(
    qtbot: QtBot,
    open_kiosk: Callable[..., KioskWindow],
    clean_room: Path,
) -> None:
    window = open_kiosk(
        "camera:0",
        source_factory=lambda spec, fps, seconds: UnpluggedCamera(str(clean_room), after=8),
    )
    _to_scan(qtbot, window)
    _scanned(qtbot, window)
    assert {window.scan.rows[c].status for c in window.scan.rows} == {"error"}
    assert (
        window.scan.trouble.isVisible()
        and "stopped sending pictures" in window.scan.trouble_text.text()
    )
    assert not window.next.isEnabled()


def test_closing_mid_scan_leaves_no_record(
    qtbot: QtBot,
    open_kiosk: Callable[..., KioskWindow],
    clean_room: Path,
) -> None:
    window = open_kiosk(clean_room)
    _to_scan(qtbot, window)
    qtbot.waitUntil(lambda: window.scan.camera._image is not None, timeout=SCAN_TIMEOUT_MS)
    window.close()  # threads are cancelled and joined
    assert not window.workers._scan_thread.isRunning()
    assert _records() == []


def test_scan_again_keeps_passed_checks_visibly_passed(
    qtbot: QtBot,
    open_kiosk: Callable[..., KioskWindow],
    clean_room: Path,
) -> None:
    window = open_kiosk(clean_room)
    _to_scan(qtbot, window)
    _scanned(qtbot, window)
    qtbot.mouseClick(window.scan.again, Qt.MouseButton.LeftButton)
    assert window._scanning and not window.next.isEnabled()
    assert {row.status for row in window.scan.rows.values()} == {"pass"}
    _scanned(qtbot, window)
    assert window.next.isEnabled()


def test_kiosk_mode_ignores_esc_and_close(
    qtbot: QtBot,
    open_kiosk: Callable[..., KioskWindow],
    clean_room: Path,
) -> None:
    window = open_kiosk(clean_room, kiosk=True)
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    window.close()
    assert window.isVisible()
    window._admin_exit = True  # what the confirmed admin exit sets
    window.close()
    assert not window.isVisible()


def test_every_control_has_an_accessible_name_and_the_keyboard_reaches_it(
    qtbot: QtBot,
    open_kiosk: Callable[..., KioskWindow],
    clean_room: Path,
) -> None:
    window = open_kiosk(clean_room)
    window.attest.set_items(window.draft.items if window.draft else [])
    controls = [
        w for w in window.findChildren(QWidget)
        if isinstance(w, QAbstractButton | QLineEdit | QComboBox | QCheckBox)
        and not isinstance(w.parent(), QAbstractSpinBox)  # a date field's own inner editor
    ]  # fmt: skip
    unnamed = [
        f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"
        for w in controls
        if not w.accessibleName()
    ]
    assert controls and not unnamed, unnamed
    # Tab order on the first step: name, email, role, then Continue; Enter moves on.
    window.who.name.setFocus()
    order = []
    for _ in range(4):
        order.append(window.focusWidget())
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert order[:3] == [window.who.name, window.who.email, window.who.role]
    assert window.next in order or window.back in order
    qtbot.keyClick(window.who.name, Qt.Key.Key_Return)
    assert window.index == 1


def test_back_in_the_middle_of_a_scan_then_start_again_scans_afresh(
    qtbot: QtBot,
    open_kiosk: Callable[..., KioskWindow],
    clean_room: Path,
) -> None:
    window = open_kiosk(clean_room)
    _to_scan(qtbot, window)
    qtbot.waitUntil(lambda: window.scan.camera._image is not None, timeout=SCAN_TIMEOUT_MS)
    qtbot.mouseClick(window.back, Qt.MouseButton.LeftButton)
    assert window.index == 1
    qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)  # Start the scan, again
    assert window.index == 2
    _scanned(qtbot, window)
    assert {row.status for row in window.scan.rows.values()} == {"pass"}
    assert window.next.isEnabled()
