"""Sealing a preflight: the kiosk's API (begin_preflight) and `preflight check --sign`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from preflight.attestation import items_for
from preflight.config import load_config
from preflight.journal import NotReadyToSeal, begin_preflight, open_recorder
from preflight.journal.record import Person, SessionInfo
from preflight.journal.store import Journal
from preflight.journal.verify import verify_journal
from preflight.policy import pack_in_force
from preflight.results import CheckResult
from tests.conftest import ROOT

DEMO = ROOT / "assets" / "demo" / "room.mp4"
LINK = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0"
SCHOOL = '[staff]\nname = "Grace Hopper"\nemail = "grace@school.example"\n'
FILE_KEY = "[journal]\nallow_file_key = true\n"


def _journal() -> Path:
    return Path(os.environ["PREFLIGHT_DATA_DIR"]) / "journal.sqlite3"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "school.toml"
    path.write_text(SCHOOL + FILE_KEY)
    return path


@pytest.fixture(scope="module")
def still(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One frame of the demo room, the letter on the desk readable: a quick camera source."""
    capture = cv2.VideoCapture(str(DEMO))
    capture.set(cv2.CAP_PROP_POS_FRAMES, 30)
    ok, frame = capture.read()
    capture.release()
    assert ok
    path = tmp_path_factory.mktemp("still") / "room.png"
    cv2.imwrite(str(path), frame)
    return path


def _check(
    config: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "preflight", "--config", str(config), "check", *args],
        capture_output=True, text=True, cwd=ROOT, env=env or os.environ.copy(), check=False,
    )  # fmt: skip


# --- the API the kiosk calls -------------------------------------------------------------


def _staff_items() -> list[str]:
    """The items a member of staff affirms under the pack in force (TCES by default)."""
    return [i.id for i in items_for("staff", pack_in_force(load_config()).items(), "staff")]


def _draft(tmp_path: Path, *required: str):  # type: ignore[no-untyped-def]
    cfg = load_config(tmp_path / "school.toml")
    who = Person("Grace Hopper", "grace@school.example", "staff")
    session = SessionInfo(pupils=("Sam",), teams_link=LINK)
    left_out = tuple(c for c in pack_in_force(cfg).checks_for("staff") if c not in required)
    return cfg, begin_preflight(cfg, who=who, session=session, left_out=left_out)


def test_a_preflight_is_cleared_only_when_every_check_it_began_with_has_run(
    tmp_path: Path, config: Path
) -> None:
    cfg = load_config(tmp_path / "school.toml")
    who = Person("Grace Hopper", "grace@school.example", "staff")
    draft = begin_preflight(cfg, who=who, session=SessionInfo(pupils=("Sam",)))
    draft.record_result(CheckResult(id="camera.people", status="pass", summary="1 person"))
    assert not draft.cleared  # one of ten checks is not a cleared preflight
    everything_else = tuple(c for c in draft.required if c != "camera.people")
    partial = begin_preflight(cfg, who=who, session=SessionInfo(pupils=("Sam",)),
                              left_out=everything_else)  # fmt: skip
    partial.record_result(CheckResult(id="camera.people", status="pass", summary="1 person"))
    for item in partial.items:
        partial.affirm(item.id)
    payload = partial.record("Grace Hopper").payload()
    assert partial.cleared and "desktop.screen" in payload["checks_not_run"]


def test_nothing_is_written_before_seal_and_seal_needs_every_item(
    config: Path, tmp_path: Path
) -> None:
    cfg, draft = _draft(tmp_path)
    recorder = open_recorder(cfg)
    draft.record_result(CheckResult(id="camera.people", status="pass", summary="1 person"))
    with pytest.raises(NotReadyToSeal, match=r"not yet confirmed: .*household_aware"):
        draft.seal(recorder, "Grace Hopper")
    for item in draft.items:
        draft.affirm(item.id)
    with pytest.raises(NotReadyToSeal, match="full name"):
        draft.seal(recorder, "   ")
    assert recorder.journal.count() == 0  # refusals wrote nothing
    sealed = draft.seal(recorder, "Grace Hopper")
    payload = sealed.payload
    assert payload["origin"] == "kiosk" and payload["cleared"] is True
    assert [a["id"] for a in payload["attestations"]] == _staff_items()
    assert payload["policy"]["id"] == "tces-distance-learning"
    assert payload["policy"]["version"] and len(payload["policy"]["digest"]) == 64
    with pytest.raises(NotReadyToSeal, match="already sealed"):
        draft.affirm("household_aware")
    launch = draft.record_launch(recorder, how="msteams")
    assert launch.payload["preflight_record"] == sealed.record_id
    assert verify_journal(recorder.journal).intact and recorder.journal.count() == 2


