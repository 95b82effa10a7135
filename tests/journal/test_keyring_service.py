"""The test Secret Service (tests/keyring_service.py) through `keyring`, and how keyring fails.

The failure tests pin what preflight.journal.keys must catch: a dead keyring daemon and a locked
keyring raise keyring.errors.KeyringError subclasses, but a dead *bus* raises secretstorage's own
SecretServiceNotAvailableException, which is not one.
"""

from __future__ import annotations

import contextlib
import socket
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.SecretService
import keyring.errors
import pytest
import secretstorage
import secretstorage.exceptions

from tests.keyring_service import SecretService, use_backend

SERVICE = "preflight-test"


def stored_secrets(service: str, username: str) -> list[bytes]:
    """What gnome-keyring holds for keyring's (service, username), read without `keyring`."""
    with contextlib.closing(secretstorage.dbus_init()) as conn:
        collection = secretstorage.get_default_collection(conn)
        items = collection.search_items({"service": service, "username": username})
        return [item.get_secret() for item in items]


def test_keyring_sets_gets_and_deletes_a_password_in_the_secret_service(
    secret_service_env: dict[str, str],
) -> None:
    assert isinstance(keyring.get_keyring(), keyring.backends.SecretService.Keyring)
    assert keyring.get_password(SERVICE, "alice") is None

    keyring.set_password(SERVICE, "alice", "s3cret ключ")
    assert keyring.get_password(SERVICE, "alice") == "s3cret ключ"
    assert stored_secrets(SERVICE, "alice") == ["s3cret ключ".encode()]

    keyring.set_password(SERVICE, "alice", "replaced")  # replaces, never a second item
    assert stored_secrets(SERVICE, "alice") == [b"replaced"]

    keyring.delete_password(SERVICE, "alice")
    assert keyring.get_password(SERVICE, "alice") is None
    assert stored_secrets(SERVICE, "alice") == []
    with pytest.raises(keyring.errors.PasswordDeleteError):
        keyring.delete_password(SERVICE, "alice")


def test_entries_with_another_username_or_service_do_not_collide(
    secret_service_env: dict[str, str],
) -> None:
    entries = {
        (SERVICE, "signing-key/dev-a"): "key a",
        (SERVICE, "signing-key/dev-b"): "key b",  # same service, other username
        (f"{SERVICE}-other", "signing-key/dev-a"): "other service",  # same username
    }
    for (service, username), value in entries.items():
        keyring.set_password(service, username, value)
    for (service, username), value in entries.items():
        assert keyring.get_password(service, username) == value

    keyring.set_password(SERVICE, "signing-key/dev-a", "key a, rotated")
    keyring.delete_password(SERVICE, "signing-key/dev-b")
    assert keyring.get_password(SERVICE, "signing-key/dev-a") == "key a, rotated"
    assert keyring.get_password(SERVICE, "signing-key/dev-b") is None
    assert keyring.get_password(f"{SERVICE}-other", "signing-key/dev-a") == "other service"


def test_the_bus_is_a_socket_file_in_the_tests_own_temp_dir(
    secret_service_env: dict[str, str],
) -> None:
    # Never abstract or fixed: CI jobs sharing this network namespace must not see each other's.
    address = secret_service_env["DBUS_SESSION_BUS_ADDRESS"]
    assert address.startswith("unix:path=/")
    path = Path(address.removeprefix("unix:path="))
    assert stat.S_ISSOCK(path.stat().st_mode)
    assert Path(tempfile.gettempdir()) in path.parents
    assert set(secret_service_env) == {
        "DBUS_SESSION_BUS_ADDRESS",
        "HOME",
        "XDG_DATA_HOME",
        "XDG_RUNTIME_DIR",
    }


