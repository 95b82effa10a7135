"""The home set-up's "confirmation of understanding": a printable PDF a parent or carer sends to
the school, and the school's check of one. No Qt.

The PDF shows, in plain words, who signed (name and role), for which pupil, when, the checks that
passed and the points confirmed. Inside it, as an attachment, is the sealed record itself: its
canonical text, signature and the device's public key. `verify_confirmation()` checks that the
record is exactly what the device signed, that the printed words are the record's, and, given
the school's journal, whether the record and the device's key are known there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from preflight.errors import EXIT_FAIL, PreflightError
from preflight.journal.seal import SealedRecord, key_id, signature_valid, strict_b64decode
from preflight.journal.store import Journal
from preflight.pdf import PdfReport

ATTACHMENT = "preflight-record.json"
_FORMAT = "preflight.confirmation/1"


class ConfirmationError(PreflightError):
    """The file is not a confirmation this version can read (exit 2)."""


class NotGenuine(PreflightError):
    """The confirmation was altered, or was not signed as it claims (exit 3)."""

    exit_code = EXIT_FAIL


@dataclass(frozen=True)
class Confirmation:
    """What a genuine confirmation says, from its signed record."""

    record_id: str
    device_id: str
    signed_name: str
    role: str
    pupils: tuple[str, ...]
    signed_utc: str
    passed: tuple[str, ...]
    not_passed: tuple[str, ...]
    affirmed: tuple[str, ...]
    #: Against the school's journal, when one was given: sentences, good news first.
    journal_notes: tuple[str, ...] = field(default=())


def _facts(payload: dict[str, Any], sealed_utc: str) -> dict[str, Any]:
    who = payload.get("who")
    who = who if isinstance(who, dict) else {}
    session = payload.get("session")
    session = session if isinstance(session, dict) else {}
    checks = [c for c in payload.get("checks") or [] if isinstance(c, dict)]
    return {
        "signed_name": str(payload.get("signed_name") or who.get("name") or ""),
        "role": str(who.get("role") or ""),
        "pupils": tuple(str(p) for p in session.get("pupils") or []),
        "signed_utc": sealed_utc,
        "passed": tuple(str(c.get("id")) for c in checks if c.get("status") == "pass"),
        "not_passed": tuple(
            f"{c.get('id')} ({c.get('status')})" for c in checks if c.get("status") != "pass"
        ),
        "affirmed": tuple(
            str(a.get("id")) for a in payload.get("attestations") or [] if isinstance(a, dict)
        ),
    }


_ROLE_WORDS = {"parent-carer": "parent or carer", "staff": "member of staff", "pupil": "pupil"}


def write_confirmation(sealed: SealedRecord, public_b64: str, path: Path, school: str) -> None:
    """The printable confirmation of a sealed home set-up record."""
    payload = sealed.payload
    if payload.get("mode") != "home":
        raise ConfirmationError("only a home set-up record has a confirmation of understanding")
    facts = _facts(payload, sealed.created_utc)
    doc = PdfReport(school, "home set-up: confirmation of understanding")
    doc.heading("Confirmation of understanding - home set-up for remote sessions")
    pupils = ", ".join(facts["pupils"]) or "-"
    when = dt.datetime.fromisoformat(sealed.created_utc.replace("Z", "+00:00"))
    doc.line(f"Signed by: {facts['signed_name']}, {_ROLE_WORDS.get(facts['role'], facts['role'])}")
    doc.line(f"Pupil: {pupils}")
    doc.line(f"Date: {when:%d %B %Y}, {when:%H:%M} UTC")
    doc.line(f"School: {school}")
    doc.pdf.ln(2)
    doc.line(
        f"I, {facts['signed_name']}, checked the room and the device {pupils} uses for remote "
        f"sessions with {school}, and I confirm that I have read and understood the school's "
        "code of conduct for remote sessions and the points below."
    )
    doc.pdf.ln(2)
    doc.line("Checks passed: " + (", ".join(facts["passed"]) or "none"))
    if facts["not_passed"]:
        doc.line("Checks not passed: " + ", ".join(facts["not_passed"]))
    doc.line("Points confirmed: " + (", ".join(facts["affirmed"]) or "none"))
    doc.pdf.ln(4)
    doc.line(
        f"Record {sealed.record_id} from device {sealed.device_id}, key {sealed.key_id}; "
        f"SHA-256 {sealed.hash}. The school can check this document with "
        "`preflight confirmation verify` (the signed record is attached to this PDF).",
        size=8,
    )
    attached = {
        "format": _FORMAT,
        "envelope": sealed.envelope_text,
        "hash": sealed.hash,
        "signature": sealed.signature,
        "public_key": public_b64,
    }
    doc.pdf.embed_file(
        bytes=json.dumps(attached, ensure_ascii=False).encode("utf-8"),
        basename=ATTACHMENT,
        mime_type="application/json",
    )
    doc.save(path)


def verify_confirmation(path: Path, journal: Journal | None = None) -> Confirmation:
    """The confirmation's facts if it is genuine.

    Raises:
        ConfirmationError: not a PDF, or no signed record inside.
        NotGenuine: the record, its signature or the printed words were changed.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    quiet = logging.getLogger("pypdf")  # a damaged file is our one-line error, not its log
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(path)
        attachments = reader.attachments
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (OSError, PdfReadError, ValueError) as exc:
        raise ConfirmationError(f"{path} cannot be read as a PDF: {exc}") from None
    finally:
        quiet.setLevel(level)
    blobs = attachments.get(ATTACHMENT) or []
    if len(blobs) != 1:
        raise ConfirmationError(f"{path} has no signed preflight record inside")
    try:
        attached = json.loads(blobs[0])
        envelope_text = str(attached["envelope"])
        signature, public_b64 = str(attached["signature"]), str(attached["public_key"])
        envelope = json.loads(envelope_text)
        payload = envelope["payload"]
        assert_format = attached.get("format") == _FORMAT and isinstance(payload, dict)
    except (ValueError, KeyError, TypeError):
        raise ConfirmationError(f"{path}: the record inside is damaged") from None
    if not assert_format:
        raise ConfirmationError(f"{path}: the record inside is not a confirmation record")
    data = envelope_text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    try:
        key_matches = key_id(strict_b64decode(public_b64)) == envelope.get("key_id")
    except ValueError:
        key_matches = False
    if not key_matches or not signature_valid(data, signature, public_b64):
        raise NotGenuine("the record inside was changed after it was signed, or was not signed "
                         "by the device it names")  # fmt: skip
    if payload.get("mode") != "home":
        raise NotGenuine("the record inside is not a home set-up record")
    facts = _facts(payload, str(envelope.get("created_utc", "")))
    flat = " ".join(text.split())
    for shown in (facts["signed_name"], *facts["pupils"], str(envelope.get("record_id"))):
        if shown and " ".join(shown.split()) not in flat:
            raise NotGenuine(f"the printed text does not match the signed record ({shown!r})")
    notes: list[str] = []
    if journal is not None:
        notes = _against(journal, str(envelope.get("record_id")), digest,
                         str(envelope.get("device_id")), public_b64)  # fmt: skip
    return Confirmation(
        record_id=str(envelope.get("record_id")),
        device_id=str(envelope.get("device_id")),
        journal_notes=tuple(notes),
        **facts,
    )


def _against(
    journal: Journal, record_id: str, digest: str, device: str, public_b64: str
) -> list[str]:
    from preflight.review.queries import stored_records

    notes = []
    found = stored_records(journal, [record_id]).get(record_id)
    if found is not None and found.sealed.hash == digest:
        notes.append(f"the record is in {journal.where}, unchanged")
    elif found is not None:
        raise NotGenuine(f"{journal.where} holds this record with different content")
    else:
        notes.append(f"the record is not (yet) in {journal.where}: the device may not have synced")
    keys = [k for k in journal.keys().values() if k.device_id == device]
    if any(k.public_key == public_b64 for k in keys):
        notes.append("the device's key is registered in the school's journal")
    elif keys:
        raise NotGenuine("the device is registered in the school's journal with another key")
    else:
        notes.append("the device is not registered in the school's journal")
    return notes
