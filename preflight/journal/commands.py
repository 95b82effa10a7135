"""`preflight log list | show | verify | export | sync`: the journal from the command line. No Qt.

Exit codes: 0 done (verify: intact), 2 usage error or a journal that does not exist, 3 verify
found a record that is not intact, 4 the journal cannot be opened or read.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import sqlalchemy as sa

from preflight.config import Config
from preflight.errors import EXIT_ERROR, EXIT_FAIL, PreflightError
from preflight.journal import local_url
from preflight.journal.store import Journal, StoredRecord, describe_url
from preflight.journal.sync import sync
from preflight.journal.verify import verify_journal
from preflight.journal.views import Integrity, render, row, write_csv


def run(args: argparse.Namespace, config: Config) -> int:
    if args.action == "sync":
        return _sync(config)
    url = _chosen_url(args, config)
    with Journal.open(url, timeout_s=config.journal.timeout_s) as journal:
        if args.action == "list":
            return _list(journal, args)
        if args.action == "show":
            return _show(journal, args)
        if args.action == "verify":
            return _verify(journal, args)
        return _export(journal, Path(args.csv))


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
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise PreflightError(f"journal address {url!r} is not a database URL") from None
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
        print(
            f"{r['sealed_utc'][:19].replace('T', ' '):20} {who[:22]:22} {r['pupils'][:22]:22} "
            f"{r['mode'][:6]:6} {r['verdict'][:8]:8} {r['overrides']:>3} {r['record_id'][:8]}"
            + ("" if r["integrity"] == "verified" else f"  NOT INTACT: {r['integrity']}")
        )
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
                print(f"NOT INTACT: {device.first_bad.line()}")
        state = "intact" if report.intact else "NOT intact"
        print(
            f"{report.records} record(s) from {len(report.devices)} device(s) in "
            f"{journal.where}: {state}"
        )
    return 0 if report.intact else EXIT_FAIL


def _export(journal: Journal, path: Path) -> int:
    integrity = Integrity(verify_journal(journal))
    rows = (row(r, integrity.of(r)) for r in journal.all_records())
    tmp = path.with_name(f".{path.name}.part")
    try:
        with tmp.open("w", newline="", encoding="utf-8") as out:
            count = write_csv(rows, out)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PreflightError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"{count} record(s) written to {path}")
    return 0


def _sync(config: Config) -> int:
    if not config.journal.central_url:
        raise PreflightError("no central journal is configured (journal.central_url)")
    local_path = local_url(config)
    with Journal.open(local_path, timeout_s=config.journal.timeout_s) as local:
        try:
            central = Journal.open(config.journal.central_url, timeout_s=config.journal.timeout_s)
        except PreflightError as exc:
            queued = len(local.pending())
            print(f"{queued} record(s) queued; central journal not reachable: {exc}")
            return exc.exit_code
        with central:
            result = sync(local, central)
    print(f"{describe_url(config.journal.central_url)}: {result.line()}")
    if result.stopped is not None:
        return EXIT_ERROR
    return EXIT_FAIL if result.conflicts else 0
