"""Shared fixtures: every test runs with its own data dir and no user config."""

from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.pgserver import PostgresServer, postgres_server

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


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the whole session (initdb once), on a unix socket only.

    Tests may stop(), start() or kill() it; pg_url's teardown starts it again if they left it down.
    Where it cannot start: skipped, except on CI (CI=true), where the tests fail with the reason.
    """
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(postgres_server())
        except (RuntimeError, OSError, subprocess.SubprocessError, psycopg.Error) as exc:
            reason = f"no PostgreSQL test server: {exc}"
            if os.environ.get("CI") == "true":
                pytest.fail(reason, pytrace=False)
            pytest.skip(reason)
        yield server


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    """The SQLAlchemy URL (psycopg 3, unix socket) of a fresh empty database, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = pg_server.create_database(name)
    yield url
    if not pg_server.running:
        pg_server.start()
    pg_server.drop_database(name)
