"""Checking a journal's evidence: signatures, chain links and sequence, per device. No Qt.

Needs no secrets: each device's public key is registered in the journal. For every device the
records are walked in sequence order; the first record that is not what was sealed is named with
what is wrong with it:

- `edited`: the stored record is not the text that was sealed (its hash, or a listed column,
  no longer matches), or it is not a record at all;
- `forged signature`: the record hashes as stored, but its signature was not made by the
  device's key;
- `unknown key`: signed by a key that is not registered for that device, or by another key than
  the one that signed the device's first record (anyone with write access could register one);
- `deleted`: records are missing before this one (a gap in the sequence, or its link points at
  a record that is not there);
- `reordered`: the record sits in a place of the chain other than the one it was sealed in.

Limitation: deleting a device's newest records leaves a shorter chain that is intact; only a
copy elsewhere (the central journal, an export) shows they existed.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from preflight.journal.recorder import columns_of
from preflight.journal.seal import ENVELOPE_VERSION, GENESIS, key_id, signature_valid
from preflight.journal.store import Journal, KeyRow, StoredRecord

Problem = Literal["edited", "forged signature", "unknown key", "deleted", "reordered"]


@dataclass(frozen=True)
class BadRecord:
    device_id: str
    seq: int
    record_id: str
    problem: Problem
    detail: str

    def line(self) -> str:
        return (
            f"device {self.device_id[:8]}, record #{self.seq} ({self.record_id[:8]}): "
            f"{self.problem} - {self.detail}"
        )


@dataclass(frozen=True)
class DeviceResult:
    device_id: str
    records: int
    first_bad: BadRecord | None = None
    #: The records that checked out (with every record before them), by (record id, hash).
    verified: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class VerifyReport:
    devices: tuple[DeviceResult, ...] = field(default_factory=tuple)

    @property
    def intact(self) -> bool:
        return all(d.first_bad is None for d in self.devices)

    @property
    def records(self) -> int:
        return sum(d.records for d in self.devices)

    def is_verified(self, stored: StoredRecord) -> bool:
        """Whether this very row (id and hash) was walked and found intact."""
        pair = (stored.sealed.record_id, stored.sealed.hash)
        return any(pair in d.verified for d in self.devices)

    def to_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "records": self.records,
            "devices": [
                {
                    "device_id": d.device_id,
                    "records": d.records,
                    "first_bad": None
                    if d.first_bad is None
                    else {
                        "seq": d.first_bad.seq,
                        "record_id": d.first_bad.record_id,
                        "problem": d.first_bad.problem,
                        "detail": d.first_bad.detail,
                    },
                }
                for d in self.devices
            ],
        }


def verify_journal(journal: Journal) -> VerifyReport:
    """Walk every record of every device, in one consistent read of the journal."""
    with journal.snapshot() as conn:
        keys = journal.keys(conn)
        return VerifyReport(
            tuple(
                verify_chain(device, chain, keys)
                for device, chain in itertools.groupby(
                    journal.chains(conn), key=lambda r: r.sealed.device_id
                )
            )
        )


def verify_chain(
    device: str, chain: Iterable[StoredRecord], keys: dict[str, KeyRow]
) -> DeviceResult:
    """Walk one device's records (in stored seq order); stop at the first bad one."""
    expected_seq, prev_hash, count = 1, GENESIS, 0
    seen_hashes: set[str] = set()
    verified: set[tuple[str, str]] = set()
    device_key: str | None = None
    records = iter(chain)
    for stored in records:
        count += 1
        problem = check_record(stored, keys)
        s = stored.sealed
        if problem is None and device_key is not None and s.key_id != device_key:
            # A key registered later could be anyone's: only the key that signed the device's
            # first record speaks for it (a lost key shows here, which is what evidence needs).
            problem = ("unknown key", "signed by another key than this device's first record")
        if problem is None:
            missing = s.seq - expected_seq
            if missing > 0 or (missing == 0 and s.prev_hash != prev_hash):
                if s.prev_hash in seen_hashes:
                    problem = ("reordered", "it is linked to an earlier record, not the one before")
                elif missing:
                    problem = ("deleted", f"{missing} record(s) before it are missing")
                else:
                    problem = ("deleted", "the record it is linked to is missing")
            elif missing < 0:
                problem = ("reordered", f"its place #{s.seq} comes after #{expected_seq - 1}")
        if problem is not None:
            # Keep counting so the report says how long the chain is.
            count += sum(1 for _ in records)
            bad = BadRecord(device, s.seq, s.record_id, *problem)
            return DeviceResult(device, count, bad, frozenset(verified))
        seen_hashes.add(s.hash)
        verified.add((s.record_id, s.hash))
        if s.seq == 1:
            device_key = s.key_id
        expected_seq, prev_hash = s.seq + 1, s.hash
    return DeviceResult(device, count, None, frozenset(verified))


def check_record(stored: StoredRecord, keys: dict[str, KeyRow]) -> tuple[Problem, str] | None:
    """What is wrong with one record on its own (without its neighbours), or None."""
    if stored.damage is not None:
        return "edited", f"the stored row is not a record: {stored.damage}"
    s = stored.sealed
    data = s.envelope_text.encode("utf-8")
    # The hash and signature are over these exact bytes, so re-canonicalising adds nothing.
    if hashlib.sha256(data).hexdigest() != s.hash:
        return "edited", "its content does not match the hash it was sealed with"
    try:
        envelope = json.loads(data)
    except ValueError:
        return "edited", "the stored record is not valid JSON"
    if not isinstance(envelope, dict) or envelope.get("v") != ENVELOPE_VERSION:
        return "edited", "the stored record is not a sealed record envelope"
    fields = {
        "record_id": s.record_id,
        "device_id": s.device_id,
        "prev_hash": s.prev_hash,
        "created_utc": s.created_utc,
        "key_id": s.key_id,
    }
    for name, column in fields.items():
        if envelope.get(name) != column:
            return "edited", f"its {name.replace('_', ' ')} was changed after sealing"
    if envelope.get("seq") != s.seq:
        return "reordered", f"it was sealed as #{envelope.get('seq')}, but is stored as #{s.seq}"
    payload = envelope.get("payload")
    if not isinstance(payload, dict) or columns_of(payload) != (
        stored.kind,
        stored.staff,
        stored.verdict,
        stored.overrides,
    ):
        return "edited", "its listed staff, verdict or overrides differ from the sealed record"
    key = keys.get(s.key_id)
    if key is None or key.device_id != s.device_id:
        return "unknown key", f"key {s.key_id[:12]} is not registered for this device"
    try:
        registered_id = key_id(base64.b64decode(key.public_key, validate=True))
    except ValueError:
        registered_id = ""
    if registered_id != key.key_id:
        return "unknown key", "the registered public key does not match its id"
    if not signature_valid(data, s.signature, key.public_key):
        return "forged signature", "the signature was not made by this device's key"
    return None
