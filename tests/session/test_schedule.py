"""session.schedule: hours, weekends, term dates and closures, timetabled or not."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from preflight.checks.schedule import ScheduleOptions, evaluate_schedule
from preflight.config import DateRange
from preflight.timetable import SessionEvent

LONDON = zoneinfo.ZoneInfo("Europe/London")
WEEKDAY = (dt.time(8, 30), dt.time(16, 30))
OPTIONS = ScheduleOptions(
    zone=LONDON,
    hours={d: WEEKDAY for d in ("mon", "tue", "wed", "thu", "fri")},
    terms=(DateRange(name="Autumn", start=dt.date(2026, 9, 3), end=dt.date(2026, 12, 18)),),
    closures=(DateRange(name="INSET day", start=dt.date(2026, 11, 27), end=dt.date(2026, 11, 27)),),
    require_timetabled=True,
    require_operating_hours=True,
    require_term_time=True,
)


def _event(start: dt.datetime, minutes: int = 45) -> SessionEvent:
    return SessionEvent(
        uid="1", title="Maths", start=start, end=start + dt.timedelta(minutes=minutes)
    )


def _at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LONDON)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "minutes", "status", "rule", "words"),
    [
        (_at(2026, 11, 24, 10, 0), 45, "pass", None, "10:00-10:45 Tue 24 Nov"),
        (_at(2026, 11, 24, 8, 30), 30, "pass", None, "within operating hours"),  # on opening
        (_at(2026, 11, 24, 15, 45), 45, "pass", None, "in term time"),  # ends on closing
        (_at(2026, 11, 24, 7, 45), 30, "fail", "operating_hours", "starts at 07:45"),
        (_at(2026, 11, 24, 16, 0), 45, "fail", "operating_hours", "runs until 16:45"),  # straddles
        (_at(2026, 11, 24, 16, 30), 30, "fail", "operating_hours", "starts at 16:30"),
        (_at(2026, 11, 24, 23, 30), 60, "fail", "operating_hours", "outside operating hours"),
        (_at(2026, 11, 28, 10, 0), 45, "fail", "operating_hours", "not held on Saturdays"),
        (_at(2026, 11, 29, 10, 0), 45, "fail", "operating_hours", "not held on Sundays"),
        (_at(2026, 11, 27, 10, 0), 45, "fail", "closure", "school closure (INSET day)"),
        (_at(2026, 12, 21, 10, 0), 45, "fail", "term_time", "outside term time"),
        (_at(2026, 9, 2, 10, 0), 45, "fail", "term_time", "Wed 02 Sep 2026 is outside term"),
    ],
)
def test_the_session_time_is_judged_against_hours_and_terms(
    start: dt.datetime, minutes: int, status: str, rule: str | None, words: str
) -> None:
    result = evaluate_schedule(start, _event(start, minutes), OPTIONS)
    assert result.status == status, result.summary
    assert words in (result.summary + " ".join(f.message for f in result.findings))
    if rule:
        assert [f.details["rule"] for f in result.findings] == [rule]
        assert all(f.kind == "schedule" and f.severity == "fail" for f in result.findings)


def test_a_session_not_on_the_timetable_fails_with_when_it_looked() -> None:
    result = evaluate_schedule(_at(2026, 11, 24, 10, 5), None, OPTIONS)
    assert result.status == "fail"
    assert result.findings[0].details["rule"] == "timetabled"
    assert "within 20 minutes of 10:05 on Tue 24 Nov" in result.findings[0].message


def test_a_missing_or_unreadable_timetable_is_an_error_not_a_pass() -> None:
    result = evaluate_schedule(
        _at(2026, 11, 24, 10, 5), None, OPTIONS, timetable_problem="No timetable is set up"
    )
    assert result.status == "error" and result.summary == "No timetable is set up"


def test_without_term_dates_term_time_cannot_be_checked() -> None:
    options = ScheduleOptions(zone=LONDON, hours=OPTIONS.hours, require_term_time=True)
    result = evaluate_schedule(_at(2026, 11, 24, 10, 0), None, options)
    assert result.status == "error" and "No term dates" in result.summary


def test_typed_times_are_judged_when_no_timetable_is_required() -> None:
    options = ScheduleOptions(zone=LONDON, hours=OPTIONS.hours, require_operating_hours=True)
    late = evaluate_schedule(
        _at(2026, 11, 24, 16, 5), None, options,
        start=_at(2026, 11, 24, 16, 15), end=_at(2026, 11, 24, 17, 0),
    )  # fmt: skip
    assert late.status == "fail" and "runs until 17:00" in late.findings[0].message
    now_only = evaluate_schedule(_at(2026, 11, 24, 18, 0), None, options)
    assert now_only.status == "fail" and "starts at 18:00" in now_only.findings[0].message


def test_several_problems_are_each_reported() -> None:
    start = _at(2026, 12, 26, 18, 0)  # a Saturday, after hours, in the holidays
    result = evaluate_schedule(start, _event(start), OPTIONS)
    assert result.status == "fail"
    assert [f.details["rule"] for f in result.findings] == ["operating_hours", "term_time"]


def test_nothing_required_passes_with_the_time_shown() -> None:
    result = evaluate_schedule(_at(2026, 11, 28, 23, 0), None, ScheduleOptions(zone=LONDON))
    assert result.status == "pass" and result.summary.startswith("Session from 23:00")


def test_times_are_judged_in_the_school_zone_whatever_zone_the_invitation_used() -> None:
    utc = dt.UTC
    start = dt.datetime(2026, 6, 30, 7, 45, tzinfo=utc)  # 08:45 BST: inside hours
    assert evaluate_schedule(start, _event(start), OPTIONS).status == "fail"  # July: holidays
    june = ScheduleOptions(
        zone=LONDON, hours=OPTIONS.hours,
        terms=(DateRange(start=dt.date(2026, 4, 13), end=dt.date(2026, 7, 22)),),
        require_operating_hours=True, require_term_time=True,
    )  # fmt: skip
    assert evaluate_schedule(start, _event(start), june).status == "pass"
    early = dt.datetime(2026, 6, 30, 7, 15, tzinfo=utc)  # 08:15 BST: before opening
    assert evaluate_schedule(early, _event(early), june).status == "fail"


def test_a_typed_session_far_from_now_is_not_this_preflight() -> None:
    # Checking a 10:00 session's hours at 22:00 would let contact at 22:00 through.
    options = ScheduleOptions(zone=LONDON, hours=OPTIONS.hours, require_operating_hours=True)
    result = evaluate_schedule(
        _at(2026, 11, 24, 22, 0), None, options,
        start=_at(2026, 11, 24, 10, 0), end=_at(2026, 11, 24, 10, 30),
    )  # fmt: skip
    assert result.status == "fail"
    assert [f.details["rule"] for f in result.findings] == ["not_now"]


def test_a_session_ending_at_midnight_of_a_day_open_until_24_00_is_within_hours() -> None:
    all_day = ScheduleOptions(
        zone=LONDON, hours={"tue": (dt.time(0, 0), dt.time.max)}, require_operating_hours=True
    )
    start = _at(2026, 11, 24, 23, 30)
    assert evaluate_schedule(start, _event(start, 30), all_day).status == "pass"
    assert evaluate_schedule(start, _event(start, 45), all_day).status == "fail"
