"""Session checks orchestration: timetable → the session's event → schedule and invite results.
No Qt.

`find_session()` looks the session up in the timetable (the `--timetable` file, or the one the
config names) for a moment; `run_session()` judges it. A timetable that is not set up or cannot
be read is carried as a plain reason, so the checks report `error` — never pass — and the kiosk
keeps going. `prefill()` turns the event into what the kiosk's session step shows.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from preflight.checks import invite, schedule
from preflight.checks.invite import InviteOptions, evaluate_invite
from preflight.checks.schedule import ScheduleOptions, evaluate_schedule
from preflight.config import Config
from preflight.identity import on_domain
from preflight.results import CheckResult, Report
from preflight.timetable import AmbiguousSession, SessionEvent, TimetableError, load_timetable

SESSION_CHECKS = (schedule.CHECK_ID, invite.CHECK_ID)


@dataclass(frozen=True)
class SessionLookup:
    """What the timetable says about the session at `at`."""

    at: dt.datetime
    event: SessionEvent | None
    #: Why there is no timetable to look in, in words for a teacher; None when it was read.
    problem: str | None = None
    #: The file or folder read (or that could not be read).
    path: Path | None = None


def timetable_path(config: Config, explicit: str | Path | None = None) -> Path | None:
    """The timetable in force: `explicit`, else the config's (relative to the config file)."""
    if explicit:
        return Path(explicit).expanduser()
    if not config.timetable.path:
        return None
    path = Path(config.timetable.path).expanduser()
    if not path.is_absolute() and config.source_path is not None:
        path = config.source_path.parent / path
    return path


def find_session(
    config: Config,
    at: dt.datetime | None = None,
    timetable: str | Path | None = None,
    person: str | None = None,
) -> SessionLookup:
    """The timetabled event starting within the configured window of `at` (default: now);
    with `person` (the signer's email), one they organise or are invited to comes first.

    Raises:
        TimetableError: only when `timetable` was given explicitly and cannot be read.
    """
    at = at or dt.datetime.now(config.org.zone)
    if at.tzinfo is None:
        at = at.replace(tzinfo=config.org.zone)
    path = timetable_path(config, timetable)
    if path is None:
        return SessionLookup(
            at,
            None,
            "No timetable is set up, so the session cannot be found on it; ask IT to set "
            "timetable.path in the configuration",
        )
    try:
        table = load_timetable(path, config.org.zone)
        event = table.pick(at, config.timetable.window_minutes, person)
    except AmbiguousSession as exc:
        return SessionLookup(at, None, str(exc), path)
    except TimetableError as exc:
        if timetable:
            raise
        return SessionLookup(at, None, f"The timetable cannot be read: {exc}", path)
    return SessionLookup(at, event, None, path)


def run_session(
    config: Config,
    lookup: SessionLookup,
    checks: tuple[str, ...] = SESSION_CHECKS,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> Report:
    """Judge the session found (or the typed `start`/`end` when there is no event)."""
    results: list[CheckResult] = []
    if schedule.CHECK_ID in checks:
        began = time.perf_counter()
        result = evaluate_schedule(
            lookup.at,
            lookup.event,
            ScheduleOptions.from_config(config),
            timetable_problem=lookup.problem,
            start=start,
            end=end,
        )
        results.append(_timed(result, began))
    if invite.CHECK_ID in checks:
        began = time.perf_counter()
        result = evaluate_invite(
            lookup.event, InviteOptions.from_config(config), timetable_problem=lookup.problem
        )
        results.append(_timed(result, began))
    return Report(source="session", checks=tuple(results))


@dataclass(frozen=True)
class SessionPrefill:
    """What the kiosk's session step is filled in with from the timetabled event."""

    pupils: tuple[str, ...]
    group: str | None
    start: dt.datetime
    end: dt.datetime | None
    teams_link: str | None


def prefill(event: SessionEvent, config: Config) -> SessionPrefill:
    """The pupils are the invited pupils (on the pupils' domains, or — with none set up — the
    individuals who are not staff or leadership), by display name or a name made from the
    address. The event's title is not used: it can say more about a pupil than a record
    should keep ("Safeguarding follow-up re ..."), so a group is typed, never copied."""
    org = config.org
    pupils = []
    for person in event.attendees:
        if not person.email or person.kind != "INDIVIDUAL":
            continue
        if org.pupil_domains:
            wanted = on_domain(person.domain, org.pupil_domains)
        else:
            wanted = (
                person.email != event.organizer
                and person.email not in org.slt
                and not on_domain(person.domain, org.staff_domains)
            )
        if wanted:
            pupils.append(person.name or _name_from(person.email))
    zone = org.zone
    return SessionPrefill(
        pupils=tuple(pupils),
        group=None,
        start=event.start.astimezone(zone),
        end=event.end.astimezone(zone) if event.end else None,
        teams_link=event.join_link,
    )


def _name_from(email: str) -> str:
    local = email.partition("@")[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").split(".") if part)


def _timed(result: CheckResult, began: float) -> CheckResult:
    from dataclasses import replace

    return replace(result, elapsed_ms=(time.perf_counter() - began) * 1000.0)
