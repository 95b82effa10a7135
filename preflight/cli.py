"""The `preflight` command line: drives the same core functions as the kiosk. No Qt.

Exit codes (design.md §4): 0 pass, 1 warnings only, 2 usage error or unreadable input,
3 a check failed, 4 a check could not run. With --json, stdout holds the report and nothing else.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence

from preflight import __version__
from preflight.config import MODES, load_config, resolve_config_path, user_config_path
from preflight.errors import EXIT_ERROR, EXIT_USAGE, PreflightError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's own two-line usage dump is noise; keep the one-line reason.
        self.exit(EXIT_USAGE, f"preflight: {message} (see `preflight {self._sub_hint()}--help`)\n")

    def _sub_hint(self) -> str:
        parts = self.prog.split()[1:]
        return " ".join(parts) + " " if parts else ""


def _add_check_arguments(parser: argparse.ArgumentParser, modes: tuple[str, ...]) -> None:
    parser.add_argument(
        "--camera", default="camera:0", help="camera:N, a video, an image or a folder (camera:0)"
    )
    parser.add_argument("--no-desktop", action="store_true", help="skip the desktop checks")
    parser.add_argument(
        "--no-session", action="store_true", help="skip the timetable and invitation checks"
    )
    parser.add_argument("--timetable", metavar="FILE.ics", help="timetable (default from config)")
    parser.add_argument(
        "--at", metavar="2026-11-24T10:05", help="check the session for this moment (default: now)"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    parser.add_argument(
        "--seconds", type=float, help="scan window in seconds (default from config)"
    )
    parser.add_argument(
        "--fps", type=float, help="frames analysed per second (default from config)"
    )
    parser.add_argument("--mode", choices=modes, default="staff", help="who is at the device")
    parser.add_argument(
        "--policy", help="policy pack id or file (default: org.policy; see `preflight policy list`)"
    )
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


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="preflight", description="Check that a remote session is safe to start.")
    parser.add_argument("--version", action="version", version=f"preflight {__version__}")
    parser.add_argument(
        "--config", help="configuration file (default: $PREFLIGHT_CONFIG or the user file)"
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    scan = commands.add_parser("scan", help="camera checks over a camera, video, image or folder")
    scan.add_argument("source", help="camera:N, a video file, an image file, or a folder of images")
    scan.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    scan.add_argument("--seconds", type=float, help="scan window in seconds (default from config)")
    scan.add_argument("--fps", type=float, help="frames analysed per second (default from config)")
    scan.add_argument("--mode", choices=MODES, default="staff", help="who is at the device")
    scan.add_argument(
        "--policy", help="policy pack id or file (default: org.policy; see `preflight policy list`)"
    )

    desktop = commands.add_parser(
        "desktop", help="window, tab, wallpaper and screen checks on this computer"
    )
    desktop.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    desktop.add_argument(
        "--only",
        action="append",
        choices=("windows", "tabs", "wallpaper", "screen"),
        help="run only this check (repeatable); default: all four",
    )

    check = commands.add_parser(
        "check",
        help="camera and desktop checks together; with --sign, seal a record as the kiosk does",
    )
    _add_check_arguments(check, MODES)

    policy = commands.add_parser("policy", help="the policy packs: list them, or show one's rules")
    policy_actions = policy.add_subparsers(dest="action", required=True, parser_class=_Parser)
    policy_actions.add_parser("list", help="the installed packs and the one in force")
    show_pack = policy_actions.add_parser("show", help="a pack's coverage table (Markdown)")
    show_pack.add_argument("id", nargs="?", help="pack id or file (default: the one in force)")

    models = commands.add_parser("models", help="install or verify the model files")
    models.add_argument("action", choices=("install", "verify", "list"))

    config = commands.add_parser("config", help="show the configuration in force")
    config.add_argument("action", choices=("show", "path"))

    log = commands.add_parser("log", help="the journal of signed session records")
    log_actions = log.add_subparsers(dest="action", required=True, parser_class=_Parser)
    where = _Parser(add_help=False)
    place = where.add_mutually_exclusive_group()
    place.add_argument("--central", action="store_true", help="read the central journal")
    place.add_argument("--journal", metavar="URL", help="read this journal database instead")
    listing = log_actions.add_parser("list", parents=[where], help="the newest records")
    listing.add_argument("--json", action="store_true", help="print JSON on stdout")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    show = log_actions.add_parser("show", parents=[where], help="one record in full")
    show.add_argument("id", help="the record id, or its first characters")
    show.add_argument("--json", action="store_true", help="print JSON on stdout")
    verify = log_actions.add_parser(
        "verify", parents=[where], help="check signatures, chain links and sequence"
    )
    verify.add_argument("--json", action="store_true", help="print JSON on stdout")
    export = log_actions.add_parser(
        "export", parents=[where], help="write the records to a CSV file or a PDF report"
    )
    into = export.add_mutually_exclusive_group(required=True)
    into.add_argument("--csv", metavar="FILE", help="CSV file to write")
    into.add_argument("--pdf", metavar="FILE", help="PDF report to write (the school's name, "
                      "integrity and policy version on it)")  # fmt: skip
    export.add_argument("--record", metavar="ID", help="only this record (PDF: the full record)")
    picked = export.add_argument_group("which preflight records (default: all records)")
    picked.add_argument("--since", metavar="YYYY-MM-DD", help="sealed on or after this day (UTC)")
    picked.add_argument("--until", metavar="YYYY-MM-DD", help="sealed on or before this day")
    picked.add_argument("--staff", help="part of the staff member's name")
    picked.add_argument("--pupil", help="part of a pupil's name")
    picked.add_argument(
        "--verdict", action="append", choices=("pass", "warn", "fail", "error"),
        help="this verdict (repeatable)",
    )  # fmt: skip
    picked.add_argument("--check", metavar="ID", help="records where this check did not pass")
    picked.add_argument("--overrides-only", action="store_true", help="overridden records only")
    picked.add_argument("--mode", choices=("staff", "home"), help="staff or home-setup records")
    log_actions.add_parser("sync", help="send queued records to the central journal")

    confirmation = commands.add_parser(
        "confirmation", help="a home set-up's confirmation of understanding (PDF)"
    )
    confirm_actions = confirmation.add_subparsers(
        dest="action", required=True, parser_class=_Parser
    )
    check_pdf = confirm_actions.add_parser(
        "verify", parents=[where], help="check a confirmation a parent or carer sent"
    )
    check_pdf.add_argument("pdf", help="the confirmation PDF")
    write_pdf = confirm_actions.add_parser(
        "write", parents=[where], help="write the confirmation of a home set-up record again"
    )
    write_pdf.add_argument("--record", required=True, metavar="ID", help="the record id")
    write_pdf.add_argument("--pdf", required=True, metavar="FILE", help="PDF file to write")

    admin = commands.add_parser("admin", help="who may open the review window")
    admin_actions = admin.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = admin_actions.add_parser(
        "add-reviewer", help="let a member of leadership or the DSL open the review window"
    )
    add.add_argument("username", help="their sign-in name, e.g. j.smith")
    add.add_argument("--name", required=True, help="their full name, as shown in the review")
    add.add_argument("--role", required=True, choices=("slt", "dsl"), help="slt or dsl")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the passphrase from the first line of stdin (default: ask twice)",
    )
    add.add_argument("--replace", action="store_true", help="change an existing reviewer")
    remove = admin_actions.add_parser("remove-reviewer", help="take a reviewer's access away")
    remove.add_argument("username")
    admin_actions.add_parser("reviewers", help="list the reviewers (never their secrets)")
    return parser


def _cmd_scan(args: argparse.Namespace) -> int:
    # Imported here so `preflight models install` works before the models exist.
    from preflight.frames import open_source
    from preflight.policy import enforce, pack_in_force
    from preflight.results import Report, render_text
    from preflight.scan import ScanOptions, scan

    config = load_config(args.config)
    pack = pack_in_force(config, args.policy)
    if args.mode not in pack.model.modes:
        raise PreflightError(f"the {pack.id} policy has no {args.mode} mode")
    config = pack.apply(config, args.mode)
    plans = pack.checks_for(args.mode)
    options = ScanOptions.from_config(config, args.mode, seconds=args.seconds, fps=args.fps)
    with open_source(args.source, fps=options.fps, seconds=options.seconds) as source:
        report = scan(source, options)
    # The camera checks the pack asks for in this mode, as seriously as it asks.
    report = Report(
        source=report.source,
        checks=tuple(enforce(c, plans[c.id]) for c in report.checks if c.id in plans),
        frame_size_wh=report.frame_size_wh,
        frames_analysed=report.frames_analysed,
    )
    sys.stdout.write(report.to_json() + "\n" if args.json else render_text(report))
    return report.exit_code


def _cmd_desktop(args: argparse.Namespace) -> int:
    from preflight.desktop_scan import DESKTOP_CHECKS, DesktopScanOptions, run_desktop
    from preflight.results import render_text

    config = load_config(args.config)
    checks = [f"desktop.{name}" for name in args.only] if args.only else list(DESKTOP_CHECKS)
    report = run_desktop(DesktopScanOptions.from_config(config, checks))
    sys.stdout.write(report.to_json() + "\n" if args.json else render_text(report))
    return report.exit_code


def _cmd_check(args: argparse.Namespace) -> int:
    from preflight import check_command

    return check_command.run(args, load_config(args.config))


def _cmd_policy(args: argparse.Namespace) -> int:
    from preflight.policy import describe, load_pack, pack_in_force, shipped_packs

    config = load_config(args.config)
    if args.action == "list":
        in_force = pack_in_force(config)
        for path in shipped_packs():
            pack = load_pack(path)
            mark = "*" if pack.path.resolve() == in_force.path.resolve() else " "
            print(
                f"{mark} {pack.id:28} {pack.version:8} {len(pack.rules):3} rules  {pack.model.name}"
            )
        if in_force.path.parent.resolve() != shipped_packs()[0].parent.resolve():
            print(f"* {in_force.id:28} {in_force.version:8} {len(in_force.rules):3} rules  "
                  f"{in_force.model.name} ({in_force.path})")  # fmt: skip
        return 0
    sys.stdout.write(describe(pack_in_force(config, args.id)))
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from preflight.vision.models import install_models, load_manifest, models_dir, verify_models

    if args.action == "install":
        written = install_models()
        problems = verify_models()
        for name in written:
            print(f"installed {models_dir() / name}")
        if problems:
            for line in problems:
                print(f"preflight: {line}", file=sys.stderr)
            return EXIT_ERROR
        print(f"all model files present and verified in {models_dir()}")
        return 0
    if args.action == "list":
        for entry in load_manifest().models:
            print(f"{entry.name:42} {entry.licence:12} {entry.purpose}")
        return 0
    problems = verify_models()
    for line in problems:
        print(f"preflight: {line}", file=sys.stderr)
    if not problems:
        print(f"all model files present and verified in {models_dir()}")
    return EXIT_ERROR if problems else 0


def _cmd_config(args: argparse.Namespace) -> int:
    if args.action == "path":
        chosen = resolve_config_path(args.config)
        print(
            chosen if chosen else f"(defaults only; a school file would go at {user_config_path()})"
        )
        return 0
    from preflight.journal.store import describe_url

    config = load_config(args.config)
    shown = config.model_dump(mode="json")
    for name in ("url", "central_url"):  # never print a database password
        if shown["journal"][name]:
            shown["journal"][name] = describe_url(shown["journal"][name])
    print(json.dumps(shown, indent=2))
    print(f"digest: {config.digest()}")
    return 0


def _cmd_log(args: argparse.Namespace) -> int:
    from preflight.journal import commands

    return commands.run(args, load_config(args.config))


def _cmd_confirmation(args: argparse.Namespace) -> int:
    from preflight.journal import commands

    return commands.confirmation(args, load_config(args.config))


def _cmd_admin(args: argparse.Namespace) -> int:
    from preflight.review.access import ReviewerError, ReviewerStore, reviewers_path

    store = ReviewerStore(reviewers_path(load_config(args.config)))
    if args.action == "reviewers":
        found = store.reviewers()
        for r in found:
            print(f"{r.username:24} {r.role:4} {r.display_name} (added {r.created_utc})")
        print(f"{len(found)} reviewer(s) in {store.path}")
        return 0
    if args.action == "remove-reviewer":
        store.remove(args.username)
        print(f"{args.username.strip().lower()} can no longer open the review window")
        return 0
    secret = _read_secret(args.password_stdin)
    if secret is None:
        raise ReviewerError("no passphrase given: type it when asked, or use --password-stdin")
    added = store.add(args.username, args.name, args.role, secret, replace=args.replace)
    print(f"{added.username} ({added.display_name}, {added.role_name}) can open the review window")
    return 0


def _read_secret(from_stdin: bool) -> str | None:
    """A passphrase from stdin's first line, or typed twice at a terminal (never echoed)."""
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n") or None
    if not sys.stdin.isatty():
        return None
    import getpass

    first = getpass.getpass("Passphrase for the reviewer: ")
    if getpass.getpass("The same again: ") != first:
        from preflight.review.access import ReviewerError

        raise ReviewerError("the two passphrases differ; nothing was changed")
    return first or None


def main(argv: Sequence[str] | None = None) -> int:
    args = _build_parser().parse_args(argv)
    handlers = {
        "scan": _cmd_scan,
        "desktop": _cmd_desktop,
        "check": _cmd_check,
        "policy": _cmd_policy,
        "models": _cmd_models,
        "config": _cmd_config,
        "log": _cmd_log,
        "admin": _cmd_admin,
        "confirmation": _cmd_confirmation,
    }
    try:
        return handlers[args.command](args)
    except PreflightError as exc:
        print(f"preflight: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("preflight: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `preflight log list | head`: the reader has what it wanted
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
