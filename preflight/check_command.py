"""`preflight check`: every check the policy pack in force asks for, and the headless seal. No Qt.

The headless twin of the kiosk. The pack (`--policy`, default `org.policy`) says which checks
run in the mode (`--mode staff|home`), with which thresholds and how serious each is: the
session checks over the timetable (`--timetable`, default the config's) at a moment (`--at`,
default now), the camera checks over --camera (default: the first camera), the desktop checks
(unless --no-desktop). With --sign, a record is sealed into the device's journal exactly as the
kiosk seals one — through `begin_preflight()` — marked as made from the command line.
Everything that could stop the seal (the name, the email, the attestation items, the signing
key, the journal) is checked before the scan, so a scripted run never scans and then fails to
record. Without --sign nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from preflight.config import Config, Mode
from preflight.errors import PreflightError
from preflight.policy import PolicyPack, enforce, pack_in_force
from preflight.results import CheckResult, Report, render_text
from preflight.session_scan import SESSION_CHECKS, SessionLookup, find_session, prefill, run_session


class UsageError(PreflightError):
    """A command-line value that cannot be used (exit 2)."""


def run(args: argparse.Namespace, config: Config) -> int:
    pack = pack_in_force(config, args.policy)
    mode: Mode = args.mode
    if mode not in pack.model.modes:
        raise UsageError(f"the {pack.id} policy has no {mode} mode")
    config = pack.apply(config, mode)
    signing_only = (
        args.attest, args.pupil, args.group, args.teams_link, args.email, args.role, args.start,
        args.end,
    )  # fmt: skip
    if args.sign is None and any(signing_only):
        raise UsageError("--attest and the session details are recorded when signing: add --sign")
    at = _local_time(args.at, "--at", config) or dt.datetime.now(config.org.zone)
    left_out = tuple(SESSION_CHECKS if args.no_session else ()) + tuple(
        c for c in pack.checks_for(mode) if c.startswith("desktop.") and args.no_desktop
    )
    planned = [c for c in pack.checks_for(mode) if c not in left_out]
    if not planned:
        raise UsageError(
            f"nothing to check: the {pack.id} policy's {mode} checks were all left out"
        )
    lookup = None
    session_results: list[CheckResult] = []
    if any(c in SESSION_CHECKS for c in planned):
        signer = (args.email or config.staff.email or "").strip() or None
        lookup = find_session(config, at, args.timetable, signer)
        start, end = (
            _local_time(args.start, "--start", config),
            _local_time(args.end, "--end", config),
        )
        checks = tuple(c for c in planned if c in SESSION_CHECKS)
        session_results = list(run_session(config, lookup, checks, start=start, end=end).checks)
    sealing = (
        _prepare_seal(args, config, pack, left_out, lookup, session_results)
        if args.sign is not None
        else None
    )
    report, camera_kind = _run_checks(args, config, pack, planned, session_results)
    record: dict[str, Any] | None = None
    if sealing is not None:
        draft, recorder, items = sealing
        draft.camera_source = camera_kind
        for result in report.checks:
            draft.record_result(result)
        for item in items:
            draft.affirm(item.id)
        try:
            sealed = draft.seal(recorder, args.sign)
        except PreflightError:
            _write(args, report, None)  # what was found is still shown; the error says why
            raise
        record = {
            "id": sealed.record_id,
            "device_id": sealed.device_id,
            "seq": sealed.seq,
            "cleared": draft.cleared,
        }
    _write(args, report, record)
    return report.exit_code


def _write(args: argparse.Namespace, report: Report, record: dict[str, Any] | None) -> None:
    if args.json:
        out = report.to_dict()
        if record is not None:
            out["record"] = record
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_text(report))
        if record is not None:
            cleared = "cleared to start" if record["cleared"] else "NOT cleared to start"
            sys.stdout.write(
                f"Sealed record {record['id'][:8]} (#{record['seq']} of this device): {cleared}.\n"
            )


def _prepare_seal(
    args: argparse.Namespace,
    config: Config,
    pack: PolicyPack,
    left_out: tuple[str, ...],
    lookup: SessionLookup | None,
    session_results: list[CheckResult],
) -> Any:
    from preflight.attestation import choose
    from preflight.journal import begin_preflight, open_recorder
    from preflight.journal.record import Person, SessionInfo

    mode: Mode = args.mode
    name = args.sign.strip()
    if not name:
        raise UsageError("--sign needs the signer's full name")
    from preflight.identity import check_contact_email, check_school_email

    if mode == "home":  # a parent or carer: their own address, if they give one
        email = (args.email or "").strip()
        if email and not check_contact_email(email):
            raise UsageError(f"--email: not an email address: {email!r}")
    else:
        email = (args.email or config.staff.email).strip()
        if not email:
            raise UsageError(
                "a record needs the signer's school email: give --email or set staff.email"
            )
        try:
            email = check_school_email(email, config.org.staff_domains, config.org.pupil_domains)
        except ValueError as exc:
            raise UsageError(f"that email cannot sign a record: {exc}") from None
    role = args.role or ("parent-carer" if mode == "home" else config.staff.role)
    start = _local_time(args.start, "--start", config)
    end = _local_time(args.end, "--end", config)
    if start and end and end <= start:
        raise UsageError("--end must be after --start")
    pupils = tuple(p.strip() for p in args.pupil if p.strip())
    group = (args.group or "").strip() or None
    link = None
    event = lookup.event if lookup is not None else None
    if event is not None:  # what is not typed comes from the timetabled event
        filled = prefill(event, config)
        if not (pupils or group):
            pupils, group = filled.pupils, filled.group
        start, end = start or filled.start, end or filled.end
        link = filled.teams_link
    if mode == "home" and not pupils:
        raise UsageError("a home set-up record names the pupil it is for: add --pupil NAME")
    if args.teams_link:
        from preflight.teams import check_teams_link

        try:
            link = check_teams_link(args.teams_link)
        except ValueError as exc:
            raise UsageError(f"--teams-link: {exc}") from None
    try:
        who = Person(name, email, role)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    session = SessionInfo(
        pupils=pupils, group=group, scheduled_start=start, scheduled_end=end, teams_link=link
    )
    draft = begin_preflight(
        config, who=who, session=session, mode=mode, origin="command-line", pack=pack,
        left_out=left_out,
    )  # fmt: skip
    for result in session_results:  # a 1:1 session or a live stream adds the approval items
        draft.record_result(result)
    if draft.unoffered_approvals:
        raise UsageError(
            "the invitation needs " + ", ".join(draft.unoffered_approvals) + " confirmed, which "
            f"the policy does not offer to a {role}"
        )
    try:
        items = choose((args.attest or "").split(","), draft.items, mode)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    missing = [i.id for i in draft.items if i.id not in {c.id for c in items}]
    if missing:
        raise UsageError(
            "every attestation item must be affirmed to sign (as in the kiosk); not affirmed: "
            + ", ".join(missing)
            + " (give --attest all, or list them)"
        )
    # The key and the journal before the scan: a run that cannot record says so at once.
    return draft, open_recorder(config), items


def _local_time(text: str | None, flag: str, config: Config) -> dt.datetime | None:
    """A typed moment; without a UTC offset it is the school's local time."""
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
        if "T" not in text and " " not in text.strip():
            raise ValueError("a date alone")  # midnight would be a guess
    except ValueError:
        raise UsageError(f"{flag}: not a date and time like 2026-11-24T10:00: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=config.org.zone)


def _run_checks(
    args: argparse.Namespace,
    config: Config,
    pack: PolicyPack,
    planned: list[str],
    session_results: list[CheckResult],
) -> tuple[Report, str | None]:
    from preflight.desktop_scan import DesktopScanOptions, run_desktop
    from preflight.frames import open_source
    from preflight.scan import ScanOptions, scan

    checks = list(session_results)
    source_name, size, frames, kind = "session", None, 0, None
    if any(c.startswith("camera.") for c in planned):
        options = ScanOptions.from_config(config, args.mode, seconds=args.seconds, fps=args.fps)
        with open_source(args.camera, fps=options.fps, seconds=options.seconds) as source:
            camera = scan(source, options)
            kind = source.kind
        checks += [c for c in camera.checks if c.id in planned]
        source_name, size, frames = camera.source, camera.frame_size_wh, camera.frames_analysed
    desktop_checks = [c for c in planned if c.startswith("desktop.")]
    if desktop_checks:
        desktop = run_desktop(DesktopScanOptions.from_config(config, desktop_checks))
        checks += desktop.checks
    plans = pack.checks_for(args.mode)
    order = {c: n for n, c in enumerate(planned)}
    checks.sort(key=lambda c: order.get(c.id, len(order)))
    report = Report(
        source=source_name,
        checks=tuple(enforce(c, plans.get(c.id)) for c in checks),
        frame_size_wh=size,
        frames_analysed=frames,
    )
    return report, kind
