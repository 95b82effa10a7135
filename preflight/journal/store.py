"""Where sealed records live: SQLite on this device, or PostgreSQL for a school group. No Qt.

`Journal` is storage only: it appends sealed records and device keys, reads them back, and keeps
the local outbox. It never updates or deletes a record (the schema's triggers refuse it too).
SQLite runs in WAL mode with full sync, so a committed record survives a crash or power cut;
writes take the database's write lock at once (BEGIN IMMEDIATE), so two processes appending for
one device queue up instead of colliding. The schema is brought up to date by Alembic when a
journal is opened for writing; opened for reading (`read_only=True`) nothing in the database is
changed, so an evidence copy on read-only media can be verified.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from preflight.errors import EXIT_ERROR, PreflightError
from preflight.journal.schema import device_keys, outbox, record_index, records
from preflight.journal.seal import SealedRecord, chain_link

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_BATCH = 2000


class JournalError(PreflightError):
    """The journal cannot be opened, read or written."""

    exit_code = EXIT_ERROR


class JournalConflict(JournalError):
    """A write collided with a row already there (same record id, or the same place in a
    device's chain); nothing was written."""


class KeyMismatch(JournalError):
    """The journal holds a different public key under this key's id, or for this device."""


@dataclass(frozen=True)
class KeyRow:
    key_id: str
    device_id: str
    algorithm: str
    public_key: str
    registered_utc: str


@dataclass(frozen=True)
class StoredRecord:
    """A record row as read back (unverified: see verify.py). `damage` says why a row could not
    even be read as a record (a value of the wrong type, bytes that are not text)."""

    sealed: SealedRecord
    kind: str
    staff: str
    verdict: str
    overrides: int
    damage: str | None = None


def utc_text(moment: dt.datetime | None = None) -> str:
    moment = (moment or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}Z"


def check_url(url: str) -> sa.engine.URL:
    """A journal URL, parsed; raises ValueError with a reason that never repeats the URL (it may
    hold a password)."""
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise ValueError(
            "not a database URL (expected sqlite:///PATH or postgresql://USER@HOST/DB)"
        ) from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if (backend, driver) not in (("sqlite", "pysqlite"), ("postgresql", "psycopg")):
        if backend == "postgresql" and parsed.drivername == "postgresql":
            return parsed.set(drivername="postgresql+psycopg")
        raise ValueError(
            f"{parsed.drivername}: only sqlite:/// and postgresql:// (psycopg) journals are "
            "supported"
        )
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise ValueError("a SQLite journal must be a file, not an in-memory database")
    return parsed


def describe_url(url: str) -> str:
    """The journal's address without any password, for messages."""
    try:
        return check_url(url).render_as_string(hide_password=True)
    except ValueError:
        return "(an address that is not a journal database URL)"


def _sqlite_engine(parsed: sa.engine.URL, timeout_s: float, read_only: bool) -> Engine:
    path = Path(str(parsed.database))
    if read_only:
        # Opened read-only: nothing is created, migrated or switched to WAL. On media where
        # nothing can be written (an evidence copy), SQLite is told the file cannot change.
        query = "mode=ro" + ("" if os.access(path.parent, os.W_OK) else "&immutable=1")
        target = f"sqlite:///file:{quote(str(path.resolve()))}?{query}&uri=true"
        engine = sa.create_engine(target, connect_args={"timeout": timeout_s})
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Records name staff and pupils: only this user may read them (SQLite gives its
            # -wal and -shm files the same permissions).
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        engine = sa.create_engine(parsed, connect_args={"timeout": timeout_s})

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, explicitly
        # A byte that is not UTF-8 (a damaged or edited row) must not make every row unreadable:
        # it stays in the text, and the record's hash shows the change.
        dbapi_connection.text_factory = lambda b: b.decode("utf-8", "surrogateescape")
        cursor = dbapi_connection.cursor()
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("preflight_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _postgres_engine(parsed: sa.engine.URL, timeout_s: float, read_only: bool) -> Engine:
    timeout_ms = int(timeout_s * 1000)
    options = f"-c statement_timeout={timeout_ms}"
    given = parsed.query.get("options")
    if given:  # keep the school's own settings (a search_path, say)
        options = f"{given if isinstance(given, str) else ' '.join(given)} {options}"
        parsed = parsed.difference_update_query(["options"])
    if read_only:
        options += " -c default_transaction_read_only=on"
    return sa.create_engine(
        parsed,
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": max(1, round(timeout_s)),
            "options": options,
            # Over TCP, a server that stops answering mid-statement is given up on after the
            # timeout instead of hanging the kiosk (statement_timeout needs a live server).
            "keepalives": 1,
            "keepalives_idle": max(1, round(timeout_s / 2)),
            "keepalives_interval": 1,
            "keepalives_count": 3,
            "tcp_user_timeout": timeout_ms,
        },
    )


class Journal:
    """One journal database (local SQLite or central PostgreSQL)."""

    def __init__(self, url: str, *, timeout_s: float = 10.0, read_only: bool = False) -> None:
        try:
            parsed = check_url(url)
        except ValueError as exc:
            raise JournalError(f"journal address: {exc}") from None
        self.url = url
        self.where = parsed.render_as_string(hide_password=True)
        self.read_only = read_only
        if parsed.get_backend_name() == "sqlite":
            self.engine = _sqlite_engine(parsed, timeout_s, read_only)
        else:
            self.engine = _postgres_engine(parsed, timeout_s, read_only)
        self.dialect = self.engine.dialect.name
        # The driver connections in use right now, for `interrupt()` from another thread.
        self._in_use: set[Any] = set()
        sa.event.listen(self.engine, "checkout", lambda dbapi, *_: self._in_use.add(dbapi))
        sa.event.listen(self.engine, "checkin", lambda dbapi, *_: self._in_use.discard(dbapi))

    @classmethod
    def open(cls, url: str, *, timeout_s: float = 10.0, read_only: bool = False) -> Journal:
        """Open a journal: for writing, bring its schema up to date; for reading, check it is a
        Preflight journal this version understands.

        Raises:
            JournalError: the database cannot be reached, is not a journal, or was written by a
                newer Preflight.
        """
        journal = cls(url, timeout_s=timeout_s, read_only=read_only)
        try:
            journal.migrate()
        except BaseException:
            journal.close()
            raise
        return journal

    def close(self) -> None:
        self.engine.dispose()

    def interrupt(self) -> None:
        """Stop the statements this journal is running on other threads now, so a window that
        closes mid-query need not wait for it; the interrupted call raises JournalError.
        Callable from any thread (SQLite's interrupt, PostgreSQL's cancel request)."""
        for dbapi in list(self._in_use):
            with contextlib.suppress(Exception):  # finished or gone meanwhile: nothing to stop
                if self.dialect == "sqlite":
                    dbapi.interrupt()
                else:
                    dbapi.cancel_safe(timeout=2.0)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------

    def migrate(self) -> None:
        from alembic import command
        from alembic.config import Config as AlembicConfig
        from alembic.script import ScriptDirectory
        from alembic.util import CommandError

        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS))
        scripts = ScriptDirectory.from_config(config)
        heads = set(scripts.get_heads())
        known = {script.revision for script in scripts.walk_revisions()}
        try:
            with self._connection(write=not self.read_only) as conn:
                current = self._revision(conn)
                if current is None and self.read_only:
                    raise JournalError(f"{self.where} is not a Preflight journal")
                if current is not None and current not in known:
                    raise JournalError(
                        f"the journal {self.where} was written by a newer version of "
                        f"Preflight (schema {current[:16]}), or is not a Preflight journal; "
                        "update Preflight on this computer"
                    )
                if current not in heads:
                    if self.read_only:
                        raise JournalError(
                            f"the journal {self.where} has an older schema; open it once for "
                            "writing (on its device, or `preflight log sync`) to upgrade it"
                        )
                    if current is None and self._has_other_tables(conn):
                        raise JournalError(
                            f"{self.where} is a database of something else, not a Preflight "
                            "journal; choose another journal address"
                        )
                    config.attributes["connection"] = conn
                    command.upgrade(config, "head")
                if not self.read_only:
                    self._complete_index(conn)
        except CommandError as exc:
            raise JournalError(f"the journal {self.where} cannot be migrated: {exc}") from None

    @staticmethod
    def _complete_index(conn: Connection) -> None:
        """Index records written before the review index existed (or by an older version)."""
        from preflight.journal.index import fill_index

        count = sa.select(sa.func.count())
        if (
            conn.execute(count.select_from(records)).scalar_one()
            != conn.execute(count.select_from(record_index)).scalar_one()
        ):
            fill_index(conn)

    @staticmethod
    def _revision(conn: Connection) -> str | None:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        value = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        return None if value is None else str(value)

    @staticmethod
    def _has_other_tables(conn: Connection) -> bool:
        return bool(sa.inspect(conn).get_table_names())

    def _unreachable(self, exc: BaseException) -> str:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        first = detail[0][:300] if detail else type(exc).__name__
        return f"the journal {self.where} cannot be used: {first}"

    # -- writing --------------------------------------------------------------------------

    def register_key(self, conn: Connection, key: KeyRow) -> None:
        """Add a device's public key if it is not there; refuse a different key under its id."""
        existing = conn.execute(
            sa.select(device_keys).where(device_keys.c.key_id == key.key_id)
        ).first()
        if existing is None:
            conn.execute(sa.insert(device_keys).values(**key.__dict__))
        elif existing.public_key != key.public_key or existing.device_id != key.device_id:
            raise KeyMismatch(
                f"key {key.key_id[:12]} is registered in {self.where} for another device or "
                "with another public key; the device's files may have been copied or restored "
                "wrongly — ask IT"
            )

    def lock_device(self, conn: Connection, device: str) -> None:
        """Serialise appends for one device (PostgreSQL; SQLite's write lock already does)."""
        if self.dialect == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:d))"), {"d": device})

    def last_link(self, conn: Connection, device: str) -> tuple[int, str] | None:
        """The device's newest (seq, link), or None before its first record."""
        row = conn.execute(
            sa.select(records.c.seq, records.c.hash, records.c.signature)
            .where(records.c.device_id == device)
            .order_by(records.c.seq.desc())
            .limit(1)
        ).first()
        if row is None:
            return None
        return int(row.seq), chain_link(str(row.hash), str(row.signature))

    def insert_record(self, conn: Connection, stored: StoredRecord, *, queue: bool) -> None:
        s = stored.sealed
        conn.execute(
            sa.insert(records).values(
                record_id=s.record_id,
                device_id=s.device_id,
                seq=s.seq,
                prev_hash=s.prev_hash,
                hash=s.hash,
                key_id=s.key_id,
                signature=s.signature,
                created_utc=s.created_utc,
                kind=stored.kind,
                staff=stored.staff,
                verdict=stored.verdict,
                overrides=stored.overrides,
                envelope=s.envelope_text,
            )
        )
        from preflight.journal.index import index_record

        index_record(conn, stored)
        if queue:
            conn.execute(
                sa.insert(outbox).values(
                    record_id=s.record_id, queued_utc=utc_text(), attempts=0, last_error=None
                )
            )

    def write(self) -> Any:
        """A write transaction (the write lock taken at once); database errors become
        JournalError, a duplicate row JournalConflict."""
        return _Guard(self, write=True)

    # -- reading --------------------------------------------------------------------------

    def snapshot(self) -> Any:
        """One read transaction: a consistent view for a whole walk of the journal."""
        return _Guard(self, write=False)

    def keys(self, conn: Connection | None = None) -> dict[str, KeyRow]:
        with self._maybe(conn) as c:
            rows = c.execute(sa.select(device_keys)).all()
        out = {}
        for r in rows:
            with contextlib.suppress(TypeError, ValueError):
                out[str(r.key_id)] = KeyRow(*(str(v) for v in r))
        return out

    def devices(self) -> list[str]:
        with self.snapshot() as conn:
            rows = conn.execute(
                sa.select(records.c.device_id).distinct().order_by(records.c.device_id)
            ).all()
        return [str(r.device_id) for r in rows]

    def count(self) -> int:
        with self.snapshot() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(records)).scalar_one())

    def chains(self, conn: Connection) -> Iterator[StoredRecord]:
        """Every record, device by device in seq order, streamed within `conn`'s transaction."""
        result = conn.execution_options(yield_per=_BATCH).execute(
            sa.select(records).order_by(records.c.device_id, records.c.seq, records.c.record_id)
        )
        yield from (_stored(row) for row in result)

    def chain_of(self, conn: Connection, device: str) -> Iterator[StoredRecord]:
        """One device's records in seq order, streamed within `conn`'s transaction."""
        result = conn.execution_options(yield_per=_BATCH).execute(
            sa.select(records)
            .where(records.c.device_id == device)
            .order_by(records.c.seq, records.c.record_id)
        )
        yield from (_stored(row) for row in result)

    def records_of(self, device: str) -> Iterator[StoredRecord]:
        """A device's records in seq order, in one read transaction."""
        with self.snapshot() as conn:
            yield from self.chain_of(conn, device)

    def latest(self, limit: int = 50, device: str | None = None) -> list[StoredRecord]:
        query = sa.select(records).order_by(records.c.created_utc.desc(), records.c.seq.desc())
        if device:
            query = query.where(records.c.device_id == device)
        with self.snapshot() as conn:
            return [_stored(r) for r in conn.execute(query.limit(limit)).all()]

    def all_records(self, conn: Connection) -> Iterator[StoredRecord]:
        """Every record, oldest first, streamed within `conn`'s transaction."""
        result = conn.execution_options(yield_per=_BATCH).execute(
            sa.select(records).order_by(
                records.c.created_utc, records.c.device_id, records.c.seq, records.c.record_id
            )
        )
        yield from (_stored(row) for row in result)

    def find(self, prefix: str) -> list[StoredRecord]:
        """Records whose id starts with `prefix` (ids are long; a few characters usually do)."""
        safe = prefix.strip().lower()
        if not safe or any(c not in "0123456789abcdef-" for c in safe):
            return []
        with self.snapshot() as conn:
            rows = conn.execute(
                sa.select(records).where(records.c.record_id.startswith(safe)).limit(5)
            ).all()
        return [_stored(r) for r in rows]

    def record(self, record_id: str) -> StoredRecord | None:
        with self.snapshot() as conn:
            row = conn.execute(sa.select(records).where(records.c.record_id == record_id)).first()
        return None if row is None else _stored(row)

    def pending(self) -> list[tuple[str, int]]:
        """Outbox entries (record id, attempts), oldest first."""
        with self.snapshot() as conn:
            rows = conn.execute(
                sa.select(outbox.c.record_id, outbox.c.attempts).order_by(
                    outbox.c.queued_utc, outbox.c.record_id
                )
            ).all()
        return [(str(r.record_id), int(r.attempts)) for r in rows]

    # -- outbox ---------------------------------------------------------------------------

    def sent(self, record_ids: Sequence[str]) -> None:
        if not record_ids:
            return
        with self.write() as conn:
            conn.execute(sa.delete(outbox).where(outbox.c.record_id.in_(list(record_ids))))

    def failed(self, record_ids: Sequence[str], error: str) -> None:
        if not record_ids:
            return
        with self.write() as conn:
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.record_id.in_(list(record_ids)))
                .values(attempts=outbox.c.attempts + 1, last_error=error[:300])
            )

    # -- connections ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _maybe(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
        else:
            with self.snapshot() as fresh:
                yield fresh

    def _connection(self, write: bool) -> Any:
        return _Guard(self, write=write)


