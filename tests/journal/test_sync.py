"""The outbox: records reach the central PostgreSQL journal once each, and survive its outages."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

from preflight.journal.recorder import Recorder
from preflight.journal.store import Journal, JournalError
from preflight.journal.sync import _send, sync
from preflight.journal.verify import verify_journal
from tests.journal.factory import device_key, fill, preflight, sqlite_journal
from tests.pgserver import PostgresServer


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Journal]:
    with sqlite_journal(tmp_path) as journal:
        yield journal


@pytest.fixture
def central(pg_url: str) -> Iterator[Journal]:
    with Journal.open(pg_url, timeout_s=2) as journal:
        yield journal


def _ids(journal: Journal) -> list[str]:
    with journal.snapshot() as conn:
        return sorted(r.sealed.record_id for r in journal.all_records(conn))


def test_records_reach_the_central_journal_once(local: Journal, central: Journal) -> None:
    fill(local, device_key(), 5, queue=True)
    assert len(local.pending()) == 5
    first = sync(local, central)
    assert (first.sent, first.pending, first.stopped) == (5, 0, None)
    again = sync(local, central)  # nothing queued: nothing sent twice
    assert (again.sent, again.already_there) == (0, 0)
    assert _ids(central) == _ids(local)
    assert verify_journal(central).intact


def test_two_devices_share_the_central_journal(tmp_path: Path, central: Journal) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        with sqlite_journal(tmp_path / name) as journal:
            fill(journal, device_key(), 3, queue=True)
            assert sync(journal, central).sent == 3
    report = verify_journal(central)
    assert report.intact and len(report.devices) == 2 and report.records == 6


def test_a_record_already_sent_is_taken_off_the_queue(local: Journal, central: Journal) -> None:
    key = device_key()
    fill(local, key, 3, queue=True)
    # A sync that died after the central commit, before the outbox was updated.
    first = local.record(local.pending()[0][0])
    assert first is not None
    assert _send(central, first, local.keys()[key.key_id]) is True
    result = sync(local, central)
    assert (result.sent, result.already_there, result.pending) == (2, 1, 0)
    assert _ids(central) == _ids(local)


def test_nothing_is_lost_while_the_server_is_down(
    local: Journal, central: Journal, pg_server: PostgresServer
) -> None:
    key = device_key()
    fill(local, key, 2, queue=True)
    assert sync(local, central).sent == 2
    pg_server.stop()
    recorder = Recorder(local, key, queue_for_central=True)
    for i in range(3):  # preflights go on: every record is committed locally first
        recorder.append(preflight(10 + i).payload())
    down = sync(local, central)
    assert down.sent == 0 and down.pending == 3 and down.stopped
    assert "cannot be used" in down.stopped
    assert local.count() == 5
    pg_server.start()
    up = sync(local, central)
    assert (up.sent, up.pending, up.stopped) == (3, 0, None)
    assert _ids(central) == _ids(local) and verify_journal(central).intact


def test_a_server_crash_mid_sync_loses_nothing(
    local: Journal, central: Journal, pg_server: PostgresServer
) -> None:
    fill(local, device_key(), 6, queue=True)
    # Let two records through, then kill the server (SIGKILL, as a crash) before the rest.
    sent = 0
    original = central.insert_record

    def crash_after_two(conn, stored, *, queue):  # type: ignore[no-untyped-def]
        nonlocal sent
        if sent == 2:
            pg_server.kill()
        original(conn, stored, queue=queue)
        sent += 1

    central.insert_record = crash_after_two  # type: ignore[method-assign]
    crashed = sync(local, central)
    assert crashed.sent == 2 and crashed.pending == 4 and crashed.stopped
    central.insert_record = original  # type: ignore[method-assign]
    pg_server.start()  # crash recovery: the committed two are there
    resumed = sync(local, central)
    assert (resumed.sent, resumed.pending) == (4, 0)
    assert _ids(central) == _ids(local) and verify_journal(central).intact


def test_a_slow_server_times_out_and_keeps_the_queue(
    local: Journal, central: Journal, pg_server: PostgresServer, pg_url: str
) -> None:
    fill(local, device_key(), 2, queue=True)
    database = str(sa.engine.make_url(pg_url).database)
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:  # another session holds the table: every insert waits
        with psycopg.connect(pg_server.conninfo(database)) as conn:
            conn.execute("LOCK TABLE records IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(30)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(10)
        slow = sync(local, central)  # timeout_s=2: statement_timeout cuts the wait
    finally:
        release.set()
        holder.join()
    assert slow.sent == 0 and slow.pending == 2 and slow.stopped
    assert sync(local, central).sent == 2


def test_a_different_record_under_the_same_id_is_a_conflict(
    local: Journal, central: Journal, tmp_path: Path
) -> None:
    key = device_key()
    fill(local, key, 1, queue=True)
    ((record_id, _),) = local.pending()
    # Another journal holds a different record under that id (a restored backup, a clone).
    (tmp_path / "other").mkdir()
    with sqlite_journal(tmp_path / "other") as other:
        forged = Recorder(other, device_key(), queue_for_central=False)
        sealed = forged.append(preflight(3).payload())
        stored = other.record(sealed.record_id)
        assert stored is not None
        clone = type(stored)(
            type(stored.sealed)(**{**stored.sealed.__dict__, "record_id": record_id}),
            stored.kind,
            stored.staff,
            stored.verdict,
            stored.overrides,
        )
        _send(central, clone, other.keys()[sealed.key_id])
    result = sync(local, central)
    assert result.conflicts == (record_id[:8],) and result.pending == 1
    assert "conflict" in result.line()


def test_an_unreachable_central_journal_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="cannot be used"):
        Journal.open(f"postgresql+psycopg://preflight@/preflight?host={tmp_path}", timeout_s=1)


def test_records_from_before_a_central_journal_was_configured_are_sent(
    local: Journal, central: Journal
) -> None:
    key = device_key()
    fill(local, key, 3, queue=False)  # no central journal yet: nothing queued
    fill(local, key, 2, queue=True)  # then IT configures one
    result = sync(local, central)
    assert (result.sent, result.pending, result.conflicts) == (5, 0, ())
    assert _ids(central) == _ids(local) and verify_journal(central).intact


def test_a_school_search_path_in_the_url_is_kept(pg_url: str, pg_server: PostgresServer) -> None:
    database = str(sa.engine.make_url(pg_url).database)
    with psycopg.connect(pg_server.conninfo(database), autocommit=True) as conn:
        conn.execute("CREATE SCHEMA journal")
    with Journal.open(f"{pg_url}&options=-csearch_path%3Djournal") as journal:
        fill(journal, device_key(), 1)
    with psycopg.connect(pg_server.conninfo(database)) as conn:
        schemas = {
            r[0]
            for r in conn.execute(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = 'records'"
            )
        }
    assert schemas == {"journal"}


_DEVICE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from preflight.journal.recorder import Recorder
    from preflight.journal.store import Journal, JournalError
    from preflight.journal.sync import sync
    from tests.journal.factory import device_key, preflight, sqlite_journal

    folder, central_url, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])

    def sync_once(local):
        try:
            with Journal.open(central_url, timeout_s=2) as central:
                return sync(local, central).pending
        except JournalError:
            return -1  # the server is away: the records wait in the outbox

    with sqlite_journal(folder) as local:
        recorder = Recorder(local, device_key(), queue_for_central=True)
        for i in range(count):
            recorder.append(preflight(i, verdict_fail=i % 2 == 0).payload())
            sync_once(local)
            time.sleep(0.02)
        deadline = time.monotonic() + 90
        while sync_once(local) != 0 and time.monotonic() < deadline:
            time.sleep(0.2)
        print(len(local.pending()))
    """
)


