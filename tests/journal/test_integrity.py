"""Sealed records verify; every kind of tampering is caught and named, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from preflight.journal.keys import DeviceKey
from preflight.journal.recorder import Recorder
from preflight.journal.seal import canonical, seal
from preflight.journal.store import Journal, JournalError, StoredRecord
from preflight.journal.verify import verify_journal
from tests.journal.factory import device_key, fill, preflight


@pytest.fixture(params=["sqlite", "postgresql"])
def journal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Journal]:
    url = (
        f"sqlite:///{tmp_path / 'journal.sqlite3'}"
        if request.param == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    with Journal.open(url) as opened:
        yield opened


def _tamper(journal: Journal, *statements: str, **params: object) -> None:
    """What someone with write access to the database could do: lift the guard, then edit."""
    with journal.engine.begin() as conn:
        if journal.dialect == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS records_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS records_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE records DISABLE TRIGGER records_append_only")
        for statement in statements:
            conn.execute(sa.text(statement), params)


def _row(journal: Journal, seq: int) -> StoredRecord:
    (device,) = journal.devices()
    return next(r for r in journal.records_of(device) if r.sealed.seq == seq)


def _first_bad(journal: Journal) -> tuple[int, str, str]:
    report = verify_journal(journal)
    assert not report.intact
    (device,) = report.devices
    assert device.first_bad is not None
    return device.first_bad.seq, device.first_bad.problem, device.first_bad.detail


def test_sealed_records_verify_and_chain(journal: Journal) -> None:
    key = device_key()
    fill(journal, key, 6)
    other = device_key()
    fill(journal, other, 2)
    report = verify_journal(journal)
    assert report.intact and report.records == 8 and len(report.devices) == 2
    chain = list(journal.records_of(key.device_id))
    assert [r.sealed.seq for r in chain] == [1, 2, 3, 4, 5, 6]
    assert chain[0].sealed.prev_hash == "0" * 64
    for before, after in itertools.pairwise(chain):
        assert after.sealed.prev_hash == before.sealed.link
    # The stored text is exactly the canonical form, and the hash is over it.
    text = chain[0].sealed.envelope_text
    assert canonical(json.loads(text)).decode() == text
    assert hashlib.sha256(text.encode()).hexdigest() == chain[0].sealed.hash


def test_the_database_refuses_updates_and_deletes(journal: Journal) -> None:
    fill(journal, device_key(), 2)
    for statement in ("UPDATE records SET verdict = 'pass'", "DELETE FROM records"):
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            journal.engine.begin() as conn,
        ):
            conn.exec_driver_sql(statement)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), journal.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM device_keys")
    assert journal.count() == 2 and verify_journal(journal).intact


def test_an_edited_record_is_named(journal: Journal) -> None:
    fill(journal, device_key(), 5)
    target = _row(journal, 3)
    edited = target.sealed.envelope_text.replace("Grace Hopper", "Alan Turing")
    _tamper(
        journal,
        "UPDATE records SET envelope = :e WHERE record_id = :r",
        e=edited,
        r=target.sealed.record_id,
    )
    assert _first_bad(journal)[:2] == (3, "edited")


def test_an_edited_listed_column_is_named(journal: Journal) -> None:
    fill(journal, device_key(), 4)
    _tamper(journal, "UPDATE records SET verdict = 'pass' WHERE seq = 3")  # was "fail"
    seq, problem, detail = _first_bad(journal)
    assert (seq, problem) == (3, "edited") and "verdict" in detail


def test_an_edit_with_a_recomputed_hash_is_a_forged_signature(journal: Journal) -> None:
    fill(journal, device_key(), 4)
    target = _row(journal, 3)  # the overridden one: hide its override
    envelope = json.loads(target.sealed.envelope_text)
    assert envelope["payload"]["overrides"]
    envelope["payload"]["overrides"] = []
    text = canonical(envelope).decode()
    _tamper(
        journal,
        "UPDATE records SET envelope = :e, hash = :h, overrides = 0 WHERE record_id = :r",
        e=text,
        h=hashlib.sha256(text.encode()).hexdigest(),
        r=target.sealed.record_id,
    )
    seq, problem, _ = _first_bad(journal)
    # The hash is right, so it looks sealed; the signature is what gives it away.
    assert (seq, problem) == (3, "forged signature")


def test_a_signature_from_another_key_is_forged(journal: Journal) -> None:
    fill(journal, device_key(), 3)
    target = _row(journal, 2)
    stranger = Ed25519PrivateKey.generate()
    signature = base64.b64encode(stranger.sign(target.sealed.envelope_text.encode())).decode()
    _tamper(
        journal,
        "UPDATE records SET signature = :s WHERE record_id = :r",
        s=signature,
        r=target.sealed.record_id,
    )
    assert _first_bad(journal)[:2] == (2, "forged signature")


def test_a_deleted_record_is_named_at_the_gap(journal: Journal) -> None:
    fill(journal, device_key(), 5)
    _tamper(journal, "DELETE FROM records WHERE seq = 3")
    seq, problem, detail = _first_bad(journal)
    assert (seq, problem) == (4, "deleted") and "1 record" in detail


def test_swapped_places_are_reordered(journal: Journal) -> None:
    fill(journal, device_key(), 5)
    _tamper(
        journal,
        "UPDATE records SET seq = 1000000 WHERE seq = 2",
        "UPDATE records SET seq = 2 WHERE seq = 3",
        "UPDATE records SET seq = 3 WHERE seq = 1000000",
    )
    assert _first_bad(journal)[:2] == (2, "reordered")


def test_a_record_signed_by_an_unregistered_key_is_unknown(journal: Journal) -> None:
    key = device_key()
    fill(journal, key, 3)
    last = _row(journal, 3)
    intruder = DeviceKey(key.device_id, Ed25519PrivateKey.generate(), "file")
    forged = seal(
        preflight(9).payload(),
        device_id=key.device_id,
        seq=4,
        prev_hash=last.sealed.link,
        key=intruder.private,
        sealed_at=dt.datetime.now().astimezone(),
    )
    with journal.write() as conn:  # inserting needs no tampering: the tables are append-only
        journal.insert_record(
            conn, StoredRecord(forged, "preflight", "Grace Hopper", "warn", 0), queue=False
        )
    assert _first_bad(journal)[:2] == (4, "unknown key")


def test_a_key_registered_later_does_not_speak_for_the_device(journal: Journal) -> None:
    key = device_key()
    fill(journal, key, 2)
    # Someone with write access registers their own key for the device and appends through the
    # normal code path: the chain links, the signature is valid, and still it is not the device.
    intruder = DeviceKey(key.device_id, Ed25519PrivateKey.generate(), "file")
    Recorder(journal, intruder, queue_for_central=False).append(preflight(5).payload())
    seq, problem, detail = _first_bad(journal)
    # A device never has two keys: none of its records is vouched for any more.
    assert (seq, problem) == (1, "unknown key") and "2 keys are registered" in detail
    assert not verify_journal(journal).devices[0].verified


def test_concurrent_recorders_of_one_device_keep_one_chain(journal: Journal) -> None:
    key = device_key()
    first, second = (
        Recorder(journal, key, queue_for_central=False),
        Recorder(journal, key, queue_for_central=False),
    )
    for i in range(6):
        (first if i % 2 else second).append(preflight(i).payload())
    assert [r.sealed.seq for r in journal.records_of(key.device_id)] == [1, 2, 3, 4, 5, 6]
    assert verify_journal(journal).intact


def test_a_record_id_taken_twice_is_refused(journal: Journal) -> None:
    key = device_key()
    fill(journal, key, 1)
    existing = _row(journal, 1)
    with pytest.raises(JournalError), journal.write() as conn:
        journal.insert_record(conn, existing, queue=False)
    assert journal.count() == 1


@pytest.mark.parametrize(
    ("column", "value"),
    [("seq", -2147483648), ("seq", 0), ("overrides", -1)],
)
def test_rows_outside_any_chain_are_refused_by_the_database(
    journal: Journal, column: str, value: int
) -> None:
    key = device_key()
    fill(journal, key, 1)
    row = _row(journal, 1).sealed
    values = {
        "record_id": "deadbeef-0000-4000-8000-000000000001",
        "device_id": key.device_id,
        "seq": 2,
        "prev_hash": "0" * 64,
        "hash": "f" * 64,
        "key_id": row.key_id,
        "signature": "AAAA",
        "created_utc": row.created_utc,
        "kind": "preflight",
        "staff": "Head Teacher",
        "verdict": "pass",
        "overrides": 0,
        "envelope": "{}",
    }
    values[column] = value
    with pytest.raises(sa.exc.IntegrityError), journal.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO records VALUES (:record_id, :device_id, :seq, :prev_hash, :hash, :key_id,"
                " :signature, :created_utc, :kind, :staff, :verdict, :overrides, :envelope)"
            ),
            values,
        )


def test_a_row_that_is_not_a_record_is_named_and_the_rest_still_reads(tmp_path: Path) -> None:
    from preflight.journal.views import Integrity, row

    with Journal.open(f"sqlite:///{tmp_path / 'j.sqlite3'}") as journal:
        fill(journal, device_key(), 3)
        target = _row(journal, 2)
    # One byte that is not UTF-8, written into record #2's text behind SQLite's back.
    raw = (tmp_path / "j.sqlite3").read_bytes()
    text = target.sealed.envelope_text.encode()
    where = raw.index(text)
    damaged = raw[:where] + text.replace(b"Grace", b"Gr\xffce", 1) + raw[where + len(text) :]
    (tmp_path / "j.sqlite3").write_bytes(damaged)
    with Journal.open(f"sqlite:///{tmp_path / 'j.sqlite3'}", read_only=True) as journal:
        report = verify_journal(journal)
        (device,) = report.devices
        assert device.first_bad is not None
        assert (device.first_bad.seq, device.first_bad.problem) == (2, "edited")
        integrity = Integrity(report)
        with journal.snapshot() as conn:
            rows = [row(r, integrity.of(r)) for r in journal.all_records(conn)]
        assert [r["integrity"].split(":")[0] for r in rows] == ["verified", "edited", "unverified"]


def test_a_long_staff_name_still_verifies(journal: Journal) -> None:
    key = device_key()
    name = "Dr " + "Anne-Marie " * 24 + "Featherstonehaugh"
    Recorder(journal, key, queue_for_central=False).append(preflight(0, staff=name).payload())
    assert len(name) > 200 and verify_journal(journal).intact


def test_a_payload_that_cannot_be_canonical_writes_nothing(journal: Journal) -> None:
    key = device_key()
    payload = preflight(0).payload()
    payload["who"]["name"] = "Grace \ud800 Hopper"  # a lone surrogate: not Unicode text
    with pytest.raises(JournalError, match="nothing was written"):
        Recorder(journal, key, queue_for_central=False).append(payload)
    assert journal.count() == 0
