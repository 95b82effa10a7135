"""`make bench`: every benchmark, one after another, with a Markdown summary for the README.

Run it on an otherwise idle machine: the timings are wall-clock.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import camera_bench
import desktop_bench
import documents_bench
import journal_bench
import kiosk_stall_bench
import review_bench
import scan_timing
import screen_bench
import timetable_bench

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clips", type=int, default=120, help="held-out camera clips")
    args = parser.parse_args()
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    camera = camera_bench.run(args.clips, camera_bench.HELD_OUT_SEED)
    (out / "camera.json").write_text(json.dumps(camera, indent=2, default=float))
    docs = documents_bench.run(args.clips, documents_bench.HELD_OUT_SEED, naive_frames=20)
    (out / "documents.json").write_text(json.dumps(docs, indent=2, default=float))
    timing = scan_timing.run()
    (out / "scan_timing.json").write_text(json.dumps(timing, indent=2))
    desktop = desktop_bench.run()
    (out / "desktop.json").write_text(json.dumps(desktop, indent=2))
    screen = screen_bench.run(60, screen_bench.HELD_OUT_SEED)
    (out / "screen.json").write_text(json.dumps(screen, indent=2, default=float))
    kiosk_run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "kiosk_stall_bench.py"), "5", "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    kiosk = json.loads(kiosk_run.stdout.strip().splitlines()[-1])
    (out / "kiosk.json").write_text(json.dumps(kiosk, indent=2))
    journal = journal_bench.run()
    journal_big = journal_bench.verify_large()
    (out / "journal.json").write_text(json.dumps({**journal, "large": journal_big}, indent=2))
    timetable = timetable_bench.run()
    (out / "timetable.json").write_text(json.dumps(timetable, indent=2))
    review = [review_bench.run_backend(b, 100_000) for b in ("sqlite", "postgresql")]
    (out / "review.json").write_text(json.dumps({"runs": review}, indent=2))
    header = (
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {platform.machine()}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{len(os.sched_getaffinity(0))} cores."
    )
    text = "\n\n".join(
        [
            header,
            camera_bench.markdown(camera["summary"]),  # type: ignore[arg-type]
            documents_bench.markdown(docs["summary"]),  # type: ignore[arg-type]
            scan_timing.markdown(timing),
            desktop_bench.markdown(desktop),
            screen_bench.markdown(screen["summary"]),  # type: ignore[arg-type]
            kiosk_stall_bench.markdown(kiosk),
            journal_bench.markdown(journal, journal_big),
            timetable_bench.markdown(timetable),
            review_bench.markdown(review),
        ]
    )  # type: ignore[arg-type]
    (out / "summary.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    sys.exit(main())
