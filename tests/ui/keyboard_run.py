"""The real app, driven by keyboard on a real X11 display, with a screenshot of every step.

Starts `python main.py --camera <clip>` on Xvfb + openbox, types into it with xdotool (keys go
through the X server, as a person's would), grabs the screen after each step, and stands in for
the desktop's URL opener only: a fake `xdg-open` on PATH writes down the link it was given.
Used by tests/ui/test_app_x11.py and by `python tests/ui/keyboard_run.py [OUT_DIR]` to refresh
docs/screenshots/.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from preflight.attestation import items_for  # noqa: E402
from preflight.config import load_config  # noqa: E402
from preflight.policy import pack_in_force  # noqa: E402
from tests.desktop.xsession import x_session  # noqa: E402
from tests.session.ics_samples import JOIN, lesson_now  # noqa: E402

#: The join link of the timetabled lesson, which the kiosk opens at the end.
TEAMS_LINK = JOIN


@dataclass
class KeyboardRun:
    screenshots: list[Path]
    opened_urls: list[str]
    data_dir: Path
    stderr: str
    returncode: int | None


def run(camera: str, out: Path, work: Path, *, desktop: bool = False) -> KeyboardRun:
    from PIL import ImageGrab

    out.mkdir(parents=True, exist_ok=True)
    bin_dir = work / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    opened = work / "opened.txt"
    opener = bin_dir / "xdg-open"
    opener.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{opened}"\n')
    opener.chmod(0o755)
    config = work / "school.toml"
    # A timetable with a lesson starting now: the session step fills itself in from it.
    config.write_text(
        lesson_now(work)
        + '[staff]\nname = "Grace Hopper"\nemail = "grace.hopper@oakfield.sch.uk"\n'
        "[journal]\nallow_file_key = true\n"
    )
    pack = pack_in_force(load_config(config))
    confirmations = len(items_for("staff", pack.items(), "staff"))
    data = work / "data"
    shots: list[Path] = []
    with x_session(window_manager=True, size="1280x800x24") as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "PREFLIGHT_DATA_DIR": str(data),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        args = [sys.executable, "main.py", "--config", str(config), "--camera", camera]
        if not desktop:
            args.append("--no-desktop")
        app = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip

        def xdo(*words: str) -> str:
            done = subprocess.run(["xdotool", *words], env=env, capture_output=True, text=True,
                                  check=False)  # fmt: skip
            return done.stdout

        def keys(*names: str) -> None:
            for name in names:
                xdo("key", "--clearmodifiers", name)
                time.sleep(0.15)

        def type_text(text: str) -> None:
            xdo("type", "--delay", "30", text)
            time.sleep(0.2)

        def shot(name: str, settle_s: float = 0.8) -> None:
            time.sleep(settle_s)
            path = out / f"{name}.png"
            ImageGrab.grab(xdisplay=display).save(path)
            shots.append(path)

        try:
            deadline = time.monotonic() + 60
            window = ""
            while time.monotonic() < deadline and app.poll() is None and not window:
                window = xdo("search", "--name", "Session Preflight").split("\n")[0]
                time.sleep(0.2)
            if not window:
                raise RuntimeError("the kiosk window did not appear")
            xdo("windowactivate", "--sync", window)
            xdo("windowsize", "--sync", window, "1280", "800")
            time.sleep(1.0)
            shot("1-who")
            keys("alt+c")  # Continue (name and email come from the config)
            shot("2-session", 2.0)  # pupils, times and link filled in from the timetable
            keys("Return")  # starts the scan
            shot("3-scan-live", 1.5)
            time.sleep(8 if desktop else 5)
            shot("3-scan-done")
            keys("alt+c")
            for _ in range(confirmations):  # each confirmation: tick it, then on to the next
                keys("space", "Tab")
            shot("4-confirm")
            keys("alt+c")
            type_text("Grace Hopper")
            shot("5-sign")
            keys("Return")  # sign and record
            shot("6-recorded", 1.5)
            keys("alt+o")  # Open Teams
            shot("7-ready", 1.5)
        finally:
            app.terminate()
            try:
                _, err = app.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                app.kill()
                _, err = app.communicate()
    urls = opened.read_text().split() if opened.exists() else []
    return KeyboardRun(shots, urls, data, err, app.returncode)


if __name__ == "__main__":
    from tests.scenes import PersonSpec, SceneSpec, build_scene
    from tests.scenes.builder import save_frames

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots" / "x11"
    with tempfile.TemporaryDirectory(prefix="pf-keys-") as tmp:
        frames, _ = build_scene(
            SceneSpec(seed=5, people=(PersonSpec("astronaut", 180, (640, 420)),), seconds=3.0,
                      desk=False)
        )  # fmt: skip
        save_frames(frames, Path(tmp) / "clip")
        result = run(str(Path(tmp) / "clip"), target, Path(tmp) / "work")
        print("screenshots:", *result.screenshots, sep="\n  ")
        print("opened:", result.opened_urls)
