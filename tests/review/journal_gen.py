"""Big, varied journals for the review tests and benchmark: many staff, pupils, verdicts, modes,
overrides and Teams launches over months, sealed with real keys as the recorder seals them
(batched into few transactions so 100,000 records take seconds, not an hour)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from preflight.journal.keys import DeviceKey
from preflight.journal.record import (
    Attestation,
    Override,
    Person,
    PreflightRecord,
    SessionInfo,
    launch_payload,
)
from preflight.journal.recorder import columns_of
from preflight.journal.seal import GENESIS, seal
from preflight.journal.store import Journal, KeyRow, StoredRecord, utc_text
from preflight.results import CheckResult, Finding
from tests.journal.factory import device_key

STAFF = [
    "Grace Hopper", "Alan Turing", "Ada Lovelace", "Katherine Johnson", "Tim Berners-Lee",
    "Margaret Hamilton", "Chloë Ó Briain", "Siobhán Kelly", "Zoë Ng", "Łukasz Nowak",
    "Amara Okafor", "Rhys ap Gwyn",
]  # fmt: skip
PUPILS = [f"{f} {s}" for f in ("Sam", "Jo", "Priya", "Tom", "Aisha", "Leo", "Mia", "Noah")
          for s in ("Patel", "Bloggs", "Smith", "Khan", "Jones")]  # fmt: skip
CHECKS = [
    "camera.people", "camera.documents", "camera.photos", "camera.stillness",
    "desktop.windows", "desktop.tabs", "desktop.wallpaper", "desktop.screen",
    "session.schedule", "session.invite",
]  # fmt: skip
START = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Made:
    """What the generator wrote for one preflight, to compute expected answers independently."""

    record_id: str
    device_id: str
    sealed: dt.datetime
    staff: str
    pupils: tuple[str, ...]
    mode: str
    verdict: str
    overrides: int
    problems: frozenset[str]


def _preflight(rng: random.Random, when: dt.datetime) -> PreflightRecord:
    staff = rng.choice(STAFF)
    mode = "home" if rng.random() < 0.1 else "staff"
    pupils = tuple(rng.sample(PUPILS, 1 if rng.random() < 0.8 else 2))
    checks, overrides = [], []
    for check in CHECKS:
        roll = rng.random()
        # Most preflights pass: about three in four pass every check.
        status = (
            "pass" if roll < 0.97 else "warn" if roll < 0.985 else "fail" if roll < 0.996
            else "error"
        )  # fmt: skip
        findings = ()
        if status in ("warn", "fail"):
            findings = (Finding("window" if check.startswith("desktop") else "person",
                                status, f"{check} finding", details={"category": "test"}),)  # fmt: skip
        checks.append(CheckResult(id=check, status=status, summary=check, findings=findings))
        if status == "fail" and rng.random() < 0.4:
            overrides.append(Override(check, "Agreed with the DSL beforehand", "Head of SEN"))
    return PreflightRecord(
        who=Person(staff, f"{staff.split()[0].lower()}@school.example",
                   "parent-carer" if mode == "home" else "staff"),
        mode=mode, policy_id="tces-distance-learning", policy_digest="d" * 64,
        config_digest="c" * 64, app_version="0.1.0", policy_version="2026.1",
        session=SessionInfo(pupils=pupils, scheduled_start=when + dt.timedelta(minutes=5),
                            scheduled_end=when + dt.timedelta(minutes=35),
                            teams_link="https://teams.microsoft.com/l/meetup-join/19%3ameeting_x%40thread.v2/0"),
        checks=tuple(checks), started_at=when, completed_at=when + dt.timedelta(seconds=40),
        attestations=(Attestation("consent_on_file", "1"),), overrides=tuple(overrides),
        cleared=all(c.status != "fail" or any(o.check_id == c.id for o in overrides)
                    for c in checks) and not any(c.status == "error" for c in checks),
    )  # fmt: skip


def generate(
    journal: Journal, count: int, *, seed: int = 1, devices: int = 3, batch: int = 2000
) -> list[Made]:
    """Append `count` preflight records (and a launch after each cleared one) across `devices`."""
    rng = random.Random(seed)
    keys: list[DeviceKey] = [device_key() for _ in range(devices)]
    chains = {}
    with journal.write() as conn:
        for key in keys:
            journal.register_key(
                conn, KeyRow(key.key_id, key.device_id, "ed25519", key.public_b64, utc_text(START))
            )
            last = journal.last_link(conn, key.device_id)
            chains[key.device_id] = (0, GENESIS) if last is None else last
    made: list[Made] = []
    step = dt.timedelta(days=140) / max(count, 1)  # about 20 weeks of sessions
    done = 0
    while done < count:
        with journal.write() as conn:
            for _ in range(min(batch, count - done)):
                key = keys[done % devices]
                when = START + step * done
                record = _preflight(rng, when)
                payloads = [record.payload()]
                sealed_at = [when + dt.timedelta(minutes=1)]
                for payload, at in zip(payloads, sealed_at, strict=True):
                    seq, prev = chains[key.device_id]
                    sealed = seal(payload, device_id=key.device_id, seq=seq + 1, prev_hash=prev,
                                  key=key.private, sealed_at=at)  # fmt: skip
                    kind, staff, verdict, overrides = columns_of(payload)
                    journal.insert_record(
                        conn, StoredRecord(sealed, kind, staff, verdict, overrides), queue=False
                    )
                    chains[key.device_id] = (seq + 1, sealed.link)
                first = sealed
                made.append(Made(
                    first.record_id, key.device_id, sealed_at[0], record.who.name,
                    record.session.pupils, record.mode, record.verdict, len(record.overrides),
                    frozenset(c.id for c in record.checks if c.status != "pass"),
                ))  # fmt: skip
                if record.cleared:
                    launch = launch_payload(first.record_id, when + dt.timedelta(minutes=2),
                                            "msteams")  # fmt: skip
                    seq, prev = chains[key.device_id]
                    sealed = seal(launch, device_id=key.device_id, seq=seq + 1, prev_hash=prev,
                                  key=key.private, sealed_at=when + dt.timedelta(minutes=2))  # fmt: skip
                    kind, staff, verdict, overrides = columns_of(launch)
                    journal.insert_record(
                        conn, StoredRecord(sealed, kind, staff, verdict, overrides), queue=False
                    )
                    chains[key.device_id] = (seq + 1, sealed.link)
                done += 1
    return made
