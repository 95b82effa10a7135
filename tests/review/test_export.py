"""Exports for leadership, end to end: the CSV of a filtered list parses back to exactly the
filter's records; the PDFs open and their text (read back with pypdf) names the school, the
staff, the verdicts, the policy version and the integrity — including a tampered record as
NOT INTACT. `preflight log export --pdf` does the same from the command line."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from preflight.journal.store import Journal
from preflight.review.export import write_list_csv, write_list_pdf, write_record_pdf
from preflight.review.queries import ReviewFilter
from tests.review.journal_gen import generate
from tests.test_cli import run

SCHOOL = "Oakfield Primary School"


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite3"
    with Journal.open(f"sqlite:///{path}") as journal:
        generate(journal, 400, seed=11)
    return path


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


def test_the_csv_of_a_filter_parses_back_to_its_records(journal_path: Path, tmp_path: Path) -> None:
    where = ReviewFilter(verdicts=frozenset({"fail"}), staff="a")
    out = tmp_path / "failures.csv"
    with Journal.open(f"sqlite:///{journal_path}", read_only=True) as journal:
        from preflight.review.queries import iter_rows

        expected = [r.record_id for r in iter_rows(journal, where)]
        written = write_list_csv(journal, where, out)
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert written == len(rows) == len(expected) > 5
    assert [r["record_id"] for r in rows] == expected
    assert {r["verdict"] for r in rows} == {"fail"}
    assert all("a" in r["staff"].lower() for r in rows)
    assert {r["integrity"] for r in rows} == {"verified"}
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_the_list_pdf_names_school_staff_verdicts_policy_and_integrity(
    journal_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "overrides.pdf"
    with Journal.open(f"sqlite:///{journal_path}", read_only=True) as journal:
        from preflight.review.queries import iter_rows

        rows = list(iter_rows(journal, ReviewFilter(overrides_only=True)))
        listed = write_list_pdf(journal, ReviewFilter(overrides_only=True), out, SCHOOL)
    assert listed == len(rows) > 3
    text = _text(out)
    assert SCHOOL in text
    assert "Integrity: all" in text and "verified (signatures and chain links intact)" in text
    assert "tces-distance-learning" in text
    assert "Filter: overridden only" in text
    for row in rows[:5]:
        assert row.staff in text
    assert "fail" in text


def _tamper_one(path: Path) -> str:
    """Change the staff name inside one sealed record, as someone editing the database would."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS records_no_update")
        record_id, envelope = conn.execute(
            sa.text(
                "SELECT record_id, envelope FROM records WHERE kind = 'preflight' LIMIT 1 OFFSET 7"
            )
        ).one()
        conn.execute(
            sa.text("UPDATE records SET envelope = :e WHERE record_id = :r"),
            {"e": envelope.replace('"verdict":"', '"verdict":"x', 1), "r": record_id},
        )
    engine.dispose()
    return str(record_id)


def test_a_tampered_record_shows_as_not_intact_in_its_pdf_and_the_list(
    journal_path: Path, tmp_path: Path
) -> None:
    record_id = _tamper_one(journal_path)
    with Journal.open(f"sqlite:///{journal_path}", read_only=True) as journal:
        write_record_pdf(journal, record_id, tmp_path / "record.pdf", SCHOOL)
        write_list_pdf(journal, ReviewFilter(), tmp_path / "all.pdf", SCHOOL)
    record = _text(tmp_path / "record.pdf")
    assert "Integrity: NOT INTACT - edited: its content does not match" in record
    assert SCHOOL in record and "Policy version: tces-distance-learning 2026.1" in record
    listing = _text(tmp_path / "all.pdf")
    assert "Integrity: NOT INTACT" in listing


def test_an_intact_record_pdf_shows_the_checks_and_the_launch(
    journal_path: Path, tmp_path: Path
) -> None:
    with Journal.open(f"sqlite:///{journal_path}", read_only=True) as journal:
        from preflight.review.queries import iter_rows, launch_of

        row = next(r for r in iter_rows(journal, ReviewFilter()) if launch_of(journal, r.record_id))
        write_record_pdf(journal, row.record_id, tmp_path / "record.pdf", SCHOOL)
    text = _text(tmp_path / "record.pdf")
    assert "Integrity: verified" in text
    assert "Teams launched at" in text
    assert row.staff in text and "camera.people" in text and "consent_on_file" in text


def test_log_export_pdf_and_filtered_csv_from_the_command_line(
    journal_path: Path, tmp_path: Path
) -> None:
    config = tmp_path / "school.toml"
    config.write_text(f'[org]\nname = "{SCHOOL}"\n')
    url = f"sqlite:///{journal_path}"
    done = run(
        "--config", str(config), "log", "export", "--journal", url, "--pdf",
        str(tmp_path / "home.pdf"), "--mode", "home", "--since", "2026-01-01",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = _text(tmp_path / "home.pdf")
    assert SCHOOL in text and "mode: home" in text
    done = run(
        "--config", str(config), "log", "export", "--journal", url, "--csv",
        str(tmp_path / "home.csv"), "--mode", "home",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with (tmp_path / "home.csv").open(newline="", encoding="utf-8") as f:
        assert {r["mode"] for r in csv.DictReader(f)} == {"home"}
    bad = run("log", "export", "--journal", url, "--pdf", str(tmp_path / "x.pdf"),
                     "--since", "yesterday")  # fmt: skip
    assert bad.returncode == 2 and "--since" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