def test_a_failed_check_blocks_launch_until_overridden_and_scan_again_replaces(
    config: Path, tmp_path: Path
) -> None:
    cfg, draft = _draft(tmp_path, "desktop.windows")
    recorder = open_recorder(cfg)
    draft.record_result(CheckResult(id="desktop.windows", status="fail", summary="Zoom is open"))
    assert not draft.cleared
    draft.override("desktop.windows", "Captioner joins by Zoom", "Head of SEN")
    assert draft.cleared
    # Scan again: the new result replaces the old, and the override (given for the old) goes.
    draft.record_result(CheckResult(id="desktop.windows", status="fail", summary="Zoom is open"))
    assert not draft.cleared and not draft.overrides
    draft.record_result(CheckResult(id="desktop.windows", status="pass", summary="Nothing open"))
    draft.record_result(CheckResult(id="camera.people", status="error", summary="No camera"))
    assert not draft.cleared  # a check that could not run never clears a session
    for item in draft.items:
        draft.affirm(item.id)
    sealed = draft.seal(recorder, "Grace Hopper")
    assert [c["id"] for c in sealed.payload["checks"]] == ["desktop.windows", "camera.people"]
    assert sealed.payload["cleared"] is False and sealed.payload["verdict"] == "error"
    with pytest.raises(NotReadyToSeal, match="not cleared"):
        draft.record_launch(recorder, how="msteams")


def test_warnings_ticked_off_are_recorded_until_the_check_runs_again(
    config: Path, tmp_path: Path
) -> None:
    cfg, draft = _draft(tmp_path, "camera.documents")
    warn = CheckResult(id="camera.documents", status="warn", summary="Readable text on camera")
    draft.record_result(warn)
    draft.acknowledge("camera.documents")
    draft.record_result(warn)  # scanned again: a new result needs a new tick
    assert not draft.acknowledged
    draft.acknowledge("camera.documents")
    for item in draft.items:
        draft.affirm(item.id)
    sealed = draft.seal(open_recorder(cfg), "Grace Hopper")
    assert sealed.payload["acknowledged_warnings"] == ["camera.documents"]
    assert sealed.payload["cleared"] is True  # a warning does not block, once dealt with


def test_home_mode_asks_the_parents_items_and_names_the_pupil(config: Path, tmp_path: Path) -> None:
    cfg = load_config(tmp_path / "school.toml")
    parent = Person("Pat Bloggs", "pat.bloggs@school.example", "parent-carer")
    draft = begin_preflight(cfg, who=parent, session=SessionInfo(), mode="home")
    home = [i.id for i in draft.items]
    assert {"supervision_arranged", "parental_consent_given", "code_of_conduct_understood"} <= set(
        home
    )
    assert "parent_agreed_code" not in home  # a staff item
    assert draft.required == ("camera.people", "camera.documents", "camera.stillness")
    draft.record_result(CheckResult(id="camera.people", status="pass", summary="1 person"))
    for item in home:
        draft.affirm(item)
    with pytest.raises(NotReadyToSeal, match="name the pupil"):
        draft.prepare_seal("Pat Bloggs")
    pupil = begin_preflight(cfg, who=Person("Joe Bloggs", "joe@school.example", "pupil"),
                            session=SessionInfo(pupils=("Joe Bloggs",)), mode="home")  # fmt: skip
    assert [i.id for i in pupil.items] == ["pupil_no_recording", "code_of_conduct_understood"]


def test_an_override_the_pack_forbids_is_refused(config: Path, tmp_path: Path) -> None:
    pack = tmp_path / "strict.toml"
    pack.write_text(
        'schema = "preflight.policy/1"\nid = "strict"\nname = "n"\nversion = "1"\n'
        'source = "s"\nsource_date = "undated"\nroles = ["staff"]\nmodes = ["staff"]\n'
        '[[rules]]\nid = "r"\nsection = "1"\nsummary = "x"\n'
        '[[rules.checks]]\nid = "desktop.windows"\nseverity = "block"\n'
        "[rules.override]\nallowed = false\n"
    )
    (tmp_path / "school.toml").write_text(SCHOOL + FILE_KEY + f'[org]\npolicy = "{pack}"\n')
    _, draft = _draft(tmp_path, "desktop.windows")
    draft.record_result(CheckResult(id="desktop.windows", status="fail", summary="Zoom is open"))
    assert not draft.may_override("desktop.windows")
    with pytest.raises(NotReadyToSeal, match=r"does not allow overriding desktop\.windows"):
        draft.override("desktop.windows", "Captioner joins by Zoom", "Head of SEN")


# --- preflight check --sign, end to end --------------------------------------------------


def test_check_without_sign_writes_nothing(config: Path, still: Path) -> None:
    done = _check(config, "--camera", str(still), "--no-desktop", "--json")
    assert done.returncode == 3, done.stderr  # the letter on the desk is readable
    report = json.loads(done.stdout)
    assert report["schema"] == "preflight.report/1" and "record" not in report
    assert not _journal().exists()


