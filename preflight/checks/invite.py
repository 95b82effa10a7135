"""session.invite: the calendar invitation is what the policy asks for. No Qt.

Pure: the timetabled event and the school's domains and leadership addresses in, a
`CheckResult` out. Each requirement the pack in force switches on is judged: sent from a staff
account; only school addresses invited; leadership copied in; a Teams join link; a date and
time; and for a 1:1 session (one pupil) or a live stream, the approval the pack names (affirmed
when signing: the result's `metrics.traits` tells the draft to ask for it) and, for a live
stream, enough staff present. Messages and details hold domains and counts, never addresses.
"""

from __future__ import annotations

from dataclasses import dataclass

from preflight.config import Config
from preflight.identity import is_personal_domain, is_staff_domain, on_domain
from preflight.results import CheckResult, Finding, Status
from preflight.teams import check_teams_link
from preflight.timetable import Attendee, SessionEvent

CHECK_ID = "session.invite"


@dataclass(frozen=True)
class InviteOptions:
    staff_domains: tuple[str, ...] = ()
    pupil_domains: tuple[str, ...] = ()
    slt: tuple[str, ...] = ()
    require_staff_organiser: bool = False
    require_school_attendees: bool = False
    require_slt_copied: bool = False
    require_teams_link: bool = False
    require_date_time: bool = False
    one_to_one_attestation: str = ""
    live_stream_attestation: str = ""
    min_staff_live_stream: int = 1

    @classmethod
    def from_config(cls, config: Config) -> InviteOptions:
        org, wanted = config.org, config.checks.invite
        return cls(
            staff_domains=org.staff_domains,
            pupil_domains=org.pupil_domains,
            slt=org.slt,
            **wanted.model_dump(),
        )


def evaluate_invite(
    event: SessionEvent | None, options: InviteOptions, *, timetable_problem: str | None = None
) -> CheckResult:
    """Judge the invitation of the session's calendar event."""
    if timetable_problem is not None:
        return CheckResult.error(CHECK_ID, f"No invitation to check: {_lower(timetable_problem)}")
    if event is None:
        return CheckResult.error(
            CHECK_ID,
            "No invitation to check: no timetabled session was found for now, so who was "
            "invited cannot be seen",
        )
    missing = _missing_setup(options)
    if missing:
        return CheckResult.error(CHECK_ID, missing)
    findings: list[Finding] = []
    if options.require_staff_organiser:
        findings += _organiser(event, options)
    if options.require_school_attendees:
        findings += _attendees(event, options)
    if options.require_slt_copied:
        invited = {a.email for a in event.attendees}
        if not invited & set(options.slt):
            findings.append(
                _finding(
                    "slt_copied",
                    "No one from senior leadership is copied into the invitation; add your SLT "
                    "contact and send the update",
                )
            )
    if options.require_teams_link:
        findings += _teams_link(event)
    if options.require_date_time and (event.all_day or event.end is None):
        findings.append(
            _finding("date_time", "The invitation has no start and end time for the session")
        )
    pupils, outsiders = _learners(event, options)
    staff = _staff(event, options)
    traits = []
    needs = []
    # One pupil account, or none but someone from outside the school (a pupil or parent on a
    # personal address): a session that may be one adult with one child needs the approval.
    if len(pupils) == 1 or (not pupils and outsiders):
        traits.append("one_to_one")
        if options.one_to_one_attestation:
            needs.append(options.one_to_one_attestation)
            findings.append(
                _finding(
                    "one_to_one",
                    "This is a 1:1 session: it needs leadership's approval in advance; you will "
                    "confirm it when signing",
                    severity="warn",
                )
            )
    if event.live_stream:
        traits.append("live_stream")
        if options.live_stream_attestation:
            needs.append(options.live_stream_attestation)
            findings.append(
                _finding(
                    "live_stream",
                    "This is a live stream: it needs leadership's approval in advance; you will "
                    "confirm it when signing",
                    severity="warn",
                )
            )
        if len(staff) < options.min_staff_live_stream:
            findings.append(
                _finding(
                    "staff_present",
                    f"A live stream needs at least {options.min_staff_live_stream} staff; the "
                    f"invitation has {len(staff)}. Invite a colleague, or get leadership's "
                    "approval to go ahead",
                    count=len(staff),
                )
            )
    metrics = {
        "attendees": len(event.attendees),
        "pupils": len(pupils),
        "staff": len(staff),
        "traits": traits,
        "needs_attestations": needs,
    }
    status: Status = (
        "fail" if any(f.severity == "fail" for f in findings) else "warn" if findings else "pass"
    )
    if status == "pass":
        summary = f"Invitation in order: {len(event.attendees)} invited, {len(pupils)} pupil(s)"
    elif len(findings) == 1:
        summary = findings[0].message.split(";")[0]
    else:
        summary = f"{len(findings)} things to put right in the invitation"
    return CheckResult(CHECK_ID, status, summary, tuple(findings), metrics)


