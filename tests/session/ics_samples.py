"""Calendar files shaped like the ones schools export: Outlook's Teams invitations, weekly
lessons with exceptions, all-day closures, and Google's UTC form, across the BST/GMT change.

Made-up people at made-up domains: staff at oakfield.sch.uk, pupils at pupils.oakfield.sch.uk,
leadership at oakfield.sch.uk.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

LONDON = zoneinfo.ZoneInfo("Europe/London")
STAFF = "oakfield.sch.uk"
PUPILS = "pupils.oakfield.sch.uk"
SLT = f"head@{STAFF}"
JOIN = (
    "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ5ZTFjZDAtYjM3Mi00"
    "%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf%22%7d"
)

# Outlook writes Windows zone names with their own VTIMEZONE rules.
_GMT_STANDARD_TIME = """BEGIN:VTIMEZONE
TZID:GMT Standard Time
BEGIN:STANDARD
DTSTART:16011028T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0100
TZOFFSETTO:-0000
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010325T010000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:-0000
TZOFFSETTO:+0100
END:DAYLIGHT
END:VTIMEZONE"""


def _outlook(*events: str) -> str:
    body = "\n".join(
        [
            "BEGIN:VCALENDAR",
            "METHOD:REQUEST",
            "PRODID:Microsoft Exchange Server 2010",
            "VERSION:2.0",
            "X-WR-CALNAME:Calendar",
            _GMT_STANDARD_TIME,
            *events,
            "END:VCALENDAR",
        ]
    )
    return body.replace("\n", "\r\n") + "\r\n"


def _fold(line: str) -> str:
    """RFC 5545 folding at 75 octets, as Outlook writes long lines."""
    out, rest = [], line
    while len(rest.encode()) > 75:
        out.append(rest[:74])
        rest = " " + rest[74:]
    out.append(rest)
    return "\n".join(out)


def teams_invite(
    *,
    uid: str = "040000008200E00074C5B7101A82E00800000000D0F1A4B1",
    summary: str = "Year 9 Maths",
    start: str = "20261124T100000",
    end: str = "20261124T104500",
    organizer: str = f"grace.hopper@{STAFF}",
    attendees: tuple[tuple[str, str, str], ...] = (
        ("Joe Bloggs", f"joe.bloggs@{PUPILS}", "REQ-PARTICIPANT"),
        ("Amara Okafor", f"amara.okafor@{PUPILS}", "REQ-PARTICIPANT"),
        ("Head Teacher", SLT, "OPT-PARTICIPANT"),
    ),
    join: str | None = JOIN,
    rrule: str | None = None,
    exdates: tuple[str, ...] = (),
    categories: str | None = None,
    extra: tuple[str, ...] = (),
) -> str:
    """One VEVENT as Outlook exports a Teams meeting: the link in the description and in
    X-MICROSOFT-SKYPETEAMSMEETINGURL, HTML in X-ALT-DESC, Cc'd people as OPT-PARTICIPANT."""
    description = (
        "________________________________________________________________________________\\n"
        "Microsoft Teams meeting\\nJoin on your computer\\, mobile app or room device\\n"
        + (f"Click here to join the meeting<{join}>\\n" if join else "")
        + "Meeting ID: 349 123 456 78\\nPasscode: aB3cD4\\n"
        "________________________________________________________________________________"
    )
    lines = [
        "BEGIN:VEVENT",
        _fold(f"ORGANIZER;CN=Grace Hopper:mailto:{organizer}"),
        *(
            _fold(f"ATTENDEE;ROLE={role};PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN={name}:mailto:{email}")
            for name, email, role in attendees
        ),
        _fold(f"DESCRIPTION;LANGUAGE=en-GB:{description}"),
        *([f"RRULE:{rrule}"] if rrule else []),
        *(f"EXDATE;TZID=GMT Standard Time:{d}" for d in exdates),
        f"UID:{uid}",
        f"SUMMARY;LANGUAGE=en-GB:{summary}",
        f"DTSTART;TZID=GMT Standard Time:{start}",
        f"DTEND;TZID=GMT Standard Time:{end}",
        "CLASS:PUBLIC",
        "PRIORITY:5",
        "DTSTAMP:20261101T090000Z",
        "TRANSP:OPAQUE",
        "STATUS:CONFIRMED",
        "SEQUENCE:0",
        "LOCATION;LANGUAGE=en-GB:Microsoft Teams Meeting",
        *([f"CATEGORIES:{categories}"] if categories else []),
        "X-MICROSOFT-CDO-APPT-SEQUENCE:0",
        "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
        "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
        "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
        "X-MICROSOFT-CDO-IMPORTANCE:1",
        "X-MICROSOFT-CDO-INSTTYPE:" + ("1" if rrule else "0"),
        *([_fold(f"X-MICROSOFT-SKYPETEAMSMEETINGURL:{join}")] if join else []),
        'X-MICROSOFT-ONLINEMEETINGINFORMATION:{"OnlineMeetingChannelId":null}',
        "X-MICROSOFT-DONOTFORWARDMEETING:FALSE",
        "X-MICROSOFT-DISALLOW-COUNTER:FALSE",
        'X-MICROSOFT-LOCATIONS:[{"DisplayName":"Microsoft Teams Meeting"}]',
        *extra,
        "END:VEVENT",
    ]
    return "\n".join(lines)


