"""Where sealed records live: SQLite on this device, or PostgreSQL for a school group. No Qt.

`Journal` is storage only: it appends sealed records and device keys, reads them back, and keeps
the local outbox. It never updates or deletes a record (the schema's triggers refuse it too).
SQLite runs in WAL mode with full sync, so a committed record survives a crash or power cut.
The schema is brought up to date by Alembic when a journal is opened.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from preflight.errors import EXIT_ERROR, PreflightError
from preflight.journal.schema import device_keys, outbox, records
from preflight.journal.seal import SealedRecord

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class JournalError(PreflightError):
    """The journal cannot be opened, read or written."""

    exit_code = EXIT_ERROR


class JournalConflict(JournalError):
    """A write collided with a row already there (same record id, or the same place in a
    device's chain); nothing was written."""


@dataclass(frozen=True)
class KeyRow:
    key_id: str
    device_id: str
    algorithm: str
    public_key: str
    registered_utc: str


@dataclass(frozen=True)
class StoredRecord:
    """A record row as read back (unverified: see verify.py)."""

    sealed: SealedRecord
    kind: str
    staff: str
    verdict: str
    overrides: int


def utc_text(moment: dt.datetime | None = None) -> str:
    moment = (moment or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}Z"


def describe_url(url: str) -> str:
    """The journal's address without any password, for messages."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "(an address that is not a database URL)"


def _engine(url: str, timeout_s: float) -> Engine:
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise JournalError(f"journal address {url!r} is not a database URL") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise JournalError("the journal must be a file, not an in-memory database")
        path = Path(parsed.database)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Records name staff and pupils: only this user may read them (SQLite gives its
            # -wal and -shm files the same permissions).
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        engine = sa.create_engine(parsed, connect_args={"timeout": timeout_s})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
            cursor.close()

        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return sa.create_engine(
            parsed,
            pool_pre_ping=True,
            connect_args={
                "connect_timeout": max(1, round(timeout_s)),
                # A server that hangs mid-statement must not hang the kiosk.
                "options": f"-c statement_timeout={int(timeout_s * 1000)}",
            },
        )
    raise JournalError(
        f"journal address {describe_url(url)}: only sqlite and postgresql journals are supported"
    )


class Journal:
    """One journal database (local SQLite or central PostgreSQL)."""

    def __init__(self, url: str, *, timeout_s: float = 10.0) -> None:
        self.url = url
        self.where = describe_url(url)
        self.engine = _engine(url, timeout_s)
        self.dialect = self.engine.dialect.name

    @classmethod
    def open(cls, url: str, *, timeout_s: float = 10.0) -> Journal:
        """Open a journal and bring its schema up to date.

        Raises:
            JournalError: the database cannot be reached, or was written by a newer Preflight.
        """
        journal = cls(url, timeout_s=timeout_s)
        try:
            journal.migrate()
        except BaseException:
            journal.close()
            raise
        return journal

    @classmethod
    def sqlite(cls, path: Path) -> Journal:
        return cls.open(f"sqlite:///{path}")

    def close(self) -> None:
        self.engine.dispose()

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
        try:
            with self.engine.begin() as conn:
                current = self._revision(conn)
                if current is not None and current not in heads:
                    known = {
                        s.revision for s in ScriptDirectory.from_config(config).walk_revisions()
                    }
                    if current not in known:
                        raise JournalError(
                            f"the journal {self.where} was written by a newer version of "
                            f"Preflight (schema {current}); update Preflight on this computer"
                        )
                if current not in heads:
                    config.attributes["connection"] = conn
                    command.upgrade(config, "head")
        except CommandError as exc:
            raise JournalError(f"the journal {self.where} cannot be migrated: {exc}") from None
        except SQLAlchemyError as exc:
            raise JournalError(self._unreachable(exc)) from None

    @staticmethod
    def _revision(conn: Connection) -> str | None:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        value = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        return None if value is None else str(value)

    def _unreachable(self, exc: SQLAlchemyError) -> str:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        first = detail[0] if detail else type(exc).__name__
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
            raise JournalConflict(
                f"key {key.key_id} is registered in {self.where} for another device or key"
            )

    def last_link(self, conn: Connection, device: str) -> tuple[int, str] | None:
        """The device's newest (seq, hash), or None before its first record."""
        row = conn.execute(
            sa.select(records.c.seq, records.c.hash)
            .where(records.c.device_id == device)
            .order_by(records.c.seq.desc())
            .limit(1)
        ).first()
        return None if row is None else (int(row.seq), str(row.hash))

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
                staff=stored.staff[:200],
                verdict=stored.verdict,
                overrides=stored.overrides,
                envelope=s.envelope_text,
            )
        )
        if queue:
            conn.execute(
                sa.insert(outbox).values(
                    record_id=s.record_id, queued_utc=utc_text(), attempts=0, last_error=None
                )
            )

    # -- reading --------------------------------------------------------------------------

    def keys(self) -> dict[str, KeyRow]:
        with self._reading() as conn:
            rows = conn.execute(sa.select(device_keys)).all()
        return {r.key_id: KeyRow(**r._asdict()) for r in rows}

    def devices(self) -> list[str]:
        with self._reading() as conn:
            rows = conn.execute(
                sa.select(records.c.device_id).distinct().order_by(records.c.device_id)
            ).all()
        return [str(r.device_id) for r in rows]

    def count(self) -> int:
        with self._reading() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(records)).scalar_one())

    def records_of(self, device: str, batch: int = 2000) -> Iterator[StoredRecord]:
        """A device's records in seq order, read in batches (a journal can be large)."""
        after = -(2**31)
        while True:
            with self._reading() as conn:
                rows = conn.execute(
                    sa.select(records)
                    .where(records.c.device_id == device, records.c.seq > after)
                    .order_by(records.c.seq)
                    .limit(batch)
                ).all()
            if not rows:
                return
            for row in rows:
                yield _stored(row)
            after = int(rows[-1].seq)

    def latest(self, limit: int = 50, device: str | None = None) -> list[StoredRecord]:
        query = sa.select(records).order_by(records.c.created_utc.desc(), records.c.seq.desc())
        if device:
            query = query.where(records.c.device_id == device)
        with self._reading() as conn:
            return [_stored(r) for r in conn.execute(query.limit(limit)).all()]

    def all_records(self, batch: int = 2000) -> Iterator[StoredRecord]:
        """Every record, oldest first, in batches."""
        offset = 0
        while True:
            with self._reading() as conn:
                rows = conn.execute(
                    sa.select(records)
                    .order_by(records.c.created_utc, records.c.device_id, records.c.seq)
                    .offset(offset)
                    .limit(batch)
                ).all()
            if not rows:
                return
            yield from (_stored(r) for r in rows)
            offset += len(rows)

    def find(self, prefix: str) -> list[StoredRecord]:
        """Records whose id starts with `prefix` (ids are long; a few characters usually do)."""
        safe = prefix.strip().lower()
        if not safe or any(c not in "0123456789abcdef-" for c in safe):
            return []
        with self._reading() as conn:
            rows = conn.execute(
                sa.select(records).where(records.c.record_id.startswith(safe)).limit(5)
            ).all()
        return [_stored(r) for r in rows]

    def pending(self) -> list[tuple[str, int]]:
        """Outbox entries (record id, attempts), oldest first."""
        with self._reading() as conn:
            rows = conn.execute(
                sa.select(outbox.c.record_id, outbox.c.attempts).order_by(
                    outbox.c.queued_utc, outbox.c.record_id
                )
            ).all()
        return [(str(r.record_id), int(r.attempts)) for r in rows]

    def record(self, record_id: str) -> StoredRecord | None:
        with self._reading() as conn:
            row = conn.execute(sa.select(records).where(records.c.record_id == record_id)).first()
        return None if row is None else _stored(row)

    def _reading(self) -> Any:
        return _Guard(self)

    # -- outbox ---------------------------------------------------------------------------

    def sent(self, record_ids: Sequence[str]) -> None:
        with self.write() as conn:
            conn.execute(sa.delete(outbox).where(outbox.c.record_id.in_(list(record_ids))))

    def failed(self, record_id: str, error: str) -> None:
        with self.write() as conn:
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.record_id == record_id)
                .values(attempts=outbox.c.attempts + 1, last_error=error[:300])
            )

    def write(self) -> Any:
        """A write transaction; database errors become JournalError."""
        return _Guard(self, write=True)


