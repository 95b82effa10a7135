"""Kiosk tests: real widgets on Qt's offscreen platform (one test starts the app under Xvfb)."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Before any QApplication exists (pytest-qt makes one on first use).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from preflight.config import Config, load_config
from tests.scenes import PersonSpec, SceneSpec, build_scene
from tests.scenes.builder import save_frames

TEAMS_LINK = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0"


@pytest.fixture(autouse=True)
def collect_windows_on_the_gui_thread() -> Iterator[None]:
    """A closed window and the lambdas its buttons are connected to form reference cycles. If a
    worker thread's garbage collection freed them, Qt objects would be destroyed off the GUI
    thread (a segmentation fault, seen once on CI). Collect them here, on the GUI thread, after
    pytest-qt has closed each test's widgets."""
    yield
    gc.collect()


@pytest.fixture(scope="session")
def clean_room(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds of a clean room with one person (no desk page): every camera check passes."""
    frames, _ = build_scene(
        SceneSpec(
            seed=5, people=(PersonSpec("astronaut", 180, (640, 420)),), seconds=2.0, desk=False
        )
    )
    folder = tmp_path_factory.mktemp("clean-room")
    save_frames(frames, folder)
    return folder


@pytest.fixture(scope="session")
def poster_room(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds of a room with a poster on the wall: readable text, no personal data (a warning)."""
    from tests.scenes.props import PropSpec

    poster = PropSpec("document", "poster", (930, 330), 420, surface="wall", seed=2)
    frames, _ = build_scene(
        SceneSpec(seed=7, people=(PersonSpec("grace_hopper", 170, (420, 400)),), props=(poster,),
                  desk_page=False, room=1, seconds=2.0)
    )  # fmt: skip
    folder = tmp_path_factory.mktemp("poster-room")
    save_frames(frames, folder)
    return folder


@pytest.fixture
def school(tmp_path: Path) -> Callable[..., Config]:
    """The school's config; a file key, since these tests have no keyring."""

    def make(*, overrides: bool = False, extra: str = "") -> Config:
        path = tmp_path / "school.toml"
        path.write_text(
            '[org]\nname = "Oakfield Primary School"\n'
            '[staff]\nname = "Grace Hopper"\nemail = "grace.hopper@oakfield.sch.uk"\n'
            "[journal]\nallow_file_key = true\n"
            f"[kiosk]\nallow_overrides = {'true' if overrides else 'false'}\n" + extra
        )
        return load_config(path)

    return make


@pytest.fixture
def open_kiosk(qtbot: Any, school: Callable[..., Config]) -> Iterator[Callable[..., Any]]:
    """Open a kiosk window on a camera source (desktop checks left out: no display here);
    every window made is closed, its threads joined, afterwards."""
    from ui.kiosk_window import KioskWindow

    made: list[KioskWindow] = []

    def open_window(camera: str | Path, *, overrides: bool = False, **kwargs: Any) -> KioskWindow:
        # The session checks have their own tests (test_kiosk_session.py) with a timetable.
        kwargs.setdefault("session_checks", False)
        window = KioskWindow(
            school(overrides=overrides), camera=str(camera), desktop_checks=False, **kwargs
        )
        made.append(window)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        return window

    yield open_window
    for window in made:
        window.kiosk = False
        window.close()
