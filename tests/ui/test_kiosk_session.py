"""The kiosk under a policy pack with a timetable: the session step fills itself in, the
session checks sit with the others, and a 1:1 or a live stream asks for its approvals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from preflight.config import load_config
from preflight.journal.confirmation import verify_confirmation
from tests.session import ics_samples as ics
from ui.kiosk_window import KioskWindow

SCAN_TIMEOUT_MS = 90_000
STAFF = f'[staff]\nname = "Grace Hopper"\nemail = "grace.hopper@{ics.STAFF}"\n'


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[..., KioskWindow]]:
    made: list[KioskWindow] = []

    def open_window(camera: Path, org_and_timetable: str, extra: str = "") -> KioskWindow:
        path = tmp_path / "school.toml"
        path.write_text(org_and_timetable + STAFF + "[journal]\nallow_file_key = true\n" + extra)
        window = KioskWindow(load_config(path), camera=str(camera), desktop_checks=False)
        made.append(window)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        return window

    yield open_window
    for window in made:
        window.close()


def _to_session(qtbot: QtBot, window: KioskWindow) -> None:
    qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
    assert window.index == 1
    qtbot.waitUntil(lambda: window._lookup is not None, timeout=10_000)


def _scan(qtbot: QtBot, window: KioskWindow) -> dict[str, Any]:
    qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
    assert window.index == 2
    qtbot.waitUntil(lambda: not window._scanning, timeout=SCAN_TIMEOUT_MS)
    return {cid: row for cid, row in window.scan.rows.items()}


def test_the_timetabled_lesson_fills_the_session_step_and_passes(
    qtbot: QtBot, kiosk: Callable[..., KioskWindow], clean_room: Path, tmp_path: Path
) -> None:
    window = kiosk(clean_room, ics.lesson_now(tmp_path))
    assert list(window.scan.rows)[-2:] == ["session.schedule", "session.invite"]
    _to_session(qtbot, window)
    assert window.session.pupils.text() == "Joe Bloggs, Amara Okafor"
    assert not window.session.group.text()  # the event's title is never copied into a record
    assert window.session.link.text() == ics.JOIN
    assert "Filled in from the timetable" in window.session.timetable.text()
    rows = _scan(qtbot, window)
    assert rows["session.schedule"].status == "pass", rows["session.schedule"].summary.text()
    assert rows["session.invite"].status == "pass"
    assert window.next.isEnabled(), window.scan.gate.text()


def test_without_a_timetable_the_session_checks_block_with_the_reason(
    qtbot: QtBot, kiosk: Callable[..., KioskWindow], clean_room: Path
) -> None:
    window = kiosk(clean_room, '[org]\nname = "Oakfield"\n')
    _to_session(qtbot, window)
    assert "No timetable is set up" in window.session.timetable.text()
    window.session.pupils.setText("Sam Patel")
    window.session.link.setText(ics.JOIN)
    rows = _scan(qtbot, window)
    assert rows["session.schedule"].status == "error"
    assert "No timetable is set up" in rows["session.schedule"].accessibleName()
    assert rows["session.invite"].status == "error"
    assert not window.next.isEnabled()  # fail closed: no timetable, no session


JOE = ("Joe Bloggs", f"joe.bloggs@{ics.PUPILS}", "REQ-PARTICIPANT")
HEAD_CC = ("Head Teacher", ics.SLT, "OPT-PARTICIPANT")


def test_a_one_to_one_under_valence_asks_for_leadership_approval(
    qtbot: QtBot, kiosk: Callable[..., KioskWindow], clean_room: Path, tmp_path: Path
) -> None:
    config = ics.lesson_now(tmp_path, policy="valence-remote-learning", attendees=(JOE, HEAD_CC))
    window = kiosk(clean_room, config)
    assert "camera.stillness" not in window.scan.rows  # Valence does not ask for it
    _to_session(qtbot, window)
    assert window.session.pupils.text() == "Joe Bloggs" and not window.session.group.text()
    rows = _scan(qtbot, window)
    invite = rows["session.invite"]
    assert invite.status == "warn" and "1:1" in invite.accessibleName()
    assert window.draft is not None and "one_to_one" in window.draft.traits
    assert "one_to_one_slt_approved" in window.attest.items


def test_a_live_stream_with_one_member_of_staff_can_be_overridden_with_slt_approval(
    qtbot: QtBot, kiosk: Callable[..., KioskWindow], clean_room: Path, tmp_path: Path
) -> None:
    config = ics.lesson_now(tmp_path, policy="valence-remote-learning", categories="Live stream")
    window = kiosk(clean_room, config, "[kiosk]\nallow_overrides = true\n")
    _to_session(qtbot, window)
    rows = _scan(qtbot, window)
    invite = rows["session.invite"]
    assert window.draft is not None
    messages = [f.message for f in window.draft.results["session.invite"].findings]
    assert invite.status == "fail" and any("at least 2 staff" in m for m in messages)
    assert not window.next.isEnabled()
    assert window.draft.may_override("session.invite")
    assert window.draft.approvers("session.invite") == ("SLT",)
    assert "live_stream_slt_approved" in window.attest.items
    # A check the pack says nothing about overriding follows the school's setting.
    assert window.draft.may_override("camera.people")


def test_a_parent_home_set_up_is_signed_for_the_pupil_with_the_parents_items(
    qtbot: QtBot, kiosk: Callable[..., KioskWindow], clean_room: Path, tmp_path: Path
) -> None:
    path = tmp_path / "school.toml"
    path.write_text('[org]\nname = "Oakfield"\n[journal]\nallow_file_key = true\n')
    window = KioskWindow(load_config(path), camera=str(clean_room), mode="home")
    qtbot.addWidget(window)
    window.show()
    try:
        assert list(window.scan.rows) == ["camera.people", "camera.documents", "camera.stillness"]
        assert window.who.role.currentData() == "parent-carer"
        assert [window.who.role.itemData(i) for i in range(window.who.role.count())] == [
            "pupil",
            "parent-carer",
        ]
        window.who.name.setText("Pat Bloggs")
        assert window.next.isEnabled()  # a parent's email is optional
        window.who.email.setText("pat@")
        qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
        assert window.index == 0 and "email" in window.who.problem.text()
        window.who.email.setText("pat.bloggs@gmail.com")  # a parent's own mailbox is fine
        qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
        assert window.index == 1 and window.session.link.isHidden()
        assert not window.next.isEnabled()  # the pupil must be named
        window.session.pupils.setText("Joe Bloggs")
        rows = _scan(qtbot, window)
        assert {r.status for r in rows.values()} == {"pass"}, window.scan.gate.text()
        qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
        assert window.index == 3
        assert "supervision_arranged" in window.attest.items
        assert "parent_agreed_code" not in window.attest.items  # the staff member's item
        for box in window.attest.items.values():
            box.setChecked(True)
        qtbot.mouseClick(window.next, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(window.sign.name, "Pat Bloggs")
        with qtbot.waitSignal(window.record_sealed, timeout=30_000) as sealed:
            qtbot.mouseClick(window.sign.sign, Qt.MouseButton.LeftButton)
        payload = sealed.args[0].payload
        assert payload["mode"] == "home" and payload["who"]["role"] == "parent-carer"
        assert payload["session"]["pupils"] == ["Joe Bloggs"] and payload["cleared"]
        assert "code_of_conduct_understood" in [a["id"] for a in payload["attestations"]]
        assert window.index == 5 and window.launch.launch.isHidden()
        assert "Home set-up record" in window.launch.status.text()
        # The set-up ends with the printable confirmation of understanding for the school.
        assert window.launch.confirmation.isVisible()
        pdf = tmp_path / "confirmation.pdf"
        with qtbot.waitSignal(window.confirmation_saved, timeout=30_000):
            window.save_confirmation(pdf)
        found = verify_confirmation(pdf)
        assert (found.signed_name, found.role, found.pupils) == (
            "Pat Bloggs", "parent-carer", ("Joe Bloggs",),
        )  # fmt: skip
        assert "camera.people" in found.passed
        assert "code_of_conduct_understood" in found.affirmed
    finally:
        window.close()
