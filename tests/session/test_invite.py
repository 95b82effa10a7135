"""session.invite over invitations shaped as Outlook exports them."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import pytest

from preflight.checks.invite import InviteOptions, evaluate_invite
from preflight.timetable import SessionEvent, load_timetable
from tests.session import ics_samples as ics

LONDON = zoneinfo.ZoneInfo("Europe/London")
AT = dt.datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
STRICT = InviteOptions(
    staff_domains=(ics.STAFF,),
    pupil_domains=(ics.PUPILS,),
    slt=(ics.SLT,),
    require_staff_organiser=True,
    require_school_attendees=True,
    require_slt_copied=True,
    require_teams_link=True,
    require_date_time=True,
    one_to_one_attestation="slt_approved_one_to_one",
    live_stream_attestation="slt_approved_live_stream",
    min_staff_live_stream=2,
)
JOE = ("Joe Bloggs", f"joe.bloggs@{ics.PUPILS}", "REQ-PARTICIPANT")
AMARA = ("Amara Okafor", f"amara.okafor@{ics.PUPILS}", "REQ-PARTICIPANT")
HEAD_CC = ("Head Teacher", ics.SLT, "OPT-PARTICIPANT")
COLLEAGUE = ("Ada Lovelace", f"ada.lovelace@{ics.STAFF}", "REQ-PARTICIPANT")


def _event(tmp_path: Path, **kwargs: object) -> SessionEvent:
    path = ics.write(tmp_path, "invite.ics", ics.single(**kwargs))
    event = load_timetable(path, LONDON).pick(AT, 20)
    assert event is not None
    return event


def test_an_invitation_as_the_policy_asks_passes(tmp_path: Path) -> None:
    result = evaluate_invite(_event(tmp_path), STRICT)
    assert result.status == "pass", [f.message for f in result.findings]
    assert result.metrics["pupils"] == 2 and result.metrics["traits"] == []


@pytest.mark.parametrize(
    ("change", "rule", "words"),
    [
        ({"organizer": "grace.hopper@gmail.com"}, "organiser", "personal mailbox (gmail.com)"),
        ({"organizer": "grace@other-school.org.uk"}, "organiser", "not a staff account"),
        ({"attendees": (JOE, ("Mum", "mum1984@hotmail.co.uk", "REQ-PARTICIPANT"), HEAD_CC)},
         "school_accounts", "personal address (hotmail.co.uk)"),
        ({"attendees": (JOE, AMARA, ("Tutor", "tutor@agency.example", "REQ-PARTICIPANT"),
                        HEAD_CC)}, "school_accounts", "outside the school (agency.example)"),
        ({"attendees": (JOE, AMARA)}, "slt_copied", "No one from senior leadership"),
        ({"join": None}, "teams_link", "no Teams join link"),
        ({"join": "https://us02web.zoom.us/j/81234567890"}, "teams_link", "zoom.us"),
    ],
)  # fmt: skip
def test_each_broken_rule_fails_with_its_own_plain_message(
    tmp_path: Path, change: dict[str, object], rule: str, words: str
) -> None:
    result = evaluate_invite(_event(tmp_path, **change), STRICT)
    assert result.status == "fail"
    failing = [f for f in result.findings if f.severity == "fail"]
    assert [f.details["rule"] for f in failing] == [rule]
    assert words in failing[0].message and failing[0].kind == "invite"
    assert "@" not in failing[0].message  # domains, never addresses


def test_a_one_to_one_session_needs_the_approval_the_pack_names(tmp_path: Path) -> None:
    result = evaluate_invite(_event(tmp_path, attendees=(JOE, HEAD_CC)), STRICT)
    assert result.status == "warn"
    assert result.metrics["traits"] == ["one_to_one"]
    assert result.metrics["needs_attestations"] == ["slt_approved_one_to_one"]
    assert "1:1" in result.findings[0].message
    # A pack without a 1:1 rule: the same invitation passes, still marked 1:1.
    relaxed = InviteOptions(**{**STRICT.__dict__, "one_to_one_attestation": ""})
    again = evaluate_invite(_event(tmp_path, attendees=(JOE, HEAD_CC)), relaxed)
    assert again.status == "pass" and again.metrics["traits"] == ["one_to_one"]


def test_a_live_stream_needs_approval_and_two_staff(tmp_path: Path) -> None:
    alone = evaluate_invite(_event(tmp_path, categories="Live stream"), STRICT)
    assert alone.status == "fail"
    rules = {f.details["rule"]: f for f in alone.findings}
    assert set(rules) == {"live_stream", "staff_present"}
    assert "at least 2 staff; the invitation has 1" in rules["staff_present"].message
    assert alone.metrics["needs_attestations"] == ["slt_approved_live_stream"]
    # Leadership copied in (Cc) is oversight, not a second member of staff present.
    paired = evaluate_invite(
        _event(tmp_path, categories="Live stream", attendees=(JOE, AMARA, COLLEAGUE, HEAD_CC)),
        STRICT,
    )
    assert paired.status == "warn" and paired.metrics["staff"] == 2
    assert [f.details["rule"] for f in paired.findings] == ["live_stream"]


def test_an_all_day_event_has_no_session_time(tmp_path: Path) -> None:
    event = SessionEvent(
        uid="1", title="Trip", start=AT.replace(hour=0), end=None, all_day=True,
        organizer=f"grace@{ics.STAFF}", attendees=(), join_link=ics.JOIN,
    )  # fmt: skip
    result = evaluate_invite(event, STRICT)
    assert "date_time" in [f.details["rule"] for f in result.findings]


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (InviteOptions(require_staff_organiser=True), "staff email domains are not set up"),
        (InviteOptions(require_school_attendees=True), "email domains are not set up"),
        (InviteOptions(staff_domains=(ics.STAFF,), require_slt_copied=True), "org.slt"),
    ],
)
def test_a_requirement_the_school_has_not_set_up_is_an_error(
    tmp_path: Path, options: InviteOptions, words: str
) -> None:
    result = evaluate_invite(_event(tmp_path), options)
    assert result.status == "error" and words in result.summary


def test_no_event_or_no_timetable_is_an_error_not_a_pass() -> None:
    assert evaluate_invite(None, STRICT).status == "error"
    missing = evaluate_invite(None, STRICT, timetable_problem="No timetable is set up")
    assert missing.status == "error" and "no timetable is set up" in missing.summary


# --- found by a hostile review ------------------------------------------------------------

SUB_PUPILS = InviteOptions(**{**STRICT.__dict__, "pupil_domains": (f"pupils.{ics.STAFF}",)})


def test_a_pupil_account_under_the_staff_domain_is_not_staff(tmp_path: Path) -> None:
    # pupils.oakfield.sch.uk sits under oakfield.sch.uk: still a pupil's account.
    event = _event(tmp_path, organizer=f"kid@pupils.{ics.STAFF}")
    result = evaluate_invite(event, SUB_PUPILS)
    organiser = [f for f in result.findings if f.details["rule"] == "organiser"]
    assert result.status == "fail" and "not a staff account" in organiser[0].message


def test_the_same_pupil_listed_twice_is_still_a_one_to_one(tmp_path: Path) -> None:
    again = ("Joe", f"JOE.BLOGGS@{ics.PUPILS.upper()}", "OPT-PARTICIPANT")
    result = evaluate_invite(_event(tmp_path, attendees=(JOE, again, HEAD_CC)), STRICT)
    assert result.metrics["pupils"] == 1 and result.metrics["traits"] == ["one_to_one"]


def test_a_single_pupil_on_a_personal_address_is_a_one_to_one_too(tmp_path: Path) -> None:
    lenient = InviteOptions(**{**STRICT.__dict__, "require_school_attendees": False})
    only = ("Bob", "bob.pupil@gmail.com", "REQ-PARTICIPANT")
    result = evaluate_invite(_event(tmp_path, attendees=(only, HEAD_CC)), lenient)
    assert result.metrics["traits"] == ["one_to_one"]
    assert result.metrics["needs_attestations"] == ["slt_approved_one_to_one"]


def test_an_attendee_without_an_address_cannot_pass_as_a_school_account(tmp_path: Path) -> None:
    text = ics.single().replace(f"mailto:amara.okafor@{ics.PUPILS}", "urn:uuid:1234")
    event = load_timetable(ics.write(tmp_path, "a.ics", text), LONDON).pick(AT, 20)
    assert event is not None
    result = evaluate_invite(event, STRICT)
    assert result.status == "fail"
    assert "without an email address" in result.findings[0].message


@pytest.mark.parametrize(
    ("colleague", "why"),
    [
        ("ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=DECLINED;CN=Ada:mailto:ada@{}", "declined"),
        ("ATTENDEE;ROLE=REQ-PARTICIPANT;CUTYPE=GROUP;CN=All staff:mailto:allstaff@{}", "a list"),
        ("ATTENDEE;ROLE=OPT-PARTICIPANT;CN=Ada:mailto:ada@{}", "only copied in"),
    ],
)
def test_a_second_member_of_staff_must_really_be_there(
    tmp_path: Path, colleague: str, why: str
) -> None:
    text = ics.single(categories="Live stream").replace(
        "DESCRIPTION;", colleague.format(ics.STAFF) + "\r\nDESCRIPTION;", 1
    )
    event = load_timetable(ics.write(tmp_path, "a.ics", text), LONDON).pick(AT, 20)
    assert event is not None
    result = evaluate_invite(event, STRICT)
    assert result.metrics["staff"] == 1, why
    assert "staff_present" in [f.details["rule"] for f in result.findings]
