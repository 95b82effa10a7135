"""The review index: what leadership filters the journal by, one row per record. No Qt.

Derived from each record's sealed envelope when it is written (and, for records written before
the index existed, when the journal is next opened for writing). It is a finding aid, not
evidence: the review list takes its integrity from verify.py and a record's page re-reads the
signed envelope, so a row changed behind the journal's back can hide a record from a filter
but never makes one look intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from preflight.journal.schema import record_index, records
from preflight.journal.store import StoredRecord

# Column widths (the migration's): longer values are cut, never refused.
_PUPILS, _STAFF, _CHECKS = 2000, 200, 2000


@dataclass(frozen=True)
class Facts:
    mode: str
    pupils: str  # as written, "Sam Patel; Jo Bloggs"
    pupils_fold: str  # "|sam patel|jo bloggs|": case-free, whole names findable
    staff_fold: str
    problems: str  # "|camera.people|desktop.tabs|": checks that did not pass
    launched_for: str  # a launch record's preflight record id


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def facts_of(stored: StoredRecord) -> Facts:
    """The index row of one record; a payload of an unexpected shape gives empty facts."""
    try:
        payload = stored.sealed.payload if stored.damage is None else {}
    except (ValueError, KeyError, TypeError):
        payload = {}
    if not isinstance(payload, dict):
        payload = {}
    session = _dict(payload.get("session"))
    pupils = [str(p) for p in _list(session.get("pupils")) if isinstance(p, str) and p.strip()]
    checks = [_dict(c) for c in _list(payload.get("checks"))]
    problems = sorted(
        {str(c.get("id")) for c in checks if c.get("status") in ("fail", "warn", "error")}
    )
    return Facts(
        mode=str(payload.get("mode") or "")[:16],
        pupils="; ".join(" ".join(p.split()) for p in pupils)[:_PUPILS],
        pupils_fold=("|" + "|".join(fold(p) for p in pupils) + "|" if pupils else "")[:_PUPILS],
        staff_fold=fold(stored.staff)[:_STAFF],
        problems=("|" + "|".join(problems) + "|" if problems else "")[:_CHECKS],
        launched_for=str(payload.get("preflight_record") or "")[:36]
        if stored.kind == "launch"
        else "",
    )


def index_record(conn: Connection, stored: StoredRecord) -> None:
    facts = facts_of(stored)
    conn.execute(
        sa.insert(record_index).values(record_id=stored.sealed.record_id, **facts.__dict__)
    )


def fill_index(conn: Connection) -> int:
    """Index every record that has no index row yet; returns how many were added."""
    from preflight.journal.store import _stored  # the records table's row reader

    missing = (
        sa.select(records)
        .outerjoin(record_index, record_index.c.record_id == records.c.record_id)
        .where(record_index.c.record_id.is_(None))
    )
    added = 0
    batch: list[dict[str, Any]] = []
    for row in conn.execute(missing).all():
        stored = _stored(tuple(row))
        batch.append({"record_id": stored.sealed.record_id, **facts_of(stored).__dict__})
        if len(batch) >= 1000:
            conn.execute(sa.insert(record_index), batch)
            added, batch = added + len(batch), []
    if batch:
        conn.execute(sa.insert(record_index), batch)
        added += len(batch)
    return added


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