def _missing_setup(options: InviteOptions) -> str | None:
    if options.require_staff_organiser and not options.staff_domains:
        return "The school's staff email domains are not set up (org.staff_domains); ask IT"
    if options.require_school_attendees and not (options.staff_domains or options.pupil_domains):
        return "The school's email domains are not set up (org.staff_domains, org.pupil_domains)"
    if options.require_slt_copied and not options.slt:
        return "Senior leadership's addresses are not set up (org.slt); ask IT"
    return None


def _organiser(event: SessionEvent, options: InviteOptions) -> list[Finding]:
    if not event.organizer:
        return [_finding("organiser", "The invitation does not say who sent it")]
    domain = event.organizer.rpartition("@")[2]
    if is_personal_domain(domain):
        return [
            _finding(
                "organiser",
                f"The invitation was sent from a personal mailbox ({domain}); send it from your "
                "school account",
            )
        ]
    if not is_staff_domain(domain, options.staff_domains, options.pupil_domains):
        return [
            _finding(
                "organiser",
                f"The invitation was sent from {domain}, not a staff account of the school",
            )
        ]
    return []


def _attendees(event: SessionEvent, options: InviteOptions) -> list[Finding]:
    school = options.staff_domains + options.pupil_domains
    found = []
    unknown = sum(1 for a in event.attendees if not a.email)
    if unknown:
        found.append(
            _finding(
                "school_accounts",
                f"{unknown} attendee(s) invited without an email address, so whether they use a "
                "school account cannot be checked",
                count=unknown,
            )
        )
    listed = [a for a in event.attendees if a.email]
    personal = sorted({a.domain for a in listed if is_personal_domain(a.domain)})
    other = sorted(
        {
            a.domain
            for a in listed
            if not is_personal_domain(a.domain) and not on_domain(a.domain, school)
            and a.email not in options.slt
        }
    )  # fmt: skip
    if personal:
        count = sum(1 for a in listed if a.domain in personal)
        found.append(
            _finding(
                "school_accounts",
                f"{count} attendee(s) invited at a personal address ({', '.join(personal)}); "
                "invite their school account instead",
                count=count,
            )
        )
    if other:
        count = sum(1 for a in listed if a.domain in other)
        found.append(
            _finding(
                "school_accounts",
                f"{count} attendee(s) invited at an address outside the school "
                f"({', '.join(other)})",
                count=count,
            )
        )
    return found


def _teams_link(event: SessionEvent) -> list[Finding]:
    if not event.join_link:
        return [_finding("teams_link", "The invitation has no Teams join link")]
    try:
        check_teams_link(event.join_link)
    except ValueError as exc:
        return [_finding("teams_link", f"The invitation's join link: {exc}")]
    return []


def _learners(event: SessionEvent, options: InviteOptions) -> tuple[list[Attendee], list[Attendee]]:
    """The pupils invited (individuals on a pupils' domain; with none set up, individuals not
    on a staff domain), and the other individuals from outside the school."""
    people = [
        a
        for a in event.attendees
        if a.email and a.kind == "INDIVIDUAL" and a.email != event.organizer
        and a.email not in options.slt
    ]  # fmt: skip
    staff = [a for a in people if _is_staff(a.domain, options)]
    if options.pupil_domains:
        pupils = [a for a in people if on_domain(a.domain, options.pupil_domains)]
    else:
        pupils = [a for a in people if a not in staff and not is_personal_domain(a.domain)]
    outsiders = [a for a in people if a not in staff and a not in pupils]
    return pupils, outsiders


def _staff(event: SessionEvent, options: InviteOptions) -> set[str]:
    """Staff who will be present: the organiser, and individuals invited as required
    attendees (Outlook's To, not Cc) on a staff domain who have not declined. A distribution
    list is not a person; leadership copied in for oversight is not present."""
    present = {
        a.email
        for a in event.attendees
        if a.role in ("required", "chair") and a.kind == "INDIVIDUAL" and a.reply != "DECLINED"
    }
    if event.organizer:
        present.add(event.organizer)
    return {e for e in present if e and _is_staff(e.rpartition("@")[2], options)}


def _is_staff(domain: str, options: InviteOptions) -> bool:
    if is_personal_domain(domain):
        return False
    if options.staff_domains:
        return is_staff_domain(domain, options.staff_domains, options.pupil_domains)
    return not on_domain(domain, options.pupil_domains)


def _finding(rule: str, message: str, severity: str = "fail", count: int | None = None) -> Finding:
    details: dict[str, object] = {"rule": rule}
    if count is not None:
        details["count"] = count
    return Finding("invite", severity, message, details=details)  # type: ignore[arg-type]


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
