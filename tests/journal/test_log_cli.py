"""`preflight log` end to end in a real subprocess, over a journal written through the API."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from preflight.config import load_config
from preflight.journal import KeyUnavailable, open_recorder
from preflight.journal.keys import DEVICE_ID_FILE, KEY_FILE
from preflight.journal.record import launch_payload
from tests.conftest import ROOT
from tests.journal.factory import preflight

FILE_KEY = "[journal]\nallow_file_key = true\n"


def _config(tmp_path: Path, text: str = FILE_KEY) -> Path:
    path = tmp_path / "school.toml"
    path.write_text(text)
    return path


def _log(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "preflight", "--config", str(config), "log", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=os.environ.copy(),
        check=False,
    )


def _journal_path() -> Path:
    return Path(os.environ["PREFLIGHT_DATA_DIR"]) / "journal.sqlite3"


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[Path, list[str]]:
    """Four preflights (the third failed and was overridden), each followed by its launch."""
    config = _config(tmp_path)
    recorder = open_recorder(load_config(config))
    ids = []
    for i in range(4):
        sealed = recorder.append(preflight(i, verdict_fail=i == 2, overridden=i == 2).payload())
        launched = dt.datetime.now().astimezone()
        recorder.append(launch_payload(sealed.record_id, launched, "msteams"))
        ids.append(sealed.record_id)
    recorder.journal.close()
    return config, ids


def test_list_show_verify_and_export(recorded: tuple[Path, list[str]], tmp_path: Path) -> None:
    config, ids = recorded
    listing = _log(config, "list")
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.count("Grace Hopper") == 4 and "NOT INTACT" not in listing.stdout
    rows = json.loads(_log(config, "list", "--json").stdout)
    assert len(rows) == 8 and {r["integrity"] for r in rows} == {"verified"}
    overridden = next(r for r in rows if r["record_id"] == ids[2])
    assert overridden["verdict"] == "fail" and overridden["overrides"] == 1
    assert "Captioner joins by Zoom" in overridden["override_reasons"]

    shown = _log(config, "show", ids[2][:8])
    assert shown.returncode == 0, shown.stderr
    assert "integrity: verified" in shown.stdout and "window Zoom, video_call" in shown.stdout
    assert (
        "override: desktop.windows - Captioner joins by Zoom (approved by Head of SEN)"
        in shown.stdout
    )
    document = json.loads(_log(config, "show", ids[2], "--json").stdout)
    assert document["record"]["record_id"] == ids[2] and document["integrity"] == "verified"

    verify = _log(config, "verify")
    assert verify.returncode == 0 and "8 record(s) from 1 device(s)" in verify.stdout

    out = tmp_path / "records.csv"
    exported = _log(config, "export", "--csv", str(out))
    assert exported.returncode == 0, exported.stderr
    with out.open(newline="", encoding="utf-8") as fh:
        back = list(csv.DictReader(fh))
    assert {r["record_id"] for r in back} == {r["record_id"] for r in rows}
    assert sum(r["kind"] == "launch" for r in back) == 4
    assert {r["integrity"] for r in back} == {"verified"}


def test_verify_names_the_first_bad_record_and_exits_3(recorded: tuple[Path, list[str]]) -> None:
    config, ids = recorded
    with sqlite3.connect(_journal_path()) as db:
        db.execute("DROP TRIGGER records_no_update")
        db.execute("UPDATE records SET envelope = replace(envelope, 'Head of SEN', 'Nobody')")
    verify = _log(config, "verify")
    assert verify.returncode == 3
    assert f"record #5 ({ids[2][:8]}): edited" in verify.stdout
    report = json.loads(_log(config, "verify", "--json").stdout)
    assert report["intact"] is False
    assert report["devices"][0]["first_bad"]["problem"] == "edited"
    listing = _log(config, "list").stdout
    assert "NOT INTACT: edited" in listing and "NOT INTACT: unverified" in listing


def test_no_journal_yet_is_a_clear_error(tmp_path: Path) -> None:
    done = _log(_config(tmp_path), "list")
    assert done.returncode == 2
    assert (
        done.stderr.startswith("preflight: there is no journal at ")
        and done.stderr.count("\n") == 1
    )
    assert not _journal_path().exists()  # reading never creates one


def test_a_damaged_journal_file_is_an_error_and_left_alone(tmp_path: Path) -> None:
    path = _journal_path()
    path.parent.mkdir(parents=True)
    garbage = b"SQLite format 3\x00" + os.urandom(4000)
    path.write_bytes(garbage)
    done = _log(_config(tmp_path), "verify")
    assert done.returncode == 4 and done.stderr.count("\n") == 1
    assert "cannot be used" in done.stderr and "Traceback" not in done.stderr
    assert path.read_bytes() == garbage


def test_a_journal_from_a_newer_preflight_is_refused(recorded: tuple[Path, list[str]]) -> None:
    config, _ = recorded
    with sqlite3.connect(_journal_path()) as db:
        db.execute("UPDATE alembic_version SET version_num = '0099'")
    done = _log(config, "list")
    assert done.returncode == 4 and "newer version of Preflight" in done.stderr


def test_without_a_keyring_nothing_is_signed_unless_a_file_key_is_allowed(
    tmp_path: Path, no_keyring: None
) -> None:
    with pytest.raises(KeyUnavailable, match="allow_file_key"):
        open_recorder(load_config(_config(tmp_path, "")))
    assert not _journal_path().exists()
    recorder = open_recorder(load_config(_config(tmp_path)))
    assert recorder.key.store == "file"
    data = Path(os.environ["PREFLIGHT_DATA_DIR"])
    for name in (KEY_FILE, DEVICE_ID_FILE, "journal.sqlite3"):
        assert (data / name).stat().st_mode & 0o077 == 0, name  # only this user can read it
    again = open_recorder(load_config(_config(tmp_path)))
    assert again.key.key_id == recorder.key.key_id  # one device, one key
    (data / KEY_FILE).write_text("not a key\n")
    with pytest.raises(KeyUnavailable, match="damaged"):
        open_recorder(load_config(_config(tmp_path)))


def test_config_show_never_prints_the_database_password(tmp_path: Path) -> None:
    config = _config(
        tmp_path, '[journal]\ncentral_url = "postgresql://slt:s3cret@db.school.example/journal"\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "preflight", "--config", str(config), "config", "show"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert (
        done.returncode == 0 and "s3cret" not in done.stdout and "db.school.example" in done.stdout
    )


def test_reading_another_database_changes_nothing_and_says_what_it_is(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    before = other.read_bytes()
    done = _log(_config(tmp_path), "verify", "--journal", f"sqlite:///{other}")
    assert done.returncode == 4 and "not a Preflight journal" in done.stderr
    assert other.read_bytes() == before and not Path(f"{other}-wal").exists()


def test_verify_and_export_leave_the_journal_untouched(
    recorded: tuple[Path, list[str]], tmp_path: Path
) -> None:
    config, _ = recorded
    before = _journal_path().read_bytes()
    assert _log(config, "verify").returncode == 0
    out = tmp_path / "out.csv"
    assert _log(config, "export", "--csv", str(out)).returncode == 0
    assert _journal_path().read_bytes() == before
    assert out.stat().st_mode & 0o077 == 0  # names of staff and pupils: this user only


@pytest.mark.parametrize("target", [".", "", "folder", "link.csv"])
def test_export_refuses_what_is_not_a_file_it_may_write(
    recorded: tuple[Path, list[str]], tmp_path: Path, target: str
) -> None:
    config, _ = recorded
    (tmp_path / "folder").mkdir()
    (tmp_path / "elsewhere.csv").write_text("keep me\n")
    (tmp_path / "link.csv").symlink_to(tmp_path / "elsewhere.csv")
    done = _log(config, "export", "--csv", str(tmp_path / target) if target else "")
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert (tmp_path / "elsewhere.csv").read_text() == "keep me\n"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql//alice:S3cretPW@db.school.example/journal",  # not a URL at all
        "postgresql+psycopg2://alice:S3cretPW@db.school.example/journal",  # a driver we lack
        "postgresql://alice:S3cretPW@db.school.example:abc/journal",  # a port that is no number
    ],
)
def test_a_bad_journal_address_is_one_line_without_the_password(tmp_path: Path, url: str) -> None:
    done = _log(_config(tmp_path), "list", "--journal", url)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "S3cretPW" not in done.stderr
    config = _config(tmp_path, f'[journal]\ncentral_url = "{url}"\n')
    shown = subprocess.run(
        [sys.executable, "-m", "preflight", "--config", str(config), "config", "show"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert shown.returncode == 2 and "journal.central_url" in shown.stderr
    assert "S3cretPW" not in shown.stderr + shown.stdout


def test_list_into_a_closed_pipe_is_quiet(recorded: tuple[Path, list[str]]) -> None:
    config, _ = recorded
    done = subprocess.run(
        f"{sys.executable} -m preflight --config {config} log list | head -1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.stdout.startswith("sealed (UTC)") and "Traceback" not in done.stderr


def test_first_opens_from_several_processes_at_once_all_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    script = (
        "import sys; from preflight.journal.store import Journal; Journal.open(sys.argv[1]).close()"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, url], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    results = [(p.wait(timeout=60), p.stderr.read() if p.stderr else "") for p in procs]
    assert all(code == 0 for code, _ in results), results