class _Guard:
    """A connection (read) or transaction (write) whose database errors become JournalError."""

    def __init__(self, journal: Journal, write: bool = False) -> None:
        self.journal = journal
        self.write = write
        self._ctx: Any = None

    def __enter__(self) -> Connection:
        try:
            self._ctx = self.journal.engine.begin() if self.write else self.journal.engine.connect()
            conn: Connection = self._ctx.__enter__()
        except SQLAlchemyError as exc:
            raise JournalError(self.journal._unreachable(exc)) from None
        return conn

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            self._ctx.__exit__(exc_type, exc, tb)
        except SQLAlchemyError as error:
            raise self._translate(error) from None
        if isinstance(exc, SQLAlchemyError):
            raise self._translate(exc) from None

    def _translate(self, error: SQLAlchemyError) -> JournalError:
        kind = JournalConflict if isinstance(error, IntegrityError) else JournalError
        return kind(self.journal._unreachable(error))


def _stored(row: Any) -> StoredRecord:
    return StoredRecord(
        SealedRecord(
            record_id=row.record_id,
            device_id=row.device_id,
            seq=int(row.seq),
            prev_hash=row.prev_hash,
            created_utc=row.created_utc,
            key_id=row.key_id,
            envelope_text=row.envelope,
            hash=row.hash,
            signature=row.signature,
        ),
        kind=row.kind,
        staff=row.staff,
        verdict=row.verdict,
        overrides=int(row.overrides),
    )
