"""Timetable adapter: calendar files (.ics) → SessionEvent values. No Qt.

The only module that imports `icalendar` and `recurring_ical_events`: calendars are never parsed
by hand. Outlook and Teams exports are what schools have, so this reads what they write: a
VTIMEZONE with Windows names ("GMT Standard Time"), weekly RRULEs with EXDATE exceptions and
moved occurrences (RECURRENCE-ID) that may leave out the organiser and attendees, the Teams join
link in X-MICROSOFT-SKYPETEAMSMEETINGURL or only in the description. Event titles, addresses
and descriptions stay in memory; checks keep counts and domains.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from preflight.errors import PreflightError

_URL = re.compile(r"https?://[^\s<>\"'\]\)]+|msteams:[^\s<>\"'\]\)]+", re.IGNORECASE)
_LINK_PROPERTIES = ("X-MICROSOFT-SKYPETEAMSMEETINGURL", "URL", "LOCATION", "DESCRIPTION")
# A live stream is marked in the invitation: an Outlook category or words in the title.
_LIVE = re.compile(r"\blive[\s-]?stream(ed|ing)?\b|\blive event\b", re.IGNORECASE)
_ROLES = {
    "REQ-PARTICIPANT": "required",
    "OPT-PARTICIPANT": "optional",
    "CHAIR": "chair",
    "NON-PARTICIPANT": "non-participant",
}
_MAX_BYTES = 20_000_000
_MAX_EVENTS = 20_000
# A timetable repeats daily at most; a rule repeating every hour, minute or second is never a
# lesson plan, and expanding one (FREQ=SECONDLY from 1970) would take hours.
_TOO_FREQUENT = ("SECONDLY", "MINUTELY", "HOURLY")


class TimetableError(PreflightError):
    """A timetable that cannot be read; the message names the file."""


@dataclass(frozen=True)
class Attendee:
    #: Lower case; "" for an attendee the invitation gives no email address for.
    email: str
    name: str = ""
    #: "required", "optional" (Outlook's Cc), "chair" or "non-participant".
    role: str = "required"
    #: "INDIVIDUAL", "GROUP" (a distribution list), "RESOURCE", "ROOM" or "UNKNOWN".
    kind: str = "INDIVIDUAL"
    #: The reply: "ACCEPTED", "DECLINED", "TENTATIVE", "NEEDS-ACTION"...
    reply: str = "NEEDS-ACTION"

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]


@dataclass(frozen=True)
class SessionEvent:
    """One occurrence of a timetabled session, as its invitation describes it."""

    uid: str
    title: str
    start: dt.datetime
    end: dt.datetime | None
    all_day: bool = False
    organizer: str | None = None
    organizer_name: str = ""
    attendees: tuple[Attendee, ...] = ()
    #: The Teams join link if the invitation has one, else the first other link, else None.
    join_link: str | None = None
    live_stream: bool = False

    def __post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise ValueError("SessionEvent.start must carry its time zone")

    def involves(self, email: str) -> bool:
        """Whether this address organises the event or is invited to it."""
        email = email.strip().lower()
        return email == self.organizer or any(a.email == email for a in self.attendees)


class AmbiguousSession(TimetableError):
    """More than one timetabled session starts at the moment in question."""


class Timetable:
    """Parsed calendars; query with `events_between()` or `pick()`.

    The calendars of a folder export are read as one, so a moved or cancelled occurrence in one
    file applies to its series in another (by UID, RECURRENCE-ID and SEQUENCE).
    """

    def __init__(self, calendars: Sequence[Any], zone: zoneinfo.ZoneInfo, sources: Sequence[Path]):
        self._calendars = (_merged(calendars),) if len(calendars) > 1 else tuple(calendars)
        self._zone = zone
        self.sources = tuple(sources)
        self._expanders: list[Any] | None = None
        # Moved occurrences often repeat only what changed: the rest comes from the series.
        self._series: dict[str, Any] = {}
        # Invitations that do not say when they end, noted before expansion: the expander
        # gives every occurrence a DTEND (equal to DTSTART when there was none).
        self._no_end: set[tuple[str, str]] = set()
        for calendar in self._calendars:
            for event in calendar.walk("VEVENT"):
                if "RECURRENCE-ID" not in event and "UID" in event:
                    self._series.setdefault(str(event["UID"]), event)
                if "DTEND" not in event and "DURATION" not in event:
                    self._no_end.add(_key(event))

    def events_between(self, start: dt.datetime, end: dt.datetime) -> list[SessionEvent]:
        """Every occurrence (recurrences expanded, cancelled ones left out) overlapping the span."""
        found: list[SessionEvent] = []
        for query in self._queries():
            try:
                occurrences = query.between(start, end)
            except Exception as exc:  # the library raises many kinds for a broken rule
                raise TimetableError(
                    f"timetable {self._where()}: cannot expand events: {exc}"
                ) from None
            for occurrence in occurrences:
                event = self._event(occurrence)
                if event is not None:
                    found.append(event)
        found.sort(key=lambda e: e.start)
        return found

    def _queries(self) -> list[Any]:
        """One recurrence expander per calendar, made once: building it parses every rule."""
        if self._expanders is None:
            import recurring_ical_events

            try:
                self._expanders = [recurring_ical_events.of(c) for c in self._calendars]
            except Exception as exc:  # a broken RRULE or time zone
                raise TimetableError(
                    f"timetable {self._where()}: cannot read events: {exc}"
                ) from None
        return self._expanders

    def pick(
        self, at: dt.datetime, window_minutes: int, person: str | None = None
    ) -> SessionEvent | None:
        """The timed event starting nearest `at`, within the window either side (all-day
        events, such as an INSET day, are never a session). With `person` (the signer's
        email), events they organise or are invited to come first.

        Raises:
            AmbiguousSession: two different events start equally near `at` — guessing could
                judge the wrong invitation.
        """
        window = dt.timedelta(minutes=window_minutes)
        near = [
            e
            for e in self.events_between(at - window, at + window + dt.timedelta(minutes=1))
            if not e.all_day and abs(e.start - at) <= window
        ]
        if person:
            mine = [e for e in near if e.involves(person)]
            near = mine or near
        if not near:
            return None
        best = min(abs(e.start - at) for e in near)
        tied = [e for e in near if abs(e.start - at) == best]
        if len(tied) > 1:
            when = tied[0].start.astimezone(self._zone).strftime("%H:%M")
            raise AmbiguousSession(
                f"{len(tied)} timetabled sessions start at {when}; Preflight cannot tell which "
                "this is. Move or cancel the one that is not happening"
            )
        return tied[0]

    def _where(self) -> str:
        return ", ".join(str(p) for p in self.sources)

    def _event(self, occurrence: Any) -> SessionEvent | None:
        if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
            return None
        series = self._series.get(str(occurrence.get("UID", "")), occurrence)

        def prop(name: str) -> Any:
            value = occurrence.get(name)
            return series.get(name) if value is None else value

        start_value = occurrence.decoded("DTSTART") if "DTSTART" in occurrence else None
        if start_value is None:
            return None
        all_day = not isinstance(start_value, dt.datetime)
        start = self._aware(start_value)
        end: dt.datetime | None = None
        if all_day:
            end = start + dt.timedelta(days=1)
        elif _key(occurrence) not in self._no_end and _key(series) not in self._no_end:
            if "DTEND" in occurrence:
                end = self._aware(occurrence.decoded("DTEND"))
            elif "DURATION" in occurrence:
                end = start + occurrence.decoded("DURATION")
        organizer = prop("ORGANIZER")
        attendees = prop("ATTENDEE")
        if attendees is not None and not isinstance(attendees, list):
            attendees = [attendees]
        title = str(prop("SUMMARY") or "")
        categories = _categories(prop("CATEGORIES"))
        return SessionEvent(
            uid=str(occurrence.get("UID", "")),
            title=title,
            start=start,
            end=end,
            all_day=all_day,
            organizer=_address(organizer),
            organizer_name=_param(organizer, "CN"),
            attendees=_attendees(attendees or ()),
            join_link=_join_link(prop(name) for name in _LINK_PROPERTIES),
            live_stream=bool(_LIVE.search(title)) or any(_LIVE.search(c) for c in categories),
        )

    def _aware(self, value: dt.date | dt.datetime) -> dt.datetime:
        if not isinstance(value, dt.datetime):
            return dt.datetime.combine(value, dt.time(), self._zone)
        if value.tzinfo is None:  # a "floating" time is the school's local time
            return value.replace(tzinfo=self._zone)
        return value


_standard_zones_ready = False


def _use_standard_zones() -> None:
    """Read Outlook's Windows zone names ("GMT Standard Time") as the IANA zones they stand for.

    Otherwise icalendar builds each from the file's VTIMEZONE rules, which start in 1601 and
    which dateutil replays for every time it converts: finding a session in a five-year
    timetable took ~0.5 s instead of ~2 ms (bench/timetable_bench.py). The meaning is the
    same — the Windows zone is the IANA one — and tzdata keeps the rules current.
    """
    global _standard_zones_ready
    if _standard_zones_ready:
        return
    from icalendar.timezone import tzp
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    for name in WINDOWS_TO_OLSON:
        tzp.timezone(name)  # looked up once through the Windows→IANA table, then cached
    _standard_zones_ready = True


def load_timetable(path: Path, zone: zoneinfo.ZoneInfo) -> Timetable:
    """Read an .ics file, or every .ics file in a folder (a calendar export).

    Raises:
        TimetableError: the path is missing, empty of calendars, or a file is not a calendar.
    """
    import icalendar

    _use_standard_zones()
    try:
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".ics" and p.is_file())
            if not files:
                raise TimetableError(f"timetable folder {path} has no .ics calendar files")
        elif path.is_file():
            files = [path]
        else:
            raise TimetableError(f"timetable not found: {path}")
    except OSError as exc:
        raise TimetableError(f"timetable {path}: cannot read: {exc.strerror}") from None
    calendars = []
    for file in files:
        try:
            if file.stat().st_size > _MAX_BYTES:
                raise TimetableError(f"timetable {file}: larger than 20 MB; export fewer months")
            data = file.read_bytes()
        except OSError as exc:
            raise TimetableError(f"timetable {file}: cannot read: {exc.strerror}") from None
        try:
            parsed = icalendar.Calendar.from_ical(data, multiple=True)
        except Exception as exc:  # icalendar raises ValueError and friends for broken text
            raise TimetableError(f"timetable {file}: not a calendar file: {_short(exc)}") from None
        found = [c for c in parsed if getattr(c, "name", "") == "VCALENDAR"]
        if not found:
            raise TimetableError(f"timetable {file}: no VCALENDAR in it")
        for calendar in found:
            _screen(calendar, file)
        calendars += found
    return Timetable(calendars, zone, files)


def _screen(calendar: Any, file: Path) -> None:
    """Refuse what no timetable holds, and mark a cancellation notice's events cancelled."""
    events = calendar.walk("VEVENT")
    if len(events) > _MAX_EVENTS:
        raise TimetableError(
            f"timetable {file}: more than {_MAX_EVENTS} events; export the current year only"
        )
    cancelling = str(calendar.get("METHOD", "")).upper() == "CANCEL"
    for event in events:
        rule = event.get("RRULE")
        freq = rule.get("FREQ") if rule is not None and hasattr(rule, "get") else None
        freq = (freq[0] if isinstance(freq, list) and freq else freq) or ""
        if str(freq).upper() in _TOO_FREQUENT:
            raise TimetableError(
                f"timetable {file}: an event repeats {str(freq).lower()} (RRULE FREQ={freq}); "
                "a timetable repeats daily at most"
            )
        _check_zone(event, file)
        if cancelling:  # Outlook's "meeting cancelled" file: its events are not happening
            event["STATUS"] = "CANCELLED"


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    # The library may quote the broken bytes; keep the line printable.
    return "".join(c if c.isprintable() else "?" for c in text[:160])


