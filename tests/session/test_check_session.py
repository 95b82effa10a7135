"""`preflight check` with a timetable: the session checks, the pack in force, and the record."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from preflight.journal.store import Journal
from tests.conftest import ROOT
from tests.session import ics_samples as ics

SCHOOL = f"""
[org]
name = "Oakfield School"
staff_domains = ["{ics.STAFF}"]
pupil_domains = ["{ics.PUPILS}"]
slt = ["{ics.SLT}"]
terms = [{{ name = "Autumn 2026", start = 2026-09-03, end = 2026-12-18 }}]
closures = [{{ name = "INSET day", start = 2026-11-27, end = 2026-11-27 }}]
[staff]
name = "Grace Hopper"
email = "grace.hopper@{ics.STAFF}"
[journal]
allow_file_key = true
[timetable]
path = "calendar.ics"
"""


@pytest.fixture
def school(tmp_path: Path) -> Path:
    ics.write(tmp_path, "calendar.ics", ics.weekly_timetable())
    path = tmp_path / "school.toml"
    path.write_text(SCHOOL)
    return path


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plain wall: the camera checks have nothing to say beyond 'no one in view'."""
    path = tmp_path_factory.mktemp("blank") / "wall.png"
    cv2.imwrite(str(path), np.full((720, 1280, 3), 180, np.uint8))
    return path


def _check(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "preflight", "--config", str(config), "check", "--no-desktop",
         *args],
        capture_output=True, text=True, cwd=ROOT, env=os.environ.copy(), check=False,
    )  # fmt: skip


def _session_checks(done: subprocess.CompletedProcess[str]) -> dict[str, dict]:  # type: ignore[type-arg]
    report = json.loads(done.stdout)
    return {c["id"]: c for c in report["checks"] if c["id"].startswith("session.")}


def test_the_timetabled_lesson_passes_both_session_checks(school: Path, blank: Path) -> None:
    done = _check(school, "--camera", str(blank), "--at", "2026-11-17T10:05", "--json")
    session = _session_checks(done)
    assert session["session.schedule"]["status"] == "pass", session
    assert "10:00-10:45 Tue 17 Nov" in session["session.schedule"]["summary"]
    assert session["session.invite"]["status"] == "pass", session
    order = [c["id"] for c in json.loads(done.stdout)["checks"]]
    assert order[-2:] == ["session.schedule", "session.invite"] and order[0] == "camera.people"


@pytest.mark.parametrize(
    ("at", "rule"),
    [
        ("2026-11-17T12:00", "timetabled"),  # nothing on the timetable at noon
        ("2026-10-27T10:00", "timetabled"),  # that week's lesson was cancelled (half term)
    ],
)
def test_a_moment_without_a_lesson_fails_schedule(
    school: Path, blank: Path, at: str, rule: str
) -> None:
    done = _check(school, "--camera", str(blank), "--at", at, "--json")
    assert done.returncode == 3
    schedule = _session_checks(done)["session.schedule"]
    assert schedule["status"] == "fail"
    assert [f["details"]["rule"] for f in schedule["findings"]] == [rule]
    assert _session_checks(done)["session.invite"]["status"] == "error"


def test_a_timetable_given_on_the_command_line_wins(
    school: Path, blank: Path, tmp_path: Path
) -> None:
    other = ics.write(tmp_path, "other.ics", ics.single(organizer="grace@gmail.com"))
    done = _check(school, "--camera", str(blank), "--timetable", str(other),
                  "--at", "2026-11-24T10:00", "--json")  # fmt: skip
    invite = _session_checks(done)["session.invite"]
    assert invite["status"] == "fail" and "personal mailbox (gmail.com)" in invite["summary"]


def test_an_unreadable_timetable_is_a_one_line_usage_error(school: Path, tmp_path: Path) -> None:
    bad = ics.write(tmp_path, "bad.ics", "BEGIN:VCALENDAR\r\nthis is not")
    done = _check(school, "--timetable", str(bad))
    assert done.returncode == 2 and str(bad) in done.stderr and done.stderr.count("\n") == 1
    missing = _check(school, "--timetable", str(tmp_path / "none.ics"))
    assert missing.returncode == 2 and "timetable not found" in missing.stderr


def test_a_broken_timetable_in_the_config_makes_the_checks_errors_not_a_crash(
    school: Path, blank: Path, tmp_path: Path
) -> None:
    (tmp_path / "calendar.ics").write_text("garbage")
    done = _check(school, "--camera", str(blank), "--at", "2026-11-17T10:05", "--json")
    session = _session_checks(done)
    assert session["session.schedule"]["status"] == "error"
    assert "cannot be read" in session["session.schedule"]["summary"]