def test_two_devices_syncing_at_once_through_a_server_restart_lose_nothing(
    tmp_path: Path, pg_url: str, pg_server: PostgresServer
) -> None:
    root = Path(__file__).resolve().parents[2]
    count = 40
    with Journal.open(pg_url) as central:  # the central schema exists before the devices come
        pass
    devices = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        devices.append(
            subprocess.Popen(
                [sys.executable, "-c", _DEVICE, str(tmp_path / name), pg_url, str(count)],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root,
                env={**os.environ, "PYTHONPATH": str(root)},
            )
        )  # fmt: skip
    try:
        with Journal.open(pg_url) as central:
            deadline = time.monotonic() + 60
            while central.count() < 10 and time.monotonic() < deadline:
                time.sleep(0.05)
        assert all(d.poll() is None for d in devices), "a device finished before the restart"
        pg_server.stop()  # in the middle of both devices' syncing
        time.sleep(1.0)
        pg_server.start()
        outputs = [d.communicate(timeout=150) for d in devices]
    finally:
        for d in devices:
            if d.poll() is None:
                d.kill()
    assert [d.returncode for d in devices] == [0, 0], [err[-800:] for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == ["0", "0"]  # both outboxes emptied
    local_ids = []
    for name in ("a", "b"):
        with sqlite_journal(tmp_path / name) as journal:
            local_ids += _ids(journal)
    with Journal.open(pg_url) as central:
        assert _ids(central) == sorted(local_ids)  # every record, once
        report = verify_journal(central)
    assert report.intact and report.records == 2 * count and len(report.devices) == 2
