"""Sealing a record into this device's journal: the one way records are written. No Qt.

`Recorder.append()` commits the record locally (and queues it for the central journal) in one
transaction before returning; only then may the caller launch Teams. Sending to the central
journal is separate (sync.py) and never holds a preflight up.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

import rfc8785

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
    kind = str(payload.get("kind", ""))[:16]
    who = payload.get("who") or {}
    staff = str(who.get("name", ""))[:200] if isinstance(who, dict) else ""
    verdict = str(payload.get("verdict", ""))[:8] if kind == "preflight" else ""
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
        for attempt in range(_RETRIES):
            try:
                with self.journal.write() as conn:
                    self.journal.lock_device(conn, self.key.device_id)
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
                    try:
                        sealed = seal(
                            payload,
                            device_id=self.key.device_id,
                            seq=seq,
                            prev_hash=prev,
                            key=self.key.private,
                            sealed_at=moment,
                        )
                    except (rfc8785.CanonicalizationError, UnicodeError) as exc:
                        raise JournalError(
                            f"the record cannot be sealed (nothing was written): {exc}"
                        ) from None
                    stored = StoredRecord(sealed, kind, staff, verdict, overrides)
                    self.journal.insert_record(conn, stored, queue=self.queue)
                return sealed
            except JournalConflict:
                # Another writer took this place in the chain first: wait a moment, read again.
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
        raise JournalError(
            f"the journal {self.journal.where} kept refusing this device's next record; "
            "nothing was written — try again, and ask IT if it keeps happening"
        )