def test_a_one_to_one_under_valence_needs_the_approval_item_to_sign(
    school: Path, blank: Path, tmp_path: Path
) -> None:
    ics.write(tmp_path, "calendar.ics", ics.single(
        attendees=(("Joe Bloggs", f"joe.bloggs@{ics.PUPILS}", "REQ-PARTICIPANT"),
                   ("Head Teacher", ics.SLT, "OPT-PARTICIPANT")),
    ))  # fmt: skip
    base = ("--camera", str(blank), "--policy", "valence-remote-learning",
            "--at", "2026-11-24T10:00", "--sign", "Grace Hopper")  # fmt: skip
    staff_items = "no_personal_accounts,school_device_used"
    refused = _check(school, *base, "--attest", staff_items)
    assert refused.returncode == 2 and "one_to_one_slt_approved" in refused.stderr
    done = _check(school, *base, "--attest", "all", "--json")
    assert done.returncode in (0, 1, 3), done.stderr
    report = json.loads(done.stdout)
    invite = _session_checks(done)["session.invite"]
    assert invite["status"] == "warn" and invite["metrics"]["traits"] == ["one_to_one"]
    data = Path(os.environ["PREFLIGHT_DATA_DIR"]) / "journal.sqlite3"
    with Journal.open(f"sqlite:///{data}", read_only=True) as journal:
        stored = journal.record(report["record"]["id"])
        assert stored is not None
        payload = stored.sealed.payload
    assert "one_to_one_slt_approved" in [a["id"] for a in payload["attestations"]]
    assert payload["policy"]["id"] == "valence-remote-learning"
    # Filled in from the invitation: the pupil, the times, the join link.
    assert payload["session"]["pupils"] == ["Joe Bloggs"]
    assert payload["session"]["teams_link"] == ics.JOIN
    assert payload["session"]["scheduled_start"]["utc"].startswith("2026-11-24T10:00")
    assert "camera.stillness" not in [c["id"] for c in payload["checks"]]  # not in Valence


def test_home_mode_runs_the_pupils_camera_checks_only(school: Path, blank: Path) -> None:
    done = _check(school, "--camera", str(blank), "--mode", "home", "--json")
    ids = [c["id"] for c in json.loads(done.stdout)["checks"]]
    assert ids == ["camera.people", "camera.documents", "camera.stillness"]


def test_scan_runs_the_camera_checks_the_pack_asks_for(blank: Path) -> None:
    def scan(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "preflight", "scan", str(blank), "--json", *args],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )  # fmt: skip

    valence = scan("--policy", "valence-remote-learning")
    ids = [c["id"] for c in json.loads(valence.stdout)["checks"]]
    assert ids == ["camera.people", "camera.photos", "camera.documents"]  # no stillness
    home = scan("--policy", "valence-remote-learning", "--mode", "home")
    assert home.returncode == 2 and "has no home mode" in home.stderr and not home.stdout
    tces_home = scan("--mode", "home")
    ids = [c["id"] for c in json.loads(tces_home.stdout)["checks"]]
    assert ids == ["camera.people", "camera.documents", "camera.stillness"]


def test_the_record_keeps_which_requirement_a_session_finding_is_about(
    school: Path, blank: Path
) -> None:
    done = _check(school, "--camera", str(blank), "--at", "2026-11-17T12:00", "--json",
                  "--sign", "Grace Hopper", "--attest", "all")  # fmt: skip
    record_id = json.loads(done.stdout)["record"]["id"]
    data = Path(os.environ["PREFLIGHT_DATA_DIR"]) / "journal.sqlite3"
    with Journal.open(f"sqlite:///{data}", read_only=True) as journal:
        stored = journal.record(record_id)
        assert stored is not None
        payload = stored.sealed.payload
    schedule = next(c for c in payload["checks"] if c["id"] == "session.schedule")
    assert [f["rule"] for f in schedule["findings"]] == ["timetabled"]
    assert "Year 9" not in json.dumps(payload)  # the event's title is never kept


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--at", "2026-11-24"], "--at: not a date and time"),
        (["--no-session", "--policy", "{pack}"], "nothing to check"),
        (["--sign", "Kid", "--attest", "all", "--email", f"kid@{ics.PUPILS}"],
         "pupils' domain; sign with your staff account"),
    ],
)  # fmt: skip
def test_more_usage_errors_are_one_line(
    school: Path, tmp_path: Path, args: list[str], words: str
) -> None:
    pack = tmp_path / "session-only.toml"
    pack.write_text(
        'schema = "preflight.policy/1"\nid = "session-only"\nname = "n"\nversion = "1"\n'
        'source = "s"\nsource_date = "undated"\nroles = ["staff"]\nmodes = ["staff"]\n'
        '[[rules]]\nid = "r"\nsection = "1"\nsummary = "x"\n'
        '[[rules.checks]]\nid = "session.schedule"\nseverity = "block"\n'
    )
    done = _check(school, *[a.format(pack=pack) for a in args])
    assert done.returncode == 2 and words in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and not done.stdout


def test_a_parent_signs_at_home_without_a_school_email(school: Path, blank: Path) -> None:
    done = _check(school, "--camera", str(blank), "--mode", "home", "--json", "--sign",
                  "Pat Bloggs", "--attest", "all", "--pupil", "Joe Bloggs",
                  "--email", "pat.bloggs@gmail.com")  # fmt: skip
    assert done.returncode in (0, 1, 3), done.stderr
    record = json.loads(done.stdout)["record"]
    assert record["seq"] >= 1
