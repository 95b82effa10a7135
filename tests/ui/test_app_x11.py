"""The real app on a real X11 display (Xvfb + openbox): the xcb platform plugin loads and the
window opens. Offscreen tests cannot show a missing xcb library; this one does."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT
from tests.desktop.xsession import x_session


def _window_ids(display: str, name: str) -> list[str]:
    found = subprocess.run(
        ["xdotool", "search", "--name", name],
        env={**os.environ, "DISPLAY": display}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return found.stdout.split()


def test_main_py_opens_the_kiosk_window_under_x11(tmp_path: Path) -> None:
    config = tmp_path / "school.toml"
    config.write_text('[org]\nname = "Oakfield Primary School"\n')
    with x_session(window_manager=True) as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "QT_DEBUG_PLUGINS": "0",
        }
        app = subprocess.Popen(
            [sys.executable, "main.py", "--config", str(config), "--demo", "--no-desktop"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            ids: list[str] = []
            while time.monotonic() < deadline and app.poll() is None and not ids:
                ids = _window_ids(display, "Session Preflight - Oakfield Primary School")
                time.sleep(0.2)
            alive = app.poll() is None
        finally:
            app.terminate()
            _, err = app.communicate(timeout=30)
    assert alive, f"the app exited under X11: {err[-1500:]}"
    assert ids, f"no kiosk window appeared: {err[-1500:]}"
    assert "could not load the Qt platform plugin" not in err


def test_without_a_display_it_says_so_in_one_line() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    done = subprocess.run(
        [sys.executable, "main.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "no display" in done.stderr


def test_the_whole_flow_by_keyboard_in_the_real_app(tmp_path: Path, clean_room: Path) -> None:
    from preflight.journal.store import Journal
    from preflight.journal.verify import verify_journal
    from tests.session.ics_samples import JOIN
    from tests.ui.keyboard_run import run

    result = run(str(clean_room), tmp_path / "shots", tmp_path / "work")
    assert "could not load the Qt platform plugin" not in result.stderr
    assert [p.name for p in result.screenshots] == [
        "1-who.png", "2-session.png", "3-scan-live.png", "3-scan-done.png",
        "4-confirm.png", "5-sign.png", "6-recorded.png", "7-ready.png",
    ]  # fmt: skip
    # The desktop's URL opener got exactly the meeting link (Qt capitalises percent-escapes).
    # It is the timetabled lesson's link: the session step was filled in from the timetable.
    assert result.opened_urls == [re.sub(r"%[0-9a-f]{2}", lambda m: m[0].upper(), JOIN)]
    with Journal.open(
        f"sqlite:///{result.data_dir / 'journal.sqlite3'}", read_only=True
    ) as journal:
        assert verify_journal(journal).intact
        with journal.snapshot() as conn:
            payloads = [r.sealed.payload for r in journal.all_records(conn)]
    assert [p["kind"] for p in payloads] == ["preflight", "launch"]
    record = payloads[0]
    assert record["cleared"] and record["policy"]["id"] == "tces-distance-learning"
    assert record["session"]["pupils"] == ["Joe Bloggs", "Amara Okafor"]
    statuses = {c["id"]: c["status"] for c in record["checks"]}
    assert statuses["session.schedule"] == "pass" and statuses["session.invite"] == "pass"
