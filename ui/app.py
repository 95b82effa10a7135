"""Start the kiosk: `python main.py [--kiosk] [--camera SPEC | --demo] [--config FILE]`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from preflight.config import load_config, resolve_config_path
from preflight.errors import PreflightError
from ui import theme
from ui.kiosk_window import ADMIN_EXIT, DEMO_SCENE, KioskWindow
from ui.theme import apply_theme


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="preflight-kiosk", description="The staff preflight.")
    parser.add_argument(
        "--config", help="configuration file (default: $PREFLIGHT_CONFIG or the user file)"
    )
    parser.add_argument(
        "--kiosk",
        action="store_true",
        help=f"full screen, no window frame; Esc does not leave ({ADMIN_EXIT} does)",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--camera", help="camera:N, a video or a folder of images (default from config)"
    )
    source.add_argument(
        "--demo", action="store_true", help="use the demo scene instead of a camera"
    )
    parser.add_argument("--no-desktop", action="store_true", help="leave out the desktop checks")
    parser.add_argument(
        "--mode",
        choices=("staff", "home"),
        default="staff",
        help="staff: before a lesson; home: a parent's set-up check on the pupil's device",
    )
    parser.add_argument(
        "--theme", choices=("system", "light", "dark"), default="system", help="colour scheme"
    )
    return parser.parse_args(list(argv))


def configure_runtime() -> None:
    """Settings of the Python runtime the window needs to stay responsive.

    The camera analysis, the capture and the desktop checks run on worker threads, and Python
    lets one thread run at a time: by default a busy thread keeps the lock for 5 ms slices, so
    with three of them the window can wait tens of milliseconds. 1 ms slices keep it smooth.
    """
    sys.setswitchinterval(0.001)


def start_qt(prog: str, name: str, scheme: str, headless_hint: str) -> QApplication | None:
    """The application object, themed and with the runtime settings the windows need; None (and
    a one-line reason on stderr) where there is no display to show a window on."""
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        print(f"{prog}: no display here (DISPLAY is not set): start it from the desktop "
              f"session; {headless_hint}", file=sys.stderr)  # fmt: skip
        return None
    configure_runtime()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(name)
    theme.forced_scheme = None if scheme == "system" else scheme
    apply_theme(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: apply_theme(app))
    return app


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    app = start_qt("preflight-kiosk", "Session Preflight", args.theme,
                   "`preflight check` runs the same checks on the command line")  # fmt: skip
    if app is None:
        return 2
    try:
        config = load_config(args.config)
    except PreflightError as exc:
        QMessageBox.critical(None, "Session Preflight", f"The configuration cannot be used:\n{exc}")
        print(f"preflight-kiosk: {exc}", file=sys.stderr)
        return exc.exit_code
    logo = None
    if config.org.logo:
        base = resolve_config_path(args.config)
        logo = Path(config.org.logo)
        if not logo.is_absolute() and base is not None:
            logo = base.parent / logo
    try:
        window = KioskWindow(
            config,
            camera=str(DEMO_SCENE) if args.demo else args.camera,
            desktop_checks=not args.no_desktop,
            kiosk=args.kiosk,
            logo=logo,
            mode=args.mode,
        )
    except PreflightError as exc:  # the policy pack in force cannot be used
        QMessageBox.critical(None, "Session Preflight", f"The policy cannot be used:\n{exc}")
        print(f"preflight-kiosk: {exc}", file=sys.stderr)
        return exc.exit_code
    if args.kiosk:
        window.showFullScreen()
    else:
        window.resize(1280, 800)
        window.show()
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
