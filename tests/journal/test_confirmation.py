"""The home set-up's confirmation of understanding: the PDF a parent sends names who signed,
for which pupil, when and what passed; the school's check finds it genuine, and finds it out
when the signed record inside, or the printed words, were changed. Real keys, real PDFs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from preflight.journal.confirmation import (
    ATTACHMENT,
    ConfirmationError,
    NotGenuine,
    verify_confirmation,
    write_confirmation,
)
from preflight.journal.store import Journal, StoredRecord
from preflight.review.queries import ReviewFilter, page, stored_records
from tests.review.journal_gen import generate
from tests.test_cli import run

SCHOOL = "Oakfield Primary School"


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    journal = Journal.open(f"sqlite:///{tmp_path / 'journal.sqlite3'}")
    generate(journal, 120, seed=4)
    return journal


def _record(journal: Journal, mode: str) -> tuple[StoredRecord, str]:
    row = page(journal, ReviewFilter(mode=mode), limit=1)[0]
    stored = stored_records(journal, [row.record_id])[row.record_id]
    return stored, journal.keys()[stored.sealed.key_id].public_key


def _text(pdf: Path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(pdf).pages).split())


def test_a_confirmation_shows_the_facts_and_is_found_genuine(
    journal: Journal, tmp_path: Path
) -> None:
    stored, public = _record(journal, "home")
    pdf = tmp_path / "confirmation.pdf"
    write_confirmation(stored.sealed, public, pdf, SCHOOL)
    payload = stored.sealed.payload
    text = _text(pdf)
    assert "Confirmation of understanding" in text and SCHOOL in text
    assert payload["who"]["name"] in text and "parent or carer" in text
    assert all(p in text for p in payload["session"]["pupils"])
    assert "Checks passed:" in text and stored.sealed.record_id in text
    found = verify_confirmation(pdf, journal)
    assert found.record_id == stored.sealed.record_id
    assert found.pupils == tuple(payload["session"]["pupils"])
    assert set(found.passed) == {c["id"] for c in payload["checks"] if c["status"] == "pass"}
    assert "unchanged" in found.journal_notes[0] and "registered" in found.journal_notes[1]


def test_a_staff_record_has_no_confirmation(journal: Journal, tmp_path: Path) -> None:
    stored, public = _record(journal, "staff")
    with pytest.raises(ConfirmationError, match="only a home set-up"):
        write_confirmation(stored.sealed, public, tmp_path / "x.pdf", SCHOOL)


def _swap_attachment(source: Path, out: Path, data: bytes) -> None:
    writer = PdfWriter()
    writer.append(PdfReader(source))
    writer.add_attachment(ATTACHMENT, data)
    with out.open("wb") as f:
        writer.write(f)


def test_a_changed_record_inside_is_not_genuine(journal: Journal, tmp_path: Path) -> None:
    stored, public = _record(journal, "home")
    pdf = tmp_path / "confirmation.pdf"
    write_confirmation(stored.sealed, public, pdf, SCHOOL)
    attached = json.loads(PdfReader(pdf).attachments[ATTACHMENT][0])
    attached["envelope"] = attached["envelope"].replace('"status":"fail"', '"status":"pass"')
    attached["envelope"] = attached["envelope"].replace('"cleared":false', '"cleared":true')
    attached["envelope"] = attached["envelope"].replace('"mode":"home"', '"mode":"home" ')
    edited = tmp_path / "edited.pdf"
    _swap_attachment(pdf, edited, json.dumps(attached).encode())
    with pytest.raises(NotGenuine, match="changed after it was signed"):
        verify_confirmation(edited)


def test_changed_printed_words_are_not_genuine(journal: Journal, tmp_path: Path) -> None:
    homes = page(journal, ReviewFilter(mode="home"), limit=2)
    assert len(homes) == 2 and homes[0].pupils != homes[1].pupils
    found = stored_records(journal, [r.record_id for r in homes])
    first, second = (found[r.record_id] for r in homes)
    keys = journal.keys()
    write_confirmation(
        first.sealed, keys[first.sealed.key_id].public_key, tmp_path / "a.pdf", SCHOOL
    )
    write_confirmation(
        second.sealed, keys[second.sealed.key_id].public_key, tmp_path / "b.pdf", SCHOOL
    )
    # b's printed page carrying a's genuine signed record: the words are not the record's.
    _swap_attachment(tmp_path / "b.pdf", tmp_path / "mixed.pdf",
                     PdfReader(tmp_path / "a.pdf").attachments[ATTACHMENT][0])  # fmt: skip
    with pytest.raises(NotGenuine, match="printed text does not match"):
        verify_confirmation(tmp_path / "mixed.pdf")


def test_a_genuine_confirmation_not_yet_in_the_schools_journal_says_so(
    journal: Journal, tmp_path: Path
) -> None:
    stored, public = _record(journal, "home")
    pdf = tmp_path / "confirmation.pdf"
    write_confirmation(stored.sealed, public, pdf, SCHOOL)
    with Journal.open(f"sqlite:///{tmp_path / 'school.sqlite3'}") as school:
        found = verify_confirmation(pdf, school)
    assert "not (yet) in" in found.journal_notes[0]
    assert "not registered" in found.journal_notes[1]


def test_the_command_line_writes_and_verifies_with_exit_codes(
    journal: Journal, tmp_path: Path
) -> None:
    stored, _ = _record(journal, "home")
    url = journal.url
    pdf = tmp_path / "again.pdf"
    done = run("confirmation", "write", "--journal", url, "--record",
                      stored.sealed.record_id[:12], "--pdf", str(pdf))  # fmt: skip
    assert done.returncode == 0, done.stderr
    ok = run("confirmation", "verify", "--journal", url, str(pdf))
    assert ok.returncode == 0 and ok.stdout.startswith("GENUINE") and "unchanged" in ok.stdout
    attached = json.loads(PdfReader(pdf).attachments[ATTACHMENT][0])
    attached["envelope"] = attached["envelope"].replace('"mode":"home"', '"mode":"staff"')
    _swap_attachment(pdf, tmp_path / "edited.pdf", json.dumps(attached).encode())
    bad = run("confirmation", "verify", str(tmp_path / "edited.pdf"))
    assert bad.returncode == 3 and "changed after it was signed" in bad.stderr
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.4 not really")
    junk = run("confirmation", "verify", str(tmp_path / "junk.pdf"))
    assert junk.returncode == 2 and len(junk.stderr.strip().splitlines()) == 1
