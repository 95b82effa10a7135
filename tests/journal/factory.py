"""Records for the journal tests: realistic preflights, sealed with real keys."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from preflight.journal.keys import DeviceKey
from preflight.journal.record import (
    Attestation,
    Override,
    Person,
    PreflightRecord,
    SessionInfo,
)
from preflight.journal.recorder import Recorder, columns_of
from preflight.journal.seal import GENESIS, seal
from preflight.journal.store import Journal, KeyRow, StoredRecord, utc_text
from preflight.results import CheckResult, Finding

LONDON = dt.timezone(dt.timedelta(hours=1))
START = dt.datetime(2026, 6, 15, 9, 55, 12, 345678, tzinfo=LONDON)


def device_key() -> DeviceKey:
    return DeviceKey(str(uuid.uuid4()), Ed25519PrivateKey.generate(), "file")


def preflight(
    n: int = 0, *, staff: str = "Grace Hopper", verdict_fail: bool = False, overridden: bool = False
) -> PreflightRecord:
    """A staff preflight: a letter on camera (warn), Zoom open (fail if asked)."""
    checks = [
        CheckResult(id="camera.people", status="pass", summary="One person in view"),
        CheckResult(
            id="camera.documents",
            status="warn",
            summary="Readable text on camera",
            findings=(
                Finding(
                    "document",
                    "warn",
                    "A letter is readable on camera",
                    box_xyxy=(101.4, 220.6, 380.2, 520.9),
                    details={"words": 41, "pii": ["postcode", "phone"], "kind": "letter"},
                ),
            ),
        ),
    ]
    if verdict_fail:
        checks.append(
            CheckResult(
                id="desktop.windows",
                status="fail",
                summary="Zoom is open",
                findings=(
                    Finding(
                        "window",
                        "fail",
                        "Close Zoom before the lesson",
                        details={
                            "app": "Zoom",
                            "category": "video_call",
                            "title": "Zoom Meeting - Sam Patel's parents evening",
                        },
                    ),
                ),
            )
        )
    when = START + dt.timedelta(minutes=10 * n)
    return PreflightRecord(
        who=Person(staff, f"{staff.split()[0].lower()}@school.example", "staff"),
        mode="staff",
        policy_id="tces-distance-learning",
        policy_digest="d" * 64,
        config_digest="c" * 64,
        app_version="0.1.0",
        session=SessionInfo(
            pupils=("Sam Patel",),
            scheduled_start=when + dt.timedelta(minutes=5),
            scheduled_end=when + dt.timedelta(minutes=35),
            teams_link="https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0",
        ),
        checks=tuple(checks),
        started_at=when,
        completed_at=when + dt.timedelta(seconds=42),
        attestations=(Attestation("consent_on_file", "1"), Attestation("slt_copied", "1")),
        overrides=(Override("desktop.windows", "Captioner joins by Zoom", "Head of SEN"),)
        if overridden
        else (),
    )


def fill(journal: Journal, key: DeviceKey, count: int, *, queue: bool = False) -> list[str]:
    """Append `count` preflight records for one device; their ids in order."""
    recorder = Recorder(journal, key, queue_for_central=queue)
    return [
        recorder.append(
            preflight(i, verdict_fail=i % 3 == 2, overridden=i % 3 == 2).payload()
        ).record_id
        for i in range(count)
    ]


def sqlite_journal(folder: Path) -> Journal:
    return Journal.open(f"sqlite:///{folder / 'journal.sqlite3'}")


def fill_fast(journal: Journal, key: DeviceKey, count: int, *, batch: int = 1000) -> None:
    """Seal `count` records for one device as Recorder.append does, but `batch` to a
    transaction: big journals for tests and benchmarks without a disk sync per record."""
    payloads = [
        preflight(i, verdict_fail=i % 3 == 2, overridden=i % 3 == 2).payload() for i in range(30)
    ]
    sealed_at = dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)
    with journal.write() as conn:
        journal.register_key(
            conn, KeyRow(key.key_id, key.device_id, "ed25519", key.public_b64, utc_text(sealed_at))
        )
        last = journal.last_link(conn, key.device_id)
    seq, prev = (0, GENESIS) if last is None else last
    while count > 0:
        with journal.write() as conn:
            for _ in range(min(batch, count)):
                payload = payloads[seq % len(payloads)]
                seq += 1
                sealed = seal(
                    payload,
                    device_id=key.device_id,
                    seq=seq,
                    prev_hash=prev,
                    key=key.private,
                    sealed_at=sealed_at + dt.timedelta(minutes=seq),
                )
                kind, staff, verdict, overrides = columns_of(payload)
                journal.insert_record(
                    conn, StoredRecord(sealed, kind, staff, verdict, overrides), queue=False
                )
                prev = sealed.link
                count -= 1
