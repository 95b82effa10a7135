"""Whole `preflight scan` of the 3-second demo clip: wall time as a user sees it.

Measures the command end to end in a fresh process (start-up, model loading, decoding, analysis,
report) and, separately, the scan inside one process once the models are loaded.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from preflight.config import load_config  # noqa: E402
from preflight.frames import open_source  # noqa: E402
from preflight.scan import CameraAnalyzer, ScanFinished, ScanOptions, run_scan  # noqa: E402

DEMO = ROOT / "assets" / "demo" / "room.mp4"


def run(repeats: int = 5) -> dict[str, float]:
    command = [sys.executable, "-m", "preflight", "scan", str(DEMO), "--json", "--seconds", "3"]
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
        walls.append(time.perf_counter() - start)
    options = ScanOptions.from_config(load_config(), "staff", seconds=3.0)
    in_process = []
    with CameraAnalyzer(options) as analyzer:
        for _ in range(repeats):
            start = time.perf_counter()
            with open_source(str(DEMO), fps=options.fps, seconds=3.0) as source:
                for event in run_scan(source, analyzer):
                    if isinstance(event, ScanFinished):
                        break
            in_process.append(time.perf_counter() - start)
    return {
        "command_wall_s_median": statistics.median(walls),
        "command_wall_s_max": max(walls),
        "scan_in_process_s_median": statistics.median(in_process),
    }


def markdown(result: dict[str, float]) -> str:
    return "\n".join([
        "| `preflight scan` of a 3 s clip (45 frames) | seconds |",
        "|---|---|",
        f"| whole command, fresh process, median (max) | {result['command_wall_s_median']:.2f} "
        f"({result['command_wall_s_max']:.2f}) |",
        f"| scan only, models already loaded, median | {result['scan_in_process_s_median']:.2f} |",
    ])  # fmt: skip


if __name__ == "__main__":
    print(markdown(run()))