def _attendees(values: Iterable[Any]) -> tuple[Attendee, ...]:
    """Each invited address once (an invitation can list one twice, in different case); an
    attendee given without an email address is kept, with none, so checks can say so."""
    found: dict[str, Attendee] = {}
    unnamed: list[Attendee] = []
    for value in values:
        address = _address(value) or ""
        person = Attendee(
            email=address,
            name=_param(value, "CN"),
            role=_ROLES.get(_param(value, "ROLE").upper() or "REQ-PARTICIPANT", "required"),
            kind=(_param(value, "CUTYPE") or "INDIVIDUAL").upper(),
            reply=(_param(value, "PARTSTAT") or "NEEDS-ACTION").upper(),
        )
        if not address:
            unnamed.append(person)
        elif address not in found or found[address].role != "required":
            found[address] = person  # a required listing wins over a Cc of the same person
    return (*found.values(), *unnamed)


def _key(event: Any) -> tuple[str, str]:
    """An event's identity in its series: UID, and RECURRENCE-ID for a changed occurrence."""
    rid = event.get("RECURRENCE-ID")
    return str(event.get("UID", "")), "" if rid is None else str(getattr(rid, "dt", rid))


def _check_zone(event: Any, file: Path) -> None:
    """A time given with a TZID the file does not define and no system knows is an error:
    reading it as local time could move the session by hours."""
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        prop = event.get(name)
        tzid = getattr(prop, "params", {}).get("TZID") if prop is not None else None
        value = getattr(prop, "dt", None)
        if tzid and isinstance(value, dt.datetime) and value.tzinfo is None:
            raise TimetableError(f"timetable {file}: unknown time zone {str(tzid)!r}")


