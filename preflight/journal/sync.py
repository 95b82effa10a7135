"""Sending this device's records to the school group's central journal. No Qt.

Every record is committed locally first and queued in the local outbox. `sync()` sends queued
records oldest first, each in its own transaction on the central journal, and removes it from the
outbox only after the central database has committed it. Sending is idempotent by record id: a
record the central journal already holds (a sync that died between the central commit and the
outbox update) is recognised by its id and hash and simply taken off the queue. A server that is
down, slow or restarts mid-sync leaves the rest queued for next time; nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from preflight.journal.store import (
    Journal,
    JournalConflict,
    JournalError,
    KeyRow,
    StoredRecord,
)


@dataclass(frozen=True)
class SyncResult:
    sent: int = 0
    already_there: int = 0
    pending: int = 0
    #: Why sending stopped (the central journal unreachable...), or None when all went.
    stopped: str | None = None
    #: Records the central journal holds differently: they stay queued for IT to look at.
    conflicts: tuple[str, ...] = ()

    def line(self) -> str:
        done = f"{self.sent} record(s) sent"
        if self.already_there:
            done += f", {self.already_there} already there"
        if self.stopped:
            return f"{done}; {self.pending} still queued: {self.stopped}"
        if self.conflicts:
            return (
                f"{done}; {len(self.conflicts)} conflict(s) kept in the queue "
                f"(the central journal holds a different record): {', '.join(self.conflicts)}"
            )
        return f"{done}; nothing left to send"


def sync(local: Journal, central: Journal) -> SyncResult:
    """Send the local outbox to the central journal, oldest first."""
    keys = local.keys()
    sent = already = 0
    conflicts: list[str] = []
    for record_id, _attempts in local.pending():
        stored = local.record(record_id)
        if stored is None:  # queued but not in the journal: nothing to send
            local.sent([record_id])
            continue
        try:
            fresh = _send(central, stored, keys[stored.sealed.key_id])
        except JournalConflict as exc:
            conflicts.append(record_id[:8])
            local.failed(record_id, str(exc))
            continue
        except JournalError as exc:
            local.failed(record_id, str(exc))
            return SyncResult(sent, already, len(local.pending()), str(exc), tuple(conflicts))
        local.sent([record_id])
        sent, already = (sent + 1, already) if fresh else (sent, already + 1)
    return SyncResult(sent, already, len(local.pending()), None, tuple(conflicts))


def _send(central: Journal, stored: StoredRecord, key: KeyRow) -> bool:
    """Put one record in the central journal; False if it was already there (same hash).

    Raises:
        JournalConflict: the central journal holds another record under this id or in this
            place of the device's chain.
        JournalError: the central journal cannot be reached or written.
    """
    s = stored.sealed
    existing = central.record(s.record_id)
    if existing is not None:
        if existing.sealed.hash != s.hash:
            raise JournalConflict(f"record {s.record_id[:8]} differs in the central journal")
        return False
    try:
        with central.write() as conn:
            central.register_key(conn, key)
            central.insert_record(conn, stored, queue=False)
    except JournalConflict:
        # Another sync of this device got there first with the same record: that is fine.
        again = central.record(s.record_id)
        if again is not None and again.sealed.hash == s.hash:
            return False
        raise
    return True