class _Guard:
    """A transaction whose database errors become JournalError (JournalConflict for a row that
    is already there)."""

    def __init__(self, journal: Journal, write: bool) -> None:
        self.journal = journal
        self.write = write
        self._conn: Connection | None = None
        self._tx: Any = None

    def __enter__(self) -> Connection:
        try:
            conn = self.journal.engine.connect()
            options: dict[str, Any] = {"preflight_write": self.write}
            if not self.write and self.journal.dialect == "postgresql":
                # One snapshot for a whole read (a walk and its re-read see the same rows).
                options["isolation_level"] = "REPEATABLE READ"
            self._conn = conn.execution_options(**options)
            self._tx = self._conn.begin()
        except SQLAlchemyError as exc:
            self._close()
            raise self._translate(exc) from None
        except (ImportError, ValueError) as exc:  # a driver or URL option this build lacks
            self._close()
            raise JournalError(self.journal._unreachable(exc)) from None
        return self._conn

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            if exc is None and self.write:
                self._tx.commit()
            else:
                self._tx.rollback()
        except SQLAlchemyError as error:
            self._close()
            if exc is None:
                raise self._translate(error) from None
        self._close()
        if isinstance(exc, SQLAlchemyError):
            raise self._translate(exc) from None

    def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(SQLAlchemyError):
                self._conn.close()
            self._conn = None

    def _translate(self, error: SQLAlchemyError) -> JournalError:
        kind = JournalConflict if isinstance(error, IntegrityError) else JournalError
        return kind(self.journal._unreachable(error))


