"""Shared fixtures: every test runs with its own data dir and no user config."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_user_files(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Never touch the real user's files: a fresh data dir, config dir and no PREFLIGHT_CONFIG."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("PREFLIGHT_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "share"))
    monkeypatch.delenv("PREFLIGHT_CONFIG", raising=False)
    monkeypatch.delenv("PREFLIGHT_MODELS_DIR", raising=False)
    return home
