"""Fixtures for the journal tests: a real PostgreSQL server, fresh databases."""

from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from collections.abc import Iterator

import psycopg
import pytest

from tests.pgserver import PostgresServer, postgres_server


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
