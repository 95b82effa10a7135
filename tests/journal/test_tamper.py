"""Every kind of tampering with a journal of 1,000 records is caught, and the record is named.

One journal is sealed per test module; each case works on its own copy of the file and does
what someone with write access to the database could do: lift the append-only guard and change
one field of one record, delete one, swap two, or re-sign one with another key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from preflight.journal.seal import canonical, chain_link, key_id, public_raw
from preflight.journal.store import Journal
from preflight.journal.verify import VerifyReport, verify_journal
from tests.journal.factory import device_key, fill_fast

RECORDS = 1000
# First, middle and last place: the newest record has no successor to link to it, so its own
# signature is all that vouches for it.
PLACES = (1, 517, RECORDS)


@pytest.fixture(scope="module")
def sealed_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sealed") / "journal.sqlite3"
    with Journal.open(f"sqlite:///{path}") as journal:
        fill_fast(journal, device_key(), RECORDS)
        assert verify_journal(journal).intact
    return path


@pytest.fixture
def copy(sealed_journal: Path, tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite3"
    shutil.copyfile(sealed_journal, path)
    return path


def _row(conn: sa.Connection, seq: int) -> dict[str, object]:
    return dict(
        conn.execute(sa.text("SELECT * FROM records WHERE seq = :s"), {"s": seq}).one()._mapping
    )


def _tamper(path: Path, edit: Callable[[sa.Connection], None]) -> None:
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS records_no_update")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS records_no_delete")
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS device_keys_no_update")
        edit(conn)
    engine.dispose()


def _verify(path: Path) -> VerifyReport:
    with Journal.open(f"sqlite:///{path}", read_only=True) as journal:
        return verify_journal(journal)


def _set(seq: int, column: str, value: object) -> Callable[[sa.Connection], None]:
    def edit(conn: sa.Connection) -> None:
        conn.execute(
            sa.text(f"UPDATE records SET {column} = :v WHERE seq = :s"), {"v": value, "s": seq}
        )

    return edit


def _other_hex(text: str) -> str:
    return ("1" if text[0] != "1" else "2") + text[1:]


# Each column of a record: how to change it, and what verify must call the damage.
COLUMN_EDITS: list[tuple[str, Callable[[dict[str, object]], object], str]] = [
    ("record_id", lambda r: "00000000-0000-4000-8000-000000000000", "edited"),
    ("prev_hash", lambda r: _other_hex(str(r["prev_hash"])), "edited"),
    ("hash", lambda r: _other_hex(str(r["hash"])), "edited"),
    ("key_id", lambda r: _other_hex(str(r["key_id"])), "edited"),
    # A signature that is not the device's: every later link still holds, so only checking
    # signatures (the newest, then each) finds it.
    ("signature", lambda r: base64.b64encode(bytes(64)).decode(), "forged signature"),
    ("created_utc", lambda r: "2026-06-16T08:00:00.000000Z", "edited"),
    ("kind", lambda r: "launch", "edited"),
    ("staff", lambda r: "Someone Else", "edited"),
    ("verdict", lambda r: "pass" if r["verdict"] != "pass" else "fail", "edited"),
    ("overrides", lambda r: int(r["overrides"]) + 1, "edited"),  # type: ignore[call-overload]
    ("envelope", lambda r: str(r["envelope"]).replace('"verdict":"', '"verdict":"x'), "edited"),
]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize(
    ("column", "change", "problem"), COLUMN_EDITS, ids=[c[0] for c in COLUMN_EDITS]
)
def test_a_single_field_edit_is_named(
    copy: Path, place: int, column: str, change: Callable[[dict[str, object]], object], problem: str
) -> None:
    def edit(conn: sa.Connection) -> None:
        _set(place, column, change(_row(conn, place)))(conn)

    _tamper(copy, edit)
    report = _verify(copy)
    assert not report.intact
    (device,) = report.devices
    assert device.first_bad is not None
    assert (device.first_bad.seq, device.first_bad.problem) == (place, problem), device.first_bad
    assert device.records == RECORDS and len(device.verified) == place - 1


@pytest.mark.parametrize("place", PLACES)
def test_a_record_moved_to_another_place_is_named(copy: Path, place: int) -> None:
    _tamper(copy, _set(place, "seq", RECORDS + 10))
    (device,) = _verify(copy).devices
    assert device.first_bad is not None
    # Its old place is a gap (or, for the newest, it sits after one); either way it is found.
    expected = (place + 1, "deleted") if place < RECORDS else (RECORDS + 10, "reordered")
    assert (device.first_bad.seq, device.first_bad.problem) == expected


@pytest.mark.parametrize("place", PLACES)
def test_a_record_moved_to_another_device_is_named(copy: Path, place: int) -> None:
    _tamper(copy, _set(place, "device_id", "11111111-1111-4111-8111-111111111111"))
    report = _verify(copy)
    named = {(d.first_bad.seq, d.first_bad.problem) for d in report.devices if d.first_bad}
    # In the chain it was taken to, its envelope says otherwise.
    assert (place, "edited") in named


@pytest.mark.parametrize("place", PLACES[:2])  # deleting the newest leaves an intact chain
def test_a_deleted_record_is_named(copy: Path, place: int) -> None:
    _tamper(
        copy, lambda conn: conn.execute(sa.text("DELETE FROM records WHERE seq = :s"), {"s": place})
    )
    (device,) = _verify(copy).devices
    assert device.first_bad is not None
    assert (device.first_bad.seq, device.first_bad.problem) == (place + 1, "deleted")
    assert device.records == RECORDS - 1


@pytest.mark.parametrize("place", [1, 517, RECORDS - 1])
def test_a_swapped_pair_is_reordered(copy: Path, place: int) -> None:
    def swap(conn: sa.Connection) -> None:
        for a, b in ((place, 10**6), (place + 1, place), (10**6, place + 1)):
            _set(a, "seq", b)(conn)

    _tamper(copy, swap)
    (device,) = _verify(copy).devices
    assert device.first_bad is not None
    assert (device.first_bad.seq, device.first_bad.problem) == (place, "reordered")


def _resign(place: int, *, key_field: str, register: bool) -> Callable[[sa.Connection], None]:
    """Change the record's content and seal it again, correctly, with a stranger's key."""

    def edit(conn: sa.Connection) -> None:
        row = _row(conn, place)
        stranger = Ed25519PrivateKey.generate()
        stranger_id = key_id(public_raw(stranger))
        envelope = json.loads(str(row["envelope"]))
        envelope["payload"]["verdict"] = "pass"
        envelope["payload"]["overrides"] = []
        if key_field == "stranger":
            envelope["key_id"] = stranger_id
        data = canonical(envelope)
        signature = base64.b64encode(stranger.sign(data)).decode()
        digest = hashlib.sha256(data).hexdigest()
        conn.execute(
            sa.text(
                "UPDATE records SET envelope = :e, hash = :h, signature = :g, key_id = :k, "
                "verdict = 'pass', overrides = 0 WHERE seq = :s"
            ),
            {"e": data.decode(), "h": digest, "g": signature, "k": envelope["key_id"], "s": place},
        )
        if place < RECORDS:  # relink the next record, as a careful forger would
            nxt = json.loads(str(_row(conn, place + 1)["envelope"]))
            nxt["prev_hash"] = chain_link(digest, signature)
            conn.execute(
                sa.text("UPDATE records SET envelope = :e, prev_hash = :p WHERE seq = :s"),
                {"e": canonical(nxt).decode(), "p": nxt["prev_hash"], "s": place + 1},
            )
        if register:
            public = base64.b64encode(public_raw(stranger)).decode()
            conn.execute(
                sa.text("INSERT INTO device_keys VALUES (:k, :d, 'ed25519', :p, :t)"),
                {
                    "k": stranger_id,
                    "d": row["device_id"],
                    "p": public,
                    "t": "2026-06-16T08:00:00.000Z",
                },
            )

    return edit


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize(
    ("key_field", "register", "problem"),
    [
        # Claims the device's key: the signature does not verify with it.
        ("device", False, "forged signature"),
        # Names the stranger's key, which nobody registered.
        ("stranger", False, "unknown key"),
        # Registers the stranger's key for the device too: two keys for one device.
        ("stranger", True, "unknown key"),
    ],
    ids=["claims-device-key", "unregistered-key", "registered-stranger-key"],
)
def test_a_record_resigned_with_another_key_is_named(
    copy: Path, place: int, key_field: str, register: bool, problem: str
) -> None:
    _tamper(copy, _resign(place, key_field=key_field, register=register))
    (device,) = _verify(copy).devices
    assert device.first_bad is not None
    if register:
        # A device only ever has one key: with a second one registered, whichever signed
        # record #1 may be the intruder's, so nothing of the device is vouched for.
        assert (device.first_bad.seq, device.first_bad.problem) == (1, "unknown key")
        assert "2 keys are registered" in device.first_bad.detail and not device.verified
    else:
        assert (device.first_bad.seq, device.first_bad.problem) == (place, problem)


@pytest.mark.parametrize("place", [1, RECORDS])
def test_a_signature_spelt_another_way_is_caught(copy: Path, place: int) -> None:
    # Base64 decoders ignore the last character's spare bits: the same signature bytes, another
    # text. The newest record has no successor whose link would notice.
    def respell(conn: sa.Connection) -> None:
        signature = str(_row(conn, place)["signature"])
        last = signature.rstrip("=")[-1]
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        twin = alphabet[alphabet.index(last) ^ 1]  # 64-byte signatures leave 2 spare bits
        _set(place, "signature", signature.replace(last + "==", twin + "=="))(conn)

    _tamper(copy, respell)
    (device,) = _verify(copy).devices
    assert device.first_bad is not None
    assert (device.first_bad.seq, device.first_bad.problem) == (place, "forged signature")


def test_the_untouched_copy_is_intact(copy: Path) -> None:
    report = _verify(copy)
    assert report.intact and report.records == RECORDS
