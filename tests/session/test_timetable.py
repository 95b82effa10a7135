"""The timetable adapter on calendar files shaped like real exports (Outlook, Google)."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from pathlib import Path

import pytest

from preflight.timetable import TimetableError, load_timetable
from tests.session import ics_samples as ics

LONDON = zoneinfo.ZoneInfo("Europe/London")


def _at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=LONDON)  # type: ignore[misc]


@pytest.fixture
def weekly(tmp_path: Path) -> Path:
    return ics.write(tmp_path, "calendar.ics", ics.weekly_timetable())


@pytest.mark.parametrize(
    ("at", "expected_local_start"),
    [
        # before the clocks go back (BST, UTC+1): 10:00 local is 09:00 UTC
        (_at(2026, 10, 20, 10, 5), _at(2026, 10, 20, 10, 0)),
        # after (GMT): still 10:00 local, now 10:00 UTC — the series keeps local time
        (_at(2026, 11, 10, 9, 45), _at(2026, 11, 10, 10, 0)),
        # the moved occurrence (RECURRENCE-ID) is at 14:00, not 10:00
        (_at(2026, 11, 3, 14, 10), _at(2026, 11, 3, 14, 0)),
        # the INSET day's all-day event is never the session; the lesson that day is
        (_at(2026, 11, 24, 10, 0), _at(2026, 11, 24, 10, 0)),
    ],
)
def test_the_lesson_starting_nearest_now_is_picked(
    weekly: Path, at: dt.datetime, expected_local_start: dt.datetime
) -> None:
    event = load_timetable(weekly, LONDON).pick(at, 20)
    assert event is not None
    assert event.start == expected_local_start
    assert event.start.astimezone(LONDON).hour == expected_local_start.hour
    assert event.end is not None and event.end - event.start == dt.timedelta(minutes=45)


@pytest.mark.parametrize(
    "at",
    [
        _at(2026, 10, 27, 10, 0),  # EXDATE: cancelled for half term
        _at(2026, 11, 3, 10, 0),  # moved away to 14:00
        _at(2026, 11, 25, 11, 0),  # a cancelled one-off (STATUS:CANCELLED)
        _at(2026, 11, 10, 10, 25),  # 25 minutes after the start: outside the 20-minute window
        _at(2026, 12, 22, 10, 0),  # after UNTIL
    ],
)
def test_no_session_is_picked_where_there_is_none(weekly: Path, at: dt.datetime) -> None:
    assert load_timetable(weekly, LONDON).pick(at, 20) is None


def test_a_moved_occurrence_keeps_the_series_organiser_attendees_and_link(weekly: Path) -> None:
    event = load_timetable(weekly, LONDON).pick(_at(2026, 11, 3, 14, 0), 20)
    assert event is not None
    assert event.organizer == f"grace.hopper@{ics.STAFF}"
    assert {a.email for a in event.attendees} == {
        f"joe.bloggs@{ics.PUPILS}",
        f"amara.okafor@{ics.PUPILS}",
        ics.SLT,
    }
    assert event.join_link == ics.JOIN


def test_outlook_roles_and_names_are_read(weekly: Path) -> None:
    event = load_timetable(weekly, LONDON).pick(_at(2026, 11, 17, 10, 0), 20)
    assert event is not None
    roles = {a.email: (a.name, a.role) for a in event.attendees}
    assert roles[ics.SLT] == ("Head Teacher", "optional")  # Cc in Outlook
    assert roles[f"joe.bloggs@{ics.PUPILS}"] == ("Joe Bloggs", "required")
    assert not event.all_day and not event.live_stream


def test_the_join_link_is_found_in_the_description_alone(tmp_path: Path) -> None:
    text = ics.single().replace("X-MICROSOFT-SKYPETEAMSMEETINGURL:", "X-OTHER:")
    event = load_timetable(ics.write(tmp_path, "a.ics", text), LONDON).pick(
        _at(2026, 11, 24, 10, 0), 20
    )
    assert event is not None and event.join_link == ics.JOIN


def test_a_zoom_link_is_kept_so_the_invite_check_can_name_it(tmp_path: Path) -> None:
    text = ics.single(join="https://us02web.zoom.us/j/81234567890?pwd=abc")
    event = load_timetable(ics.write(tmp_path, "a.ics", text), LONDON).pick(
        _at(2026, 11, 24, 10, 0), 20
    )
    assert event is not None and event.join_link == "https://us02web.zoom.us/j/81234567890?pwd=abc"


def test_google_utc_export_keeps_the_lesson_at_its_local_time(tmp_path: Path) -> None:
    # Google writes UTC times with X-WR-TIMEZONE: the weekly 10:00 lesson stays at 10:00
    # London time after the clocks go back (read through x-wr-timezone), not at 09:00.
    table = load_timetable(ics.write(tmp_path, "g.ics", ics.google_export()), LONDON)
    summer = table.pick(_at(2026, 6, 30, 10, 0), 20)
    winter = table.pick(_at(2026, 11, 3, 10, 0), 20)
    assert summer is not None and summer.start.astimezone(LONDON).hour == 10
    assert winter is not None and winter.start.astimezone(LONDON).hour == 10
    assert table.pick(_at(2026, 11, 3, 9, 0), 20) is None


def test_a_live_stream_is_marked_by_category_or_title(tmp_path: Path) -> None:
    by_category = ics.single(categories="Live stream")
    by_title = ics.single(summary="Assembly (live-streamed)")
    for text in (by_category, by_title):
        event = load_timetable(ics.write(tmp_path, "a.ics", text), LONDON).pick(
            _at(2026, 11, 24, 10, 0), 20
        )
        assert event is not None and event.live_stream


def test_a_folder_export_reads_every_calendar(tmp_path: Path) -> None:
    ics.write(tmp_path, "1-weekly.ics", ics.weekly_timetable())
    ics.write(tmp_path, "2-other.ics", ics.single(uid="x", start="20261124T140000",
                                                  end="20261124T143000"))  # fmt: skip
    (tmp_path / "notes.txt").write_text("not a calendar")
    table = load_timetable(tmp_path, LONDON)
    assert len(table.sources) == 2
    event = table.pick(_at(2026, 11, 24, 14, 0), 20)
    assert event is not None and event.uid == "x"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("this is not a calendar", "not a calendar file"),
        ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2026", "no VCALENDAR"),  # truncated
        ("BEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\n", "no VCALENDAR"),
    ],
)
def test_a_broken_calendar_is_a_one_line_error_naming_the_file(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = ics.write(tmp_path, "broken.ics", content)
    with pytest.raises(TimetableError, match=expected) as caught:
        load_timetable(path, LONDON).pick(_at(2026, 11, 24, 10, 0), 20)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_missing_paths_are_errors(tmp_path: Path) -> None:
    with pytest.raises(TimetableError, match="not found"):
        load_timetable(tmp_path / "nope.ics", LONDON)
    with pytest.raises(TimetableError, match=r"no \.ics calendar files"):
        load_timetable(tmp_path, LONDON)


def test_five_years_of_weekly_lessons_load_and_answer_quickly(tmp_path: Path) -> None:
    """A sanity figure, not a timed assertion: printed for the README (see bench/)."""
    events = [
        ics.teams_invite(
            uid=f"lesson-{day}-{hour}",
            start=f"2022090{day}T{hour:02d}0000",
            end=f"2022090{day}T{hour:02d}4500",
            rrule="FREQ=WEEKLY;UNTIL=20270901T000000Z",
        )
        for day in range(5, 10)
        for hour in range(9, 15)
    ]
    path = ics.write(tmp_path, "five-years.ics", ics._outlook(*events))
    began = time.perf_counter()
    table = load_timetable(path, LONDON)
    event = table.pick(_at(2026, 11, 24, 11, 5), 20)
    print(f"30 weekly series over 5 years: {(time.perf_counter() - began) * 1000:.0f} ms")
    assert event is not None and event.start.hour == 11


def test_a_zone_known_only_by_its_vtimezone_rules_still_follows_bst_and_gmt(
    tmp_path: Path,
) -> None:
    # Not a Windows or IANA name: read from the file's own VTIMEZONE (the slower path).
    text = ics.weekly_timetable().replace("GMT Standard Time", "Custom UK Time")
    table = load_timetable(ics.write(tmp_path, "custom.ics", text), LONDON)
    before = table.pick(_at(2026, 10, 20, 10, 0), 20)
    after = table.pick(_at(2026, 11, 10, 10, 0), 20)
    assert before is not None and before.start.utcoffset() == dt.timedelta(hours=1)
    assert after is not None and after.start.utcoffset() == dt.timedelta(0)
    assert before.start.astimezone(LONDON).hour == after.start.astimezone(LONDON).hour == 10


# --- found by a hostile review ------------------------------------------------------------


def test_two_sessions_at_the_same_time_are_not_guessed_between(tmp_path: Path) -> None:
    from preflight.timetable import AmbiguousSession

    text = ics._outlook(
        ics.teams_invite(uid="a"),
        ics.teams_invite(uid="b", organizer=f"ada.lovelace@{ics.STAFF}", attendees=()),
    )
    table = load_timetable(ics.write(tmp_path, "a.ics", text), LONDON)
    with pytest.raises(AmbiguousSession, match="2 timetabled sessions start at 10:00"):
        table.pick(_at(2026, 11, 24, 10, 5), 20)
    # Knowing who is signing settles it: the one they organise.
    mine = table.pick(_at(2026, 11, 24, 10, 5), 20, person=f"Ada.Lovelace@{ics.STAFF}")
    assert mine is not None and mine.uid == "b"


def test_a_cancellation_notice_cancels_even_in_another_file_of_the_export(tmp_path: Path) -> None:
    weekly = ics.weekly_timetable()
    ics.write(tmp_path, "1-calendar.ics", weekly)
    cancel = ics._outlook(
        ics.moved_occurrence(
            "040000008200E00074C5B7101A82E008000000009A1B2C3D",
            "20261117T100000", "20261117T100000", "20261117T104500",
        )
    ).replace("METHOD:REQUEST", "METHOD:CANCEL")  # fmt: skip
    ics.write(tmp_path, "2-cancelled.ics", cancel)
    table = load_timetable(tmp_path, LONDON)
    assert table.pick(_at(2026, 11, 17, 10, 0), 20) is None
    assert table.pick(_at(2026, 11, 10, 10, 0), 20) is not None  # the others stand


def test_a_rule_repeating_every_second_is_refused_at_once(tmp_path: Path) -> None:
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n"
        "DTSTART:19700101T000000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    began = time.perf_counter()
    with pytest.raises(TimetableError, match="repeats daily at most"):
        load_timetable(ics.write(tmp_path, "s.ics", text), LONDON)
    assert time.perf_counter() - began < 30  # (a hang, not a speed figure)


def test_an_invitation_without_an_end_has_none(tmp_path: Path) -> None:
    text = ics.single().replace("DTEND;TZID=GMT Standard Time:20261124T104500\r\n", "")
    assert "DTEND" not in text
    event = load_timetable(ics.write(tmp_path, "a.ics", text), LONDON).pick(
        _at(2026, 11, 24, 10, 0), 20
    )
    assert event is not None and event.end is None


def test_an_unknown_time_zone_is_an_error_not_local_time(tmp_path: Path) -> None:
    text = ics.single().replace("TZID=GMT Standard Time", "TZID=Mars/Olympus")
    with pytest.raises(TimetableError, match="unknown time zone 'Mars/Olympus'"):
        load_timetable(ics.write(tmp_path, "a.ics", text), LONDON)


def test_a_path_the_system_cannot_use_is_a_timetable_error(tmp_path: Path) -> None:
    with pytest.raises(TimetableError, match="cannot read"):
        load_timetable(tmp_path / ("x" * 300 + ".ics"), LONDON)
