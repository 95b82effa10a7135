"""Fixtures for the journal tests: a real keyring (PostgreSQL fixtures are in tests/conftest.py)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator

import pytest

from tests import keyring_service
from tests.keyring_service import SecretService


@pytest.fixture
def secret_service_daemons(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretService]:
    """A private D-Bus session bus + gnome-keyring-daemon for this test only (~0.05 s to start).

    Its unlocked "login" keyring starts empty. Mostly used through secret_service_env; ask for this
    too to lock() the keyring or kill_keyring_daemon() / kill_bus() mid-test.
    Where the daemons cannot start: skipped, except on CI (CI=true), where the test fails.
    """
    with contextlib.ExitStack() as stack:
        try:
            service = stack.enter_context(
                keyring_service.running_secret_service(tmp_path_factory.mktemp("secret-service"))
            )
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            reason = f"no Secret Service for the keyring tests: {exc}"
            if os.environ.get("CI") == "true":
                pytest.fail(reason, pytrace=False)
            pytest.skip(reason)
        yield service


@pytest.fixture
def secret_service_env(
    secret_service_daemons: SecretService, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """`keyring` in this process uses secret_service_daemons' Secret Service for the test.

    Sets its variables (DBUS_SESSION_BUS_ADDRESS, HOME, XDG_DATA_HOME, XDG_RUNTIME_DIR) and yields
    them; afterwards the previous keyring backend and environment come back.
    """
    # Save the backend before the environment changes, so a first-time detection sees the old one.
    with keyring_service.use_secret_service():
        for key, value in secret_service_daemons.env.items():
            monkeypatch.setenv(key, value)
        yield dict(secret_service_daemons.env)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """No usable keyring for the test: every `keyring` call raises keyring.errors.NoKeyringError."""
    with keyring_service.no_keyring():
        yield
