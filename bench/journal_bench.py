"""The journal: sealing and committing a record, verifying a journal, sending to a central one.

Real parts: SQLite in WAL mode with full sync on this disk, Ed25519 signatures, RFC 8785, and a
throwaway PostgreSQL server on a unix socket for the central journal. Records are realistic
preflights (tests/journal/factory.py): four checks, a reduced finding each, two attestations.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from preflight.journal.recorder import Recorder  # noqa: E402
from preflight.journal.store import Journal  # noqa: E402
from preflight.journal.sync import sync  # noqa: E402
from preflight.journal.verify import verify_journal  # noqa: E402
from tests.journal.factory import device_key, fill_fast, preflight, sqlite_journal  # noqa: E402
from tests.pgserver import postgres_server  # noqa: E402


def verify_large(records: int = 100_000) -> dict[str, float]:
    """`verify` over a big journal: two devices, sealed in batches (no disk sync per record)."""
    with tempfile.TemporaryDirectory(prefix="pf-journal-big-") as tmp:
        with sqlite_journal(Path(tmp)) as journal:
            for _ in range(2):
                fill_fast(journal, device_key(), records // 2)
        runs = []
        for _ in range(3):
            with Journal.open(f"sqlite:///{Path(tmp) / 'journal.sqlite3'}", read_only=True) as j:
                start = time.perf_counter()
                report = verify_journal(j)
                runs.append(time.perf_counter() - start)
            if not report.intact or report.records != records:
                raise RuntimeError(f"the big journal does not verify: {report.to_dict()}")
    return {
        "records": records,
        "verify_s_median": statistics.median(runs),
        "verify_s_max": max(runs),
    }


def run(records: int = 5000) -> dict[str, float]:
    payloads = [
        preflight(i, verdict_fail=i % 3 == 2, overridden=i % 3 == 2).payload() for i in range(50)
    ]
    with tempfile.TemporaryDirectory(prefix="pf-journal-") as tmp, postgres_server() as server:
        local = sqlite_journal(Path(tmp))
        recorder = Recorder(local, device_key(), queue_for_central=True)
        times = []
        for i in range(records):
            start = time.perf_counter()
            recorder.append(payloads[i % len(payloads)])
            times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        report = verify_journal(local)
        verify_s = time.perf_counter() - start
        if not report.intact or report.records != records:
            raise RuntimeError(f"the benchmark journal does not verify: {report.to_dict()}")
        central = Journal.open(server.create_database("bench"))
        start = time.perf_counter()
        result = sync(local, central)
        sync_s = time.perf_counter() - start
        if result.sent != records or result.pending:
            raise RuntimeError(f"sync did not send every record: {result.line()}")
        size = (Path(tmp) / "journal.sqlite3").stat().st_size
        central.close()
        local.close()
    return {
        "records": records,
        "append_ms_median": statistics.median(times),
        "append_ms_p95": sorted(times)[int(0.95 * len(times))],
        "verify_ms_per_record": verify_s * 1000 / records,
        "sync_ms_per_record": sync_s * 1000 / records,
        "bytes_per_record": size / records,
    }


def markdown(r: dict[str, float], big: dict[str, float] | None = None) -> str:
    extra = (
        []
        if big is None
        else [
            f"| verify {big['records']:,.0f} records (two devices), median of 3 (slowest) | "
            f"{big['verify_s_median']:.1f} s ({big['verify_s_max']:.1f} s) |"
        ]
    )
    return "\n".join(
        [
            f"| journal ({r['records']:.0f} records, SQLite WAL + full sync; central PostgreSQL) | |",
            "|---|---|",
            f"| seal and commit one record, median (p95) | {r['append_ms_median']:.1f} ms "
            f"({r['append_ms_p95']:.1f} ms) |",
            f"| verify, per record (signature, hash, chain) | {r['verify_ms_per_record']:.2f} ms |",
            f"| sync to the central journal, per record | {r['sync_ms_per_record']:.1f} ms |",
            f"| journal size per record | {r['bytes_per_record'] / 1024:.1f} KiB |",
            *extra,
        ]
    )


if __name__ == "__main__":
    outcome = run(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
    print(markdown(outcome, verify_large()))
