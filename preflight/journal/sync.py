"""Sending this device's records to the school group's central journal. No Qt.

Every record is committed locally first (and, with a central journal configured, listed in the
local outbox). `sync()` brings each device's chain in the central journal up to the local one:
it asks the central journal for the device's newest record and sends every later local record,
in chain order, each in its own transaction. A record is taken off the outbox only once the
central journal holds it. So sending is idempotent (by place in the chain, record id and hash),
records written before a central journal was configured are sent too, and a server that is
down, slow or restarts mid-sync leaves the rest for next time; nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from preflight.journal.store import (
    Journal,
    JournalConflict,
    JournalError,
    KeyMismatch,
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
                f"{done}; {len(self.conflicts)} conflict(s) left unsent (the central journal "
                f"holds a different record there): {', '.join(self.conflicts)}; ask IT"
            )
        return f"{done}; nothing left to send" if not self.pending else f"{done}"


def sync(local: Journal, central: Journal) -> SyncResult:
    """Send every local record the central journal lacks, device by device in chain order."""
    with local.snapshot() as conn:
        keys = local.keys(conn)
    queued = {record_id for record_id, _ in local.pending()}
    sent = already = 0
    conflicts: list[str] = []
    for device in local.devices():
        try:
            with central.snapshot() as conn:
                head = central.last_link(conn, device)
        except JournalError as exc:
            local.failed(sorted(queued), str(exc))
            return SyncResult(sent, already, len(local.pending()), str(exc), tuple(conflicts))
        done: list[str] = []
        for stored in local.records_of(device):
            s = stored.sealed
            if head is not None and s.seq <= head[0]:
                if s.record_id in queued:  # queued, and the central journal has that place
                    there = central.record(s.record_id)
                    if there is not None and there.sealed.hash == s.hash:
                        done.append(s.record_id)
                        already += 1
                    else:
                        conflicts.append(s.record_id[:8])
                        break
                continue
            if head is not None and s.prev_hash != head[1]:
                conflicts.append(s.record_id[:8])  # the chains differ: do not add to either
                break
            key = keys.get(s.key_id)
            try:
                if key is None or stored.damage is not None:
                    raise JournalConflict(f"record {s.record_id[:8]} is damaged in this journal")
                fresh = _send(central, stored, key)
            except JournalConflict as exc:
                local.failed([s.record_id], str(exc))
                conflicts.append(s.record_id[:8])
                break
            except JournalError as exc:
                local.sent(done)
                local.failed(sorted(queued - set(done)), str(exc))
                return SyncResult(sent, already, len(local.pending()), str(exc), tuple(conflicts))
            done.append(s.record_id)
            sent, already = (sent + 1, already) if fresh else (sent, already + 1)
            head = (s.seq, s.link)
        local.sent(done)
    return SyncResult(sent, already, len(local.pending()), None, tuple(conflicts))


def _send(central: Journal, stored: StoredRecord, key: KeyRow) -> bool:
    """Put one record in the central journal; False if it was already there (same hash).

    Raises:
        JournalConflict: the central journal holds another record under this id or in this
            place of the device's chain, or another key under this key's id.
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
            central.lock_device(conn, s.device_id)
            central.register_key(conn, key)
            central.insert_record(conn, stored, queue=False)
    except KeyMismatch as exc:
        raise JournalConflict(str(exc)) from None
    except JournalConflict:
        # Another sync of this device got there first with the same record: that is fine.
        again = central.record(s.record_id)
        if again is not None and again.sealed.hash == s.hash:
            return False
        raise
    return True
