"""session.schedule: the session is timetabled, within operating hours and in term time. No Qt.

Pure: the calendar event (if one was found), the moment, and the school's hours and terms in,
a `CheckResult` out. What the policy does not require is not judged; what it requires but the
school has not set up (no timetable, no term dates) is an error, never a pass.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field

from preflight.config import WEEKDAYS, Config, DateRange
from preflight.results import CheckResult, Finding
from preflight.timetable import SessionEvent

CHECK_ID = "session.schedule"
_DAY_NAMES = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


@dataclass(frozen=True)
class ScheduleOptions:
    zone: zoneinfo.ZoneInfo = field(default_factory=lambda: zoneinfo.ZoneInfo("Europe/London"))
    #: Opening hours per weekday ("mon"...), as (opens, closes) in local time; absent: closed.
    hours: Mapping[str, tuple[dt.time, dt.time]] = field(default_factory=dict)
    terms: tuple[DateRange, ...] = ()
    closures: tuple[DateRange, ...] = ()
    window_minutes: int = 20
    require_timetabled: bool = False
    require_operating_hours: bool = False
    require_term_time: bool = False

    @classmethod
    def from_config(cls, config: Config) -> ScheduleOptions:
        org, wanted = config.org, config.checks.schedule
        hours = {}
        for n, day in enumerate(WEEKDAYS):
            span = org.opening_hours(dt.date(2024, 1, 1) + dt.timedelta(days=n))  # a Monday
            if span is not None:
                hours[day] = span
        return cls(
            zone=org.zone,
            hours=hours,
            terms=org.terms,
            closures=org.closures,
            window_minutes=config.timetable.window_minutes,
            require_timetabled=wanted.require_timetabled,
            require_operating_hours=wanted.require_operating_hours,
            require_term_time=wanted.require_term_time,
        )


def evaluate_schedule(
    at: dt.datetime,
    event: SessionEvent | None,
    options: ScheduleOptions,
    *,
    timetable_problem: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> CheckResult:
    """Judge the session's time.

    Args:
        at: now (or the moment asked about), time-zone aware.
        event: the timetabled event picked for `at`, if any.
        timetable_problem: why there is no timetable to look in (not set up, unreadable).
        start, end: the session's times as typed, used when there is no event.
    """
    findings: list[Finding] = []
    if options.require_timetabled:
        if timetable_problem is not None:
            return CheckResult.error(CHECK_ID, timetable_problem)
        if event is None:
            findings.append(
                _finding(
                    "timetabled",
                    f"No timetabled session starts within {options.window_minutes} minutes of "
                    f"{_when(at, options.zone)}; sessions must be on the timetable",
                )
            )
    if event is not None:
        start, end = event.start, event.end
    elif start is not None and abs(start - at) > dt.timedelta(minutes=options.window_minutes):
        # A preflight is for a session about to start: a typed time hours away would have
        # the hours judged for then, while the contact happens now.
        findings.append(
            _finding(
                "not_now",
                f"The session entered starts at {_when(start, options.zone)}, not around now "
                f"({_when(at, options.zone)}); run the preflight just before the session",
            )
        )
    start = start or at
    local_start = start.astimezone(options.zone)
    local_end = end.astimezone(options.zone) if end is not None else None
    if options.require_operating_hours:
        findings += _hours_findings(local_start, local_end, options)
    if options.require_term_time:
        if not options.terms:
            return CheckResult.error(
                CHECK_ID,
                "No term dates are set up, so term time cannot be checked; ask IT to add "
                "org.terms to the configuration",
            )
        findings += _term_findings(local_start.date(), options)
    metrics = {
        "start": local_start.isoformat(timespec="minutes"),
        "end": None if local_end is None else local_end.isoformat(timespec="minutes"),
        "timetabled": event is not None,
    }
    span = _span(local_start, local_end)
    if findings:
        summary = (
            findings[0].message
            if len(findings) == 1
            else f"{len(findings)} problems with when this session is"
        )
        return CheckResult(CHECK_ID, "fail", summary, tuple(findings), metrics)
    required = [
        word
        for word, wanted in (
            ("timetabled", options.require_timetabled and event is not None),
            ("within operating hours", options.require_operating_hours),
            ("in term time", options.require_term_time),
        )
        if wanted
    ]
    summary = f"Session {span}" + (f": {', '.join(required)}" if required else "")
    return CheckResult(CHECK_ID, "pass", summary, (), metrics)


def _hours_findings(
    start: dt.datetime, end: dt.datetime | None, options: ScheduleOptions
) -> list[Finding]:
    hours = options.hours.get(WEEKDAYS[start.weekday()])
    if hours is None:
        return [
            _finding(
                "operating_hours",
                f"Sessions are not held on {_DAY_NAMES[start.weekday()]}; "
                "online contact is only within the school's operating hours",
            )
        ]
    opens, closes = hours
    shown = f"{_hm(opens)}-{_hm(closes)}"
    found = []
    if start.time() < opens or start.time() >= closes:
        found.append(
            _finding(
                "operating_hours",
                f"The session starts at {_hm(start.time())}, outside operating hours ({shown})",
            )
        )
    elif end is not None and _past(end, start, closes):
        found.append(
            _finding(
                "operating_hours",
                f"The session runs until {_hm(end.time())}, past the end of operating hours "
                f"({shown})",
            )
        )
    return found


def _past(end: dt.datetime, start: dt.datetime, closes: dt.time) -> bool:
    """Whether the session ends after closing time (or on another day; midnight at the end of
    a day open until 24:00 is still that day)."""
    if end.date() == start.date():
        return end.time() > closes
    midnight = end.time() == dt.time() and end.date() == start.date() + dt.timedelta(days=1)
    return not (midnight and closes == dt.time.max)


def _term_findings(day: dt.date, options: ScheduleOptions) -> list[Finding]:
    shown = day.strftime("%a %d %b %Y")
    for closure in options.closures:
        if day in closure:
            name = f" ({closure.name})" if closure.name else ""
            return [_finding("closure", f"{shown} is a school closure{name}; no sessions")]
    if not any(day in term for term in options.terms):
        return [_finding("term_time", f"{shown} is outside term time; no sessions")]
    return []


def _finding(rule: str, message: str) -> Finding:
    return Finding("schedule", "fail", message, details={"rule": rule})


def _hm(moment: dt.time) -> str:
    return "24:00" if moment == dt.time.max else moment.strftime("%H:%M")


def _when(at: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return at.astimezone(zone).strftime("%H:%M on %a %d %b")


def _span(start: dt.datetime, end: dt.datetime | None) -> str:
    day = start.strftime("%a %d %b")
    return (
        f"{_hm(start.time())}-{_hm(end.time())} {day}" if end else f"from {_hm(start.time())} {day}"
    )
