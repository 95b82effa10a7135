"""`preflight desktop` end to end in a real subprocess on a real X11 desktop."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema

from tests.desktop.gnome import set_wallpaper
from tests.desktop.xwindows import WindowSpec, XWindows, wait_for_titles
from tests.test_cli import SCHEMA, run


def _desktop_env(gnome_env: dict[str, str], display: str | None) -> dict[str, str]:
    env = gnome_env
    set_wallpaper(env, None)
    env = {
        k: v for k, v in {**os.environ, **env}.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    env["XDG_SESSION_TYPE"] = "x11"
    if display:
        env["DISPLAY"] = display
    return env


def test_a_zoom_window_fails_the_desktop_and_the_json_follows_the_schema(
    wm_display: str, gnome_env: dict[str, str]
) -> None:
    env = _desktop_env(gnome_env, wm_display)
    with XWindows(wm_display) as windows:
        windows.open(WindowSpec("Zoom Meeting", ("zoom", "zoom")))
        wait_for_titles(wm_display, ["Zoom Meeting"])
        done = run("desktop", "--json", env=env)
    assert done.returncode == 3, done.stderr
    report = json.loads(done.stdout)
    jsonschema.validate(report, SCHEMA)
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["desktop.windows"] == "fail"
    assert statuses["desktop.wallpaper"] == "pass"  # a plain colour
    assert statuses["desktop.screen"] == "pass"
    assert set(statuses) == {
        "desktop.windows",
        "desktop.tabs",
        "desktop.wallpaper",
        "desktop.screen",
    }
    assert "Zoom Meeting" not in done.stdout  # the app's name, never its title


def test_text_output_and_only(wm_display: str, gnome_env: dict[str, str]) -> None:
    done = run(
        "desktop",
        "--only",
        "windows",
        "--only",
        "wallpaper",
        env=_desktop_env(gnome_env, wm_display),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "desktop.windows" in done.stdout and "desktop.wallpaper" in done.stdout
    assert "desktop.screen" not in done.stdout


def test_with_no_desktop_the_checks_are_errors_and_the_exit_code_says_so(
    gnome_env: dict[str, str],
) -> None:
    done = run(
        "desktop",
        "--json",
        "--only",
        "windows",
        "--only",
        "screen",
        env=_desktop_env(gnome_env, None),
    )
    assert done.returncode == 4
    report = json.loads(done.stdout)
    assert [c["status"] for c in report["checks"]] == ["error", "error"]
    assert all("DISPLAY is not set" in c["summary"] for c in report["checks"])


def test_a_broken_school_catalogue_is_a_one_line_usage_error(
    tmp_path: Path, gnome_env: dict[str, str]
) -> None:
    bad = tmp_path / "catalogue.toml"
    bad.write_text("[[entry]\n")
    config = tmp_path / "school.toml"
    config.write_text(f'[checks.desktop]\nextra_catalogues = ["{bad}"]\n')
    done = run("--config", str(config), "desktop", env=_desktop_env(gnome_env, None))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "not valid TOML" in done.stderr
