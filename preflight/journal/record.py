"""What a journal record says: the preflight's facts, reduced to what a reviewer needs. No Qt.

A record is evidence for leadership, so it holds who, when, which session, what each check
concluded, what was affirmed and what was overridden — never content. Findings keep their kind,
severity, category, box, counts and the name of the app or site; never OCR text, window titles,
URLs or images. `payload()` gives the JSON value that is sealed (see seal.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from preflight.config import ROLES, Role
from preflight.results import CheckResult, Finding, Verdict, verdict_of

RECORD_SCHEMA = "preflight.record/1"

# The finding details a record may keep: the catalogue's name for an app or site, categories
# the policy speaks of, and counts. Everything else is dropped: free text, and a tab's host,
# which can name a person (jane-doe.example-blog.com).
_KEPT_DETAILS = (
    "category", "app", "site", "browser", "pii", "words", "count", "frames_seen", "rule",
)  # fmt: skip
_NAME_DETAILS = ("app", "site", "browser")
_MAX_NAME = 80


def timestamp(moment: dt.datetime) -> dict[str, str]:
    """A moment as UTC (millisecond precision) with the local offset it happened at."""
    if moment.tzinfo is None:
        raise ValueError("record times must be timezone-aware")
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    utc = moment.astimezone(dt.UTC)
    return {
        "utc": utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z",
        "offset": f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}",
    }


def now() -> dt.datetime:
    """This moment in the computer's local time zone (aware)."""
    return dt.datetime.now().astimezone()


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    role: Role = "staff"

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a record needs the name of the person signing")
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {self.role!r}")


@dataclass(frozen=True)
class SessionInfo:
    """The session the preflight is for, as scheduled."""

    pupils: tuple[str, ...] = ()
    group: str | None = None
    scheduled_start: dt.datetime | None = None
    scheduled_end: dt.datetime | None = None
    teams_link: str | None = None


@dataclass(frozen=True)
class Attestation:
    """An item the person affirmed, by id and the version of its wording."""

    id: str
    wording_version: str


@dataclass(frozen=True)
class Override:
    """A check result the session went ahead despite, with the reason and who approved it."""

    check_id: str
    reason: str
    approved_by: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise ValueError("an override needs a written reason")
        if not self.approved_by.strip():
            raise ValueError("an override needs the name of who approved it")


@dataclass(frozen=True)
class PreflightRecord:
    """One preflight, ready to be sealed."""

    who: Person
    mode: str
    policy_id: str
    policy_digest: str
    config_digest: str
    app_version: str
    session: SessionInfo
    checks: tuple[CheckResult, ...]
    started_at: dt.datetime
    completed_at: dt.datetime
    attestations: tuple[Attestation, ...] = ()
    overrides: tuple[Override, ...] = ()
    signature_name: str = ""
    #: "kiosk", or "command-line" for a record sealed by `preflight check --sign`.
    origin: str = "kiosk"
    #: Whether the session was cleared to start (every failure overridden with a reason).
    cleared: bool = False
    #: Checks with warnings the person ticked off as dealt with, one by one.
    acknowledged: tuple[str, ...] = ()
    #: Checks this preflight left out on purpose (`--no-desktop`, say): a reviewer sees them.
    not_run: tuple[str, ...] = ()
    #: What the camera checks looked at: "camera", or "video", "folder", "image" for a
    #: recording (a demonstration or a scripted set-up), which is not the room as it is now.
    camera_source: str | None = None
    #: The version of the policy pack in force (its id and digest are above).
    policy_version: str = ""

    @property
    def verdict(self) -> Verdict:
        return verdict_of(c.status for c in self.checks)

    def payload(self) -> dict[str, Any]:
        session = self.session
        return {
            "schema": RECORD_SCHEMA,
            "kind": "preflight",
            "who": {"name": self.who.name, "email": self.who.email, "role": self.who.role},
            "signed_name": self.signature_name or self.who.name,
            "mode": self.mode,
            "app_version": self.app_version,
            "policy": {
                "id": self.policy_id,
                "version": self.policy_version,
                "digest": self.policy_digest,
            },
            "config_digest": self.config_digest,
            "session": {
                "pupils": list(session.pupils),
                "group": session.group,
                "scheduled_start": _maybe_time(session.scheduled_start),
                "scheduled_end": _maybe_time(session.scheduled_end),
                "teams_link": session.teams_link,
            },
            "checks": [_check(c) for c in self.checks],
            "attestations": [
                {"id": a.id, "wording_version": a.wording_version} for a in self.attestations
            ],
            "overrides": [
                {"check": o.check_id, "reason": o.reason, "approved_by": o.approved_by}
                for o in self.overrides
            ],
            "acknowledged_warnings": list(self.acknowledged),
            "checks_not_run": list(self.not_run),
            "camera_source": self.camera_source,
            "verdict": self.verdict,
            "cleared": self.cleared,
            "origin": self.origin,
            "started_at": timestamp(self.started_at),
            "completed_at": timestamp(self.completed_at),
        }


def launch_payload(preflight_record_id: str, launched_at: dt.datetime, how: str) -> dict[str, Any]:
    """The follow-up record: Teams was opened for the session a sealed preflight record covers."""
    return {
        "schema": RECORD_SCHEMA,
        "kind": "launch",
        "preflight_record": preflight_record_id,
        "launched_at": timestamp(launched_at),
        "how": how,
    }


def _maybe_time(moment: dt.datetime | None) -> dict[str, str] | None:
    return None if moment is None else timestamp(moment)


def _check(result: CheckResult) -> dict[str, Any]:
    return {
        "id": result.id,
        "status": result.status,
        "findings": [reduce_finding(f) for f in result.findings],
    }


def reduce_finding(finding: Finding) -> dict[str, Any]:
    """A finding as a record keeps it: kind, severity, box and the allowed details only."""
    details: dict[str, Any] = {}
    for key in _KEPT_DETAILS:
        value = finding.details.get(key)
        if value is None:
            continue
        if key in _NAME_DETAILS:
            details[key] = str(value)[:_MAX_NAME]
        elif key == "pii":
            details[key] = sorted(str(v) for v in _as_list(value))
        elif key == "category":
            details[key] = str(value)
        elif key == "rule":  # which requirement a session finding is about: a short name
            text = str(value)
            if text.replace("_", "").isalnum() and len(text) <= 40:
                details[key] = text
        elif isinstance(value, bool) or not isinstance(value, int | float):
            continue
        else:
            details[key] = int(value)
    box = None if finding.box_xyxy is None else [round(v) for v in finding.box_xyxy]
    return {"kind": finding.kind, "severity": finding.severity, "box": box, **details}


def _as_list(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else [value]
