"""Drive the kiosk through every step on a scene and save a screenshot of each (docs/screenshots).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/kiosk_screenshots.py [CAMERA]
    (SHOT_SCALE=2 for 200 % scaling, SHOT_DARK=1 for the dark palette)

Uses a throwaway data folder and a file key, so it never touches a real journal.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def clean_room(folder: Path) -> str:
    """A clean room with one person (the test scenes' builder): every camera check passes."""
    from tests.scenes import PersonSpec, SceneSpec, build_scene
    from tests.scenes.builder import save_frames

    frames, _ = build_scene(
        SceneSpec(
            seed=5, people=(PersonSpec("astronaut", 180, (640, 420)),), seconds=3.0, desk=False
        )
    )
    save_frames(frames, folder)
    return str(folder)


def main(out: Path, camera: str, scale: str | None = None, dark: bool = False) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pf-shots-"))
    os.environ["PREFLIGHT_DATA_DIR"] = str(tmp / "data")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    if scale:
        os.environ["QT_SCALE_FACTOR"] = scale
    config_path = tmp / "school.toml"
    config_path.write_text(
        '[org]\nname = "Oakfield Primary School"\n'
        '[staff]\nname = "Grace Hopper"\nemail = "grace.hopper@oakfield.sch.uk"\n'
        "[journal]\nallow_file_key = true\n[kiosk]\nallow_overrides = true\n"
    )
    from PySide6.QtWidgets import QApplication

    from preflight.config import load_config
    from ui import theme
    from ui.kiosk_window import KioskWindow
    from ui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    theme.forced_scheme = "dark" if dark else "light"
    apply_theme(app)
    clean = camera == "clean"
    if clean:
        camera = clean_room(tmp / "clean")
    window = KioskWindow(load_config(config_path), camera=camera, desktop_checks=not clean)
    window.resize(1280, 800)
    window.show()
    out.mkdir(parents=True, exist_ok=True)
    suffix = ("-dark" if dark else "") + (f"-x{scale}" if scale else "")

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)

    def shot(name: str) -> None:
        pump(0.3)
        window.grab().save(str(out / f"{name}{suffix}.png"))

    if not clean:
        shot("1-who")
    window.next.click()
    window.session.pupils.setText("Sam Patel")
    window.session.link.setText("https://zoom.us/j/123456")
    window.next.click()
    if not clean:
        shot("2-session-refused")
    window.session.link.setText(
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0"
    )
    window.next.click()
    pump(1.5)
    if not clean:
        shot("3-scan-live")
    deadline = time.monotonic() + 120
    while window._scanning and time.monotonic() < deadline:
        pump(0.1)
    shot("3-scan-clean" if clean else "3-scan-blocked")
    if clean and window.next.isEnabled():
        window.next.click()
        boxes = list(window.attest.items.values())
        for box in boxes[:3]:
            box.setChecked(True)
        shot("4-confirm")
        for box in boxes:
            box.setChecked(True)
        window.next.click()
        window.sign.name.setText("Grace Hopper")
        shot("5-sign")
        window.sign.sign.click()
        deadline = time.monotonic() + 30
        while window.index != 5 and time.monotonic() < deadline:
            pump(0.1)
        shot("6-launch")
    window.close()
    pump(0.5)


if __name__ == "__main__":
    main(
        ROOT / "docs" / "screenshots",
        sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "assets" / "demo" / "room.mp4"),
        os.environ.get("SHOT_SCALE"),
        os.environ.get("SHOT_DARK") == "1",
    )
