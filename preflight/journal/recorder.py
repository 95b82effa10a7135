"""Sealing a record into this device's journal: the one way records are written. No Qt.

`Recorder.append()` commits the record locally (and queues it for the central journal) in one
transaction before returning; only then may the caller launch Teams. Sending to the central
journal is separate (sync.py) and never holds a preflight up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from preflight.journal.keys import DeviceKey
from preflight.journal.seal import GENESIS, SealedRecord, seal
from preflight.journal.store import (
    Journal,
    JournalConflict,
    JournalError,
    KeyRow,
    StoredRecord,
    utc_text,
)

_RETRIES = 5


def columns_of(payload: dict[str, Any]) -> tuple[str, str, str, int]:
    """The (kind, staff, verdict, overrides) a record's payload gives its listed columns."""
    kind = str(payload.get("kind", ""))
    who = payload.get("who") or {}
    staff = str(who.get("name", "")) if isinstance(who, dict) else ""
    verdict = str(payload.get("verdict", "")) if kind == "preflight" else ""
    overrides = payload.get("overrides") or []
    return kind, staff, verdict, len(overrides) if isinstance(overrides, list) else 0


class Recorder:
    """Appends sealed records for one device, keeping its hash chain."""

    def __init__(self, journal: Journal, key: DeviceKey, *, queue_for_central: bool) -> None:
        self.journal = journal
        self.key = key
        self.queue = queue_for_central

    def append(self, payload: dict[str, Any], sealed_at: dt.datetime | None = None) -> SealedRecord:
        """Seal the payload as this device's next record and commit it.

        Raises:
            JournalError: the record could not be committed (nothing was written).
        """
        moment = sealed_at or dt.datetime.now(dt.UTC)
        kind, staff, verdict, overrides = columns_of(payload)
        for _ in range(_RETRIES):
            try:
                with self.journal.write() as conn:
                    self.journal.register_key(
                        conn,
                        KeyRow(
                            key_id=self.key.key_id,
                            device_id=self.key.device_id,
                            algorithm="ed25519",
                            public_key=self.key.public_b64,
                            registered_utc=utc_text(moment),
                        ),
                    )
                    last = self.journal.last_link(conn, self.key.device_id)
                    seq, prev = (1, GENESIS) if last is None else (last[0] + 1, last[1])
                    sealed = seal(
                        payload,
                        device_id=self.key.device_id,
                        seq=seq,
                        prev_hash=prev,
                        key=self.key.private,
                        sealed_at=moment,
                    )
                    stored = StoredRecord(sealed, kind, staff, verdict, overrides)
                    self.journal.insert_record(conn, stored, queue=self.queue)
                return sealed
            except JournalConflict:
                pass  # another process on this device took the same seq first: read again
        raise JournalError(f"the journal {self.journal.where} is too busy to add a record")
