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
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from preflight.config import load_config
    from ui.kiosk_window import KioskWindow
    from ui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    if dark:
        app.styleHints().setColorScheme(Qt.ColorScheme.Dark)
    apply_theme(app)
    window = KioskWindow(load_config(config_path), camera=camera, desktop_checks=True)
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

    shot("1-who")
    window.next.click()
    window.session.pupils.setText("Sam Patel")
    window.session.link.setText("https://zoom.us/j/123456")
    window.next.click()
    shot("2-session-refused")
    window.session.link.setText(
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0"
    )
    window.next.click()
    pump(1.5)
    shot("3-scan-live")
    deadline = time.monotonic() + 120
    while window._scanning and time.monotonic() < deadline:
        pump(0.1)
    shot("3-scan-done")
    window.close()
    pump(0.5)


if __name__ == "__main__":
    main(
        ROOT / "docs" / "screenshots",
        sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "assets" / "demo" / "room.mp4"),
        os.environ.get("SHOT_SCALE"),
        os.environ.get("SHOT_DARK") == "1",
    )
