"""GNOME settings for tests and benchmarks: real `gsettings` writing a keyfile in a temporary HOME
(GSETTINGS_BACKEND=keyfile), so nothing of the machine's own desktop is read or changed."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

BACKGROUND = "org.gnome.desktop.background"


def gnome_problem() -> str:
    """Why real gsettings cannot be used here, or "" when it can."""
    if shutil.which("gsettings") is None:
        return "gsettings is not installed (Debian: libglib2.0-bin)"
    probe = subprocess.run(
        ["gsettings", "list-keys", BACKGROUND], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        return f"the {BACKGROUND} schema is missing (gsettings-desktop-schemas)"
    return ""


def gnome_env(root: Path) -> dict[str, str]:
    """An environment where `gsettings` reads and writes a keyfile under root/home, nothing else."""
    home = root / "home"
    (home / ".config").mkdir(parents=True, exist_ok=True)
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GSETTINGS_BACKEND": "keyfile",
        "XDG_CURRENT_DESKTOP": "GNOME",
    }
    for passed in ("XDG_DATA_DIRS", "GSETTINGS_SCHEMA_DIR"):  # where the schemas are
        if passed in os.environ:
            env[passed] = os.environ[passed]
    return env


def gsettings_set(env: Mapping[str, str], schema: str, key: str, value: str) -> None:
    subprocess.run(["gsettings", "set", schema, key, value], env=env, check=True, timeout=30)


def set_wallpaper(env: Mapping[str, str], picture: Path | None) -> None:
    """The same picture for light and dark mode, or (None) a plain colour."""
    gsettings_set(env, BACKGROUND, "picture-options", "'zoom'" if picture else "'none'")
    if picture is not None:
        gsettings_set(env, BACKGROUND, "picture-uri", picture.as_uri())
        gsettings_set(env, BACKGROUND, "picture-uri-dark", picture.as_uri())
