"""The review list's queries on a generated journal of a few thousand records, on SQLite and on
a real PostgreSQL server: every filter and sort gives exactly the rows worked out independently
from what the generator wrote; pages tile the list; the charts' figures add up."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from preflight.journal.store import Journal
from preflight.review.queries import ReviewFilter, count, figures, launch_of, page, staff_names
from tests.pgserver import PostgresServer
from tests.review.journal_gen import Made, generate

N = 2500


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def journal(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Journal, list[Made]]]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('review') / 'journal.sqlite3'}"
        drop = None
    else:
        server: PostgresServer = request.getfixturevalue("pg_server")
        name = f"review_{uuid.uuid4().hex[:12]}"
        url, drop = server.create_database(name), (server, name)
    journal = Journal.open(url)
    made = generate(journal, N, seed=7)
    yield journal, made
    journal.close()
    if drop is not None:
        drop[0].drop_database(drop[1])


def _ids(rows: list) -> set[str]:  # type: ignore[type-arg]
    return {r.record_id for r in rows}


def _all(journal: Journal, where: ReviewFilter, **kw: object) -> list:  # type: ignore[type-arg]
    return page(journal, where, offset=0, limit=10 * N, **kw)  # type: ignore[arg-type]


FILTERS = [
    ("everything", ReviewFilter(), lambda m: True),
    ("staff, any case, part of a name", ReviewFilter(staff="HOPP"), lambda m: "hopp" in m.staff.lower()),
    ("staff with accents", ReviewFilter(staff="chloë"), lambda m: m.staff == "Chloë Ó Briain"),
    ("pupil", ReviewFilter(pupil="priya"), lambda m: any("priya" in p.lower() for p in m.pupils)),
    ("whole pupil name", ReviewFilter(pupil="Sam Khan"), lambda m: "Sam Khan" in m.pupils),
    ("verdicts", ReviewFilter(verdicts=frozenset({"fail", "error"})), lambda m: m.verdict in ("fail", "error")),
    ("a check", ReviewFilter(check="desktop.tabs"), lambda m: "desktop.tabs" in m.problems),
    ("overrides only", ReviewFilter(overrides_only=True), lambda m: m.overrides > 0),
    ("home mode", ReviewFilter(mode="home"), lambda m: m.mode == "home"),
    (
        "date range",
        ReviewFilter(since=dt.date(2026, 2, 2), until=dt.date(2026, 2, 15)),
        lambda m: dt.date(2026, 2, 2) <= m.sealed.date() <= dt.date(2026, 2, 15),
    ),
    (
        "everything at once",
        ReviewFilter(staff="a", pupil="o", verdicts=frozenset({"warn", "fail"}),
                     since=dt.date(2026, 1, 20), check="camera.people"),
        lambda m: "a" in m.staff.lower() and any("o" in p.lower() for p in m.pupils)
        and m.verdict in ("warn", "fail") and m.sealed.date() >= dt.date(2026, 1, 20)
        and "camera.people" in m.problems,
    ),
    ("a name that is nobody's", ReviewFilter(staff="%"), lambda m: False),
]  # fmt: skip


@pytest.mark.parametrize(("name", "where", "expected"), FILTERS, ids=[f[0] for f in FILTERS])
def test_each_filter_gives_exactly_the_right_records(journal, name, where, expected) -> None:  # type: ignore[no-untyped-def]
    j, made = journal
    want = {m.record_id for m in made if expected(m)}
    assert name == "a name that is nobody's" or want  # the generator made some of each
    got = _all(j, where)
    assert _ids(got) == want
    assert count(j, where) == len(want)


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("date", lambda r: r.sealed_utc),
        ("staff", lambda r: r.staff),
        ("verdict", lambda r: r.verdict),
        ("overrides", lambda r: r.overrides),
        ("mode", lambda r: r.mode),
    ],
)
@pytest.mark.parametrize("descending", [True, False])
def test_sorting_orders_every_column_both_ways(journal, sort, key, descending) -> None:  # type: ignore[no-untyped-def]
    j, made = journal
    rows = _all(j, ReviewFilter(verdicts=frozenset({"warn"})), sort=sort, descending=descending)
    values = [key(r) for r in rows]
    if sort == "staff":  # the database's collation; compare within each database's own order
        assert len(set(values)) > 3
    else:
        assert values == sorted(values, reverse=descending)
    assert len(rows) == sum(1 for m in made if m.verdict == "warn")


def test_pages_tile_the_list_without_gaps_or_overlaps(journal) -> None:  # type: ignore[no-untyped-def]
    j, _ = journal
    where = ReviewFilter(verdicts=frozenset({"pass", "warn"}))
    seen: list[str] = []
    offset = 0
    while True:
        rows = page(j, where, sort="verdict", offset=offset, limit=97)
        seen += [r.record_id for r in rows]
        if len(rows) < 97:
            break
        offset += 97
    assert len(seen) == len(set(seen)) == count(j, where)


def test_rows_carry_what_the_list_shows(journal) -> None:  # type: ignore[no-untyped-def]
    j, made = journal
    by_id = {m.record_id: m for m in made}
    for row in _all(j, ReviewFilter())[:300]:
        m = by_id[row.record_id]
        assert (row.staff, row.mode, row.verdict, row.overrides) == (
            m.staff, m.mode, m.verdict, m.overrides,
        )  # fmt: skip
        assert row.pupils == "; ".join(m.pupils)
        assert set(row.problems) == m.problems


def test_launches_are_found_for_cleared_preflights_and_not_listed(journal) -> None:  # type: ignore[no-untyped-def]
    j, made = journal
    listed = _all(j, ReviewFilter())
    assert len(listed) == N  # launch records are not rows of their own
    launched = [m for m in made[:200] if launch_of(j, m.record_id) is not None]
    assert 0 < len(launched) < 200
    assert "Grace Hopper" in staff_names(j)


def test_figures_add_up(journal) -> None:  # type: ignore[no-untyped-def]
    j, made = journal
    result = figures(j, ReviewFilter(), top=50)
    assert sum(sum(week.values()) for _, week in result.weekly) == N
    assert all(monday.weekday() == 0 for monday, _ in result.weekly)
    problems = Counter(p for m in made for p in m.problems)
    assert dict(result.frequent) == dict(problems)
    assert [n for _, n in result.frequent] == sorted(problems.values(), reverse=True)
    overrides: Counter[str] = Counter()
    for m in made:
        overrides[m.staff] += m.overrides
    assert dict(result.overrides) == {s: n for s, n in overrides.items() if n}
    top = figures(j, ReviewFilter(), top=3)
    assert [n for _, n in top.overrides] == sorted(overrides.values(), reverse=True)[:3]


def test_a_journal_from_before_the_index_is_indexed_when_opened(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    journal = Journal.open(url)
    made = generate(journal, 300, seed=3)
    with journal.engine.begin() as conn:  # as a journal written before the index existed
        conn.execute(sa.text("DELETE FROM record_index"))
    journal.close()
    with Journal.open(url, read_only=True) as reading:
        assert count(reading, ReviewFilter()) == 0  # reading alone never writes
    with Journal.open(url) as journal:
        assert _ids(_all(journal, ReviewFilter(overrides_only=True))) == {
            m.record_id for m in made if m.overrides
        }
