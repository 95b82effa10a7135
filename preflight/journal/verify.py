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

A device only ever has one key (keys.py never makes a second), so a device with two registered
keys is `unknown key` from its first record, with nothing of it vouched for.

Limitations, both shown only by a copy elsewhere (the central journal, an export, a printed key
fingerprint): deleting a device's newest records leaves a shorter chain that is intact; and
someone with write access who deletes the device's key row, registers their own key and re-seals
the whole chain leaves an intact chain — the journal alone cannot tell whose key it was.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from preflight.journal.recorder import columns_of
from preflight.journal.seal import (
    ENVELOPE_VERSION,
    GENESIS,
    key_id,
    signature_valid,
    strict_b64decode,
)
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
        per_device: dict[str, int] = {}
        for key in keys.values():
            per_device[key.device_id] = per_device.get(key.device_id, 0) + 1
        walks = [
            walk_chain(device, chain, keys)
            for device, chain in itertools.groupby(
                journal.chains(conn), key=lambda r: r.sealed.device_id
            )
        ]
        # Only a failed anchor signature needs the chain again (rare: the journal was tampered).
        results = []
        for walk in walks:
            if per_device.get(walk.device, 0) > 1:
                # Preflight never gives a device a second key (keys.py), so a second one was
                # put there: whichever key signed record #1 may be the intruder's.
                results.append(_two_keys(walk, journal.chain_of(conn, walk.device), per_device))
            else:
                reread = functools.partial(journal.chain_of, conn, walk.device)
                results.append(walk.result(reread, keys))
        return VerifyReport(tuple(results))


def _two_keys(
    walk: ChainWalk, chain: Iterable[StoredRecord], per_device: dict[str, int]
) -> DeviceResult:
    first = next(iter(chain), None)
    seq, record_id = (first.sealed.seq, first.sealed.record_id) if first else (1, "")
    bad = BadRecord(
        walk.device,
        seq,
        record_id,
        "unknown key",
        f"{per_device[walk.device]} keys are registered for this device, which only ever has "
        "one: none of its records can be trusted",
    )
    return DeviceResult(walk.device, walk.records, bad, frozenset())


@dataclass
class ChainWalk:
    """One device's chain walked for hashes, links, places and keys, signatures not yet checked.

    `anchor` is the last record that passed: its signature vouches for it and, through the
    links, for every record before it.
    """

    device: str
    records: int
    first_bad: BadRecord | None
    walked: list[tuple[str, str]]
    anchor: StoredRecord | None

    def result(
        self, reread: Callable[[], Iterable[StoredRecord]], keys: dict[str, KeyRow]
    ) -> DeviceResult:
        """Check the anchor's signature; if it fails, name the first record whose signature
        was not made by the device's key (found by reading the chain again)."""
        anchor, bad, walked = self.anchor, self.first_bad, self.walked
        detail = "the signature was not made by this device's key"
        if anchor is not None and not _signed(anchor, keys):
            a = anchor.sealed
            # Unless an earlier one is found below, the anchor itself is what was forged.
            bad = BadRecord(self.device, a.seq, a.record_id, "forged signature", detail)
            cut = len(walked) - 1
            for index, stored in enumerate(reread()):
                if stored.sealed.seq >= a.seq or index >= cut:
                    break
                if not _signed(stored, keys):
                    s = stored.sealed
                    bad = BadRecord(self.device, s.seq, s.record_id, "forged signature", detail)
                    cut = index
                    break
            walked = walked[:cut]
        return DeviceResult(self.device, self.records, bad, frozenset(walked))


def walk_chain(device: str, chain: Iterable[StoredRecord], keys: dict[str, KeyRow]) -> ChainWalk:
    """The fast part of verifying a chain: everything but the signatures."""
    expected_seq, prev_link, count = 1, GENESIS, 0
    seen_links: set[str] = set()
    walked: list[tuple[str, str]] = []
    anchor: StoredRecord | None = None
    device_key: str | None = None
    checked_keys: dict[str, bool] = {}
    records = iter(chain)
    for stored in records:
        count += 1
        problem = check_record(stored, keys, checked_keys)
        s = stored.sealed
        if problem is None and device_key is not None and s.key_id != device_key:
            # A key registered later could be anyone's: only the key that signed the device's
            # first record speaks for it (a lost key shows here, which is what evidence needs).
            problem = ("unknown key", "signed by another key than this device's first record")
        if problem is None:
            missing = s.seq - expected_seq
            if missing > 0 or (missing == 0 and s.prev_hash != prev_link):
                if s.prev_hash in seen_links:
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
            return ChainWalk(device, count, bad, walked, anchor)
        link = s.link
        seen_links.add(link)
        walked.append((s.record_id, s.hash))
        anchor = stored
        if s.seq == 1:
            device_key = s.key_id
        expected_seq, prev_link = s.seq + 1, link
    return ChainWalk(device, count, None, walked, anchor)


def _signed(stored: StoredRecord, keys: dict[str, KeyRow]) -> bool:
    key = keys.get(stored.sealed.key_id)
    data = stored.sealed.envelope_text.encode("utf-8")
    return key is not None and signature_valid(data, stored.sealed.signature, key.public_key)


def check_record(
    stored: StoredRecord, keys: dict[str, KeyRow], checked_keys: dict[str, bool] | None = None
) -> tuple[Problem, str] | None:
    """What is wrong with one record on its own (without its neighbours, and without its
    signature, which the walk checks once for the whole chain), or None."""
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
    checked = {} if checked_keys is None else checked_keys
    if key.key_id not in checked:
        try:
            checked[key.key_id] = key_id(strict_b64decode(key.public_key)) == key.key_id
        except ValueError:
            checked[key.key_id] = False
    if not checked[key.key_id]:
        return "unknown key", "the registered public key does not match its id"
    return None