def test_two_services_are_separate_keyrings(
    secret_service_env: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keyring.set_password(SERVICE, "alice", "first service")
    other = SecretService(tmp_path_factory.mktemp("other-secret-service"))
    other.start()
    try:
        assert (
            other.env["DBUS_SESSION_BUS_ADDRESS"] != secret_service_env["DBUS_SESSION_BUS_ADDRESS"]
        )
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", other.env["DBUS_SESSION_BUS_ADDRESS"])
        assert keyring.get_password(SERVICE, "alice") is None
    finally:
        other.stop()


@pytest.mark.usefixtures("no_keyring")
def test_without_a_usable_keyring_every_call_raises_no_keyring_error() -> None:
    assert isinstance(keyring.get_keyring(), keyring.backends.fail.Keyring)
    with pytest.raises(keyring.errors.NoKeyringError):
        keyring.get_password(SERVICE, "alice")
    with pytest.raises(keyring.errors.NoKeyringError):
        keyring.set_password(SERVICE, "alice", "x")
    with pytest.raises(keyring.errors.NoKeyringError):
        keyring.delete_password(SERVICE, "alice")


def test_use_backend_restores_the_previous_backend() -> None:
    before = keyring.get_keyring()
    fail = keyring.backends.fail.Keyring()  # type: ignore[no-untyped-call]
    with use_backend(fail):
        assert keyring.get_keyring() is fail
    assert keyring.get_keyring() is before

    with contextlib.suppress(ZeroDivisionError), use_backend(fail):
        1 / 0  # noqa: B018
    assert keyring.get_keyring() is before


def test_a_killed_keyring_daemon_makes_keyring_raise_init_error(
    secret_service_daemons: SecretService, secret_service_env: dict[str, str]
) -> None:
    keyring.set_password(SERVICE, "alice", "kept")
    secret_service_daemons.kill_keyring_daemon()

    calls: dict[str, Callable[[], object]] = {
        "get": lambda: keyring.get_password(SERVICE, "alice"),
        "set": lambda: keyring.set_password(SERVICE, "alice", "new"),
        "delete": lambda: keyring.delete_password(SERVICE, "alice"),
    }
    for name, call in calls.items():
        with pytest.raises(keyring.errors.InitError, match=r"org\.freedesktop\.secrets") as caught:
            call()
        assert isinstance(caught.value, keyring.errors.KeyringError), name
        assert isinstance(
            caught.value.__cause__, secretstorage.exceptions.SecretServiceNotAvailableException
        ), name


def test_a_killed_bus_makes_keyring_raise_secretstorage_error_not_a_keyring_error(
    secret_service_daemons: SecretService, secret_service_env: dict[str, str]
) -> None:
    keyring.set_password(SERVICE, "alice", "kept")
    secret_service_daemons.kill_bus()

    # keyring's SecretService backend opens the bus outside its try/except, so this escapes
    # unwrapped: callers must catch more than keyring.errors.KeyringError.
    with pytest.raises(
        secretstorage.exceptions.SecretServiceNotAvailableException, match="Connection refused"
    ) as caught:
        keyring.get_password(SERVICE, "alice")
    assert not isinstance(caught.value, keyring.errors.KeyringError)
    with pytest.raises(secretstorage.exceptions.SecretServiceNotAvailableException):
        keyring.set_password(SERVICE, "alice", "new")


def test_no_session_bus_address_makes_keyring_raise_secretstorage_error(
    secret_service_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    with pytest.raises(
        secretstorage.exceptions.SecretServiceNotAvailableException,
        match="DBUS_SESSION_BUS_ADDRESS is unset",
    ):
        keyring.get_password(SERVICE, "alice")


def test_a_locked_keyring_makes_keyring_raise_keyring_locked_without_waiting(
    secret_service_daemons: SecretService, secret_service_env: dict[str, str]
) -> None:
    keyring.set_password(SERVICE, "alice", "kept")
    secret_service_daemons.lock()

    # keyring asks to unlock; gnome-keyring finds no prompter on the test bus and dismisses it.
    with pytest.raises(keyring.errors.KeyringLocked):
        keyring.get_password(SERVICE, "alice")
    with pytest.raises(keyring.errors.KeyringLocked):
        keyring.set_password(SERVICE, "alice", "new")


def test_stop_ends_both_daemons(secret_service_daemons: SecretService) -> None:
    address = secret_service_daemons.env["DBUS_SESSION_BUS_ADDRESS"]
    secret_service_daemons.stop()
    with (
        socket.socket(socket.AF_UNIX) as sock,
        pytest.raises((ConnectionRefusedError, FileNotFoundError)),
    ):
        sock.connect(address.removeprefix("unix:path="))
