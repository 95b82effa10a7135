"""`preflight check`: every check this version runs, and the headless seal. No Qt.

The headless twin of the kiosk: the camera checks over --camera (default: the first camera),
the desktop checks (unless --no-desktop), and, with --sign, a record sealed into the device's
journal exactly as the kiosk seals one — through `begin_preflight()` — marked as made from the
command line. Everything that could stop the seal (the name, the email, the attestation items,
the signing key, the journal) is checked before the scan, so a scripted run never scans and
then fails to record. Without --sign nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from preflight.config import Config, Mode
from preflight.errors import PreflightError
from preflight.results import Report, render_text


class UsageError(PreflightError):
    """A command-line value that cannot be used (exit 2)."""


def add_arguments(parser: argparse.ArgumentParser, modes: tuple[str, ...]) -> None:
    parser.add_argument(
        "--camera", default="camera:0", help="camera:N, a video, an image or a folder (camera:0)"
    )
    parser.add_argument("--no-desktop", action="store_true", help="skip the desktop checks")
    parser.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    parser.add_argument(
        "--seconds", type=float, help="scan window in seconds (default from config)"
    )
    parser.add_argument(
        "--fps", type=float, help="frames analysed per second (default from config)"
    )
    parser.add_argument("--mode", choices=modes, default="staff", help="who is at the device")
    parser.add_argument("--policy", help="policy pack id (policy packs arrive in a later version)")
    sign = parser.add_argument_group("sealing a record (nothing is written without --sign)")
    sign.add_argument("--sign", metavar="FULL NAME", help="sign and seal a record in the journal")
    sign.add_argument(
        "--attest", metavar="ID[,ID...]|all", help="the attestation items affirmed (all needed)"
    )
    sign.add_argument("--email", help="the signer's school email (default: staff.email)")
    sign.add_argument("--role", choices=("staff", "pupil", "parent-carer"), help="signer's role")
    sign.add_argument("--pupil", action="append", default=[], help="a pupil's name (repeatable)")
    sign.add_argument("--group", help="the class or group, instead of pupils' names")
    sign.add_argument("--start", help="scheduled start, e.g. 2026-11-24T10:00 (local time)")
    sign.add_argument("--end", help="scheduled end, e.g. 2026-11-24T10:30 (local time)")
    sign.add_argument("--teams-link", help="the Teams meeting join link")


def run(args: argparse.Namespace, config: Config) -> int:
    if args.policy:
        raise UsageError(f"unknown policy {args.policy!r}: no policy packs are installed yet")
    signing_only = (
        args.attest, args.pupil, args.group, args.teams_link, args.email, args.role, args.start,
        args.end,
    )  # fmt: skip
    if args.sign is None and any(signing_only):
        raise UsageError("--attest and the session details are recorded when signing: add --sign")
    sealing = _prepare_seal(args, config) if args.sign is not None else None
    report, camera_kind = _run_checks(args, config)
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


def _prepare_seal(args: argparse.Namespace, config: Config) -> Any:
    from preflight.attestation import choose
    from preflight.journal import begin_preflight, open_recorder
    from preflight.journal.record import Person, SessionInfo

    mode: Mode = args.mode
    name = args.sign.strip()
    if not name:
        raise UsageError("--sign needs the signer's full name")
    from preflight.identity import check_school_email

    email = (args.email or config.staff.email).strip()
    if not email:
        raise UsageError(
            "a record needs the signer's school email: give --email or set staff.email"
        )
    try:
        email = check_school_email(email, config.org.staff_domains)
    except ValueError as exc:
        raise UsageError(f"that email cannot sign a record: {exc}") from None
    role = args.role or ("parent-carer" if mode == "home" else config.staff.role)
    try:
        items = choose((args.attest or "").split(","), mode)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    start, end = _local_time(args.start, "--start"), _local_time(args.end, "--end")
    if start and end and end <= start:
        raise UsageError("--end must be after --start")
    link = None
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
        pupils=tuple(p.strip() for p in args.pupil if p.strip()),
        group=(args.group or "").strip() or None,
        scheduled_start=start,
        scheduled_end=end,
        teams_link=link,
    )
    from preflight.desktop_scan import DESKTOP_CHECKS
    from preflight.scan import CAMERA_CHECKS

    required = CAMERA_CHECKS + (() if args.no_desktop else DESKTOP_CHECKS)
    draft = begin_preflight(
        config,
        who=who,
        session=session,
        mode=mode,
        origin="command-line",
        required_checks=tuple(required),
    )
    missing = [i.id for i in draft.items if i.id not in {c.id for c in items}]
    if missing:
        raise UsageError(
            "every attestation item must be affirmed to sign (as in the kiosk); not affirmed: "
            + ", ".join(missing)
            + " (give --attest all, or list them)"
        )
    # The key and the journal before the scan: a run that cannot record says so at once.
    return draft, open_recorder(config), items


def _local_time(text: str | None, flag: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag}: not a date and time like 2026-11-24T10:00: {text!r}") from None
    return moment if moment.tzinfo else moment.astimezone()


def _run_checks(args: argparse.Namespace, config: Config) -> tuple[Report, str]:
    from preflight.desktop_scan import DESKTOP_CHECKS, DesktopScanOptions, run_desktop
    from preflight.frames import open_source
    from preflight.scan import ScanOptions, scan

    options = ScanOptions.from_config(config, args.mode, seconds=args.seconds, fps=args.fps)
    with open_source(args.camera, fps=options.fps, seconds=options.seconds) as source:
        camera = scan(source, options)
        kind = source.kind
    checks = list(camera.checks)
    if not args.no_desktop:
        desktop = run_desktop(DesktopScanOptions.from_config(config, list(DESKTOP_CHECKS)))
        checks += desktop.checks
    report = Report(
        source=camera.source,
        checks=tuple(checks),
        frame_size_wh=camera.frame_size_wh,
        frames_analysed=camera.frames_analysed,
    )
    return report, kind
