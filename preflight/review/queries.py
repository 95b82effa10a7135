"""The review list: filtered, sorted pages of the journal, and the figures behind the charts.
No Qt; the review window runs these on a worker thread.

Every filter is SQL over the records table and the review index (journal/index.py), so a page
of a 100,000-record journal costs about the same as a page of a small one, on SQLite on the
device and on the group's PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa

from preflight.journal.index import fold
from preflight.journal.schema import record_index, records
from preflight.journal.store import Journal, StoredRecord, _stored

VERDICTS = ("pass", "warn", "fail", "error")
Sort = Literal["date", "staff", "pupils", "mode", "verdict", "overrides"]
SORTS: dict[str, Any] = {
    "date": records.c.created_utc,
    "staff": records.c.staff,
    "pupils": record_index.c.pupils,
    "mode": record_index.c.mode,
    "verdict": records.c.verdict,
    "overrides": records.c.overrides,
}


@dataclass(frozen=True)
class ReviewFilter:
    """Which preflight records to list; every field empty lists them all.

    Attributes:
        since, until: dates (the UTC day the record was sealed), both included.
        staff, pupil: part of a name, in any case.
        verdicts: any of VERDICTS.
        check: a check id that did not pass (failed, warned or could not run).
        overrides_only: records where a failed check was overridden.
        mode: "staff" or "home".
    """

    since: dt.date | None = None
    until: dt.date | None = None
    staff: str = ""
    pupil: str = ""
    verdicts: frozenset[str] = field(default_factory=frozenset)
    check: str = ""
    overrides_only: bool = False
    mode: str = ""

    def where(self) -> list[Any]:
        clauses: list[Any] = [records.c.kind == "preflight"]
        if self.since is not None:
            clauses.append(records.c.created_utc >= self.since.isoformat())
        if self.until is not None:
            clauses.append(records.c.created_utc < (self.until + dt.timedelta(days=1)).isoformat())
        if self.staff.strip():
            clauses.append(record_index.c.staff_fold.contains(fold(self.staff), autoescape=True))
        if self.pupil.strip():
            clauses.append(record_index.c.pupils_fold.contains(fold(self.pupil), autoescape=True))
        if self.verdicts:
            clauses.append(records.c.verdict.in_(sorted(self.verdicts)))
        if self.check.strip():
            clauses.append(
                record_index.c.problems.contains(f"|{self.check.strip()}|", autoescape=True)
            )
        if self.overrides_only:
            clauses.append(records.c.overrides > 0)
        if self.mode:
            clauses.append(record_index.c.mode == self.mode)
        return clauses


@dataclass(frozen=True)
class ReviewRow:
    """One line of the review list (integrity comes separately, from verification)."""

    record_id: str
    device_id: str
    seq: int
    sealed_utc: str
    staff: str
    pupils: str
    mode: str
    verdict: str
    overrides: int
    problems: tuple[str, ...]


def _joined() -> Any:
    return records.join(record_index, record_index.c.record_id == records.c.record_id)


_ROW_COLUMNS = (
    records.c.record_id,
    records.c.device_id,
    records.c.seq,
    records.c.created_utc,
    records.c.staff,
    record_index.c.pupils,
    record_index.c.mode,
    records.c.verdict,
    records.c.overrides,
    record_index.c.problems,
)


def _row(r: Any) -> ReviewRow:
    return ReviewRow(
        str(r[0]), str(r[1]), int(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]),
        str(r[7]), int(r[8]), tuple(p for p in str(r[9]).split("|") if p),
    )  # fmt: skip


def count(journal: Journal, where: ReviewFilter) -> int:
    query = sa.select(sa.func.count()).select_from(_joined()).where(*where.where())
    with journal.snapshot() as conn:
        return int(conn.execute(query).scalar_one())


def page(
    journal: Journal,
    where: ReviewFilter,
    *,
    sort: Sort = "date",
    descending: bool = True,
    offset: int = 0,
    limit: int = 200,
) -> list[ReviewRow]:
    """Rows `offset` to `offset + limit` of the filtered list in the chosen order (ties: newest
    first, then by device and place in its chain, so pages never overlap or skip)."""
    column = SORTS[sort]
    order = [column.desc() if descending else column.asc()]
    if sort != "date":
        order.append(records.c.created_utc.desc())
    order += [records.c.device_id, records.c.seq]
    query = (
        sa.select(*_ROW_COLUMNS)
        .select_from(_joined())
        .where(*where.where())
        .order_by(*order)
        .offset(max(0, offset))
        .limit(max(0, limit))
    )
    with journal.snapshot() as conn:
        return [_row(r) for r in conn.execute(query).all()]


def iter_rows(journal: Journal, where: ReviewFilter, *, sort: Sort = "date") -> Iterator[ReviewRow]:
    """Every row of the filtered list, newest first, read page by page (for exports)."""
    offset = 0
    while True:
        rows = page(journal, where, sort=sort, offset=offset, limit=2000)
        yield from rows
        if len(rows) < 2000:
            return
        offset += len(rows)


def stored_records(journal: Journal, record_ids: list[str]) -> dict[str, StoredRecord]:
    """The sealed records with these ids (for a record's page, exports and integrity)."""
    found: dict[str, StoredRecord] = {}
    with journal.snapshot() as conn:
        for start in range(0, len(record_ids), 500):
            chunk = record_ids[start : start + 500]
            for row in conn.execute(sa.select(records).where(records.c.record_id.in_(chunk))):
                stored = _stored(tuple(row))
                found[stored.sealed.record_id] = stored
    return found


def launch_of(journal: Journal, record_id: str) -> StoredRecord | None:
    """The record of Teams being launched after this preflight, if there is one."""
    query = (
        sa.select(records)
        .select_from(_joined())
        .where(records.c.kind == "launch", record_index.c.launched_for == record_id)
        .order_by(records.c.created_utc)
        .limit(1)
    )
    with journal.snapshot() as conn:
        row = conn.execute(query).first()
    return None if row is None else _stored(tuple(row))


def staff_names(journal: Journal) -> list[str]:
    """Everyone who has signed a preflight (for the staff filter's suggestions)."""
    query = (
        sa.select(records.c.staff)
        .where(records.c.kind == "preflight")
        .distinct()
        .order_by(records.c.staff)
    )
    with journal.snapshot() as conn:
        return [str(r[0]) for r in conn.execute(query)]


@dataclass(frozen=True)
class Figures:
    """What the charts show, for the filtered records."""

    #: (Monday of the week, {verdict: preflights}), oldest week first.
    weekly: list[tuple[dt.date, dict[str, int]]]
    #: (check id, records where it did not pass), most frequent first.
    frequent: list[tuple[str, int]]
    #: (staff name, overridden checks), most first.
    overrides: list[tuple[str, int]]


def figures(journal: Journal, where: ReviewFilter, *, top: int = 10) -> Figures:
    """Three grouped queries: a few hundred rows come back however many records match, so the
    worker never holds Python's lock long converting rows (the window stays smooth)."""
    day = sa.func.substr(records.c.created_utc, 1, 10)
    filtered = where.where()
    by_day = (
        sa.select(day, records.c.verdict, sa.func.count())
        .select_from(_joined()).where(*filtered).group_by(day, records.c.verdict)
    )  # fmt: skip
    by_problems = (
        sa.select(record_index.c.problems, sa.func.count())
        .select_from(_joined()).where(*filtered, record_index.c.problems != "")
        .group_by(record_index.c.problems)
    )  # fmt: skip
    by_staff = (
        sa.select(records.c.staff, sa.func.sum(records.c.overrides))
        .select_from(_joined()).where(*filtered, records.c.overrides > 0)
        .group_by(records.c.staff)
    )  # fmt: skip
    weeks: dict[dt.date, Counter[str]] = {}
    checks: Counter[str] = Counter()
    overridden: Counter[str] = Counter()
    with journal.snapshot() as conn:
        for sealed_day, verdict, n in conn.execute(by_day):
            try:
                when = dt.date.fromisoformat(str(sealed_day))
            except ValueError:
                continue
            monday = when - dt.timedelta(days=when.weekday())
            weeks.setdefault(monday, Counter())[str(verdict)] += int(n)
        for problems, n in conn.execute(by_problems):
            for check in str(problems).split("|"):
                if check:
                    checks[check] += int(n)
        for staff, n in conn.execute(by_staff):
            overridden[str(staff)] += int(n)
    weekly = [(w, {v: weeks[w][v] for v in VERDICTS}) for w in sorted(weeks)]
    return Figures(weekly, checks.most_common(top), overridden.most_common(top))
