"""Exports for leadership: the filtered list as CSV, and PDF reports of the list or of one record,
each with the school's name, the policy version and the integrity status. No Qt (fpdf2)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from preflight.journal.store import Journal, StoredRecord
from preflight.journal.verify import VerifyReport, verify_journal
from preflight.journal.views import Integrity, render, row, write_csv
from preflight.pdf import ExportError, PdfReport, private_file
from preflight.review.queries import ReviewFilter, iter_rows, launch_of, stored_records

#: A list report stops at this many rows (about 100 pages); the CSV has them all.
PDF_MAX_ROWS = 5000


def integrity_line(report: VerifyReport) -> str:
    """The journal's integrity in one sentence a reviewer can quote."""
    if report.intact:
        return (
            f"Integrity: all {report.records} record(s) from {len(report.devices)} device(s) "
            "verified (signatures and chain links intact)."
        )
    bad = [d.first_bad for d in report.devices if d.first_bad is not None]
    return f"Integrity: NOT INTACT - {len(bad)} device chain(s) broken; first: {bad[0].line()}"


def write_list_csv(
    journal: Journal, where: ReviewFilter, path: Path, report: VerifyReport | None = None
) -> int:
    """The filtered list as CSV (views.CSV_COLUMNS), newest first; returns the row count."""
    integrity = Integrity(report or verify_journal(journal))
    with private_file(path, "w") as out:
        return write_csv(_full_rows(journal, where, integrity), out)


def _full_rows(
    journal: Journal, where: ReviewFilter, integrity: Integrity
) -> Iterator[dict[str, Any]]:
    pending: list[str] = []

    def flush() -> Iterator[dict[str, Any]]:
        found = stored_records(journal, pending)
        for record_id in pending:
            stored = found.get(record_id)
            if stored is not None:
                yield row(stored, integrity.of(stored))
        pending.clear()

    for listed in iter_rows(journal, where):
        pending.append(listed.record_id)
        if len(pending) >= 500:
            yield from flush()
    yield from flush()


def describe_filter(where: ReviewFilter) -> str:
    parts = []
    if where.since or where.until:
        parts.append(f"sealed {where.since or 'any time'} to {where.until or 'now'}")
    for label, value in (("staff", where.staff), ("pupil", where.pupil), ("mode", where.mode),
                         ("check not passed", where.check)):  # fmt: skip
        if value.strip():
            parts.append(f"{label} contains '{value.strip()}'" if label in ("staff", "pupil")
                         else f"{label}: {value.strip()}")  # fmt: skip
    if where.verdicts:
        parts.append("verdict " + " or ".join(sorted(where.verdicts)))
    if where.overrides_only:
        parts.append("overridden only")
    return "; ".join(parts) or "all preflight records"


def write_list_pdf(
    journal: Journal,
    where: ReviewFilter,
    path: Path,
    school: str,
    report: VerifyReport | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """A PDF of the filtered list (up to PDF_MAX_ROWS rows); returns the rows listed."""
    report = report or verify_journal(journal)
    integrity = Integrity(report)
    doc = PdfReport(school, "preflight records")
    doc.heading(f"Preflight records - {school}")
    doc.line(f"Filter: {describe_filter(where)}")
    doc.line(integrity_line(report), bold_colour=None if report.intact else (170, 0, 0))
    rows: list[dict[str, Any]] = []
    policies: set[str] = set()
    total = 0
    for full in _full_rows(journal, where, integrity):
        total += 1
        if len(rows) < PDF_MAX_ROWS:
            rows.append(full)
            policies.add(full["policy"] or "?")
        if progress is not None and total % 1000 == 0:
            progress(total)
    doc.line(f"Policy version(s): {', '.join(sorted(policies)) or '-'}")
    shown = f"{len(rows)} of {total}" if total > len(rows) else f"{total}"
    doc.line(
        f"Records listed: {shown}" + ("; export CSV for all of them" if total > len(rows) else "")
    )
    doc.pdf.ln(3)
    doc.table(
        ["Sealed (UTC)", "Staff", "Pupils", "Mode", "Verdict", "Ovr", "Integrity"],
        [30, 36, 36, 14, 14, 9, 51],
        (
            [r["sealed_utc"][:16].replace("T", " "), r["staff"], r["pupils"], r["mode"],
             r["verdict"], str(r["overrides"]), r["integrity"]]
            for r in rows
        ),
    )  # fmt: skip
    doc.save(path)
    return len(rows)


def write_record_pdf(
    journal: Journal, record_id: str, path: Path, school: str, report: VerifyReport | None = None
) -> None:
    """One record in full, in plain words, with its integrity and the Teams launch."""
    found = stored_records(journal, [record_id]).get(record_id)
    if found is None:
        raise ExportError(f"no record {record_id} in {journal.where}")
    integrity = Integrity(report or verify_journal(journal)).of(found)
    doc = PdfReport(school, f"record {record_id[:8]}")
    r = row(found, integrity)
    doc.heading(
        f"Preflight record - {r['staff'] or '?'}, {r['sealed_utc'][:16].replace('T', ' ')} UTC"
    )
    ok = integrity == "verified"
    doc.line(
        "Integrity: verified (signature and chain link intact)" if ok
        else f"Integrity: NOT INTACT - {integrity}",
        bold_colour=None if ok else (170, 0, 0),
    )  # fmt: skip
    doc.line(f"Policy version: {_policy(found)}")
    launch = launch_of(journal, record_id)
    doc.line(_launch_line(launch))
    doc.pdf.ln(2)
    for text in render(found, integrity).splitlines():
        doc.line(text, size=9)
    doc.save(path)


def _policy(stored: StoredRecord) -> str:
    try:
        policy = stored.sealed.payload.get("policy") or {}
    except (ValueError, KeyError, TypeError, AttributeError):
        return "?"
    if not isinstance(policy, dict):
        return "?"
    return f"{policy.get('id') or '?'} {policy.get('version') or ''}".strip()


def _launch_line(launch: StoredRecord | None) -> str:
    if launch is None:
        return "Teams launch: not recorded (Teams was not opened from the kiosk)"
    try:
        at = launch.sealed.payload.get("launched_at", {}).get("utc", "?")
    except (ValueError, KeyError, TypeError, AttributeError):
        at = "?"
    return f"Teams launched at {at} UTC"
