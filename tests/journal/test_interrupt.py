"""`Journal.interrupt()`: a statement running on another thread is stopped at once and raises
JournalError, on real SQLite and a real PostgreSQL server; the journal stays usable and intact.
(The review window uses it when it closes in the middle of a query on 100,000 records.)"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import sqlalchemy as sa

from preflight.journal.store import Journal, JournalError

# Minutes of work for either database: it ends only if it is interrupted.
_ENDLESS = {
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5e9) "
    "SELECT count(*) FROM c",
    "postgresql": "SELECT pg_sleep(600)",
}


def _interrupt_a_running_statement(url: str) -> None:
    with Journal.open(url):  # create the journal's tables
        pass
    with Journal.open(url, read_only=True) as journal:
        outcome: list[BaseException | None] = []

        def run() -> None:
            try:
                with journal.snapshot() as conn:
                    conn.execute(sa.text(_ENDLESS[journal.dialect]))
                outcome.append(None)
            except BaseException as exc:  # what the caller on that thread would see
                outcome.append(exc)

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        deadline = time.monotonic() + 30
        while not journal._in_use:  # the statement has its connection
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.2)  # and is running
        journal.interrupt()
        worker.join(60)
        assert not worker.is_alive(), "the statement was not interrupted"
        assert len(outcome) == 1 and isinstance(outcome[0], JournalError)
        assert journal.count() == 0  # still usable afterwards
        journal.interrupt()  # nothing running: nothing happens


def test_interrupt_stops_a_sqlite_statement(tmp_path: Path) -> None:
    _interrupt_a_running_statement(f"sqlite:///{tmp_path / 'journal.db'}")


def test_interrupt_stops_a_postgresql_statement(pg_url: str) -> None:
    _interrupt_a_running_statement(pg_url)
