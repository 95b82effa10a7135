"""The review window on 100,000 records: open time and filter time, on a local SQLite journal and
on a central PostgreSQL server, with the GUI thread watched as in the kiosk bench.

A journal of 100,000 generated preflights (and their Teams launches) is sealed with real keys
(tests/review/journal_gen.py); the real window (offscreen platform) signs nothing, it only reads.
Measured: window created → record count and first page shown ("open"); a filter typed → its
count and first page shown ("filter"), for four filters; the whole journal's verification (on a
worker thread, while the list is already usable); and the GUI thread's stalls meanwhile (a 5 ms
timer, each late tick a stall).

    .venv/bin/python bench/review_bench.py [RECORDS [sqlite|postgresql ...]]
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import save  # noqa: E402

TICK_MS = 5.0


@contextlib.contextmanager
def _journal_url(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'journal.sqlite3'}"
        return
    from tests.pgserver import postgres_server

    with postgres_server() as server:
        name = f"bench_{uuid.uuid4().hex[:8]}"
        yield server.create_database(name)


def run_backend(backend: str, records: int) -> dict[str, object]:
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from preflight.config import load_config
    from preflight.journal.store import Journal
    from preflight.review.access import Reviewer
    from tests.review.journal_gen import generate
    from ui.app import configure_runtime
    from ui.review_window import ReviewWindow

    configure_runtime()  # as the review app does (1 ms thread switches)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp(prefix="pf-review-bench-"))
    os.environ["PREFLIGHT_DATA_DIR"] = str(tmp / "data")
    config_file = tmp / "school.toml"
    config_file.write_text('[org]\nname = "Oakfield Primary School"\n')
    config = load_config(config_file)
    with _journal_url(backend, tmp) as url:
        started = time.perf_counter()
        with Journal.open(url) as journal:
            generate(journal, records, seed=99, batch=5000)
        generated_s = time.perf_counter() - started

        stalls: list[float] = []
        clock = QElapsedTimer()
        last = [0.0]
        phase = ["open"]  # what the window was doing: where a long stall happened
        long_stalls: list[tuple[str, float]] = []
        # Python's cycle collections over 20 ms (any thread; they hold the interpreter lock).
        gc_started = [0.0]
        long_collections: list[tuple[str, int, float]] = []

        def on_gc(stage: str, info: dict[str, int]) -> None:
            if stage == "start":
                gc_started[0] = time.perf_counter()
            elif (took := (time.perf_counter() - gc_started[0]) * 1000) > 20:
                long_collections.append((phase[0], info["generation"], round(took, 1)))

        gc.callbacks.append(on_gc)

        def tick() -> None:
            now = clock.nsecsElapsed() / 1e6
            stalls.append(max(0.0, now - last[0] - TICK_MS))
            if stalls[-1] > 50:
                long_stalls.append((phase[0], round(stalls[-1], 1)))
            last[0] = now

        timer = QTimer()
        timer.setInterval(int(TICK_MS))
        timer.timeout.connect(tick)
        clock.start()
        timer.start()

        def wait(done: Callable[[], bool], limit_s: float = 300) -> None:
            end = time.monotonic() + limit_s
            while not done():
                if time.monotonic() > end:
                    raise RuntimeError("the review window did not answer in time")
                app.processEvents()
                time.sleep(0.001)

        reviewer = Reviewer("bench", "Bench Reviewer", "dsl", "")
        opened = time.perf_counter()
        window = ReviewWindow(config, reviewer, url, backend)
        window.resize(1400, 860)
        window.show()
        # Stalls are counted from here: building the window's widgets is the GUI's own work.
        stalls.clear()
        last[0] = clock.nsecsElapsed() / 1e6
        wait(lambda: window.model.total > 0 and len(window.model.rows) > 0)
        open_s = time.perf_counter() - opened
        open_stalls = list(stalls)
        phase[0] = "verifying"
        wait(lambda: window.report is not None)
        verified_s = time.perf_counter() - opened

        filters: dict[str, Callable[[], None]] = {
            "staff name": lambda: window.staff.setText("hopper"),
            "pupil name": lambda: window.pupil.setText("priya"),
            "blocked verdicts": lambda: window.verdict_boxes["fail"].setChecked(True),
            "overrides only": lambda: window.overrides_only.setChecked(True),
        }
        filter_s: dict[str, float] = {}
        matches: dict[str, int] = {}
        for name, apply in filters.items():
            window.staff.clear()  # one filter at a time, on the whole journal
            window.pupil.clear()
            window.verdict_boxes["fail"].setChecked(False)
            window.overrides_only.setChecked(False)
            before = window.generation
            phase[0] = f"filter: {name}"
            asked = time.perf_counter()
            apply()
            window._debounce.stop()  # the typing pause is the reviewer's, not the query's
            window.apply_filter()
            wait(lambda b=before: window.generation > b and len(window.model.rows) > 0
                 and window.count_label.text().endswith("match"))  # fmt: skip
            filter_s[name] = time.perf_counter() - asked
            matches[name] = window.model.total
        phase[0] = "closing"
        window.close()
        app.processEvents()
        timer.stop()
        gc.callbacks.remove(on_gc)
        ticks = sorted(stalls)
    shutil.rmtree(tmp, ignore_errors=True)  # the 100,000-record journal is ~0.5 GB
    return {
        "backend": backend,
        "records": records,
        "generate_s": generated_s,
        "open_s": open_s,
        "verify_s": verified_s,
        "filter_s": filter_s,
        "filter_matches": matches,
        "stall_ms_max": ticks[-1],
        "stall_ms_p99": ticks[int(0.99 * len(ticks))],
        "stall_ms_median": statistics.median(ticks),
        "stalls_over_50ms": sum(1 for s in ticks if s > 50),
        "ticks": len(ticks),
        "open_stall_ms_max": max(open_stalls, default=0.0),
        "stalls_over_50ms_where": long_stalls,
        "collections_over_20ms": long_collections,
    }


def markdown(results: list[dict[str, object]]) -> str:
    lines = [
        "| review window, 100,000 records (`bench/review_bench.py`) | "
        + " | ".join(str(r["backend"]) for r in results)
        + " |",
        "|---|" + "---|" * len(results),
        "| open: count and first page shown | "
        + " | ".join(f"{r['open_s']:.2f} s" for r in results)
        + " |",
    ]
    names = list(results[0]["filter_s"])  # type: ignore[call-overload]
    for name in names:
        lines.append(f"| filter by {name}: count and first page | " + " | ".join(
            f"{r['filter_s'][name]:.2f} s ({r['filter_matches'][name]} match)"  # type: ignore[index]
            for r in results) + " |")  # fmt: skip
    lines.append("| every signature and chain link verified (worker thread) | " + " | ".join(
        f"{r['verify_s']:.1f} s" for r in results) + " |")  # fmt: skip
    lines.append("| GUI thread stall, median / p99 / max | " + " | ".join(
        f"{r['stall_ms_median']:.1f} / {r['stall_ms_p99']:.1f} / {r['stall_ms_max']:.1f} ms"
        for r in results) + " |")  # fmt: skip
    lines.append("| stalls over 50 ms | " + " | ".join(
        f"{r['stalls_over_50ms']} of {r['ticks']}" for r in results) + " |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    backends = sys.argv[2:] or ["sqlite", "postgresql"]
    outcome = [run_backend(b, count) for b in backends]
    save("review.json", {"runs": outcome})
    print(markdown(outcome))