def moved_occurrence(uid: str, original: str, start: str, end: str) -> str:
    """A single occurrence moved in Outlook: only what changed, no organiser or attendees."""
    return "\n".join(
        [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"RECURRENCE-ID;TZID=GMT Standard Time:{original}",
            "SUMMARY;LANGUAGE=en-GB:Year 9 Maths",
            f"DTSTART;TZID=GMT Standard Time:{start}",
            f"DTEND;TZID=GMT Standard Time:{end}",
            "DTSTAMP:20261101T090000Z",
            "SEQUENCE:1",
            "END:VEVENT",
        ]
    )


def all_day(summary: str, day: str, uid: str) -> str:
    return "\n".join(
        [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"SUMMARY:{summary}",
            f"DTSTART;VALUE=DATE:{day}",
            "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE",
            "DTSTAMP:20261101T090000Z",
            "END:VEVENT",
        ]
    )


def weekly_timetable() -> str:
    """Tuesday 10:00 Maths from 6 Oct 2026 across the clocks going back (25 Oct), with the
    27 Oct lesson cancelled (half term) and the 3 Nov lesson moved to 14:00, plus an INSET day
    and a cancelled one-off."""
    uid = "040000008200E00074C5B7101A82E008000000009A1B2C3D"
    return _outlook(
        teams_invite(
            uid=uid,
            start="20261006T100000",
            end="20261006T104500",
            rrule="FREQ=WEEKLY;UNTIL=20261215T100000Z;INTERVAL=1;BYDAY=TU;WKST=MO",
            exdates=("20261027T100000",),
        ),
        moved_occurrence(uid, "20261103T100000", "20261103T140000", "20261103T144500"),
        all_day("INSET day", "20261124", "inset-2026-11-24"),
        teams_invite(
            uid="cancelled-one-off",
            summary="Catch-up (cancelled)",
            start="20261125T110000",
            end="20261125T113000",
            extra=(),
        ).replace("STATUS:CONFIRMED", "STATUS:CANCELLED"),
    )


def single(**kwargs: object) -> str:
    return _outlook(teams_invite(**kwargs))  # type: ignore[arg-type]


def google_export() -> str:
    """Google Calendar's export: UTC times (Z) and an X-WR-TIMEZONE, the link in the description."""
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "X-WR-TIMEZONE:Europe/London",
            "BEGIN:VEVENT",
            "DTSTART:20260630T090000Z",  # 10:00 BST
            "DTEND:20260630T094500Z",
            "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=20",
            "UID:google-1@google.com",
            f"ORGANIZER;CN=Grace Hopper:mailto:grace.hopper@{STAFF}",
            f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;CN=Joe Bloggs:mailto:joe.bloggs@{PUPILS}",
            f"DESCRIPTION:Join: {JOIN}",
            "SUMMARY:Reading with Joe",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def lesson_now(
    folder: Path, now: dt.datetime | None = None, policy: str = "", **invite: object
) -> str:
    """A timetable with a lesson starting about now, and the config that makes it a clean
    session at any hour of any day (hours all day, a term around today): returns the TOML.

    The kiosk's tests and the real-app run use it, so the session checks pass whenever CI runs.
    """
    now = (now or dt.datetime.now(LONDON)).astimezone(LONDON).replace(second=0, microsecond=0)
    start = now - dt.timedelta(minutes=5)
    if start.date() != now.date():  # just after midnight
        start = now.replace(hour=0, minute=0)
    end = start + dt.timedelta(minutes=10)
    if end.date() != start.date():  # just before midnight
        start, end = now.replace(hour=23, minute=45), now.replace(hour=23, minute=55)
    write(
        folder,
        "calendar.ics",
        _outlook(
            teams_invite(start=f"{start:%Y%m%dT%H%M%S}", end=f"{end:%Y%m%dT%H%M%S}", **invite)  # type: ignore[arg-type]
        ),
    )
    day = now.date()
    hours = "\n".join(
        f'{d} = "00:00-24:00"' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    )
    return (
        f'[org]\nname = "Oakfield Primary School"\nstaff_domains = ["{STAFF}"]\n'
        + (f'policy = "{policy}"\n' if policy else "")
        + f'pupil_domains = ["{PUPILS}"]\nslt = ["{SLT}"]\n'
        f'terms = [{{ name = "This term", start = {day - dt.timedelta(days=30)}, '
        f"end = {day + dt.timedelta(days=30)} }}]\n"
        f"[org.hours]\n{hours}\n"
        f'[timetable]\npath = "{folder / "calendar.ics"}"\n'
    )
