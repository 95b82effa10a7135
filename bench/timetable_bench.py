"""A sanity figure for the timetable: five years of weekly lessons, as Outlook exports them.

30 weekly series (6 lessons a day, Monday to Friday) from September 2022 to September 2027, each
with its half-term weeks cancelled (EXDATE) and one moved occurrence a term (RECURRENCE-ID), in
one .ics file with Outlook's Windows time zone. Measured: reading the file, and finding the
session for a moment (what the kiosk does when the session step opens), at random moments.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from preflight.policy import load_pack, shipped_packs  # noqa: E402
from preflight.timetable import load_timetable  # noqa: E402
from tests.session import ics_samples as ics  # noqa: E402

LONDON = ics.LONDON
FIRST_MONDAY = dt.date(2022, 9, 5)
YEARS = 5


def five_year_calendar() -> tuple[str, int]:
    events = []
    half_terms = [dt.date(2022 + y, m, d) for y in range(YEARS) for m, d in ((10, 25), (2, 14))]
    for weekday in range(5):
        for hour in range(9, 15):
            first = FIRST_MONDAY + dt.timedelta(days=weekday)
            uid = f"lesson-{weekday}-{hour}"
            exdates = []
            for start in half_terms:  # that week's lesson is off
                day = start + dt.timedelta(days=(weekday - start.weekday()) % 7)
                exdates.append(f"{day:%Y%m%d}T{hour:02d}0000")
            events.append(
                ics.teams_invite(
                    uid=uid,
                    start=f"{first:%Y%m%d}T{hour:02d}0000",
                    end=f"{first:%Y%m%d}T{hour:02d}4500",
                    rrule=f"FREQ=WEEKLY;UNTIL={first.year + YEARS}0901T000000Z",
                    exdates=tuple(exdates),
                )
            )
            for year in range(YEARS):  # one lesson a year moved by an hour
                day = first + dt.timedelta(weeks=52 * year + 20)
                events.append(
                    ics.moved_occurrence(
                        uid,
                        f"{day:%Y%m%d}T{hour:02d}0000",
                        f"{day:%Y%m%d}T{hour + 1:02d}0000",
                        f"{day:%Y%m%d}T{hour + 1:02d}4500",
                    )
                )
    return ics._outlook(*events), len(events)


def run(picks: int = 200, repeats: int = 3) -> dict[str, float]:
    text, components = five_year_calendar()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="pf-timetable-") as tmp:
        path = ics.write(Path(tmp), "five-years.ics", text)
        loads = []
        for _ in range(repeats):
            began = time.perf_counter()
            table = load_timetable(path, LONDON)
            loads.append(time.perf_counter() - began)
        pick_s, found = [], 0
        for _ in range(picks):
            day = FIRST_MONDAY + dt.timedelta(days=rng.randrange(365 * YEARS))
            at = dt.datetime.combine(day, dt.time(rng.randrange(8, 16), rng.choice((0, 5, 55))))
            began = time.perf_counter()
            event = table.pick(at.replace(tzinfo=LONDON), 20)
            pick_s.append(time.perf_counter() - began)
            found += event is not None
    pack_s = []
    for _ in range(repeats):
        began = time.perf_counter()
        for pack in shipped_packs():
            load_pack(pack)
        pack_s.append(time.perf_counter() - began)
    return {
        "file_kib": len(text.encode()) / 1024,
        "vevents": components,
        "load_ms": statistics.median(loads) * 1000,
        "pick_ms_median": statistics.median(pick_s) * 1000,
        "pick_ms_p95": sorted(pick_s)[int(0.95 * len(pick_s)) - 1] * 1000,
        "picks": picks,
        "picks_found": found,
        "packs_load_ms": statistics.median(pack_s) * 1000,
    }


def markdown(r: dict[str, float]) -> str:
    return (
        "**Timetable** (`bench/timetable_bench.py`): five years of weekly lessons "
        f"(30 series, {r['vevents']:.0f} VEVENTs with half-term EXDATEs and moved occurrences, "
        f"{r['file_kib']:.0f} KiB): reading the file {r['load_ms']:.0f} ms; finding the session "
        f"for a moment {r['pick_ms_median']:.0f} ms median, {r['pick_ms_p95']:.0f} ms p95 "
        f"({r['picks_found']:.0f} of {r['picks']:.0f} random school-day moments had one). "
        f"Loading and validating both policy packs: {r['packs_load_ms']:.0f} ms."
    )


if __name__ == "__main__":
    result = run()
    print(result)
    print(markdown(result))