def _stored(row: Any) -> StoredRecord:
    """A row of `records` (all its columns, in table order) as a record; a row that cannot be
    one says why in `damage` instead of raising."""
    (
        record_id, device_id, seq, prev_hash, hash_, key_id, signature, created_utc,
        kind, staff, verdict, overrides, envelope,
    ) = row  # fmt: skip
    texts = (
        record_id, device_id, prev_hash, created_utc, key_id, envelope, hash_, signature,
        kind, staff, verdict,
    )  # fmt: skip
    damage = None
    if isinstance(seq, bool) or not isinstance(seq, int):
        damage = "its place in the chain is not a whole number"
    elif isinstance(overrides, bool) or not isinstance(overrides, int):
        damage = "its override count is not a whole number"
    elif not all(isinstance(t, str) for t in texts):
        damage = "a value that should be text is not"
    else:
        try:
            for t in texts:
                if not t.isascii():
                    t.encode("utf-8")  # lone surrogates: bytes that were not UTF-8
        except UnicodeEncodeError:
            damage = "it holds bytes that are not text"
    if damage is not None:
        return StoredRecord(
            SealedRecord(
                record_id=_as_text(record_id),
                device_id=_as_text(device_id),
                seq=seq if isinstance(seq, int) else 0,
                prev_hash="",
                created_utc=_as_text(created_utc),
                key_id="",
                envelope_text="",
                hash="",
                signature="",
            ),
            kind="",
            staff="",
            verdict="",
            overrides=0,
            damage=damage,
        )
    return StoredRecord(
        SealedRecord(
            record_id=record_id,
            device_id=device_id,
            seq=seq,
            prev_hash=prev_hash,
            created_utc=created_utc,
            key_id=key_id,
            envelope_text=envelope,
            hash=hash_,
            signature=signature,
        ),
        kind=kind,
        staff=staff,
        verdict=verdict,
        overrides=overrides,
    )


def _as_text(value: Any) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return text.encode("utf-8", "replace").decode("utf-8")
