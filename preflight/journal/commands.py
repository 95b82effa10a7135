"""`preflight log list | show | verify | export | sync`: the journal from the command line. No Qt.

Exit codes: 0 done (verify: intact), 2 usage error or a journal that does not exist, 3 verify
found a record that is not intact, 4 the journal cannot be opened or read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from preflight.config import Config
from preflight.errors import EXIT_FAIL, PreflightError
from preflight.journal import local_url
from preflight.journal.store import Journal, JournalError, StoredRecord, check_url, describe_url
from preflight.journal.sync import sync
from preflight.journal.verify import verify_journal
from preflight.journal.views import Integrity, printable, render, row, write_csv
from preflight.review.queries import ReviewFilter


def run(args: argparse.Namespace, config: Config) -> int:
    if args.action == "sync":
        return _sync(config)
    url = _chosen_url(args, config)
    # Reading never changes the journal (no migration, no WAL switch): an evidence copy on
    # read-only media can be listed and verified.
    with Journal.open(url, timeout_s=config.journal.timeout_s, read_only=True) as journal:
        if args.action == "list":
            return _list(journal, args)
        if args.action == "show":
            return _show(journal, args)
        if args.action == "verify":
            return _verify(journal, args)
        return _export(journal, args, config)


def _chosen_url(args: argparse.Namespace, config: Config) -> str:
    if args.journal:
        url = str(args.journal)
    elif args.central:
        if not config.journal.central_url:
            raise PreflightError("no central journal is configured (journal.central_url)")
        url = config.journal.central_url
    else:
        url = local_url(config)
    try:
        parsed = check_url(url)
    except ValueError as exc:
        raise PreflightError(f"journal address: {exc}") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database)
        if not path.is_file():
            raise PreflightError(f"there is no journal at {path} (no session has been recorded)")
    return url


def _list(journal: Journal, args: argparse.Namespace) -> int:
    integrity = Integrity(verify_journal(journal))
    rows = [row(r, integrity.of(r)) for r in journal.latest(max(1, args.limit))]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print(f"No records in {journal.where}.")
        return 0
    print(f"{'sealed (UTC)':20} {'staff':22} {'pupils':22} {'mode':6} {'verdict':8} ovr id")
    for r in rows:
        who = r["staff"] if r["kind"] == "preflight" else f"(Teams launch {r['launched_for'][:8]})"
        line = (
            f"{r['sealed_utc'][:19].replace('T', ' '):20} {who[:22]:22} {r['pupils'][:22]:22} "
            f"{r['mode'][:6]:6} {r['verdict'][:8]:8} {r['overrides']:>3} {r['record_id'][:8]}"
            + ("" if r["integrity"] == "verified" else f"  NOT INTACT: {r['integrity']}")
        )
        print(printable(line))
    return 0


def _one(journal: Journal, prefix: str) -> StoredRecord:
    found = journal.find(prefix)
    if not found:
        raise PreflightError(f"no record with id {prefix!r} in {journal.where}")
    if len(found) > 1:
        raise PreflightError(f"{prefix!r} matches several records; give more of the id")
    return found[0]


def _show(journal: Journal, args: argparse.Namespace) -> int:
    stored = _one(journal, args.id)
    integrity = Integrity(verify_journal(journal)).of(stored)
    if args.json:
        s = stored.sealed
        try:
            envelope = s.envelope
        except ValueError:
            envelope = None
        document = {
            "record": envelope,
            "hash": s.hash,
            "signature": s.signature,
            "integrity": integrity,
        }
        print(json.dumps(document, indent=2))
    else:
        sys.stdout.write(render(stored, integrity))
    return 0


def _verify(journal: Journal, args: argparse.Namespace) -> int:
    report = verify_journal(journal)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        for device in report.devices:
            if device.first_bad is None:
                print(f"device {device.device_id[:8]}: {device.records} record(s), intact")
            else:
                print(printable(f"NOT INTACT: {device.first_bad.line()}"))
        state = "intact" if report.intact else "NOT intact"
        print(
            f"{report.records} record(s) from {len(report.devices)} device(s) in "
            f"{journal.where}: {state}"
        )
    return 0 if report.intact else EXIT_FAIL


def _export(journal: Journal, args: argparse.Namespace, config: Config) -> int:
    from preflight.pdf import private_file
    from preflight.review.export import write_list_csv, write_list_pdf, write_record_pdf

    where = _filter(args)
    report = verify_journal(journal)
    if args.record:
        record_id = _one(journal, args.record).sealed.record_id
        if args.pdf:
            write_record_pdf(journal, record_id, Path(args.pdf), config.org.name, report)
            print(f"record {record_id} written to {args.pdf}")
            return 0
        where = None
    if args.pdf:
        count = write_list_pdf(journal, where or _everything(), Path(args.pdf), config.org.name,
                               report)  # fmt: skip
        print(f"{count} record(s) written to {args.pdf}")
        return 0
    path = Path(args.csv)
    if where is not None:
        count = write_list_csv(journal, where, path, report)
    else:  # every record, launches too, oldest first (or the one asked for)
        integrity = Integrity(report)
        with private_file(path, "w") as out, journal.snapshot() as conn:
            records = (
                r for r in journal.all_records(conn)
                if not args.record or r.sealed.record_id == record_id
            )  # fmt: skip
            count = write_csv((row(r, integrity.of(r)) for r in records), out)
    print(f"{count} record(s) written to {path}")
    return 0


def _everything() -> ReviewFilter:
    return ReviewFilter()


def _filter(args: argparse.Namespace) -> ReviewFilter | None:
    """The review filter the options ask for; None when none was given (everything)."""
    import datetime as dt

    def day(text: str | None, option: str) -> dt.date | None:
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise PreflightError(f"{option}: {text!r} is not a date like 2026-09-01") from None

    where = ReviewFilter(
        since=day(args.since, "--since"),
        until=day(args.until, "--until"),
        staff=args.staff or "",
        pupil=args.pupil or "",
        verdicts=frozenset(args.verdict or ()),
        check=args.check or "",
        overrides_only=args.overrides_only,
        mode=args.mode or "",
    )
    return None if where == ReviewFilter() else where


def _sync(config: Config) -> int:
    if not config.journal.central_url:
        raise PreflightError("no central journal is configured (journal.central_url)")
    with Journal.open(local_url(config), timeout_s=config.journal.timeout_s) as local:
        try:
            central = Journal.open(config.journal.central_url, timeout_s=config.journal.timeout_s)
        except JournalError as exc:
            raise JournalError(f"{len(local.pending())} record(s) stay queued: {exc}") from None
        with central:
            result = sync(local, central)
    where = describe_url(config.journal.central_url)
    if result.stopped is not None:
        raise JournalError(f"{where}: {result.line()}")
    print(f"{where}: {result.line()}")
    return EXIT_FAIL if result.conflicts else 0


def confirmation(args: argparse.Namespace, config: Config) -> int:
    """`preflight confirmation verify FILE` and `preflight confirmation write --record ID`."""
    from preflight.journal.confirmation import verify_confirmation, write_confirmation

    if args.action == "verify":
        path = Path(args.pdf)
        if not path.is_file():
            raise PreflightError(f"there is no file {path}")
        given = bool(args.journal or args.central)
        if given:
            with Journal.open(_chosen_url(args, config), timeout_s=config.journal.timeout_s,
                              read_only=True) as journal:  # fmt: skip
                found = verify_confirmation(path, journal)
        else:
            found = verify_confirmation(path)
        print(printable(
            f"GENUINE: signed by {found.signed_name} ({found.role}) for "
            f"{', '.join(found.pupils) or '-'} on {found.signed_utc}; record {found.record_id}"
        ))  # fmt: skip
        print(printable(f"  checks passed: {', '.join(found.passed) or 'none'}"))
        if found.not_passed:
            print(printable(f"  checks not passed: {', '.join(found.not_passed)}"))
        print(printable(f"  points confirmed: {', '.join(found.affirmed) or 'none'}"))
        for note in found.journal_notes:
            print(printable(f"  {note}"))
        if not given:
            print("  (give --central or --journal to look for the record in the school's journal)")
        return 0
    with Journal.open(_chosen_url(args, config), timeout_s=config.journal.timeout_s,
                      read_only=True) as journal:  # fmt: skip
        stored = _one(journal, args.record)
        key = journal.keys().get(stored.sealed.key_id)
        if key is None:
            raise PreflightError("the device key of this record is not in the journal")
        write_confirmation(stored.sealed, key.public_key, Path(args.pdf), config.org.name)
    print(f"confirmation of record {stored.sealed.record_id} written to {args.pdf}")
    return 0