def _merged(calendars: Sequence[Any]) -> Any:
    """One calendar holding every event and time zone of a folder export."""
    import icalendar

    merged = icalendar.Calendar()
    merged.add("PRODID", "-//Session Preflight//timetable//EN")
    merged.add("VERSION", "2.0")
    seen_zones: set[str] = set()
    for calendar in calendars:
        for component in calendar.subcomponents:
            if component.name == "VTIMEZONE":
                tzid = str(component.get("TZID", ""))
                if tzid in seen_zones:
                    continue
                seen_zones.add(tzid)
            merged.add_component(component)
    return merged


def _address(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.strip().lower()
    return text if "@" in text else None


def _param(value: Any, name: str) -> str:
    params = getattr(value, "params", None)
    return str(params.get(name, "")) if params else ""


def _categories(value: Any) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    out: list[str] = []
    for v in values:
        cats = getattr(v, "cats", None)
        out += [str(c) for c in cats] if cats is not None else [str(v)]
    return out


def _join_link(values: Iterable[Any]) -> str | None:
    from preflight.teams import check_teams_link

    links: list[str] = []
    for value in values:
        if value is not None:
            links += _URL.findall(str(value))
    for link in links:
        try:
            return check_teams_link(link.rstrip(".,;>"))
        except ValueError:
            continue
    return links[0].rstrip(".,;>") if links else None