def test_check_with_sign_seals_a_verifiable_command_line_record(config: Path, still: Path) -> None:
    done = _check(
        config, "--camera", str(still), "--no-desktop", "--json",
        "--sign", "Grace Hopper", "--attest", "all", "--pupil", "Sam Patel",
        "--teams-link", LINK, "--start", "2026-11-24T10:00", "--end", "2026-11-24T10:30",
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    report = json.loads(done.stdout)
    record = report["record"]
    assert record["seq"] == 1 and record["cleared"] is False
    with Journal.open(f"sqlite:///{_journal()}", read_only=True) as journal:
        assert verify_journal(journal).intact
        stored = journal.record(record["id"])
        assert stored is not None
        payload = stored.sealed.payload
    assert payload["origin"] == "command-line" and payload["verdict"] == "fail"
    assert (
        payload["camera_source"] == "image"
    )  # a picture, not the room as it is: a reviewer sees it
    assert payload["checks_not_run"] == [
        "desktop.windows",
        "desktop.tabs",
        "desktop.wallpaper",
        "desktop.screen",
    ]
    # No timetable is set up: the session checks ran and could not pass (fail closed).
    statuses = {c["id"]: c["status"] for c in payload["checks"]}
    assert statuses["session.schedule"] == "error" and statuses["session.invite"] == "error"
    assert payload["who"] == {
        "name": "Grace Hopper",
        "email": "grace@school.example",
        "role": "staff",
    }
    assert (
        payload["session"]["pupils"] == ["Sam Patel"] and payload["session"]["teams_link"] == LINK
    )
    assert [a["id"] for a in payload["attestations"]] == _staff_items()
    assert {c["id"]: c["status"] for c in payload["checks"]} == {
        c["id"]: c["status"] for c in report["checks"]
    }
    # The record keeps categories, never what the letter says or the messages shown.
    documents = next(c for c in payload["checks"] if c["id"] == "camera.documents")
    assert documents["findings"] and all(
        set(f) <= {"kind", "severity", "box", "pii", "words", "count", "frames_seen", "category"}
        for f in documents["findings"]
    )
    assert "message" not in json.dumps(payload)
    listing = subprocess.run(
        [sys.executable, "-m", "preflight", "--config", str(config), "log", "show", record["id"]],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip
    assert (
        "sealed from the command-line" in listing.stdout
        and "cleared to start: no" in listing.stdout
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # Every item must be affirmed, as in the kiosk.
        (
            ["--sign", "Grace Hopper", "--attest", "parental_consent_confirmed"],
            "not affirmed: parent_agreed_code",
        ),
        (["--sign", "Grace Hopper", "--attest", "consent,all"], "no attestation item consent"),
        (["--sign", "Grace Hopper"], "not affirmed: parental_consent_confirmed"),
        (["--sign", "Grace Hopper", "--attest", "all", "--policy", "nope"], "unknown policy pack"),
        (
            [
                "--sign",
                "Grace Hopper",
                "--attest",
                "all",
                "--policy",
                "valence-remote-learning",
                "--mode",
                "home",
            ],
            "has no home mode",
        ),
        (["--sign", "Pat", "--attest", "all", "--mode", "home"], "add --pupil"),
        (["--at", "soon"], "--at: not a date"),
        (["--attest", "all"], "add --sign"),
        (["--sign", " ", "--attest", "all"], "full name"),
        (
            ["--sign", "Grace Hopper", "--attest", "all", "--email", "grace@gmail.com"],
            "personal mailbox",
        ),
        (["--email", "grace@school.example"], "add --sign"),
        # Lessons run on Teams only.
        (
            ["--sign", "Grace Hopper", "--attest", "all", "--teams-link", "https://zoom.us/j/123"],
            "not a Teams meeting",
        ),
        (
            ["--sign", "Grace Hopper", "--attest", "all", "--start", "tomorrow"],
            "--start: not a date",
        ),
        (
            [
                "--sign",
                "Grace Hopper",
                "--attest",
                "all",
                "--start",
                "2026-11-24T10:00",
                "--end",
                "2026-11-24T09:00",
            ],
            "--end must be after",
        ),
    ],
)
def test_check_refuses_to_sign_what_the_kiosk_would_not_and_writes_nothing(
    config: Path, still: Path, args: list[str], message: str
) -> None:
    done = _check(config, "--camera", str(still), "--no-desktop", *args)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert done.stderr.count("\n") == 1 and not done.stdout  # one line, before any scanning
    assert not _journal().exists()


def test_check_without_an_email_or_a_keyring_says_so_before_scanning(
    tmp_path: Path, still: Path
) -> None:
    signing = ("--camera", str(still), "--no-desktop", "--sign", "Grace Hopper", "--attest", "all")
    no_email = tmp_path / "no-email.toml"
    no_email.write_text(FILE_KEY)
    done = _check(no_email, *signing)
    assert done.returncode == 2 and "school email" in done.stderr
    no_file_key = tmp_path / "no-file-key.toml"
    no_file_key.write_text(SCHOOL)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    done = _check(no_file_key, *signing, env=env)
    assert done.returncode == 4 and "no usable system keyring" in done.stderr and not done.stdout
    assert not _journal().exists()


def test_check_includes_the_desktop_checks_which_fail_closed_without_a_desktop(
    config: Path, still: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = _check(config, "--camera", str(still), "--json", env=env)
    report = json.loads(done.stdout)
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["desktop.windows"] == "error" and statuses["desktop.screen"] == "error"
    # The readable letter still decides the verdict: a failure outranks a check that could not run.
    assert done.returncode == 3 and report["verdict"] == "fail"
